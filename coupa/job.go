package coupa

// Job is one PO to process.
type Job struct {
	PO        string   // normalised PO number, digits only
	Hierarchy []string // folder levels from the input row; empty means the supplier's folder
	// Have are the files an earlier attempt recorded for this PO: each one
	// still in the PO's folder with its name, size and hash is kept, and
	// only the others are fetched.
	Have []File
	// PageDone, when set, is called once, from Process's goroutine, as soon
	// as the PO's page has been read and only its downloads (and, with the
	// PR fallback, its requisition) remain: from then on the PO works in
	// its own tab, so the caller may open the next PO in another tab of the
	// same browser. It is not called when the PO ends before that.
	PageDone func()
}
