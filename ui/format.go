package ui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// fit truncates s (which may hold ANSI styles) to w cells, ending with "…"
// when cut, and pads it with spaces to exactly w cells.
func fit(s string, w int) string { return fitted(s, w, false) }

// fitRight is fit with the text aligned to the right edge.
func fitRight(s string, w int) string { return fitted(s, w, true) }

// fitted is writeFit's text as a string: s itself when it fits exactly.
func fitted(s string, w int, right bool) string {
	if w > 0 && ansi.StringWidth(s) == w {
		return s
	}
	var b strings.Builder
	writeFit(&b, s, w, right)
	return b.String()
}

// writeFit writes s truncated to w cells (ending with "…" when cut) and
// padded with spaces to exactly w, on the left when right: a frame fits
// every cell and every line into its builder without copies.
func writeFit(b *strings.Builder, s string, w int, right bool) {
	if w <= 0 {
		return
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		if right {
			b.WriteString(s)
			return
		}
		sw = ansi.StringWidth(s)
	}
	if right {
		writeSpaces(b, w-sw)
	}
	b.WriteString(s)
	if !right {
		writeSpaces(b, w-sw)
	}
}

// spaces pads most cells and lines in one write.
const spaces = "                                                                "

func writeSpaces(b *strings.Builder, n int) {
	for ; n > len(spaces); n -= len(spaces) {
		b.WriteString(spaces)
	}
	if n > 0 {
		b.WriteString(spaces[:n])
	}
}

// clip truncates s to w cells without padding.
func clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// clock formats an elapsed time as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	h, m, sec := s/3600, (s/60)%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

// human formats a duration briefly for ETAs and deadlines: 45s, 3m05s, 2h10m.
func human(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 100*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// bytesHuman formats a byte count with a binary unit: 512 MB, 1.2 GB.
func bytesHuman(b uint64) string {
	const unit = 1024
	switch {
	case b < unit:
		return fmt.Sprintf("%d B", b)
	case b < unit*unit:
		return fmt.Sprintf("%.0f KB", float64(b)/unit)
	case b < unit*unit*unit:
		return fmt.Sprintf("%.0f MB", float64(b)/(unit*unit))
	}
	return fmt.Sprintf("%.1f GB", float64(b)/(unit*unit*unit))
}

// bar draws a w-cell bar filled to frac (0..1) with █ and ░. It never relies
// on colour: the filled part is a different glyph.
func bar(frac float64, w int) string {
	if w <= 0 {
		return ""
	}
	frac = clamp01(frac)
	full := int(math.Round(frac * float64(w)))
	return strings.Repeat("█", full) + strings.Repeat("░", w-full)
}

// gaugeCells is bar with a marker cell at mark (0..1, negative for none),
// returned as three runs so each can be styled: before, marker, after.
func gaugeCells(frac, mark float64, w int) (filled, empty string, markAt int) {
	b := []rune(bar(frac, w))
	markAt = -1
	if mark >= 0 && w > 0 {
		markAt = min(w-1, int(math.Round(clamp01(mark)*float64(w))))
	}
	full := 0
	for _, r := range b {
		if r == '█' {
			full++
		}
	}
	return string(b[:full]), string(b[full:]), markAt
}

var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the last w values as block heights scaled to [0, top]; a
// top of 0 scales to the largest value shown. Missing history is blank.
func sparkline(values []float64, w int, top float64) string {
	if w <= 0 {
		return ""
	}
	if len(values) > w {
		values = values[len(values)-w:]
	}
	if top <= 0 {
		for _, v := range values {
			top = max(top, v)
		}
	}
	var b strings.Builder
	b.Grow(w * 3)
	b.WriteString(strings.Repeat(" ", w-len(values)))
	for _, v := range values {
		i := 0
		if top > 0 {
			i = int(math.Round(clamp01(v/top) * float64(len(sparkRunes)-1)))
		}
		b.WriteRune(sparkRunes[i])
	}
	return b.String()
}

func clamp01(f float64) float64 {
	switch {
	case math.IsNaN(f) || f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

// padLines returns exactly h lines, cutting or adding blank ones.
func padLines(lines []string, h int) []string {
	if h <= 0 {
		return nil
	}
	if len(lines) >= h {
		return lines[:h]
	}
	out := make([]string, h)
	copy(out, lines)
	return out
}

// plural writes "1 task" or "3 tasks".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
