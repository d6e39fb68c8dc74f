package sheet

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
)

// The CSV shows the workbook's rows as text: result columns over input
// columns of the same name, blanks where no outcome is known.
func TestWriteResultsCSV(t *testing.T) {
	read := func(in *Input, outcomes map[int]Outcome) [][]string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "results.csv")
		if err := WriteResultsCSV(out, in, outcomes); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%q", rows)
		return rows
	}
	rows := read(roundTripInput(t), roundTripOutcomes)
	equal(t, "header", rows[0], append([]string{"Requester", "PO Number", "Amount", "Code", "PRIORITY", HierarchyMarker, "Region"}, ResultColumns...))
	equal(t, "completed row", rows[1][7:], []string{"4500000001", "COMPLETED", "Acme GmbH", "2", "2", "quote.pdf; invoice (1).pdf",
		processedAt.Format("2006-01-02 15:04:05"), "", "/dl/Acme GmbH/PO4500000001_COMPLETED",
		"https://coupa.example/order_headers/4500000001", "RE Order.msg.pdf; old.eml: not converted: not an e-mail"})
	equal(t, "invalid row", rows[4][7:10], []string{"oops", "INVALID_PO", ""})

	b := newBook(t, "PO_Data")
	b.row("PO_Data", 1, "po_number", "Status ", "ATTACHMENTS_FOUND", "Note")
	b.row("PO_Data", 2, "PO-4500000001", "FAILED", 3, "keep me")
	rows = read(mustRead(t, b.save("again.xlsx")), nil)
	equal(t, "reused columns", rows[1][:4], []string{"PO-4500000001", "PENDING", "", "keep me"})
}
