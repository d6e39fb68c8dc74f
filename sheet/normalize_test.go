package sheet

import (
	"strings"
	"testing"

	"coupatui/vocab"
)

// Issue 11 item 4: a CSV or text cell in scientific notation is the
// export's rounding of a number, not a PO; the row says what to do.
func TestScientificNotationIsInvalid(t *testing.T) {
	in := mustRead(t, writeFile(t, "sci.csv", []byte("PO_NUMBER\n4.5E+09\n4.500000123E9\n4500000123.0\n")))
	equal(t, "rows", views(in.Rows), []rowView{{1, "", true, 0}, {2, "", true, 0}, {3, "4500000123", false, 0}})
	for _, r := range in.Rows[:2] {
		for _, want := range []string{quote(r.Raw), "scientific notation", "digits may be lost", "export the PO column as text"} {
			if !strings.Contains(r.Problem, want) {
				t.Errorf("row %d: problem %q lacks %q", r.Line, r.Problem, want)
			}
		}
	}
	out := writeResults(t, in, nil)
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "status", res.Rows[0].Outcome.Status, vocab.InvalidPO)
	if !strings.Contains(res.Rows[0].Outcome.Error, "scientific notation") {
		t.Errorf("ERROR_MESSAGE = %q", res.Rows[0].Outcome.Error)
	}
	// The same as text cells of a workbook; a number cell keeps working.
	b := newBook(t, "PO_Data").row("PO_Data", 1, "PO_NUMBER").row("PO_Data", 2, "4.5E+09").row("PO_Data", 3, 4500000123)
	if err := b.f.SetCellDefault("PO_Data", "A4", "4.500000124E9"); err != nil { // a number cell stored so
		t.Fatal(err)
	}
	in = mustRead(t, b.save("sci.xlsx"))
	equal(t, "xlsx rows", views(in.Rows), []rowView{{1, "", true, 0}, {2, "4500000123", false, 0}, {3, "4500000124", false, 0}})
	if !strings.Contains(in.Rows[0].Problem, "scientific notation") {
		t.Errorf("text cell problem = %q", in.Rows[0].Problem)
	}
}
