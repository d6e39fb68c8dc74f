package coupa

// Job is one PO to process.
type Job struct {
	PO        string   // normalised PO number, digits only
	Hierarchy []string // folder levels from the input row; empty means the supplier's folder
}
