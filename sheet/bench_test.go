package sheet

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const benchRows = 100_000

// benchInput writes a realistic 100,000-row input: a PO column, a few
// carried columns, a priority and two hierarchy levels, some duplicates
// and invalid rows.
func benchInput(b *testing.B, name string) string {
	b.Helper()
	columns := []string{"Requester", "PO_NUMBER", "Amount", "PRIORITY", "Comment", HierarchyMarker, "Region", "Dept"}
	rows := make([][]string, benchRows)
	prios := []string{"", "urgent", "high", "normal", "low"}
	for i := range rows {
		po := "45" + strconv.Itoa(10_000_000+i%97_000) // some duplicates
		if i%1000 == 999 {
			po = "n/a"
		}
		rows[i] = []string{"user" + strconv.Itoa(i%50), po, strconv.Itoa(i%5000) + ".25", prios[i%5],
			"comment for row " + strconv.Itoa(i), "", "Region" + strconv.Itoa(i%7), "Dept" + strconv.Itoa(i%13)}
	}
	path := filepath.Join(b.TempDir(), name)
	if err := WriteInput(path, columns, rows); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkReadCSV100k(b *testing.B) {
	path := benchInput(b, "big.csv")
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	readLoop(b, path)
}

func BenchmarkWriteResults100k(b *testing.B) {
	in, err := Read(benchInput(b, "big.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	outcomes := make(map[int]Outcome, len(in.Rows))
	now := time.Now()
	for i, r := range in.POs() {
		if i%10 == 0 {
			continue // left pending
		}
		outcomes[r.Line] = Outcome{Status: "COMPLETED", Supplier: "Supplier " + strconv.Itoa(i%300), Found: 2, Downloaded: 2,
			Files: []string{"quote.pdf", "invoice.pdf"}, Processed: now, Folder: "/downloads/PO" + r.PO + "_COMPLETED",
			URL: "https://coupa.example/order_headers/" + r.PO}
	}
	out := filepath.Join(b.TempDir(), "results.xlsx")
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		if err := WriteResults(out, in, outcomes); err != nil {
			b.Fatal(err)
		}
	}
}

// readLoop reads path, benchRows rows, as often as the benchmark asks.
func readLoop(b *testing.B, path string) {
	for b.Loop() {
		in, err := Read(path)
		if err != nil {
			b.Fatal(err)
		}
		if len(in.Rows) != benchRows {
			b.Fatalf("read %d rows", len(in.Rows))
		}
	}
}
