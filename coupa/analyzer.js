// The page analyser: it waits in the page until it can tell what the page
// shows, then describes it. page.go runs it with the options o and decides
// the outcome from the description (judge.go); nothing here is a verdict.
//
// It waits until one of these: a password form; a known not-found text in
// the title, an h1 or an error region of a page with no PO markers;
// attachments that stayed put for o.settleFound; the empty list's text; or
// a page that is ready, shows nothing loading and has been quiet for
// o.settleReady ("settled"). At the latest after o.maxMS ("timeout" when
// something still shows it is loading). Collapsed attachment panels are
// opened on the way. The page's same-origin frames count as the page.
// With o.early it returns as soon as attachments show ("early"): a first
// look for starting their downloads, to be followed by a full run.
async (o) => {
  const rx = (s) => new RegExp(s, "iu");
  const notFoundRe = rx(o.notFound), emptyRe = rx(o.empty), sectionRe = rx(o.section),
    loadingRe = rx(o.loading), fileRe = rx(o.file), fileEndRe = rx(o.fileEnd), wordRe = rx(o.words),
    uploadRe = rx(o.upload), downloadRe = rx(o.download), supLabelRe = rx(o.supplierLabel),
    reqTextRe = rx(o.requisitionText);
  const idRe = o.id ? new RegExp("(^|\\D)" + o.id + "(\\D|$)") : null;
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
  const headingSel = "h1, h2, h3, h4, h5, h6, [role=heading]";
  const labelSel = headingSel + ", legend, summary, caption, th, dt, label, button, [role=tab], [role=button], " +
    "[aria-expanded], .panel-title, .panel-heading, .section-title, .card-header, .card-title, .title, strong, b, span, div, p, a";
  const interactiveSel = "a[href], button, input[type=button], input[type=submit], [role=button], [role=link], " +
    "[role=menuitem], [onclick], [tabindex], [download], .associated-file";
  const neverItem = "script, style, noscript, template, head, title, select, option, textarea, input[type=file], " +
    "input[type=hidden], h1, h2, h3, h4, h5, h6, [role=heading], legend, summary, caption, th, label";
  const rowSel = "li, tr, [role=row], [role=listitem], dd";
  const start = performance.now();
  let last = start, foundAt = 0, loadingSeen = false, decidedMS = 0;
  let onChange = () => {};
  const observer = new MutationObserver(() => { last = performance.now(); onChange(); });
  const observed = new WeakSet();
  const toggled = new WeakSet();
  const opened = [];

  // The page and its same-origin frames; new ones are observed too.
  const docs = () => {
    const out = [document];
    for (let i = 0; i < out.length; i++) {
      for (const f of out[i].querySelectorAll("iframe, frame")) {
        let d = null;
        try { d = f.contentDocument; } catch (e) {}
        if (d && d.documentElement && !out.includes(d)) out.push(d);
      }
    }
    for (const d of out) {
      if (!observed.has(d)) {
        observed.add(d);
        observer.observe(d, {childList: true, subtree: true, attributes: true, characterData: true});
        last = performance.now();
      }
    }
    return out;
  };
  const query = (d, sel) => { try { return Array.from(d.querySelectorAll(sel)); } catch (e) { return []; } };
  const queryAll = (ds, sels) => sels.flatMap((s) => ds.flatMap((d) => query(d, s)));
  const describeEl = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    const cls = norm(typeof el.className === "string" ? el.className : "");
    if (cls) s += "." + cls.split(" ").slice(0, 2).join(".");
    const t = norm(el.textContent);
    if (t) return s + " " + JSON.stringify(short(t, 40));
    const inner = el.querySelector("*");
    return inner && inner.tagName ? s + " (no text; holds " + describeEl(inner) + ")" : s + " (no text)";
  };
  const labels = (el) => ["download", "title", "aria-label", "data-filename", "data-file-name", "data-name"]
    .map((a) => [a, norm(el.getAttribute(a))]).filter(([, v]) => v);
  const isInteractive = (el) => el.matches(interactiveSel);
  const isSectionLabel = (s) => s.length <= 60 && sectionRe.test(s);
  const isUpload = (el) => {
    if (el.matches("input[type=file], [class*=upload i], [id*=upload i], [class*=dropzone i]")) return true;
    if (!isInteractive(el)) return false;
    return [norm(el.textContent), ...labels(el).map(([, v]) => v)].some((s) => s && uploadRe.test(s));
  };

  // Attachment sections: containers, and the content under a heading
  // whose text names attachments (in the languages of o.section).
  const sectionsOf = (d) => {
    const out = [];
    for (const c of query(d, o.containerSel)) out.push({roots: [c], heading: null, how: "container " + describeEl(c).split(" ")[0]});
    for (const h of query(d, labelSel)) {
      // A label holds little: skip big containers before reading their text.
      if (h.children.length > 3) continue;
      const t = norm(h.textContent);
      if (!isSectionLabel(t) && !isSectionLabel(norm(h.getAttribute("aria-label")))) continue;
      if (h.querySelector(labelSel + ", ul, ol, table") && !h.matches("summary, button, [role=button], [aria-expanded]")) continue;
      const roots = outermost(rootsOf(h));
      if (roots.length) out.push({roots, heading: h, how: "heading " + JSON.stringify(short(t || norm(h.getAttribute("aria-label")), 40))});
    }
    return out;
  };
  const outermost = (els) => els.filter((e, i) => els.indexOf(e) === i && !els.some((x) => x !== e && x.contains(e)));
  const rootsOf = (h) => {
    const d = h.ownerDocument;
    if (h.tagName === "SUMMARY" && h.parentElement && h.parentElement.tagName === "DETAILS") return [h.parentElement];
    if (h.tagName === "CAPTION" || h.tagName === "TH") { const t = h.closest("table"); if (t) return [t]; }
    const roots = [];
    for (const id of norm(h.getAttribute("aria-controls")).split(" ").filter(Boolean)) {
      const e = d.getElementById(id);
      if (e) roots.push(e);
    }
    let anchor = h, c = h.parentElement;
    while (c && c.parentElement && c.children.length === 1 && c !== d.body) { anchor = c; c = c.parentElement; }
    const tooWide = !c || c === d.body || c === d.documentElement || c.matches("main, [role=main], form, #content") ||
      query(c, headingSel).some((x) => x !== h && !x.contains(h) && !h.contains(x) && !isSectionLabel(norm(x.textContent)));
    if (!tooWide) { roots.push(c); return roots; }
    for (let s = anchor.nextElementSibling; s; s = s.nextElementSibling) {
      if (s.matches(headingSel) || s.querySelector(headingSel)) break;
      roots.push(s);
    }
    return roots;
  };
  const sections = (ds) => {
    let all = ds.flatMap(sectionsOf);
    // A section inside another is part of it.
    all = all.filter((s) => !all.some((o2) => o2 !== s && s.roots.every((r) => o2.roots.some((r2) => r2 !== r && r2.contains(r)))));
    const seen = new Set();
    const out = [];
    for (const s of all) {
      const key = s.roots[0];
      if (seen.has(key) || out.some((p) => s.roots.every((r) => inSection(p, r)))) continue;
      seen.add(key);
      // A same-origin frame inside a section holds its content.
      for (const r of s.roots.slice()) {
        for (const f of query(r, "iframe, frame")) {
          let fd = null;
          try { fd = f.contentDocument; } catch (e) {}
          if (fd && fd.body) { s.roots.push(fd.body); s.frame = true; }
        }
      }
      out.push(s);
    }
    return out;
  };
  const inSection = (sec, el) => sec.roots.some((r) => r === el || r.contains(el));
  const inHeading = (sec, el) => sec.heading && (sec.heading === el || sec.heading.contains(el));
  const excluded = (el) => el.matches(neverItem) || !!el.closest("thead, template, [aria-hidden=true]") || isUpload(el);

  // nameOf is what names el as a file: an attribute, or its text.
  const nameOf = (el) => {
    for (const [a, v] of labels(el)) {
      if (isSectionLabel(v)) continue;
      if (fileRe.test(v) || fileEndRe.test(v) || wordRe.test(v)) return {name: v, by: a};
    }
    const t = norm(el.textContent);
    if (t && t.length <= 300 && !isSectionLabel(t)) {
      if (fileRe.test(t) || fileEndRe.test(t)) return {name: t, by: "text"};
      if (isInteractive(el) && wordRe.test(t)) return {name: t, by: "text"};
    }
    return null;
  };
  const fetchable = (el) => {
    const a = el.closest("a[href]");
    if (!a) return "";
    const raw = a.getAttribute("href") || "";
    if (/^\s*(#|javascript:)/i.test(raw) || !/^https?:/i.test(a.href)) return "";
    return a.href;
  };

  // Items of one section: the innermost element that names each file; a
  // row whose name is plain text but which has a download control gets
  // that control.
  const sectionItems = (sec) => {
    const named = [];
    for (const root of sec.roots) {
      for (const el of [root, ...root.querySelectorAll("*")]) {
        if (inHeading(sec, el) || excluded(el)) continue;
        const n = nameOf(el);
        if (n) named.push({el, ...n});
      }
    }
    let inner = named.filter((n) => !named.some((m) => m.el !== n.el && n.el.contains(m.el)));
    const rowOf = (el) => { const r = el.closest(rowSel); return r && inSection(sec, r) ? r : null; };
    const active = (n) => isInteractive(n.el) || !!n.el.closest(interactiveSel) && inSection(sec, n.el.closest(interactiveSel));
    // In a row that has an active item, plain-text names are its labels.
    inner = inner.filter((n) => {
      const r = rowOf(n.el);
      return !r || active(n) || !inner.some((m) => m !== n && active(m) && rowOf(m.el) === r);
    });
    return inner.map((n) => {
      let target = n.el;
      if (!active(n)) {
        const r = rowOf(n.el);
        const control = r && Array.from(r.querySelectorAll(interactiveSel)).find((c) => !excluded(c) &&
          [norm(c.textContent), ...labels(c).map(([, v]) => v)].some((s) => s && downloadRe.test(s)));
        if (control) target = control;
      }
      return {el: target, name: n.name, by: "section, " + n.by};
    });
  };

  // Unknown items: rows of a section that hold no attachment, and, when
  // the section has no attachment at all, anything else it shows.
  const unknownIn = (sec, items, empties) => {
    const skip = (el) => inHeading(sec, el) || excluded(el) || empties.some((e) => e === el || e.contains(el) || el.contains(e)) ||
      items.some((i) => i.el === el || i.el.contains(el) || el.contains(i.el)) || loadingText(el);
    const out = [];
    for (const root of sec.roots) {
      for (const r of root.querySelectorAll(rowSel)) {
        if (skip(r) || r.querySelector("th") && !r.querySelector("td")) continue;
        if (!norm(r.textContent) && !r.querySelector("img, svg, canvas, [style*=background]") && !hasArea(r)) continue;
        out.push(r);
      }
    }
    if (items.length === 0 && out.length === 0) {
      for (const root of sec.roots) {
        for (const el of root.querySelectorAll("*")) {
          if (el.children.length > 0 || skip(el) || el.closest(rowSel)) continue;
          if (el.matches("br, hr, wbr, meta, link")) continue;
          if (norm(el.textContent) || el.matches("img, svg, canvas, video, object, embed") || hasArea(el)) out.push(el);
        }
      }
    }
    return out.filter((el) => !out.some((p) => p !== el && p.contains(el)));
  };
  const hasArea = (el) => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1; };
  const loadingText = (el) => { const t = norm(el.textContent); return t.length > 0 && t.length <= 40 && loadingRe.test(t); };

  // Elements that show an empty list's text: inside an attachments
  // section when the page has one (another panel's "No files" says nothing
  // about attachments), anywhere when it has none; and whatever matches
  // the operator's empty selectors.
  const emptiesIn = (ds, secs) => {
    const out = queryAll(ds, o.emptySel);
    for (const d of ds) {
      for (const el of query(d, "p, span, div, li, td, em, i, small, strong")) {
        if (el.children.length === 0 && emptyRe.test(norm(el.textContent)) &&
          (secs.length === 0 || secs.some((s) => inSection(s, el)))) out.push(el);
      }
    }
    return out;
  };

  const scan = () => {
    const ds = docs();
    const secs = sections(ds);
    const empties = emptiesIn(ds, secs);
    // Items: what sections show as files, then the marked elements of the
    // whole page (built-in and the operator's selectors).
    const items = [];
    const add = (el, name, by) => {
      if (items.some((i) => i.el === el)) return;
      items.push({el, name, by});
    };
    for (const s of secs) for (const it of sectionItems(s)) add(it.el, it.name, it.by);
    const marked = [];
    for (const [sels, by] of [[o.markers, "marker"], [o.attSel, "selector"]]) {
      for (const sel of sels) {
        for (const d of ds) {
          for (const el of query(d, sel)) {
            if (by === "marker" && (excluded(el) || labels(el).some(([, v]) => isSectionLabel(v)))) continue;
            marked.push({el, by: by + " " + sel});
          }
        }
      }
    }
    for (const m of marked) {
      const el = m.el;
      if (items.some((i) => i.el === el || el.contains(i.el) && !fetchable(el) || i.el.contains(el))) continue;
      // An element without a URL that holds other marked elements is their container.
      if (!fetchable(el) && marked.some((x) => x.el !== el && el.contains(x.el))) continue;
      const n = nameOf(el);
      add(el, n ? n.name : norm(el.getAttribute("download") || el.textContent || el.getAttribute("title") || el.getAttribute("aria-label")), m.by);
    }
    let unknown = [];
    for (const s of secs) unknown = unknown.concat(unknownIn(s, items.filter((i) => inSection(s, i.el)), empties));
    const busyIn = (roots) => roots.some((r) => r.matches("[aria-busy=true]") || !!r.querySelector("[aria-busy=true]") ||
      Array.from(r.querySelectorAll(".spinner, [class*=spinner i]")).some(hasArea) ||
      Array.from(r.querySelectorAll("*")).some((el) => el.children.length === 0 && loadingText(el) && hasArea(el)));
    const loading = secs.length ? secs.some((s) => busyIn(s.roots)) : ds.some((d) => !!d.querySelector("[aria-busy=true]"));
    const finished = secs.some((s) => s.roots.some((r) => r.matches("[aria-busy=false]") || r.querySelector("[aria-busy=false]")));
    // Collapsed attachment panels, to open.
    const collapsed = [];
    for (const d of ds) {
      for (const t of query(d, "[aria-expanded=false], details:not([open]) > summary")) {
        const label = norm(t.textContent) || norm(t.getAttribute("aria-label"));
        if (isSectionLabel(label) && !toggled.has(t)) collapsed.push(t);
      }
    }
    // Errors.
    const regions = [];
    for (const el of queryAll(ds, o.errSel)) {
      const t = norm(el.textContent);
      if (t) regions.push(t);
    }
    const h1s = ds.flatMap((d) => query(d, "h1")).map((h) => norm(h.textContent));
    let knownError = "", knownWhere = "";
    for (const [where, texts] of [["title", [norm(document.title)]], ["h1", h1s], ["error region", regions]]) {
      const t = texts.find((x) => x && x.length <= 300 && notFoundRe.test(x));
      if (t && !knownError) { knownError = t; knownWhere = where; }
    }
    const heading = !!idRe && [norm(document.title), ...ds.flatMap((d) => query(d, "h1, h2, [role=heading]")).map((h) => norm(h.textContent))]
      .some((t) => t.length <= 200 && idRe.test(t));
    return {ds, secs, items, empties, unknown, loading, finished, collapsed, regions, knownError, knownWhere, heading,
      ready: ds.every((d) => d.readyState === "complete"), password: ds.some((d) => !!d.querySelector("#user_password, input[type=password]"))};
  };

  const supplierOf = (ds) => {
    for (const [sels, from] of [[o.supSel, "selector"], [o.supMarkers, "marker"]]) {
      for (const sel of sels) {
        for (const el of queryAll(ds, [sel])) {
          const v = norm(el.getAttribute("data-supplier-name") || el.textContent);
          if (v && v.length <= 200) return [v, from + " " + sel];
        }
      }
    }
    for (const d of ds) {
      for (const el of query(d, "span, label, dt, th, td, div, strong, b, p, em")) {
        if (el.children.length > 2) continue;
        const t = norm(el.textContent);
        if (!t || t.length > 40 || !supLabelRe.test(t)) continue;
        const v = valueNextTo(el);
        if (v) return [v, "label " + JSON.stringify(t)];
      }
    }
    return ["", ""];
  };
  const valueOf = (el) => {
    if (!el) return "";
    const v = norm(el.matches("input, select, textarea") ? el.value : el.textContent);
    return v && v.length <= 200 && !supLabelRe.test(v) && /[\p{L}\p{N}]/u.test(v) ? v : "";
  };
  const valueNextTo = (el) => {
    const d = el.ownerDocument;
    if (el.matches("label[for]")) { const v = valueOf(d.getElementById(el.getAttribute("for"))); if (v) return v; }
    if (el.tagName === "TH") {
      const row = el.parentElement;
      const td = Array.from(row.children).find((c) => c.tagName === "TD");
      if (td) return valueOf(td);
      const next = row.nextElementSibling || (row.parentElement.nextElementSibling && row.parentElement.nextElementSibling.querySelector("tr"));
      if (next) return valueOf(next.children[Array.from(row.children).indexOf(el)]);
    }
    // Text right after the label in the same parent ("Supplier: Acme").
    for (let n = el.nextSibling; n && n.nodeType === Node.TEXT_NODE; n = n.nextSibling) {
      const v = norm(n.textContent).replace(/^[:\-–]\s*/, "");
      if (v && /[\p{L}\p{N}]/u.test(v)) return v.length <= 200 ? v : "";
    }
    for (let e = el, up = 0; e && up < 3; e = e.parentElement, up++) {
      for (let s = e.nextElementSibling; s; s = s.nextElementSibling) {
        const v = valueOf(s);
        if (v) return v;
        if (norm(s.textContent).replace(/[:\-–\s]/g, "")) break;
      }
      if (e.parentElement && Array.from(e.parentElement.children).filter((c) => norm(c.textContent)).length > 1) break;
    }
    return "";
  };

  const describe = (outcome, st, note) => {
    const links = [];
    let n = 0;
    const seen = new Set();
    for (const it of st.items) {
      const href = fetchable(it.el);
      if (href && seen.has(href)) continue;
      if (href) seen.add(href);
      let click = "";
      if (!href) {
        n++;
        it.el.setAttribute("data-coupatui-att", String(n));
        click = '[data-coupatui-att="' + n + '"]';
      }
      const names = [it.name, ...labels(it.el).map(([, v]) => v), href].join(" ");
      links.push({Href: href, Click: click, Text: short(norm(it.name), 300), PDF: /\.pdf\b/i.test(names),
        By: it.by, Frame: it.el.ownerDocument !== document});
    }
    const [supplier, supplierFrom] = supplierOf(st.ds);
    let req = "";
    for (const d of st.ds) {
      const a = query(d, o.reqSel)[0] || query(d, "a[href]").find((x) => reqTextRe.test(norm(x.textContent)) && /^https?:/i.test(x.href));
      if (a) { req = a.href; break; }
    }
    const sec = st.secs[0];
    return {Outcome: outcome, Note: note || "", Ready: st.ready, Password: st.password,
      Title: short(norm(document.title), 200), Heading: st.heading,
      KnownError: short(st.knownError, 300), KnownErrorIn: st.knownWhere, ErrorRegion: short(st.regions[0] || "", 300),
      Section: sec ? sec.how : "", Sections: st.secs.length, SectionInFrame: st.secs.some((s) => !!s.frame),
      SectionFinished: st.finished || loadingSeen && !st.loading, Opened: opened,
      Loading: st.loading, Empty: st.empties.length ? short(norm(st.empties[0].textContent) || describeEl(st.empties[0]), 100) : "",
      Links: links, Unknown: st.unknown.slice(0, 5).map(describeEl), UnknownCount: st.unknown.length,
      Supplier: supplier, SupplierFrom: supplierFrom, Requisition: req, WaitedMS: performance.now() - start,
      DecidedMS: decidedMS};
  };

  return await new Promise((resolve) => {
    let poll = 0, wake = 0, queued = 0, done = false, st = null, scannedAt = -1, checkedAt = -Infinity;
    const finish = (outcome, note) => {
      if (done) return;
      done = true;
      decidedMS = performance.now() - start;
      clearInterval(poll);
      clearTimeout(wake);
      clearTimeout(queued);
      document.removeEventListener("readystatechange", soon);
      observer.disconnect();
      try {
        resolve(describe(outcome, st || scan(), note));
      } catch (e) {
        resolve({Outcome: "script", Note: String(e && e.message || e), Links: [], Opened: [], Unknown: []});
      }
    };
    const check = () => {
      if (done) return;
      try {
        const now = performance.now();
        checkedAt = now;
        if (!st || last > scannedAt || !st.ready) { scannedAt = now; st = scan(); }
        if (st.loading) loadingSeen = true;
        if (st.password) return finish("signin");
        if (st.knownError && !st.heading && st.items.length === 0 && st.secs.length === 0) return finish("error");
        for (const t of st.collapsed) {
          toggled.add(t);
          opened.push(short(norm(t.textContent) || norm(t.getAttribute("aria-label")), 60));
          if (t.tagName === "SUMMARY") t.parentElement.open = true;
          else {
            const win = t.ownerDocument.defaultView || window;
            const at = {bubbles: true, cancelable: true, view: win, button: 0};
            t.dispatchEvent(new (win.PointerEvent || win.MouseEvent)("pointerdown", at));
            t.dispatchEvent(new win.MouseEvent("mousedown", at));
            t.dispatchEvent(new win.MouseEvent("mouseup", at));
            t.click();
          }
          last = performance.now();
        }
        if (st.collapsed.length) { st.collapsed = []; return; }
        if (st.items.length > 0 && !st.loading) {
          if (o.early) return finish("early");
          if (!foundAt) foundAt = now;
          if (now - Math.max(foundAt, last) >= o.settleFound) return finish("found");
        } else if (st.empties.length > 0 && !st.loading) {
          return finish("empty");
        } else if (st.ready && !st.loading && now - last >= o.settleReady) {
          return finish("settled");
        }
        if (now - start >= o.maxMS) return finish(st.items.length > 0 ? "found" : st.loading ? "timeout" : "settled");
        // Wake up when the window that would decide ends, if nothing
        // changes before.
        let next = start + o.maxMS;
        if (st.items.length > 0 && !st.loading) next = Math.min(next, Math.max(foundAt, last) + o.settleFound);
        else if (st.ready && !st.loading) next = Math.min(next, last + o.settleReady);
        clearTimeout(wake);
        wake = setTimeout(check, Math.max(0, next - performance.now()));
      } catch (e) {
        finish("script", String(e && e.message || e));
      }
    };
    // The check runs when the page changes (at most once per o.minGapMS
    // while it keeps changing), when a window it waits for ends, and every
    // o.pollMS in any case, for what changes no node (a frame's
    // readyState, a spinner's layout).
    const soon = () => {
      if (done || queued) return;
      queued = setTimeout(() => { queued = 0; check(); }, Math.max(0, checkedAt + o.minGapMS - performance.now()));
    };
    onChange = soon;
    document.addEventListener("readystatechange", soon);
    poll = setInterval(check, o.pollMS);
    check();
  });
}
