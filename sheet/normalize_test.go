package sheet

import (
	"path/filepath"
	"strings"
	"testing"
)

var normalizeCases = []struct {
	raw  string
	want string // "" means invalid
}{
	{"4500000123", "4500000123"},
	{"  4500000123  ", "4500000123"},
	{"\u00a04500000123\u00a0", "4500000123"},
	{"\u200b4500000123\ufeff", "4500000123"},
	{"\t4500000123\r\n", "4500000123"},
	{"0012345", "0012345"},
	{"000000", "000000"},
	{"123456", "123456"},
	{"12345", ""},
	{"PO4500000123", "4500000123"},
	{"po4500000123", "4500000123"},
	{"Po-4500000123", "4500000123"},
	{"PO_4500000123", "4500000123"},
	{"PO 4500000123", "4500000123"},
	{"PO\u00a04500000123", "4500000123"},
	{"PO#4500000123", "4500000123"},
	{"PO# 4500000123", "4500000123"},
	{"PO.4500000123", "4500000123"},
	{"PO:4500000123", "4500000123"},
	{"PO - 4500000123", "4500000123"},
	{"PM4500000123", "4500000123"},
	{"pm-0012345", "0012345"},
	{"PO", ""},
	{"PO-", ""},
	{"PO12345", ""},
	{"PR4500000123", ""},
	{"P4500000123", ""},
	{"4500000123PO", ""},
	{"4500 000123", ""},
	{"4500000123a", ""},
	{"-4500000123", ""},
	{"+4500000123", ""},
	{"４５００００００１２３", ""}, // full-width digits are not ASCII
	{"", ""},
	{"   ", ""},
	{"N/A", ""},
	// Whole numbers written with a decimal point.
	{"4500000123.0", "4500000123"},
	{"4500000123.", "4500000123"},
	{"4500000123.000", "4500000123"},
	{"0012345.0", "0012345"},
	{"4500000123.5", ""},
	{".5E7", ""},
	{"1.2.3", ""},
	// Scientific notation in text: the digits may already be lost.
	{"4.500000123E9", ""},
	{"4.500000123e+09", ""},
	{"4.5E+09", ""},
	{"45E8", ""},
	{"4500000123000E-3", ""},
	{"4.5E", ""},
	{"4.5E+-9", ""},
	{"PO4500000123.0", ""},
	{"1.2.3", ""},
}

// storedCases are the forms in which a workbook may store a whole number
// in a number cell: those are the number itself, nothing was rounded.
var storedCases = []struct {
	raw  string
	want string
}{
	{"4500000123", "4500000123"},
	{"4500000123.0", "4500000123"},
	{"4.500000123E9", "4500000123"},
	{"4.500000123e+09", "4500000123"},
	{"4.500000123E+9", "4500000123"},
	{"45E8", "4500000000"},
	{"4500000123000E-3", "4500000123"},
	{"0.45E7", "4500000"},
	{"4500000123.5", ""},
	{"4.5000001235E9", ""},
	{"4.5E-9", ""},
	{"1E999999999", ""},
	{"1E41", ""},
	{"1E40", "1" + strings.Repeat("0", 40)},
}

func TestPOOfStoredNumber(t *testing.T) {
	for _, c := range storedCases {
		got, ok := poOf(generalNumber(c.raw), Cell{Value: c.raw, Kind: Number})
		if ok != (c.want != "") || got != c.want {
			t.Errorf("poOf(number %q) = %q, %v; want %q, %v", c.raw, got, ok, c.want, c.want != "")
		}
	}
}

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
	out := filepath.Join(t.TempDir(), "sci_results.xlsx")
	if err := WriteResults(out, in, nil); err != nil {
		t.Fatal(err)
	}
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "status", res.Rows[0].Outcome.Status, StatusInvalidPO)
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

func TestNormalizePO(t *testing.T) {
	for _, c := range normalizeCases {
		got, ok := NormalizePO(c.raw)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("NormalizePO(%q) = %q, %v; want %q, %v", c.raw, got, ok, c.want, c.want != "")
		}
	}
}

// FuzzNormalizePO checks that any input is handled without panic and that
// an accepted PO is digits only, long enough, and a fixed point.
func FuzzNormalizePO(f *testing.F) {
	for _, c := range normalizeCases {
		f.Add(c.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		po, ok := NormalizePO(raw)
		if !ok {
			if po != "" {
				t.Fatalf("NormalizePO(%q) = %q with ok=false", raw, po)
			}
			return
		}
		if len(po) < minPODigits || !onlyDigits(po) {
			t.Fatalf("NormalizePO(%q) = %q: not 6+ digits", raw, po)
		}
		if again, ok := NormalizePO(po); !ok || again != po {
			t.Fatalf("NormalizePO(%q) = %q but NormalizePO(%q) = %q, %v", raw, po, po, again, ok)
		}
		if len(po) > len(raw)+maxExponent {
			t.Fatalf("NormalizePO(%q) grew to %d digits", raw, len(po))
		}
	})
}
