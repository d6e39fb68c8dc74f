package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"coupatui/pool"
	"coupatui/vocab"
)

// Styling happens in this file and nowhere else. Renderers return data:
// table cells and lines of spans, each span a run of text with a tone that
// says what it means (a failure, a hint, the selection). paint turns them
// into terminal text with the style newStyles gives each tone.

// tone is what a run of text means to the eye.
type tone uint8

const (
	tPlain         tone = iota // written as it is
	tBold                      // titles, headings, the focused field
	tDim                       // secondary text: column titles, hints, separators
	tSelected                  // the selected row, the input's cursor
	tOK                        // ✓ outcomes, busy workers, progress
	tFail                      // ✗ failures and errors
	tWarn                      // retrying, restarting, last errors
	tInfo                      // the CPU gauge, the memory sparkline
	tCancelled                 // ⊘ cancelled
	tNotFound                  // ∅ Coupa's answer that a PO is not there or not ours
	tBorder                    // a pane's frame
	tBorderFocused             // the focused pane's frame
	tPrompt                    // a y/N question, the drain banner
	tHelpKey                   // a key in the help
	tHelpDesc                  // what a key does, in the footer's full help
	tPrioLow                   // the priorities, lowest first (prioTone)
	tPrioNormal
	tPrioHigh
	tPrioUrgent
	tLevelDebug // the log levels (levelTone)
	tLevelInfo
	tLevelWarn
	tLevelError
	tGaugeOK // the memory gauge's fill by pressure (gaugeTone), its empty part and its threshold mark
	tGaugeElevated
	tGaugeCritical
	tGaugeEmpty
	tGaugeMark
	tBadgeStarting // the run's badge by pool state (badgeTone), and when every task is final
	tBadgeRunning
	tBadgePaused
	tBadgeSignIn
	tBadgeDraining
	tBadgeStopped
	tBadgeDone
	toneCount
)

// span is a run of text of one tone; a line of a view is a []span.
type span struct {
	text string
	tone tone
}

// plain is a line of plain text; toned a line of one tone.
func plain(text string) []span         { return []span{{text: text}} }
func toned(t tone, text string) []span { return []span{{text, t}} }

// styles maps every tone to its style. Colours only ever repeat what a
// word or glyph already says; with noColor they are left out and only
// bold, faint and reverse remain (https://no-color.org).
type styles struct {
	noColor bool
	of      [toneCount]lipgloss.Style
	// pre and post are what of[t] puts around one line of text (its SGR
	// sequence and the reset). render uses them instead of Style.Render,
	// which measures and aligns every line it styles: that was most of
	// the cost of drawing a frame.
	pre, post [toneCount]string
}

func newStyles(noColor bool) *styles {
	fg := func(c string) lipgloss.Style {
		if noColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(lipgloss.Color(c))
	}
	badge := func(c string) lipgloss.Style {
		if noColor {
			return lipgloss.NewStyle().Bold(true).Reverse(true)
		}
		return lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("0")).Background(lipgloss.Color(c))
	}
	plainStyle, bold := lipgloss.NewStyle(), lipgloss.NewStyle().Bold(true)
	faint := fg("8").Faint(noColor)
	alarm := fg("1").Bold(true)
	// Each look once, with the tones that wear it.
	looks := []struct {
		style lipgloss.Style
		tones []tone
	}{
		{plainStyle, []tone{tPlain, tPrioNormal}},
		{bold, []tone{tBold}},
		{faint, []tone{tDim, tPrioLow, tLevelDebug}},
		{lipgloss.NewStyle().Reverse(true), []tone{tSelected}},
		{fg("2"), []tone{tOK, tGaugeOK}},
		{alarm, []tone{tFail, tPrioUrgent, tLevelError, tGaugeMark}},
		{fg("3"), []tone{tWarn, tGaugeElevated}},
		{fg("3").Bold(true), []tone{tPrioHigh, tLevelWarn}},
		{fg("6"), []tone{tInfo, tLevelInfo, tNotFound}},
		{fg("8"), []tone{tCancelled, tBorder, tGaugeEmpty}},
		{fg("6").Bold(true), []tone{tBorderFocused, tHelpKey}},
		{bold.Reverse(true), []tone{tPrompt}},
		{fg("7"), []tone{tHelpDesc}},
		{fg("1"), []tone{tGaugeCritical}},
	}
	s := &styles{noColor: noColor}
	for _, l := range looks {
		for _, t := range l.tones {
			s.of[t] = l.style
		}
	}
	// The run's badge: black on the state's colour.
	for t, c := range map[tone]string{
		tBadgeStarting: "4", tBadgeRunning: "2", tBadgePaused: "3", tBadgeSignIn: "1",
		tBadgeDraining: "5", tBadgeStopped: "8", tBadgeDone: "6",
	} {
		s.of[t] = badge(c)
	}
	for t := range toneCount {
		s.pre[t], s.post[t] = wrapOf(s.of[t])
	}
	return s
}

// wrapOf is what st puts before and after a line of text.
func wrapOf(st lipgloss.Style) (pre, post string) {
	const probe = "x"
	pre, post, _ = strings.Cut(st.Render(probe), probe)
	return pre, post
}

// helpStyles are the footer's, for bubbles' help.
func (s *styles) helpStyles() help.Styles {
	return help.Styles{
		ShortKey: s.of[tHelpKey], ShortDesc: s.of[tDim], ShortSeparator: s.of[tDim], Ellipsis: s.of[tDim],
		FullKey: s.of[tHelpKey], FullDesc: s.of[tHelpDesc], FullSeparator: s.of[tDim],
	}
}

// render styles text with t's style; plain text is left as it is.
func (s *styles) render(t tone, text string) string {
	switch {
	case t == tPlain:
		return text
	case text == "" || strings.ContainsAny(text, "\t\n\r"):
		return s.of[t].Render(text) // lipgloss expands tabs and styles each line
	}
	return s.pre[t] + text + s.post[t]
}

// paint renders a line of spans.
func (s *styles) paint(l []span) string {
	var b strings.Builder
	for _, sp := range l {
		b.WriteString(s.render(sp.tone, sp.text))
	}
	return b.String()
}

// paintLines renders lines of spans, one string each.
func (s *styles) paintLines(ls [][]span) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = s.paint(l)
	}
	return out
}

// joinSpans puts sep between the spans of parts.
func joinSpans(parts []span, sep span) []span {
	out := make([]span, 0, 2*len(parts))
	for i, p := range parts {
		if i > 0 {
			out = append(out, sep)
		}
		out = append(out, p)
	}
	return out
}

// textOf is a line without its tones: what tests read and widths count.
func textOf(l []span) string {
	var b strings.Builder
	for _, sp := range l {
		b.WriteString(sp.text)
	}
	return b.String()
}

// widthOf is how many cells a line of spans takes.
func widthOf(l []span) int { return ansi.StringWidth(textOf(l)) }

// statusLook is the tone and glyph of a final status: ✓ for outcomes that
// need nothing more, ∅ for Coupa's answer that the PO is not there or not
// ours (no failure of the run), ✗ for failures, ⊘ for cancelled.
func statusLook(st vocab.Status) (tone, string) {
	switch st.Outcome() {
	case vocab.OutcomeOK:
		return tOK, "✓"
	case vocab.OutcomeNotFound:
		return tNotFound, "∅"
	case vocab.OutcomeCancelled:
		return tCancelled, "⊘"
	case vocab.OutcomePending:
		return tDim, "·"
	}
	return tFail, "✗" // OutcomeFailed, OutcomeInvalid
}

// prioTone is a priority's tone; a priority out of range stays plain.
func prioTone(p vocab.Priority) tone {
	if p < vocab.Low || p > vocab.Urgent {
		return tPlain
	}
	return tPrioLow + tone(p-vocab.Low)
}

// levelTone is a log level word's tone (LogEntry.LevelWord).
func levelTone(word string) tone {
	switch word {
	case "DEBUG":
		return tLevelDebug
	case "INFO":
		return tLevelInfo
	case "WARN":
		return tLevelWarn
	case "ERROR":
		return tLevelError
	}
	return tPlain
}

// gaugeTone is the memory gauge's fill under a pressure word.
func gaugeTone(pressure string) tone {
	switch pressure {
	case "elevated":
		return tGaugeElevated
	case "critical":
		return tGaugeCritical
	}
	return tGaugeOK
}

// badgeTone is the run badge's tone in a pool state.
func badgeTone(s pool.PoolState) tone {
	switch s {
	case pool.PoolStarting:
		return tBadgeStarting
	case pool.PoolRunning:
		return tBadgeRunning
	case pool.PoolPaused:
		return tBadgePaused
	case pool.PoolSignInRequired:
		return tBadgeSignIn
	case pool.PoolDraining:
		return tBadgeDraining
	case pool.PoolStopped:
		return tBadgeStopped
	}
	return tPlain
}
