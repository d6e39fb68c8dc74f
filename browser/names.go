package browser

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"
)

// nameBook hands out final file names in page order, so the same attachment
// gets the same name on every run of a PO whatever order the parallel
// downloads finish in. Slot i waits until every slot before it has claimed
// a name or given up; names are unique case-insensitively (Windows and
// macOS file systems fold case).
type nameBook struct {
	mu       sync.Mutex // guards everything below
	resolved []bool
	names    []string
	taken    map[string]bool // folded names claimed so far
	changed  chan struct{}   // closed and replaced whenever a slot resolves
}

// newNameBook has n slots; taken are names already in use.
func newNameBook(n int, taken []string) *nameBook {
	nb := &nameBook{
		resolved: make([]bool, n),
		names:    make([]string, n),
		taken:    map[string]bool{},
		changed:  make(chan struct{}),
	}
	for _, name := range taken {
		nb.taken[fold(name)] = true
	}
	return nb
}

// claim waits for slots before i to resolve, then gives slot i the first
// free variant of want ("x.pdf", "x (2).pdf", ...). want must be sanitised.
func (nb *nameBook) claim(ctx context.Context, i int, want string) (string, error) {
	for {
		nb.mu.Lock()
		if nb.resolved[i] {
			name := nb.names[i]
			nb.mu.Unlock()
			return name, nil
		}
		if nb.readyLocked(i) {
			name := nb.freeVariantLocked(want)
			nb.taken[fold(name)] = true
			nb.resolveLocked(i, name)
			nb.mu.Unlock()
			return name, nil
		}
		wait := nb.changed
		nb.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// abandon resolves slot i without a name (the file never told us one), so
// later slots stop waiting for it. A claimed slot keeps its name.
func (nb *nameBook) abandon(i int) {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	if !nb.resolved[i] {
		nb.resolveLocked(i, "")
	}
}

// name is slot i's name, "" when it has none (yet).
func (nb *nameBook) name(i int) string {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	return nb.names[i]
}

func (nb *nameBook) readyLocked(i int) bool {
	for j := range i {
		if !nb.resolved[j] {
			return false
		}
	}
	return true
}

func (nb *nameBook) resolveLocked(i int, name string) {
	nb.resolved[i] = true
	nb.names[i] = name
	close(nb.changed)
	nb.changed = make(chan struct{})
}

func (nb *nameBook) freeVariantLocked(want string) string {
	if !nb.taken[fold(want)] {
		return want
	}
	ext := path.Ext(want)
	if len(ext) > 16 || ext == want {
		ext = ""
	}
	stem := strings.TrimSuffix(want, ext)
	for n := 2; ; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		candidate := truncateUTF8(stem, MaxNameBytes-len(suffix)-len(ext)) + suffix + ext
		if !nb.taken[fold(candidate)] {
			return candidate
		}
	}
}

func fold(name string) string { return strings.ToLower(name) }

// nameFromURL is the sanitised last path segment of u, "" when it has none.
func nameFromURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	seg := path.Base(u.Path) // u.Path is already unescaped
	if seg == "/" || seg == "." {
		return ""
	}
	return SanitizeFileName(seg)
}

// chooseName applies the naming order: Content-Disposition (filename*, then
// filename), the browser's suggested name, the URL's last segment, and
// finally attachment-N (N counts from 1 in page order). A name derived from
// the URL or the index gets the extension of contentType when it has none.
func chooseName(disposition, suggested, rawURL, contentType string, index int) string {
	for _, candidate := range []string{DispositionName(disposition), suggested} {
		if name := SanitizeFileName(candidate); name != "" {
			return name
		}
	}
	name := nameFromURL(rawURL)
	if name == "" {
		name = fmt.Sprintf("attachment-%d", index+1)
	}
	if path.Ext(name) == "" {
		name = capLength(name+extForType(contentType), MaxNameBytes)
	}
	return name
}

// typeExts maps the MIME types attachments usually have to an extension; a
// fixed table, so names do not depend on the host's mime database.
var typeExts = map[string]string{
	"application/pdf":               ".pdf",
	"application/zip":               ".zip",
	"application/msword":            ".doc",
	"application/vnd.ms-excel":      ".xls",
	"application/vnd.ms-outlook":    ".msg",
	"application/vnd.ms-powerpoint": ".ppt",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"message/rfc822":  ".eml",
	"text/plain":      ".txt",
	"text/csv":        ".csv",
	"image/png":       ".png",
	"image/jpeg":      ".jpg",
	"image/gif":       ".gif",
	"image/tiff":      ".tif",
	"application/xml": ".xml",
	"text/xml":        ".xml",
}

func extForType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return typeExts[strings.ToLower(strings.TrimSpace(mt))]
}
