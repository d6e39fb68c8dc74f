package ui

import (
	"fmt"
	"time"

	"coupatui/pool"
	"coupatui/vocab"
)

// summaryState is what the run summary shows beyond the snapshot.
type summaryState struct {
	duration time.Duration
	rate     float64 // POs per minute over the whole run
}

func (m *Model) summaryState() summaryState {
	s := summaryState{duration: m.headerState().elapsed}
	if min := s.duration.Minutes(); min > 0 {
		s.rate = float64(m.c.snap.Counts.Done) / min
	}
	return s
}

// renderSummary draws the end-of-run summary: counts per status, duration,
// download folder and results workbook.
func renderSummary(c *common, s summaryState, w, h int) string {
	st := c.st
	counts := c.snap.Counts
	lines := []string{
		st.bold.Render("Every task is final.") + fmt.Sprintf(" %s in %s (%.1f POs/min).",
			plural(counts.Total, "task"), clock(s.duration), s.rate),
		"",
	}
	for _, status := range vocab.Statuses {
		n := counts.ByStatus[status]
		if n == 0 {
			continue
		}
		style, glyph := st.statusStyle(status)
		lines = append(lines, style.Render(fmt.Sprintf("  %s %-18s", glyph, status))+fmt.Sprintf("%7d", n))
	}
	lines = append(lines, fmt.Sprintf("    %-18s%7d", "TOTAL", counts.Total), "")
	if c.opts.DownloadRoot != "" {
		lines = append(lines, "Downloads  "+c.opts.DownloadRoot)
	}
	if c.opts.Report != "" {
		lines = append(lines, "Results    "+c.opts.Report+" (written when you quit)")
	}
	lines = append(lines, "", st.dim.Render("q quit · esc or s show the panes · a add more POs"))
	title := "Run finished"
	if c.snap.State == pool.PoolStopped {
		title = "Run stopped"
	}
	return dialog(st, title, lines, w, h)
}
