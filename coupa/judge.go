package coupa

import (
	"fmt"
	"strings"
)

// verdictKind is what a page leads to, before any download.
type verdictKind int

const (
	pageFiles        verdictKind = iota // attachments to fetch
	pageEmpty                           // the page shows an empty attachment list: NO_ATTACHMENTS
	pageNotFound                        // PO_NOT_FOUND (PR_NOT_ACCESSIBLE for a requisition)
	pageSignIn                          // Coupa's sign-in wall
	pageUnrecognised                    // none of the above shown: UNRECOGNISED
	pageTimeout                         // the list was still loading at MarkerTimeout
	pageFailed                          // an HTTP error, or the analyser itself failed
)

var verdictNames = [...]string{"files", "empty", "not found", "sign-in", "unrecognised", "timeout", "failed"}

func (k verdictKind) String() string { return verdictNames[k] }

// verdict is what one page leads to and why, in words for the operator.
type verdict struct {
	kind      verdictKind
	why       string
	retryable bool
	// unknown is set for pageFiles when the attachments section also holds
	// items that name no file: the files are fetched, and the PO still
	// ends UNRECOGNISED.
	unknown string
}

// judge decides what a page shows from the analyser's description: every
// outcome needs something the page positively showed (docs/ARCHITECTURE.md,
// "No outcome without evidence"); a page that shows none of these is
// unrecognised, never "no attachments".
func (s *Site) judge(status int, st pageState) verdict {
	unknownItems := func() string {
		msg := fmt.Sprintf("the attachments section (%s) holds %d item(s) that name no file", st.Section, st.UnknownCount)
		if len(st.Unknown) > 0 {
			msg += ": " + strings.Join(st.Unknown, ", ")
		}
		return msg
	}
	switch {
	case st.Outcome == "signin" || st.Password:
		return verdict{kind: pageSignIn, why: "the page asks for a password"}
	case refusedStatus(status):
		why := fmt.Sprintf("HTTP %d", status)
		if st.KnownError != "" {
			why += fmt.Sprintf(", %q", st.KnownError)
		}
		return verdict{kind: pageNotFound, why: why}
	case st.KnownError != "" && !st.Heading && len(st.Links) == 0 && st.Section == "":
		return verdict{kind: pageNotFound, why: fmt.Sprintf("%q (in the %s)", st.KnownError, st.KnownErrorIn)}
	case status >= 400:
		return verdict{kind: pageFailed, why: fmt.Sprintf("HTTP %d", status)}
	case st.Outcome == "script":
		return verdict{kind: pageFailed, retryable: true, why: "the page analysis failed: " + st.Note}
	case len(st.Links) > 0:
		v := verdict{kind: pageFiles, why: fmt.Sprintf("%d attachment(s) found", len(st.Links))}
		if st.UnknownCount > 0 {
			v.unknown = unknownItems()
		}
		return v
	// An empty text next to a spinner is a placeholder, not an answer; and
	// outside an attachments section it counts only on the PO's own page
	// (its number shows), not in some other widget of an unknown page.
	case st.Empty != "" && !st.Loading && (st.Section != "" || st.Heading):
		return verdict{kind: pageEmpty, why: fmt.Sprintf("the page shows %q", st.Empty)}
	case st.Outcome == "timeout":
		return verdict{kind: pageTimeout, retryable: true,
			why: fmt.Sprintf("the attachment list was still loading after %s", s.markerTimeout())}
	case st.ErrorRegion != "" && !st.Heading && st.Section == "":
		return verdict{kind: pageNotFound, why: fmt.Sprintf("an error region shows %q and the page has no PO markers", st.ErrorRegion)}
	case st.Section != "" && st.UnknownCount > 0:
		return verdict{kind: pageUnrecognised, retryable: true, why: unknownItems()}
	case st.Section != "" && st.SectionFinished:
		return verdict{kind: pageEmpty, why: fmt.Sprintf("the attachments section (%s) finished loading with no items", st.Section)}
	case st.Section != "":
		return verdict{kind: pageUnrecognised, retryable: true,
			why: fmt.Sprintf("the attachments section (%s) is empty and never showed that it finished loading", st.Section)}
	case st.Heading && s.NoSectionMeansEmpty:
		return verdict{kind: pageEmpty, why: "the page has no attachments section (coupa.no_section_means_empty)"}
	case st.Heading:
		return verdict{kind: pageUnrecognised, retryable: true,
			why: "the page shows the record but no attachments section, no files, no empty list and no error"}
	}
	return verdict{kind: pageUnrecognised, retryable: true,
		why: "the page shows no record number, no attachments section, no files, no empty list and no error"}
}

// refusedStatus is an HTTP status by which Coupa says a record does not
// exist or is not ours.
func refusedStatus(status int) bool {
	return status == 403 || status == 404 || status == 410
}
