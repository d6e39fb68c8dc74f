package coupa

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"

	"coupatui/browser"
	"coupatui/internal/atomicfile"
)

// defaultSavedPagesMax is how many saved pages are kept when
// Site.SavedPagesMax is 0.
const defaultSavedPagesMax = 200

// pageHTMLJS returns the page's HTML after its scripts ran, and that of its
// same-origin frames.
const pageHTMLJS = `(() => {
  const frames = [];
  const walk = (d, depth) => {
    for (const f of d.querySelectorAll("iframe, frame")) {
      let fd = null;
      try { fd = f.contentDocument; } catch (e) {}
      if (!fd || !fd.documentElement) continue;
      frames.push({Src: f.getAttribute("src") || "", HTML: fd.documentElement.outerHTML});
      if (depth < 3) walk(fd, depth + 1);
    }
  };
  walk(document, 0);
  const dt = document.doctype ? "<!DOCTYPE " + document.doctype.name + ">\n" : "";
  return {HTML: dt + document.documentElement.outerHTML, Frames: frames};
})()`

type pageHTML struct {
	HTML   string
	Frames []struct{ Src, HTML string }
}

// savePageNote saves the tab's page for PO po (or for its requisition
// reqID) and returns what the error message says about it: "; page saved
// to PATH", why it could not be, or "" when pages are not saved at all.
func (s *Site) savePageNote(ctx context.Context, tab *browser.Tab, po, reqID string) string {
	if s.PagesDir == "" {
		return ""
	}
	path, err := s.savePageOf(ctx, tab, po, reqID)
	if err != nil {
		return "; the page could not be saved: " + err.Error()
	}
	return "; page saved to " + path
}

// savePageOf saves the tab's page for PO po (or for its requisition
// reqID), logs how that went and returns the file's path.
func (s *Site) savePageOf(ctx context.Context, tab *browser.Tab, po, reqID string) (string, error) {
	name := "PO" + po + ".html"
	if reqID != "" {
		name = "PO" + po + "_requisition_" + SanitizeFileName(reqID) + ".html"
	}
	path, err := s.savePage(ctx, tab, name)
	if err != nil {
		s.log().Warn("saving a page failed", "po", po, "err", err)
		return "", err
	}
	s.log().Info("page saved", "po", po, "path", path)
	return path, nil
}

// savePage writes the tab's page, cleaned by cleanHTML, to PagesDir/name
// (mode 0600, folders 0700) and keeps only the newest pages.
func (s *Site) savePage(ctx context.Context, tab *browser.Tab, name string) (string, error) {
	ectx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var p pageHTML
	if err := tab.Evaluate(ectx, pageHTMLJS, &p); err != nil {
		return "", fmt.Errorf("read the page: %w", err)
	}
	doc, err := cleanHTML(p.HTML)
	if err != nil {
		return "", err
	}
	var frames bytes.Buffer
	for _, f := range p.Frames {
		fh, err := cleanHTML(f.HTML)
		if err != nil {
			continue
		}
		fmt.Fprintf(&frames, "<template data-coupatui-frame=\"%s\">\n%s\n</template>\n", html.EscapeString(stripQueries(f.Src)), fh)
	}
	if frames.Len() > 0 {
		if i := strings.LastIndex(doc, "</body>"); i >= 0 {
			doc = doc[:i] + frames.String() + doc[i:]
		} else {
			doc += frames.String()
		}
	}
	s.pagesMu.Lock()
	defer s.pagesMu.Unlock()
	if err := os.MkdirAll(s.PagesDir, 0o700); err != nil {
		return "", fmt.Errorf("pages folder: %w", err)
	}
	path := filepath.Join(s.PagesDir, name)
	if err := atomicfile.WriteFile(path, []byte(doc), 0o600); err != nil {
		return "", fmt.Errorf("save page: %w", err)
	}
	max := s.SavedPagesMax
	if max <= 0 {
		max = defaultSavedPagesMax
	}
	prunePages(filepath.Dir(s.PagesDir), max, s.log())
	return path, nil
}

// prunePages keeps the newest max .html files under root (one folder per
// input) and removes the others.
func prunePages(root string, max int, log interface{ Warn(string, ...any) }) {
	type page struct {
		path string
		mod  time.Time
	}
	var all []page
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(d.Name(), ".html") {
			return nil
		}
		if info, err := d.Info(); err == nil {
			all = append(all, page{p, info.ModTime()})
		}
		return nil
	})
	if len(all) <= max {
		return
	}
	slices.SortFunc(all, func(a, b page) int { return b.mod.Compare(a.mod) })
	for _, p := range all[max:] {
		if err := os.Remove(p.path); err != nil {
			log.Warn("removing an old saved page", "path", p.path, "err", err)
		}
	}
}

// urlWithQuery finds a URL (absolute, scheme-relative or a path) followed
// by a query string; the first group is the URL without it.
var urlWithQuery = regexp.MustCompile("(?i)((?:[a-z][a-z0-9+.-]*:)?//[^\\s\"'<>?#`\\\\]*|(?:^|[\\s\"'(=`,:;])/[^\\s\"'<>?#`\\\\]*)\\?[^\\s\"'<>#`\\\\)]*")

// stripQueries removes the query string of every URL in s: tokens and
// session ids travel there.
func stripQueries(s string) string {
	if !strings.Contains(s, "?") {
		return s
	}
	return urlWithQuery.ReplaceAllString(s, "$1")
}

// urlAttrs hold URLs (srcset a list of them), relative ones included.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "poster": true,
	"data": true, "cite": true, "background": true, "srcset": true, "longdesc": true, "manifest": true, "ping": true}

// anyQuery is a query string in a URL attribute, whatever the URL's form.
var anyQuery = regexp.MustCompile(`([^\s,?#]*)\?[^\s,#]*`)

// secretName matches the names of form fields and meta tags that carry a
// session's anti-forgery token.
var secretName = regexp.MustCompile(`(?i)csrf|xsrf|authenticity_token|_token$`)

// cleanHTML makes a page safe to keep on disk: CSRF meta tags are removed,
// token fields emptied, and the query string of every URL (in attributes
// and in text, scripts included) stripped.
func cleanHTML(page string) (string, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", fmt.Errorf("parse the page: %w", err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && c.Data == "meta" && (secretName.MatchString(attr(c, "name")) || secretName.MatchString(attr(c, "http-equiv"))) {
				n.RemoveChild(c)
				c = next
				continue
			}
			walk(c)
			c = next
		}
		switch n.Type {
		case html.TextNode, html.CommentNode:
			n.Data = stripQueries(n.Data)
		case html.ElementNode:
			secret := n.Data == "input" && secretName.MatchString(attr(n, "name"))
			for i := range n.Attr {
				a := &n.Attr[i]
				if secret && a.Key == "value" {
					a.Val = ""
					continue
				}
				if urlAttrs[a.Key] {
					a.Val = anyQuery.ReplaceAllString(a.Val, "$1")
				}
				a.Val = stripQueries(a.Val)
			}
		}
	}
	walk(doc)
	var b bytes.Buffer
	if err := html.Render(&b, doc); err != nil {
		return "", fmt.Errorf("write the page: %w", err)
	}
	return b.String(), nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
