package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"coupatui/coupa"
)

// fileBarWidth is the width of one file's progress bar.
const fileBarWidth = 10

// unitOf picks the unit a size is shown in: the same for done and total,
// so "1.2 / 2.0 MB" reads at a glance.
func unitOf(b int64) (div float64, name string) {
	switch {
	case b < 1<<10:
		return 1, "B"
	case b < 1<<20:
		return 1 << 10, "KB"
	case b < 1<<30:
		return 1 << 20, "MB"
	}
	return 1 << 30, "GB"
}

// sizeOf formats done of total bytes: "1.2 / 2.0 MB", or "1.2 MB" when
// the total is not known.
func sizeOf(done, total int64) string {
	ref := max(done, total)
	div, unit := unitOf(ref)
	f := func(b int64) string {
		if div == 1 {
			return fmt.Sprintf("%d", b)
		}
		return fmt.Sprintf("%.1f", float64(b)/div)
	}
	if total <= 0 {
		return f(done) + " " + unit
	}
	return f(done) + " / " + f(total) + " " + unit
}

// fileFrac is how far a file is, 0..1, and whether that is known.
func fileFrac(f coupa.FileProgress) (float64, bool) {
	if f.Total <= 0 {
		return 0, false
	}
	return clamp01(float64(f.Done) / float64(f.Total)), true
}

// fileLine is one file in flight in w cells: its name, a bar (dots when
// the size is not known), bytes done of the total and the percentage. The
// bar is never the only sign: the figures are always there.
func fileLine(indent string, f coupa.FileProgress, w int) []span {
	frac, known := fileFrac(f)
	meter := []span{{text: " ▕" + strings.Repeat("·", fileBarWidth) + "▏ "}}
	pct := "  …"
	if known {
		meter = []span{{text: " ▕"}, {bar(frac, fileBarWidth), tOK}, {text: "▏ "}}
		pct = fmt.Sprintf("%3.0f%%", frac*100)
	}
	tail := append(meter, span{text: fitRight(sizeOf(f.Done, f.Total), 17) + " " + pct})
	name := "↓ " + orDash(f.Name)
	room := w - ansi.StringWidth(indent) - widthOf(tail)
	if room < 8 { // too narrow for the bar: name and figures only
		tail = []span{{text: " " + sizeOf(f.Done, f.Total)}}
		room = w - ansi.StringWidth(indent) - widthOf(tail)
	}
	return append([]span{{indent, tDim}, {text: fit(name, max(0, room))}}, tail...)
}

// inFlightBytes sums the bytes done and the bytes still expected of files
// whose size is known.
func inFlightBytes(files []coupa.FileProgress) (done, left int64) {
	for _, f := range files {
		done += f.Done
		if f.Total > f.Done {
			left += f.Total - f.Done
		}
	}
	return done, left
}
