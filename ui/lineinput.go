package ui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
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
	case "right", "ctrl+f":
		in.pos = min(len(in.value), in.pos+1)
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

// View draws the prompt and the visible part of the value with the cursor
// as a reverse-video cell (visible without colour).
func (in *lineInput) View(st *styles) string {
	w := max(1, in.width)
	if len(in.value) == 0 && !in.focused {
		return in.prompt + st.dim.Render(clip(in.placeholder, w))
	}
	if len(in.value) == 0 {
		ph := []rune(in.placeholder + " ")
		return in.prompt + st.selected.Render(string(ph[0])) + st.dim.Render(clip(string(ph[1:]), w-1))
	}
	// Scroll so the cursor cell is visible.
	start := max(0, in.pos-w+1)
	end := min(len(in.value), start+w)
	var b strings.Builder
	b.WriteString(in.prompt)
	for i := start; i <= end && i-start < w; i++ {
		ch := " "
		if i < len(in.value) {
			ch = string(in.value[i])
		}
		if i == in.pos && in.focused {
			b.WriteString(st.selected.Render(ch))
		} else if i < len(in.value) {
			b.WriteString(ch)
		}
	}
	return b.String()
}
