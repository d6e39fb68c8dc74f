package ui

// The smallest terminal the console draws in; below it, one line says so.
const (
	minWidth  = 64
	minHeight = 18
)

// wideWidth is where the layout switches to two columns.
const wideWidth = 120

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// layout places the header (2 lines), the body and the status and footer
// lines (1 each), and the panes inside the body.
type layout struct {
	w, h     int
	tooSmall bool
	body     rect
	panes    [paneCount]rect
}

// computeLayout lays out a w×h screen for n lines of workers (a line per
// worker and per file in flight).
//
//	narrow (w < 120)          wide (w ≥ 120)
//	┌──── workers ────┐       ┌ workers ──┐┌ resources ┐
//	├ queue ─┐┌ res ──┤       ├ queue ────┤├ log ──────┤
//	│        │├ log ──┤       │           ││           │
func computeLayout(w, h, n int) layout {
	l := layout{w: w, h: h}
	if w < minWidth || h < minHeight {
		l.tooSmall = true
		return l
	}
	l.body = rect{0, 2, w, h - 4}
	B, y := l.body.h, l.body.y
	if w < wideWidth {
		hw := clampInt(n+3, 5, B*2/5)
		rw := w * 9 / 20
		bottom := B - hw
		hr := clampInt(bottom/2, 4, 8)
		l.panes[paneWorkers] = rect{0, y, w, hw}
		l.panes[paneQueue] = rect{0, y + hw, w - rw, bottom}
		l.panes[paneResources] = rect{w - rw, y + hw, rw, hr}
		l.panes[paneLog] = rect{w - rw, y + hw + hr, rw, bottom - hr}
		return l
	}
	lw := w * 3 / 5
	rw := w - lw
	hw := clampInt(n+3, 5, B/2)
	hr := clampInt(B/3, 4, 9)
	l.panes[paneWorkers] = rect{0, y, lw, hw}
	l.panes[paneQueue] = rect{0, y + hw, lw, B - hw}
	l.panes[paneResources] = rect{lw, y, rw, hr}
	l.panes[paneLog] = rect{lw, y + hr, rw, B - hr}
	return l
}

func clampInt(v, lo, hi int) int {
	if hi < lo {
		hi = lo
	}
	return max(lo, min(v, hi))
}
