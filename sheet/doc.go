// Package sheet reads the operator's list of Purchase Orders from an .xlsx
// or .csv file and writes the results workbook.
//
// Reading: the sheet PO_Data (else the first visible sheet) or the CSV file
// is read once; the header row is the first row, among the first few
// non-blank ones, that holds a PO column (PO_NUMBER, PO Number, PO, ... —
// case, spaces, "-" and "_" ignored). Every later non-blank row becomes a
// Row whose Line is its distance below the header, so row Line of the input
// is sheet row HeaderRow+Line, both in the input and in the results.
//
// .xlsx files are read with excelize's row iterator, raw values only. A
// second reader of the same sheet XML (sheetMeta) gives what the iterator
// does not: each cell's type and number format, and the merged ranges.
// Every cell keeps what the workbook stores (Cell: value, Kind, NumFormat)
// so the results carry dates as dates and amounts as numbers; only the
// cells that become text are shown as Excel shows them: the header, the
// PO cell (Row.Raw) and the hierarchy cells (Row.Hierarchy, a merged cell
// repeated down every row it covers). A PO number cell whose text is not
// plain digits ("4.50E+09", "4,500,000,123") is read from the number Excel
// stored; a PO written as text in scientific notation is INVALID_PO, since
// whoever wrote it so had already rounded it.
//
// Rows are packed (Cells): a cell costs its bytes and eight more, an empty
// cell nothing, a shared string is held once. Past a limit (limits.go: 200
// MB unpacked, counted as read; data below row 1,000,000; more than 16,373
// columns; 1,000,000 shared strings) Read stops with ErrTooLarge and one
// message naming the file and the limit, before memory runs out.
//
// Writing: WriteResults writes one sheet, PO_Data, that repeats the input
// row for row (rows above the header included), each cell with the type
// and number format it had, and adds the eleven outcome columns (ResultColumns) after the
// input's own ones. The file is written to a temporary
// file in the same folder, synced and renamed, so a results file is either
// the old one or the complete new one. The input file is never modified.
//
// The package knows nothing about browsers or Coupa; status words arrive as
// vocab.Status, and their STATUS shade follows vocab's Outcome.
package sheet
