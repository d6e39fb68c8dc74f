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
// .xlsx files are read by the package's own streaming scanner of the sheet
// XML (xmlscan.go, xlsx_scan.go), several times faster than excelize's
// row iterator; number formats are still applied by excelize's formatter,
// and a package the scanner cannot follow is read through excelize instead.
// Cells come as Excel displays them; a PO cell whose display is a formatted
// number ("4.50E+09") is normalised from the number Excel stored.
//
// Writing: WriteResults writes one sheet, PO_Data, that repeats the input
// row for row (rows above the header included) and adds the ten outcome
// columns after the input's own ones. The file is written to a temporary
// file in the same folder, synced and renamed, so a results file is either
// the old one or the complete new one. The input file is never modified.
//
// The package knows nothing about browsers or Coupa; status words arrive as
// plain strings.
package sheet
