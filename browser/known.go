package browser

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
)

// Known is a file an earlier download of the same page put in the folder,
// as the journal recorded it. A link that matches one (same place, same
// URL without its query, same text) whose file is still in the folder
// with the recorded size and hash is not fetched again.
type Known struct {
	Index  int    // the link's position in the links given to Download
	URL    string // StripQuery of the link's URL; "" for an element to click
	Text   string // the link's Text
	Name   string // the file's name in the folder
	Size   int64
	SHA256 string // hex
}

// StripQuery is raw without its query, fragment and user info: what may be
// stored of a URL (a query can carry a token). Unparsable URLs give "".
func StripQuery(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// existing returns link i's result without any request when the folder
// already holds the file an earlier download recorded for it, intact.
func (d *downloader) existing(ctx context.Context, i int) (FileResult, bool) {
	k, ok := d.known(i)
	if !ok || d.folder.checkName(k.Name) != nil || d.folder.completeSize(k.Name) != k.Size {
		return FileResult{}, false
	}
	sum, err := d.folder.hash(k.Name)
	if err != nil || sum != k.SHA256 {
		return FileResult{}, false
	}
	name, err := d.names.claim(ctx, i, k.Name)
	if err != nil || name != k.Name {
		// An earlier link took the name meanwhile: fetch this one anew.
		return FileResult{}, false
	}
	return FileResult{Name: name, Size: k.Size, SHA256: sum, Via: "existing"}, true
}

// known is the file an earlier download recorded for link i, if any.
func (d *downloader) known(i int) (Known, bool) {
	link := d.links[i]
	stripped := StripQuery(link.URL)
	for _, k := range d.opts.Known {
		if k.Index == i && k.URL == stripped && k.Text == link.Text && k.Name != "" {
			return k, true
		}
	}
	return Known{}, false
}

// hash is the sha256 (hex) of a file of the folder.
func (f *folder) hash(name string) (string, error) {
	file, err := f.root.Open(name)
	if err != nil {
		return "", err
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
