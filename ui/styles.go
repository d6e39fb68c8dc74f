package ui

import (
	"charm.land/lipgloss/v2"

	"coupatui/pool"
	"coupatui/vocab"
)

// styles holds every lipgloss style the console uses. Colours only ever
// repeat what a word or glyph already says; with noColor they are left out
// and only bold, faint and reverse remain (https://no-color.org).
type styles struct {
	noColor bool

	title, bold, dim, selected, marker lipgloss.Style
	border, borderFocused              lipgloss.Style

	ok, fail, warn, info, cancelled lipgloss.Style
	prio                            [vocab.Urgent + 1]lipgloss.Style
	level                           map[string]lipgloss.Style // log level word → style

	gaugeFill   map[string]lipgloss.Style // pressure → filled part of the memory gauge
	gaugeEmpty  lipgloss.Style
	gaugeMarker lipgloss.Style

	badge        map[pool.PoolState]lipgloss.Style
	badgeDone    lipgloss.Style
	statusOK     lipgloss.Style
	statusErr    lipgloss.Style
	prompt       lipgloss.Style
	helpKey      lipgloss.Style
	helpDesc     lipgloss.Style
	dialogBorder lipgloss.Style
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
	s := &styles{noColor: noColor}
	s.title = lipgloss.NewStyle().Bold(true)
	s.bold = lipgloss.NewStyle().Bold(true)
	s.dim = fg("8").Faint(noColor)
	s.selected = lipgloss.NewStyle().Reverse(true)
	s.marker = fg("6").Bold(true)
	s.border = fg("8")
	s.borderFocused = fg("6").Bold(true)

	s.ok = fg("2")
	s.fail = fg("1").Bold(true)
	s.warn = fg("3")
	s.info = fg("6")
	s.cancelled = fg("8")
	s.prio[vocab.Urgent] = fg("1").Bold(true)
	s.prio[vocab.High] = fg("3").Bold(true)
	s.prio[vocab.Normal] = lipgloss.NewStyle()
	s.prio[vocab.Low] = fg("8").Faint(noColor)
	s.level = map[string]lipgloss.Style{
		"DEBUG": fg("8").Faint(noColor),
		"INFO":  fg("6"),
		"WARN":  fg("3").Bold(true),
		"ERROR": fg("1").Bold(true),
	}

	s.gaugeFill = map[string]lipgloss.Style{
		"ok":       fg("2"),
		"elevated": fg("3"),
		"critical": fg("1"),
	}
	s.gaugeEmpty = fg("8")
	s.gaugeMarker = fg("1").Bold(true)

	s.badge = map[pool.PoolState]lipgloss.Style{
		pool.PoolStarting:       badge("4"),
		pool.PoolRunning:        badge("2"),
		pool.PoolPaused:         badge("3"),
		pool.PoolSignInRequired: badge("1"),
		pool.PoolDraining:       badge("5"),
		pool.PoolStopped:        badge("8"),
	}
	s.badgeDone = badge("6")
	s.statusOK = fg("2")
	s.statusErr = fg("1").Bold(true)
	s.prompt = lipgloss.NewStyle().Bold(true).Reverse(true)
	s.helpKey = fg("6").Bold(true)
	s.helpDesc = fg("7")
	s.dialogBorder = fg("6")
	return s
}

// statusStyle picks the style and glyph of a final status: ✓ for outcomes
// that need nothing more, ✗ for failures, ⊘ for cancelled.
func (s *styles) statusStyle(st vocab.Status) (lipgloss.Style, string) {
	switch st {
	case vocab.Completed, vocab.NoAttachments:
		return s.ok, "✓"
	case vocab.Cancelled:
		return s.cancelled, "⊘"
	case vocab.Pending, "":
		return s.dim, "·"
	}
	return s.fail, "✗"
}

// levelStyle styles a log level word; unknown levels stay plain.
func (s *styles) levelStyle(word string) lipgloss.Style {
	if st, ok := s.level[word]; ok {
		return st
	}
	return lipgloss.NewStyle()
}
