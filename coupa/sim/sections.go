package sim

// The attachments section of a PO page: its list in every layout and
// attachment shape, in the languages the simulator speaks.

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// bind is a handler the page's script binds on an inserted element.
type bind struct {
	Sel   string `json:"sel"`
	Event string `json:"event"`
	URL   string `json:"url"`
	Popup bool   `json:"popup"`
}

// lang is what a page says in one language.
type lang struct {
	code, attachments, supplier, empty, loading, download string
}

var langs = map[string]lang{
	"en": {"en", "Attachments", "Supplier", NoAttachmentsText, "Loading…", "Download"},
	"pt": {"pt", "Anexos", "Fornecedor", "Nenhum anexo", "Carregando…", "Baixar"},
	"es": {"es", "Adjuntos", "Proveedor", "Sin adjuntos", "Cargando…", "Descargar"},
	"fr": {"fr", "Pièces jointes", "Fournisseur", "Aucune pièce jointe", "Chargement…", "Télécharger"},
	"de": {"de", "Anhänge", "Lieferant", "Keine Anhänge", "Wird geladen…", "Herunterladen"},
}

func language(code string) lang {
	if l, ok := langs[code]; ok {
		return l
	}
	return langs["en"]
}

// sectionHTML is the attachments section as the page loads it, the id of
// the element the script fills, and whether it waits for its toggle. An
// English page uses the classic markup (section.attachments-panel,
// div#attachments); other languages use neutral classes and ids, so only
// the heading names the section.
func sectionHTML(po PO, l lang) (template.HTML, string, bool) {
	esc := html.EscapeString
	panel, listID, listClass := "attachments-panel", "attachments", "attachment-list"
	if l.code != "en" {
		panel, listID, listClass = "docs-panel", "docs", "docs-list"
	}
	loading := `<span class="loading">` + esc(l.loading) + `</span>`
	switch po.Layout {
	case LayoutNone:
		return "", "", false
	case LayoutCollapsed:
		return template.HTML(fmt.Sprintf(`<section class="panel">
<button type="button" id="docs-toggle" class="panel-toggle" aria-expanded="false" aria-controls="docs-body">%s (%d)</button>
<div id="docs-body" class="panel-body" hidden></div>
</section>`, esc(l.attachments), len(po.Attachments))), "docs-body", true
	case LayoutFrame:
		return template.HTML(fmt.Sprintf(`<section class="%s">
<h3>%s</h3>
<iframe class="docs-frame" src="/order_headers/%s/attachments_frame" title="%s" width="640" height="240"></iframe>
</section>`, panel, esc(l.attachments), esc(po.ID), esc(l.attachments))), "", false
	}
	return template.HTML(fmt.Sprintf(`<section class="%s">
<h3>%s</h3>
<div id="%s" class="%s" aria-busy="true" aria-live="polite">%s</div>
</section>`, panel, esc(l.attachments), listID, listClass, loading)), listID, false
}

// listHTML is the attachments panel's content, each attachment in its
// shape (or the empty-list text), and the handlers its script binds.
// prefix is the record's path, for ShapeAttachmentLink.
func listHTML(atts []Attachment, prefix string, layout Layout, l lang) (string, []bind) {
	var binds []bind
	listClass, rowClass := "attachments", "attachment-row"
	if l.code != "en" {
		listClass, rowClass = "docs", "doc-row"
	}
	if layout == LayoutTable {
		var b strings.Builder
		b.WriteString(`<table class="files"><thead><tr><th>` + html.EscapeString(l.attachments) + `</th><th>Size</th><th></th></tr></thead><tbody>`)
		if len(atts) == 0 {
			b.WriteString(`<tr><td colspan="3">` + html.EscapeString(l.empty) + `</td></tr>`)
		}
		for _, a := range atts {
			el, action, bd := attachmentHTML(a, prefix, l)
			binds = append(binds, bd...)
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td></tr>`, el, humanSize(a.Size), action)
		}
		b.WriteString(`</tbody></table>`)
		return b.String(), binds
	}
	if len(atts) == 0 {
		if layout == LayoutBare {
			return "", nil
		}
		return `<p class="empty-list">` + html.EscapeString(l.empty) + `</p>`, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<ul class="%s">`, listClass)
	for _, a := range atts {
		fmt.Fprintf(&b, `<li class="%s">`, rowClass)
		if layout == LayoutUnknown {
			id := "att-" + html.EscapeString(a.ID)
			fmt.Fprintf(&b, `<span class="tile" id="%s" style="display:inline-block;width:48px;height:48px;background:#dde"></span></li>`, id)
			binds = append(binds, bind{Sel: "#" + id, Event: eventOf(a), URL: "/files/" + a.ID})
			continue
		}
		el, action, bd := attachmentHTML(a, prefix, l)
		binds = append(binds, bd...)
		b.WriteString(el)
		if action != "" {
			b.WriteString(" " + action)
		}
		fmt.Fprintf(&b, ` <span class="file-size">(%s)</span></li>`, humanSize(a.Size))
	}
	b.WriteString(`</ul>`)
	return b.String(), binds
}

func eventOf(a Attachment) string {
	if a.Event == "" {
		return "click"
	}
	return a.Event
}

// attachmentHTML is one attachment element in its shape, the separate
// control that fetches it (ShapeRowButton), and the handlers to bind.
func attachmentHTML(a Attachment, prefix string, l lang) (el, action string, binds []bind) {
	name, id := html.EscapeString(a.Name), html.EscapeString(a.ID)
	elID := "att-" + id
	if a.Shape.bound() {
		binds = []bind{{Sel: "#" + elID, Event: eventOf(a), URL: "/files/" + a.ID, Popup: a.Shape == ShapePopup}}
	}
	switch a.Shape {
	case ShapeDownloadLink:
		return `<a href="/download?file=` + id + `">` + name + `</a>`, "", nil
	case ShapeDownloadAttr:
		return `<a download href="/files/` + id + `">` + name + `</a>`, "", nil
	case ShapeTitled:
		return `<a title="Attachment: ` + name + `" href="/files/` + id + `">📎</a>`, "", nil
	case ShapeButton:
		return `<span role="button" tabindex="0" aria-label="Download attachment ` + name +
			`" data-file="` + id + `">` + name + `</span>`, "", nil
	case ShapeScriptRedirect:
		return `<a href="/attachments/` + id + `/open">` + name + `</a>`, "", nil
	case ShapeTitleOnly:
		return `<span class="chip" id="` + elID + `" title="` + name + `">📄</span>`, "", binds
	case ShapeTextOnly:
		return `<span class="file-name" id="` + elID + `">` + name + `</span>`, "", binds
	case ShapeAriaFile:
		return `<span id="` + elID + `" aria-label="file attachment ` + name + `"><i class="icon">🗎</i></span>`, "", binds
	case ShapeAriaButton:
		return `<span role="button" id="` + elID + `" aria-label="file attachment ` + name + `">` + name + `</span>`, "", binds
	case ShapeAssociated:
		return `<div class="associated-file" id="` + elID + `"><span class="icon">📎</span> <span>` + name + `</span></div>`, "", binds
	case ShapePopup:
		return `<a href="#" id="` + elID + `">` + name + `</a>`, "", binds
	case ShapeRowButton:
		return `<span class="file-name">` + name + `</span>`, `<button type="button" id="` + elID + `">` + html.EscapeString(l.download) + `</button>`, binds
	default:
		return `<a href="` + prefix + `/attachments/` + id + `">` + name + `</a>`, "", nil
	}
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
