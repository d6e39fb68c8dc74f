package vocab

// Status is the outcome of one PO in the operators' own vocabulary. The
// words are written verbatim into the results workbook and the journal.
type Status string

const (
	Completed       Status = "COMPLETED"         // every attachment found was downloaded
	Partial         Status = "PARTIAL"           // some attachments downloaded, some not
	Failed          Status = "FAILED"            // the page or every download failed
	NoAttachments   Status = "NO_ATTACHMENTS"    // the page shows an empty attachment list
	Unrecognised    Status = "UNRECOGNISED"      // the page showed neither files, an empty list nor an error, or items not understood
	NotFound        Status = "PO_NOT_FOUND"      // Coupa says the PO does not exist or is not ours
	PRNotAccessible Status = "PR_NOT_ACCESSIBLE" // the PR fallback was needed but the requisition was refused
	Timeout         Status = "TIMEOUT"           // the page or the task ran out of time
	Cancelled       Status = "CANCELLED"         // the operator or a shutdown stopped it
	InvalidPO       Status = "INVALID_PO"        // the input row holds no usable PO number
	Pending         Status = "PENDING"           // not reached yet; a re-run picks it up
)

// Statuses lists every status word in the order reports show them.
var Statuses = []Status{Completed, Partial, Failed, Unrecognised, NoAttachments, NotFound,
	PRNotAccessible, Timeout, Cancelled, InvalidPO, Pending}

// Final reports whether a row with this status is finished for this run.
func (s Status) Final() bool { return s != "" && s != Pending }

// Deterministic reports whether fetching the PO again would give the same
// answer, so retrying it is pointless. Unrecognised is not: a page that
// was not understood is fetched again, and never counted as a success.
func (s Status) Deterministic() bool {
	switch s {
	case Completed, NoAttachments, NotFound, InvalidPO:
		return true
	}
	return false
}

// Kept reports whether an earlier run's outcome stays on a re-run of the
// same input: the answers fetching again would not change (COMPLETED,
// NO_ATTACHMENTS, PO_NOT_FOUND, PR_NOT_ACCESSIBLE, INVALID_PO). Every
// other status (FAILED, PARTIAL, TIMEOUT, CANCELLED, UNRECOGNISED,
// PENDING, and any word added later) is fetched again.
func (s Status) Kept() bool {
	switch s {
	case Completed, NoAttachments, NotFound, PRNotAccessible, InvalidPO:
		return true
	}
	return false
}

// Outcome groups the status words by what they tell the operator; the
// console and the results workbook draw their counts, glyphs and shades
// from it.
type Outcome int

const (
	OutcomePending   Outcome = iota // PENDING (or no status yet): not reached
	OutcomeOK                       // COMPLETED, NO_ATTACHMENTS: nothing more to do
	OutcomeNotFound                 // PO_NOT_FOUND, PR_NOT_ACCESSIBLE: Coupa's answer, not a failure of the run
	OutcomeInvalid                  // INVALID_PO: the input row holds no PO number
	OutcomeCancelled                // CANCELLED: the operator or a shutdown stopped it
	OutcomeFailed                   // FAILED, PARTIAL, TIMEOUT, UNRECOGNISED and any word added later
)

// Outcome is the group s belongs to.
func (s Status) Outcome() Outcome {
	switch s {
	case "", Pending:
		return OutcomePending
	case Completed, NoAttachments:
		return OutcomeOK
	case NotFound, PRNotAccessible:
		return OutcomeNotFound
	case InvalidPO:
		return OutcomeInvalid
	case Cancelled:
		return OutcomeCancelled
	}
	return OutcomeFailed
}
