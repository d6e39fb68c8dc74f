package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Issue 11 item 10: the input measures its width in terminal cells, so wide
// characters (full-width digits pasted from another system, CJK names in
// the filter) neither overflow the box nor hide the cursor.
func TestLineInputWidthInCells(t *testing.T) {
	fullWidth := "４５００００００１２３" // ten digits, two cells each
	for _, c := range []struct {
		name  string
		value string
		pos   int // cursor after SetValue and these many "left" keys
	}{
		{"full-width digits, cursor at the end", fullWidth, 0},
		{"full-width digits, cursor inside", fullWidth, 4},
		{"mixed", "PO " + fullWidth + " 4500000123", 7},
		{"combining marks", strings.Repeat("e\u0301", 30), 3},
		{"plain", strings.Repeat("4500000123 ", 5), 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := newLineInput("> ", "", 10)
			in.SetValue(c.value)
			for range c.pos {
				in.Update(keyMsg("left"))
			}
			view := in.View()
			body := strings.TrimPrefix(textOf(view), "> ")
			if w := ansi.StringWidth(body); w > 10 {
				t.Errorf("%q takes %d cells in a 10-cell input", body, w)
			}
			cursor := slices.IndexFunc(view, func(s span) bool { return s.tone == tSelected })
			if cursor < 0 {
				t.Fatalf("cursor not shown: %q", view)
			}
			cursorText := textOf(view[cursor:])
			if c.pos > 0 {
				if want := string([]rune(in.Value())[in.pos]); !strings.HasPrefix(cursorText, want) {
					t.Errorf("cursor on %q, want it on %q", cursorText, want)
				}
			}
		})
	}
	in := newLineInput("> ", "", 10)
	in.SetValue("e\u0301e\u0301")
	in.Update(keyMsg("left"))
	if in.pos != 2 {
		t.Errorf("left over a combining mark: cursor at rune %d, want 2", in.pos)
	}
}
