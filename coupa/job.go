package coupa

// Job is one PO to process.
type Job struct {
	PO        string   // normalised PO number, digits only
	Hierarchy []string // folder levels from the input row; empty means the supplier's folder
	// Have are the files an earlier attempt recorded for this PO: each one
	// still in the PO's folder with its name, size and hash is kept, and
	// only the others are fetched.
	Have []File
}
