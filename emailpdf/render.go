package emailpdf

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"time"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// csp is the page's Content-Security-Policy: no script, nothing fetched;
// images and fonts only from data: URLs, styles only inline. The printing
// tab also blocks every request and runs no script: this is a second lock.
const csp = "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'"

// pageStyle lays out the page; the e-mail's own styles come after it.
const pageStyle = `body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt; color: #000; margin: 0 }`

// listed is one attachment as the PDF lists it.
type listed struct {
	Name     string // as saved, in the attachments folder
	Original string // as the e-mail names it, when different
	Type     string
	Size     int
}

// renderPage is the self-contained HTML page printed for m. source is the
// e-mail's file name, folder the attachments folder's name, inline the
// data: URL of every part the body shows (by content id and by name).
func renderPage(m *Message, source, folder string, files []listed, inline map[string]string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8">`)
	fmt.Fprintf(&b, `<meta http-equiv="Content-Security-Policy" content="%s">`, html.EscapeString(csp))
	fmt.Fprintf(&b, "<title>%s</title><style>%s</style>", html.EscapeString(m.Subject), pageStyle)
	var body string
	if m.HTML != "" {
		styles, content := sanitizeHTML(m.HTML, inline)
		for _, s := range styles {
			b.WriteString("<style>" + s + "</style>")
		}
		body = content
	} else {
		body = `<pre style="white-space: pre-wrap; overflow-wrap: anywhere; font-family: inherit; font-size: 10.5pt; margin: 0">` +
			html.EscapeString(m.Text) + "</pre>"
	}
	b.WriteString("</head><body>")

	// Every style of the header block is inline, so the e-mail's own
	// style sheets (element selectors) do not restyle it.
	const (
		table = `style="border-collapse: collapse; width: 100%; margin: 0 0 8pt 0; font-size: 10.5pt; font-family: inherit"`
		th    = `style="text-align: left; vertical-align: top; padding: 2pt 8pt 2pt 0; width: 5em; color: #444; font-weight: bold; white-space: nowrap"`
		td    = `style="text-align: left; vertical-align: top; padding: 2pt 8pt 2pt 0; color: #000; overflow-wrap: anywhere"`
	)
	fmt.Fprintf(&b, `<table %s>`, table)
	row := func(name, value string) {
		if value == "" {
			value = "—"
		}
		fmt.Fprintf(&b, `<tr><th %s>%s</th><td %s>%s</td></tr>`, th, name, td, html.EscapeString(value))
	}
	row("From", m.From)
	row("To", strings.Join(m.To, "; "))
	row("Cc", strings.Join(m.Cc, "; "))
	row("Date", formatDate(m.Date))
	row("Subject", m.Subject)
	b.WriteString("</table>")
	b.WriteString(`<hr style="border: 0; border-top: 1px solid #888; margin: 0 0 10pt 0">`)
	b.WriteString(`<div>` + body + `</div>`)

	if len(files) > 0 {
		fmt.Fprintf(&b, `<hr style="border: 0; border-top: 1px solid #888; margin: 12pt 0 6pt 0"><div style="margin: 0 0 4pt 0; font-weight: bold; color: #000">Attachments (%d), saved in %s</div><table %s>`,
			len(files), html.EscapeString(folder+"/"), table)
		for _, f := range files {
			name := html.EscapeString(f.Name)
			if f.Original != "" && f.Original != f.Name {
				name += ` <span style="color: #666">(` + html.EscapeString(f.Original) + `)</span>`
			}
			fmt.Fprintf(&b, `<tr><td %s>%s</td><td %s>%s</td><td %s>%s</td></tr>`,
				td, name, td, html.EscapeString(f.Type), td, humanSize(f.Size))
		}
		b.WriteString("</table>")
	}
	fmt.Fprintf(&b, `<div style="margin: 12pt 0 0 0; font-size: 8pt; color: #666">Printed from %s by coupatui.</div>`, html.EscapeString(source))
	b.WriteString("</body></html>")
	return b.String()
}

// formatDate shows the date in the e-mail's own zone, "—" when unknown.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("Mon, 2 Jan 2006 15:04:05 MST")
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// dataURL is data as a data: URL of type ct.
func dataURL(ct string, data []byte) string {
	if ct == "" {
		ct = "application/octet-stream"
	}
	return "data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// dropped are the elements removed with everything inside them: scripts,
// frames, plug-ins, and what points the page elsewhere.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Noscript: true, atom.Iframe: true, atom.Frame: true, atom.Frameset: true,
	atom.Object: true, atom.Embed: true, atom.Applet: true, atom.Base: true, atom.Link: true,
	atom.Meta: true, atom.Title: true, atom.Template: true, atom.Svg: true, atom.Audio: true,
	atom.Video: true, atom.Source: true, atom.Track: true, atom.Canvas: true, atom.Head: true,
}

// unwrapped are elements whose content stays but the element goes: a form
// cannot submit anywhere.
var unwrapped = map[atom.Atom]bool{atom.Form: true}

// sanitizeHTML keeps an e-mail's HTML body as the reader saw it, minus
// everything active or remote: scripts, frames, plug-ins, event handlers,
// javascript: links, and remote images and style URLs. cid: images (and
// images named like an inline part) become data: URLs from inline. It
// returns the style sheets (cleaned) and the body's markup.
func sanitizeHTML(src string, inline map[string]string) (styles []string, body string) {
	doc, err := nethtml.Parse(strings.NewReader(src))
	if err != nil { // the parser accepts any input; show the source as text
		return nil, `<pre style="white-space: pre-wrap">` + html.EscapeString(src) + `</pre>`
	}
	var collect func(n *nethtml.Node)
	collect = func(n *nethtml.Node) {
		if n.Type == nethtml.ElementNode && n.DataAtom == atom.Style {
			var css strings.Builder
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == nethtml.TextNode {
					css.WriteString(c.Data)
				}
			}
			styles = append(styles, cleanCSS(css.String()))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c)
		}
	}
	collect(doc)

	bodyNode := find(doc, atom.Body)
	if bodyNode == nil {
		return styles, ""
	}
	clean(bodyNode, inline)
	var b strings.Builder
	for c := bodyNode.FirstChild; c != nil; c = c.NextSibling {
		nethtml.Render(&b, c)
	}
	return styles, b.String()
}

func find(n *nethtml.Node, a atom.Atom) *nethtml.Node {
	if n.Type == nethtml.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

// clean removes and rewrites n's descendants in place.
func clean(n *nethtml.Node, inline map[string]string) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == nethtml.CommentNode:
			n.RemoveChild(c)
		case c.Type != nethtml.ElementNode:
		case dropped[c.DataAtom] || c.DataAtom == atom.Style || c.Namespace != "":
			n.RemoveChild(c)
		case unwrapped[c.DataAtom]:
			// Its children take its place and are cleaned in turn.
			first := c.FirstChild
			for gc := c.FirstChild; gc != nil; {
				gnext := gc.NextSibling
				c.RemoveChild(gc)
				n.InsertBefore(gc, c)
				gc = gnext
			}
			n.RemoveChild(c)
			if first != nil {
				next = first
			}
		default:
			if !cleanElement(c, inline) {
				n.RemoveChild(c)
			} else {
				clean(c, inline)
			}
		}
		c = next
	}
}

// cleanElement filters an element's attributes; false drops the element
// (an image that would have to be fetched).
func cleanElement(e *nethtml.Node, inline map[string]string) bool {
	kept := e.Attr[:0]
	for _, a := range e.Attr {
		key := strings.ToLower(a.Key)
		switch {
		case a.Namespace != "", strings.HasPrefix(key, "on"):
			continue
		case key == "srcset", key == "formaction", key == "action", key == "background",
			key == "ping", key == "poster", key == "http-equiv", key == "lowsrc", key == "dynsrc":
			continue
		case key == "href":
			if !safeLink(a.Val) {
				continue
			}
		case key == "src":
			u, ok := resolveImage(a.Val, inline)
			if !ok {
				if e.DataAtom == atom.Img {
					alt := attr(e, "alt")
					if alt == "" {
						return false
					}
					// Keep the reader informed of an image not shown.
					e.Type, e.Data, e.DataAtom, e.Attr = nethtml.TextNode, "[image: "+alt+"]", 0, nil
					return true
				}
				continue
			}
			a.Val = u
		case key == "style":
			a.Val = cleanCSS(a.Val)
		}
		kept = append(kept, a)
	}
	e.Attr = kept
	return true
}

func attr(e *nethtml.Node, key string) string {
	for _, a := range e.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// safeLink keeps links a reader may follow from the PDF: web, mail,
// telephone and in-page ones.
func safeLink(href string) bool {
	h := strings.ToLower(strings.TrimSpace(href))
	for _, p := range []string{"http://", "https://", "mailto:", "tel:", "#"} {
		if strings.HasPrefix(h, p) {
			return true
		}
	}
	return false
}

// resolveImage maps an image source to a data: URL: a cid: reference or a
// bare name to the inline part, a data:image URL to itself.
func resolveImage(src string, inline map[string]string) (string, bool) {
	s := strings.TrimSpace(src)
	low := strings.ToLower(s)
	switch {
	case strings.HasPrefix(low, "data:image/"):
		return s, true
	case strings.HasPrefix(low, "cid:"):
		id := s[4:]
		if u, err := url.PathUnescape(id); err == nil {
			id = u
		}
		u, ok := inline[strings.ToLower(strings.Trim(id, "<> "))]
		return u, ok
	case !strings.Contains(low, ":") && !strings.HasPrefix(low, "//"):
		u, ok := inline[strings.ToLower(s)]
		return u, ok
	}
	return "", false
}

var (
	cssImport = regexp.MustCompile(`(?i)@import[^;]*;?`)
	cssURL    = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\s*\)`)
)

// cleanCSS drops @import and every url() that is not a data: URL.
func cleanCSS(css string) string {
	css = cssImport.ReplaceAllString(css, "")
	return cssURL.ReplaceAllStringFunc(css, func(m string) string {
		sub := cssURL.FindStringSubmatch(m)
		u := strings.TrimSpace(sub[1] + sub[2] + sub[3])
		if strings.HasPrefix(strings.ToLower(u), "data:") {
			return m
		}
		return "none"
	})
}
