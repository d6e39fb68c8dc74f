package ui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// lineInput is a one-line text input: the filter and the add dialog's PO
// numbers. (bubbles' textinput would pull in a clipboard module the project
// does not otherwise need; terminals deliver pastes as tea.PasteMsg anyway.)
type lineInput struct {
	prompt      string
	placeholder string
	value       []rune
	pos         int // cursor, 0..len(value)
	focused     bool
	width       int // cells for the value; the text scrolls to keep the cursor in view
}

func newLineInput(prompt, placeholder string, width int) *lineInput {
	return &lineInput{prompt: prompt, placeholder: placeholder, width: width, focused: true}
}

func (in *lineInput) Value() string { return string(in.value) }

func (in *lineInput) SetValue(s string) {
	in.value = []rune(s)
	in.pos = len(in.value)
}

// Paste inserts pasted text; line breaks and tabs become spaces.
func (in *lineInput) Paste(s string) {
	in.insert(strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s))
}

func (in *lineInput) insert(s string) {
	rs := []rune(s)
	v := make([]rune, 0, len(in.value)+len(rs))
	v = append(v, in.value[:in.pos]...)
	v = append(v, rs...)
	v = append(v, in.value[in.pos:]...)
	in.value = v
	in.pos += len(rs)
}

// Update applies an editing key; it reports whether the key was used.
func (in *lineInput) Update(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "left", "ctrl+b":
		in.pos = max(0, in.pos-1)
		for in.pos > 0 && cells(in.value[in.pos]) == 0 { // onto the character a mark belongs to
			in.pos--
		}
	case "right", "ctrl+f":
		in.pos = min(len(in.value), in.pos+1)
		for in.pos < len(in.value) && cells(in.value[in.pos]) == 0 {
			in.pos++
		}
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "backspace", "ctrl+h":
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
			in.pos--
		}
	case "delete", "ctrl+d":
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		}
	case "ctrl+u":
		in.value = in.value[in.pos:]
		in.pos = 0
	case "ctrl+k":
		in.value = in.value[:in.pos]
	case "ctrl+w", "alt+backspace":
		i := in.pos
		for i > 0 && unicode.IsSpace(in.value[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(in.value[i-1]) {
			i--
		}
		in.value = append(in.value[:i], in.value[in.pos:]...)
		in.pos = i
	default:
		if k.Text == "" || k.Mod.Contains(tea.ModCtrl) || k.Mod.Contains(tea.ModAlt) {
			return false
		}
		in.Paste(k.Text)
	}
	return true
}

// View is the prompt and the visible part of the value with the cursor
// as a reverse-video cell (visible without colour). Widths are terminal
// cells: a full-width digit pasted from another system takes two.
func (in *lineInput) View() []span {
	w := max(1, in.width)
	out := []span{{text: in.prompt}}
	if len(in.value) == 0 && !in.focused {
		return append(out, span{clip(in.placeholder, w), tDim})
	}
	if len(in.value) == 0 {
		ph := []rune(in.placeholder + " ")
		return append(out, span{string(ph[0]), tSelected}, span{clip(string(ph[1:]), w-cells(ph[0])), tDim})
	}
	// Scroll so the cursor's cell is visible: back from it, as many
	// characters as fit.
	used := 1 // past the end, the cursor is a space
	if in.pos < len(in.value) {
		used = max(1, cells(in.value[in.pos]))
	}
	start := in.pos
	for start > 0 && used+cells(in.value[start-1]) <= w {
		start--
		used += cells(in.value[start])
	}
	used = 0
	for i := start; i <= len(in.value); {
		if i == len(in.value) {
			if i == in.pos && in.focused && used < w {
				out = append(out, span{" ", tSelected})
			}
			break
		}
		// A character and the marks that follow it take its cells.
		j, width := i+1, cells(in.value[i])
		for j < len(in.value) && cells(in.value[j]) == 0 {
			j++
		}
		if used+width > w && used > 0 {
			break
		}
		used += width
		ch := span{text: string(in.value[i:j])}
		if in.pos >= i && in.pos < j && in.focused {
			ch.tone = tSelected
		}
		out = append(out, ch)
		i = j
	}
	return out
}

// cells is how many terminal cells r takes: 2 for wide characters, 0 for
// combining marks and other invisible ones.
func cells(r rune) int { return ansi.StringWidth(string(r)) }
