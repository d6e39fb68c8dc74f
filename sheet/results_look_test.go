package sheet

import (
	"strings"
	"testing"

	"coupatui/vocab"

	"github.com/xuri/excelize/v2"
)

// The results workbook read back as Excel sees it: DOWNLOAD_FOLDER and
// COUPA_URL are links, the header is frozen with filters on, columns are
// sized to their content, and STATUS is shaded by outcome.
func TestResultsWorkbookToWorkIn(t *testing.T) {
	in := roundTripInput(t)
	outcomes := map[int]Outcome{
		1: roundTripOutcomes[1],
		2: {Status: "FAILED", Error: "HTTP 503", Folder: "/dl/Quote \"Q\" Ltd/PO4500000002_FAILED",
			URL: "https://coupa.example/order_headers/4500000002"},
		6: {Status: "UNRECOGNISED", Folder: "/dl/" + strings.Repeat("x", 300), URL: "javascript:alert(1)"},
	}
	out := writeResults(t, in, outcomes)
	f := openBook(t, out)
	// Columns: ... P DOWNLOAD_FOLDER, Q COUPA_URL; rows 3 (line 1), 4 (line 2),
	// 6 (duplicate of line 1), 7 (invalid), 8 (line 6).
	value := func(ref string) string {
		v, err := f.GetCellValue(DataSheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	formula := func(ref string) string {
		v, err := f.GetCellFormula(DataSheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	style := func(ref string) *excelize.Style {
		id, err := f.GetCellStyle(DataSheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	for _, c := range []struct{ ref, formula, value string }{
		{"P3", `HYPERLINK("file:///dl/Acme%20GmbH/PO4500000001_COMPLETED","/dl/Acme GmbH/PO4500000001_COMPLETED")`, "/dl/Acme GmbH/PO4500000001_COMPLETED"},
		{"Q3", `HYPERLINK("https://coupa.example/order_headers/4500000001","https://coupa.example/order_headers/4500000001")`, "https://coupa.example/order_headers/4500000001"},
		{"P4", `HYPERLINK("file:///dl/Quote%20%22Q%22%20Ltd/PO4500000002_FAILED","/dl/Quote ""Q"" Ltd/PO4500000002_FAILED")`, `/dl/Quote "Q" Ltd/PO4500000002_FAILED`},
		{"P6", `HYPERLINK("file:///dl/Acme%20GmbH/PO4500000001_COMPLETED","/dl/Acme GmbH/PO4500000001_COMPLETED")`, "/dl/Acme GmbH/PO4500000001_COMPLETED"},
		// Too long for HYPERLINK, and not a web URL: plain text.
		{"P8", "", "/dl/" + strings.Repeat("x", 300)},
		{"Q8", "", "javascript:alert(1)"},
	} {
		if got := formula(c.ref); got != c.formula {
			t.Errorf("%s formula %s, want %s", c.ref, got, c.formula)
		}
		if got := value(c.ref); got != c.value {
			t.Errorf("%s shows %q, want %q", c.ref, got, c.value)
		}
		if c.formula != "" {
			if st := style(c.ref); st.Font == nil || st.Font.Underline != "single" || !strings.EqualFold(st.Font.Color, "0563C1") {
				t.Errorf("%s is not styled as a link: %+v", c.ref, st.Font)
			}
		}
	}

	// STATUS: the word, shaded by outcome.
	for _, c := range []struct{ ref, word, fill string }{
		{"I3", "COMPLETED", "C6EFCE"}, {"I4", "FAILED", "FFC7CE"}, {"I6", "COMPLETED", "C6EFCE"},
		{"I7", "INVALID_PO", "FFEB9C"}, {"I8", "UNRECOGNISED", "FFC7CE"},
	} {
		if got := value(c.ref); got != c.word {
			t.Errorf("%s says %q, want %q", c.ref, got, c.word)
		}
		if st := style(c.ref); len(st.Fill.Color) == 0 || !strings.EqualFold(st.Fill.Color[0], c.fill) {
			t.Errorf("%s (%s) fill %v, want %s", c.ref, c.word, st.Fill.Color, c.fill)
		}
	}
	if statusShade("SOMETHING_NEW") != "" {
		t.Error("an unknown status word got a shade")
	}

	// The header is frozen, with filters on over every column and row.
	panes, err := f.GetPanes(DataSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("header not frozen: %+v, %v", panes, err)
	}
	filter := ""
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filter = dn.RefersTo
		}
	}
	if !strings.HasSuffix(filter, "$A$2:$R$8") {
		t.Errorf("autofilter over %q, want A2:R8", filter)
	}
	// Columns sized to their content, within bounds.
	wFolder, _ := f.GetColWidth(DataSheet, "P")
	wStatus, _ := f.GetColWidth(DataSheet, "I")
	if wFolder != maxColWidth || wStatus < float64(len("UNRECOGNISED")) || wStatus >= wFolder {
		t.Errorf("widths: DOWNLOAD_FOLDER %v, STATUS %v", wFolder, wStatus)
	}

	// Our own reader reads the text, not the formula.
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Rows[0].Outcome; o.Folder != outcomes[1].Folder || o.URL != outcomes[1].URL || o.Status != "COMPLETED" {
		t.Errorf("read back %+v", o)
	}
}

// The STATUS shades follow vocab's outcomes, as the console's glyphs do:
// Coupa saying a PO or its requisition is not ours is neutral, not bad.
func TestStatusShadeFollowsOutcome(t *testing.T) {
	for st, want := range map[vocab.Status]string{
		vocab.Completed: "good", vocab.NoAttachments: "good",
		vocab.NotFound: "neutral", vocab.PRNotAccessible: "neutral",
		vocab.InvalidPO: "neutral", vocab.Cancelled: "neutral", vocab.Pending: "neutral",
		vocab.Failed: "bad", vocab.Partial: "bad", vocab.Timeout: "bad", vocab.Unrecognised: "bad",
	} {
		if got := statusShade(st); got != want {
			t.Errorf("statusShade(%s) = %q, want %q", st, got, want)
		}
	}
}
