package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"coupatui/pool"
	"coupatui/vocab"
)

// headerState is what the header needs beyond the snapshot.
type headerState struct {
	finished bool
	draining bool // the operator asked to quit; the snapshot may lag
	elapsed  time.Duration
}

func (m *Model) headerState() headerState {
	snap := m.c.snap
	hs := headerState{finished: m.finished, draining: m.quit != phaseRunning}
	end := m.c.now
	if m.finished {
		end = m.finishedAt
	}
	if snap.Started.IsZero() {
		hs.elapsed = snap.Uptime
	} else {
		hs.elapsed = end.Sub(snap.Started)
	}
	return hs
}

// outcomes are final statuses grouped as the header shows them.
type outcomes struct {
	ok        int // COMPLETED, NO_ATTACHMENTS
	notFound  int // PO_NOT_FOUND, PR_NOT_ACCESSIBLE: Coupa's answer, not a failure of the run
	failed    int // every other final status but CANCELLED
	cancelled int
}

func outcomeCounts(c pool.Counts) outcomes {
	var o outcomes
	for st, n := range c.ByStatus {
		switch st.Outcome() {
		case vocab.OutcomeOK:
			o.ok += n
		case vocab.OutcomeNotFound:
			o.notFound += n
		case vocab.OutcomeCancelled:
			o.cancelled += n
		case vocab.OutcomeInvalid, vocab.OutcomeFailed:
			o.failed += n
		}
	}
	return o
}

// runWord is the run state in one word; the badge shows it in reverse.
func runWord(state pool.PoolState, hs headerState) string {
	switch {
	case hs.finished && state != pool.PoolDraining && state != pool.PoolStopped:
		return "FINISHED"
	case hs.draining && state < pool.PoolDraining:
		return "DRAINING"
	}
	return strings.ToUpper(state.String())
}

// renderHeader draws the two header lines.
func renderHeader(c *common, hs headerState, w int) string {
	l1, l2 := headerLines(c, hs, w)
	return fit(" "+c.st.paint(l1), w) + "\n" + fit(" "+c.st.paint(l2), w)
}

// headerLines are the header's content for a w-cell terminal: the run's
// state, time and progress; then rates, outcomes and workers, in the
// widest wording that fits.
func headerLines(c *common, hs headerState, w int) (line1, line2 []span) {
	snap := c.snap
	counts := snap.Counts

	word := runWord(snap.State, hs)
	badge := badgeTone(snap.State)
	if word == "FINISHED" {
		badge = tBadgeDone
	} else if word == "DRAINING" {
		badge = tBadgeDraining
	}
	left := []span{{"coupatui", tBold}, {text: " "}, {" " + word + " ", badge}, {text: "  " + clock(hs.elapsed)}}
	frac := 0.0
	if counts.Total > 0 {
		frac = float64(counts.Done) / float64(counts.Total)
	}
	right := []span{{text: fmt.Sprintf("%d/%d done %5.1f%%", counts.Done, counts.Total, frac*100)}}
	if c.opts.Input != "" && w >= wideWidth {
		right = append(right, span{text: "  "}, span{filepath.Base(c.opts.Input), tDim})
	}
	bw := clampInt(w-widthOf(left)-widthOf(right)-6, 0, 60)
	line1 = append(append(left, span{text: "  "}, span{bar(frac, bw), tOK}, span{text: "  "}), right...)

	rate := c.hist.currentRate()
	eta := "ETA —"
	if d, lower, ok := c.hist.eta(snap); ok && counts.Total > counts.Done {
		eta = "ETA " + human(d)
		if lower {
			eta = "ETA ≥" + human(d)
		}
	}
	speed := ""
	if br := c.hist.byteRate(); br > 0 {
		speed = sizeOf(int64(br), 0) + "/s"
	}
	out := outcomeCounts(counts)
	workers := "workers " + workerCount(snap)
	if snap.Effective < snap.TargetWorkers {
		workers += fmt.Sprintf(" (pressure: %d)", snap.Effective)
	}
	// The widest variant that fits: words, then fewer words, then glyphs.
	variants := [][]string{
		{"%.1f POs/min", "✓ %d completed", "✗ %d failed", "↻ %d retrying", "⊘ %d cancelled", "∅ %d not found", "%d queued", "%d running"},
		{"%.1f POs/min", "✓ %d completed", "✗ %d failed", "↻ %d retrying", "⊘ %d cancelled", "∅ %d not found", "", ""},
		{"%.1f/min", "✓%d ok", "✗%d failed", "↻%d retry", "⊘%d", "∅%d", "", ""},
	}
	for _, v := range variants {
		parts := []span{{text: fmt.Sprintf(v[0], rate)}}
		if speed != "" {
			parts = append(parts, span{text: speed})
		}
		parts = append(parts, span{text: eta},
			span{fmt.Sprintf(v[1], out.ok), tOK},
			span{fmt.Sprintf(v[2], out.failed), tFail},
			span{fmt.Sprintf(v[3], counts.Retrying), tWarn})
		if out.cancelled > 0 {
			parts = append(parts, span{fmt.Sprintf(v[4], out.cancelled), tCancelled})
		}
		if out.notFound > 0 {
			parts = append(parts, span{fmt.Sprintf(v[5], out.notFound), tNotFound})
		}
		if v[6] != "" {
			parts = append(parts, span{text: fmt.Sprintf(v[6], counts.Queued)}, span{text: fmt.Sprintf(v[7], counts.Running)})
		}
		parts = append(parts, span{text: workers})
		line2 = joinSpans(parts, span{" · ", tDim})
		if widthOf(line2) < w {
			break
		}
	}
	return line1, line2
}
