package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// boxGlyphs are the border characters of a pane. The focused pane gets a
// heavy border, so focus shows without colour.
type boxGlyphs struct{ tl, tr, bl, br, h, v string }

var (
	lightBox = boxGlyphs{"╭", "╮", "╰", "╯", "─", "│"}
	heavyBox = boxGlyphs{"┏", "┓", "┗", "┛", "━", "┃"}
)

// box frames body lines in a w×h border with the title in the top edge and
// an optional note right-aligned in it. Body lines are cut or padded to fit.
func box(st *styles, title, note string, focused bool, w, h int, body []string) string {
	if w < 2 || h < 2 {
		return ""
	}
	g, bt := lightBox, tBorder
	if focused {
		g, bt = heavyBox, tBorderFocused
	}
	edge := func(s string) string { return st.render(bt, s) }
	inner := w - 2
	var b strings.Builder
	b.Grow((w + 2) * h * 2)

	// Top edge: ╭─ Title ─────── note ─╮
	t := ""
	if title != "" {
		t = " " + title + " "
	}
	n := ""
	if note != "" {
		n = " " + note + " "
	}
	t = clip(t, max(0, inner-1))
	n = clip(n, max(0, inner-1-ansi.StringWidth(t)-1))
	fill := max(0, inner-1-ansi.StringWidth(t)-ansi.StringWidth(n)-min(1, len(n)))
	top := g.tl + g.h
	if inner == 0 {
		top = g.tl
	}
	b.WriteString(edge(top))
	b.WriteString(st.render(tBold, t))
	b.WriteString(edge(strings.Repeat(g.h, fill)))
	if n != "" {
		b.WriteString(n)
		b.WriteString(edge(g.h))
	}
	b.WriteString(edge(g.tr))
	b.WriteByte('\n')

	side := edge(g.v)
	for i := range h - 2 {
		line := ""
		if i < len(body) {
			line = body[i]
		}
		b.WriteString(side)
		writeFit(&b, line, inner, false)
		b.WriteString(side)
		b.WriteByte('\n')
	}
	b.WriteString(edge(g.bl + strings.Repeat(g.h, inner) + g.br))
	return b.String()
}
