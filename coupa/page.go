package coupa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"coupatui/browser"
)

// The markers of DESIGN.md "What Coupa pages look like".
const (
	attachmentSelector = `a[href*="attachment" i], a[href*="download" i], a[download], ` +
		`[aria-label*="attachment" i], [title*="attachment" i]`
	errorSelector    = `div.flash_error, div.flash-error, div#error_explanation, .flash_error, .flash-error, #error_explanation`
	supplierSelector = `span[data-supplier-name], [class*='supplier-name'], .supplier-info span, [data-testid*='supplier']`
	requisitionLink  = `a[href*="requisition_headers/"]`
	// settleAfterReady is how long the DOM must stay quiet, once the page is
	// ready and shows no loading list, before "no attachments" is decided.
	settleAfterReady = 500 * time.Millisecond
	// settleAfterFound lets a list that renders row by row finish.
	settleAfterFound = 150 * time.Millisecond
)

// notFoundPattern matches the not-found and no-access texts, English and
// Portuguese (apostrophes straight or curly).
const notFoundPattern = `oops!?\s+we\s+couldn.t\s+find|you\s+are\s+not\s+authori[sz]ed|access\s+denied|` +
	`the\s+page\s+you\s+were\s+looking\s+for\s+doesn.t\s+exist|ops!?\s+n[ãa]o\s+encontramos|` +
	`voc[êe]\s+n[ãa]o\s+tem\s+autoriza[çc][ãa]o|acesso\s+negado|a\s+p[áa]gina\s+que\s+voc[êe]\s+procura\s+n[ãa]o\s+existe`

// emptyPattern matches the text of an attachment list that has nothing.
const emptyPattern = `^\s*(no\s+attachments(\s+found)?|nenhum\s+anexo(\s+encontrado)?|sem\s+anexos)\.?\s*$`

// pageState is what the analyser script reports about a page.
type pageState struct {
	Outcome     string     // signin, error, found, empty, quiet, timeout
	Ready       bool       // document.readyState is complete
	Password    bool       // a password field is shown
	ErrorText   string     // a known not-found/no-access text shown in an error container
	Supplier    string     // from the supplier markers, "" when none
	Requisition string     // absolute URL of the linked requisition, "" when none
	Links       []pageLink // attachment elements, deduplicated, in page order
	WaitedMS    float64    // how long the script waited, for diagnostics
}

// pageLink is one attachment element.
type pageLink struct {
	Href  string // absolute URL; "" when the element is not a plain link
	Click string // CSS selector of the element, for a browser-side download
	Text  string // what the page shows for it
	PDF   bool   // its name, title, label or URL says .pdf
}

func (l pageLink) link() browser.Link { return browser.Link{URL: l.Href, Click: l.Click, Text: l.Text} }

// analyzerJS waits in the page until it can tell what the page is, then
// describes it. It resolves when attachments appear, the list shows its
// empty text, an error or a password form shows, or the DOM has been quiet
// for a settle window after the page is ready with no list still loading;
// at the latest after maxMS.
const analyzerJS = `(async (o) => {
  const attSel = o.attSel, errRe = new RegExp(o.notFound, "i"), emptyRe = new RegExp(o.empty, "i");
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const start = performance.now();
  let last = start, foundAt = 0;
  const errorText = () => {
    for (const el of document.querySelectorAll(o.errSel + ", [role=alert]")) {
      const t = norm(el.textContent);
      if (errRe.test(t)) return t;
    }
    return "";
  };
  const password = () => !!document.querySelector("#user_password, input[type=password]");
  const candidates = () => {
    const all = Array.from(document.querySelectorAll(attSel)).filter((el) => !el.closest("template"));
    // An element without a URL that holds other markers is their container.
    return all.filter((el) => el.hasAttribute("href") || !all.some((other) => other !== el && el.contains(other)));
  };
  const emptyShown = () => {
    for (const el of document.querySelectorAll("p, span, div, li, td, em")) {
      if (el.children.length === 0 && emptyRe.test(el.textContent || "")) return true;
    }
    return false;
  };
  const loading = () => !!document.querySelector('[aria-busy="true"]');
  const describe = (outcome) => {
    const seen = new Set(), links = [];
    let n = 0;
    for (const el of candidates()) {
      const raw = el.getAttribute("href");
      let href = "";
      if (raw !== null && el.href && /^https?:/i.test(el.href) && !/^\s*(#|javascript:)/i.test(raw)) href = el.href;
      const key = href || el;
      if (seen.has(key)) continue;
      seen.add(key);
      let click = "";
      if (!href) {
        n++;
        el.setAttribute("data-coupatui-att", String(n));
        click = '[data-coupatui-att="' + n + '"]';
      }
      const text = norm(el.getAttribute("download") || el.textContent || el.getAttribute("title") || el.getAttribute("aria-label"));
      const names = [text, el.getAttribute("title"), el.getAttribute("aria-label"), el.getAttribute("download"), href].join(" ");
      links.push({Href: href, Click: click, Text: text, PDF: /\.pdf\b/i.test(names)});
    }
    let supplier = "";
    for (const el of document.querySelectorAll(o.supSel)) {
      supplier = norm(el.getAttribute("data-supplier-name") || el.textContent);
      if (supplier) break;
    }
    const req = document.querySelector(o.reqSel);
    return {Outcome: outcome, Ready: document.readyState === "complete", Password: password(),
      ErrorText: errorText(), Supplier: supplier, Requisition: req ? req.href : "", Links: links,
      WaitedMS: performance.now() - start};
  };
  return await new Promise((resolve) => {
    let timer = 0, done = false;
    const observer = new MutationObserver(() => { last = performance.now(); });
    const finish = (outcome) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      observer.disconnect();
      resolve(describe(outcome));
    };
    const check = () => {
      const now = performance.now();
      if (password()) return finish("signin");
      if (errorText()) return finish("error");
      if (candidates().length > 0 && !loading()) {
        if (!foundAt) foundAt = now;
        if (now - Math.max(foundAt, last) >= o.settleFound) return finish("found");
      } else if (emptyShown() && !loading()) {
        return finish("empty");
      } else if (document.readyState === "complete" && !loading() && now - last >= o.settleReady) {
        return finish("quiet");
      }
      if (now - start >= o.maxMS) finish(candidates().length > 0 ? "found" : "timeout");
    };
    observer.observe(document.documentElement, {childList: true, subtree: true, attributes: true, characterData: true});
    timer = setInterval(check, 25);
    check();
  });
})(%s)`

// errPageHung means the page's script never answered: its renderer is stuck.
var errPageHung = errors.New("the page did not answer (script stuck)")

// analyze runs the analyser in the tab. The script bounds itself by
// MarkerTimeout; a few more seconds without an answer mean the renderer is
// hung, reported as errPageHung wrapping context.DeadlineExceeded.
func (s *Site) analyze(ctx context.Context, tab *browser.Tab) (pageState, error) {
	args, err := json.Marshal(map[string]any{
		"attSel": attachmentSelector, "errSel": errorSelector, "supSel": supplierSelector,
		"reqSel": requisitionLink, "notFound": notFoundPattern, "empty": emptyPattern,
		"settleReady": settleAfterReady.Milliseconds(), "settleFound": settleAfterFound.Milliseconds(),
		"maxMS": s.markerTimeout().Milliseconds(),
	})
	if err != nil {
		return pageState{}, err
	}
	actx, cancel := context.WithTimeout(ctx, s.markerTimeout()+5*time.Second)
	defer cancel()
	var st pageState
	err = tab.Evaluate(actx, fmt.Sprintf(analyzerJS, args), &st)
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			return st, fmt.Errorf("%w: %w", errPageHung, context.DeadlineExceeded)
		}
		return st, err
	}
	return st, nil
}
