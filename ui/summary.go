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

// renderSummary draws the end-of-run summary.
func renderSummary(c *common, s summaryState, w, h int) string {
	title := "Run finished"
	if c.snap.State == pool.PoolStopped {
		title = "Run stopped"
	}
	return framed(c.st, title, summaryLines(c, s), w, h)
}

// summaryLines are the summary's content: counts per status, duration,
// download folder and results workbook.
func summaryLines(c *common, s summaryState) [][]span {
	counts := c.snap.Counts
	lines := [][]span{
		{{"Every task is final.", tBold}, {text: fmt.Sprintf(" %s in %s (%.1f POs/min).",
			plural(counts.Total, "task"), clock(s.duration), s.rate)}},
		nil,
	}
	for _, status := range vocab.Statuses {
		n := counts.ByStatus[status]
		if n == 0 {
			continue
		}
		tn, glyph := statusLook(status)
		lines = append(lines, []span{{fmt.Sprintf("  %s %-18s", glyph, status), tn}, {text: fmt.Sprintf("%7d", n)}})
	}
	lines = append(lines, plain(fmt.Sprintf("    %-18s%7d", "TOTAL", counts.Total)), nil)
	if c.opts.DownloadRoot != "" {
		lines = append(lines, plain("Downloads  "+c.opts.DownloadRoot))
	}
	if c.opts.Report != "" {
		lines = append(lines, plain("Results    "+c.opts.Report+" (written when you quit)"))
	}
	return append(lines, nil, toned(tDim, "q quit · esc or s show the panes · a add more POs"))
}
