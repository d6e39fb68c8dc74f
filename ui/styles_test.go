package ui

import "testing"

// render's shortcut gives what lipgloss's Style.Render gives, for every
// tone, with and without colour.
func TestRenderMatchesLipgloss(t *testing.T) {
	texts := []string{"", " ", "x", "  lead and trail  ", "W12", "Böhm & Söhne GmbH", "日本語の名前", "✓ 3 ok", "▕██░┃▏",
		"a\tb", "two\nlines", "cr\r\nlf"}
	for _, noColor := range []bool{false, true} {
		st := newStyles(noColor)
		for tn := range toneCount {
			for _, text := range texts {
				if got, want := st.render(tn, text), st.of[tn].Render(text); tn != tPlain && got != want {
					t.Errorf("noColor=%v tone %d %q: %q, lipgloss gives %q", noColor, tn, text, got, want)
				}
			}
		}
	}
}
