package ui

import "strings"

// column is one column of a pane's table. Columns with a higher drop rank
// disappear first when the pane is narrow; the flex column takes the width
// left over.
type column struct {
	title string
	width int
	right bool
	flex  bool
	drop  int // 0: never dropped
}

// layoutColumns returns the columns that fit in width w (one space between
// columns) with the flex column widened to fill it.
func layoutColumns(cols []column, w int) []column {
	out := append([]column(nil), cols...)
	need := func(cs []column) int {
		n := 0
		for _, c := range cs {
			n += c.width
		}
		return n + max(0, len(cs)-1)
	}
	for need(out) > w {
		worst, rank := -1, 0
		for i, c := range out {
			if c.drop > rank {
				worst, rank = i, c.drop
			}
		}
		if worst < 0 {
			break
		}
		out = append(out[:worst], out[worst+1:]...)
	}
	if spare := w - need(out); spare > 0 {
		for i := range out {
			if out[i].flex {
				out[i].width += spare
				break
			}
		}
	}
	return out
}

// tableCells is one row of a table as data: each column's text and tone, by
// the column's title.
type tableCells map[string]span

// tableRow joins the cells of the columns cols fitted to their widths,
// each in its tone when styled (a selected row is drawn in reverse as a
// whole instead).
func tableRow(st *styles, cols []column, row tableCells, styled bool) string {
	var b strings.Builder
	b.Grow(rowBytes(cols))
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := row[c.title].text
		if styled {
			v = st.render(row[c.title].tone, v)
		}
		writeFit(&b, v, c.width, c.right)
	}
	return b.String()
}

// rowBytes is about the size of a row of cols, styles included: one
// buffer of that size instead of one that doubles its way there.
func rowBytes(cols []column) int {
	n := 0
	for _, c := range cols {
		n += c.width + 1 + 16 // a separator, a tone's escape codes or a wide glyph
	}
	return n
}

// tableHeader renders the column titles.
func tableHeader(st *styles, cols []column) string {
	titles := make(tableCells, len(cols))
	for _, c := range cols {
		titles[c.title] = span{text: c.title}
	}
	return st.render(tDim, tableRow(st, cols, titles, false))
}

// scrollTo keeps sel visible in a window of rows starting at top.
func scrollTo(sel, top, rows, total int) int {
	if rows <= 0 || total <= 0 {
		return 0
	}
	if sel < top {
		top = sel
	}
	if sel >= top+rows {
		top = sel - rows + 1
	}
	return max(0, min(top, total-rows))
}

// moveSel applies a navigation action to a selection in [0, total).
func moveSel(act action, sel, rows, total int) int {
	switch act {
	case actUp:
		sel--
	case actDown:
		sel++
	case actTop:
		sel = 0
	case actBottom:
		sel = total - 1
	case actPageUp:
		sel -= max(1, rows-1)
	case actPageDown:
		sel += max(1, rows-1)
	}
	return max(0, min(sel, total-1))
}
