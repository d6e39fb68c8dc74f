package vocab

import (
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

// TestNumberCellPO: Excel shows a number cell as "4.50E+09" or
// "4,500,000,123"; the stored number decides. Plain digits shown win, as
// the operator sees them (a "000000" format's zero padding included).
func TestNumberCellPO(t *testing.T) {
	for _, c := range storedCases {
		for _, shown := range []string{"4.50E+09", "4,500,000,123"} {
			got, ok := NumberCellPO(shown, c.raw)
			if ok != (c.want != "") || got != c.want {
				t.Errorf("NumberCellPO(%q, %q) = %q, %v; want %q, %v", shown, c.raw, got, ok, c.want, c.want != "")
			}
		}
	}
	if got, ok := NumberCellPO("0000123456", "123456"); !ok || got != "0000123456" {
		t.Errorf("padded digits shown: %q, %v", got, ok)
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
		if len(po) < MinPODigits || !onlyDigits(po) {
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

// TestLonePOPrefix: a token that is only the prefix, with the separators
// NormalizePO strips, is a prefix; one with a digit or another letter is not.
func TestLonePOPrefix(t *testing.T) {
	for tok, want := range map[string]bool{
		"PO": true, "pm": true, "Po#": true, "PM-": true, "po:_.": true, " PO ": true,
		"P": false, "POX": false, "PO1": false, "PO#4500000123": false, "": false, "#": false,
	} {
		if got := LonePOPrefix(tok); got != want {
			t.Errorf("LonePOPrefix(%q) = %v, want %v", tok, got, want)
		}
	}
}
