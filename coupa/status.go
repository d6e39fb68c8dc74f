// Package coupa knows the Coupa site: its URLs, what its pages look like,
// which status word (vocab.Status) a page means for a PO, and how a PO's
// files are laid out on disk. It drives a browser it is given; it never starts one.
package coupa

import (
	"errors"
	"fmt"
	"time"

	"coupatui/vocab"
)

// ErrSignInRequired means Coupa answered with its sign-in wall: the browser's
// session is missing or expired. It is never a property of the PO itself.
var ErrSignInRequired = errors.New("coupa sign-in required")

// Result is the outcome of processing one PO once.
type Result struct {
	PO         string       // normalised PO number, digits only
	Status     vocab.Status // the outcome
	Supplier   string       // as shown on the PO page, "" when not shown
	Found      int          // attachments found (PO and, with the PR fallback, requisition)
	Downloaded int          // attachments complete on disk
	Files      []string     // names of the files on disk, in page order
	Folder     string       // the PO's final folder, "" when nothing was written
	URL        string       // the PO page URL
	Err        error        // what went wrong, nil when nothing did
	Retryable  bool         // a transient failure (5xx, cut download, crash, timeout)
	Finished   time.Time    // when the outcome was decided

	// PageTime is how long the PO page took to load and be read (until
	// the attachment list was known, or the attempt ended without one).
	PageTime time.Duration
	Steps    Steps // how long each step took
}

// ErrorMessage is the text written to the ERROR_MESSAGE column.
func (r Result) ErrorMessage() string {
	if r.Err == nil {
		return ""
	}
	return r.Err.Error()
}

func (r Result) String() string {
	s := fmt.Sprintf("PO%s %s %d/%d", r.PO, r.Status, r.Downloaded, r.Found)
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// Progress reports the files of one PO while it is processed.
type Progress struct {
	Phase string // "opening", "listing", "downloading", "requisition"
	Found int    // attachments found so far
	Done  int    // attachments complete on disk so far
	File  string // the file that just completed, if any
	Bytes int64  // bytes of that file
	Saved *File  // that file, as the journal records it; nil when no file just completed

	Took     time.Duration  // how long that file took to download; 0 when kept from an earlier attempt
	InFlight []FileProgress // the files downloading now, in page order; a new slice each report
}

// FileProgress is one file downloading now: bytes done of the total.
type FileProgress struct {
	Name  string // its name, or the page's label for it until the server names it
	Done  int64  // bytes received so far
	Total int64  // bytes expected; 0 when the server did not say
}

// File is one attachment complete in a PO's folder, as the journal
// records it: a retry or a re-run keeps a file whose name, size and hash
// still match on disk and fetches only the others.
type File struct {
	Index  int    // place among the attachments found, in page order (the PO's, then the requisition's)
	Label  string // what the page shows for it
	URL    string // where it came from, without the query string (no token is kept); "" for a clickable element
	Name   string // its name in the PO's folder
	Size   int64
	SHA256 string // hex
}
