package vocab

// Layouts of the download root: where a PO's folder goes when the input
// has no hierarchy columns.
const (
	LayoutSupplier = "supplier" // <root>/<Supplier>/PO<id>_<STATUS>
	LayoutFlat     = "flat"     // <root>/PO<id>_<STATUS>
)
