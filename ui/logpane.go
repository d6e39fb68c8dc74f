package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
)

// logKeep is how many log entries the pane holds at most.
const logKeep = 5000

// logLine is a kept entry with its lower-cased text for filtering.
type logLine struct {
	e     LogEntry
	lower string
}

// logPane shows the tail of the structured log. It follows the bottom until
// the operator scrolls up. Owned by the model.
type logPane struct {
	c      *common
	src    *LogBuffer // nil: an empty pane
	w, h   int
	lines  []logLine // oldest first, at most logKeep
	seq    uint64    // newest entry copied from the buffer
	filter string
	match  []int // indexes of lines matching filter; nil when filter is ""
	scroll int   // lines hidden below the window; 0 follows the bottom
	missed int   // progress events the bridge reported lost
	buf    []LogEntry
}

func (p *logPane) SetSize(w, h int) { p.w, p.h = w, h; p.clampScroll() }

func (p *logPane) rows() int { return max(0, p.h-2) }

// refresh copies entries logged since the last refresh.
func (p *logPane) refresh() {
	if p.src == nil {
		return
	}
	p.buf, p.seq = p.src.Since(p.seq, p.buf[:0])
	if len(p.buf) == 0 {
		return
	}
	added, needle := 0, strings.ToLower(p.filter)
	for _, e := range p.buf {
		l := logLine{e: e, lower: strings.ToLower(e.Text())}
		p.lines = append(p.lines, l)
		if strings.Contains(l.lower, needle) {
			added++ // visible under the current filter
		}
	}
	if over := len(p.lines) - logKeep; over > 0 {
		p.lines = append(p.lines[:0], p.lines[over:]...)
		p.match = nil // indexes shifted; rebuilt below
	}
	if p.filter != "" {
		p.rebuildMatch()
	}
	if p.scroll > 0 {
		// Keep the same lines in view while new ones arrive below.
		p.scroll += added
		p.clampScroll()
	}
}

// addMissed counts progress events the bridge reported lost.
func (p *logPane) addMissed(n int) { p.missed += n }

func (p *logPane) filterText() string { return p.filter }

// setFilter shows the entries that contain f, following the bottom.
func (p *logPane) setFilter(f string) {
	p.filter = strings.TrimSpace(f)
	p.scroll = 0
	p.rebuildMatch()
}

func (p *logPane) rebuildMatch() {
	if p.filter == "" {
		p.match = nil
		return
	}
	needle := strings.ToLower(p.filter)
	p.match = p.match[:0]
	for i, l := range p.lines {
		if strings.Contains(l.lower, needle) {
			p.match = append(p.match, i)
		}
	}
}

func (p *logPane) visibleCount() int {
	if p.filter != "" {
		return len(p.match)
	}
	return len(p.lines)
}

func (p *logPane) clampScroll() {
	p.scroll = max(0, min(p.scroll, p.visibleCount()-p.rows()))
}

func (p *logPane) Move(act action) {
	rows := p.rows()
	switch act {
	case actUp:
		p.scroll++
	case actDown:
		p.scroll--
	case actPageUp:
		p.scroll += max(1, rows-1)
	case actPageDown:
		p.scroll -= max(1, rows-1)
	case actTop:
		p.scroll = p.visibleCount()
	case actBottom:
		p.scroll = 0
	}
	p.clampScroll()
}

func (p *logPane) Help() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.move, k.bindings[actBottom], k.bindings[actFilter]}
}

func (p *logPane) View(focused bool) string {
	rows := p.rows()
	n := p.visibleCount()
	end := n - p.scroll
	start := max(0, end-rows)
	entries := make([]LogEntry, 0, end-start)
	for i := start; i < end; i++ {
		j := i
		if p.filter != "" {
			j = p.match[i]
		}
		entries = append(entries, p.lines[j].e)
	}
	return renderLog(p.c.st, entries, p.filter, p.scroll, p.missed, p.w, p.h, focused)
}

// renderLog draws log entries, oldest at the top (logLineOf).
func renderLog(st *styles, entries []LogEntry, filter string, scroll, missed, w, h int, focused bool) string {
	body := make([]string, 0, len(entries))
	for _, e := range entries {
		body = append(body, st.paint(logLineOf(e)))
	}
	if len(entries) == 0 {
		msg := "no log entries yet"
		if filter != "" {
			msg = fmt.Sprintf("no log entry matches %q", filter)
		}
		body = append(body, st.render(tDim, msg))
	}
	var notes []string
	if filter != "" {
		notes = append(notes, fmt.Sprintf("filter %q", filter))
	}
	if scroll > 0 {
		notes = append(notes, fmt.Sprintf("↑ %d newer below · G follows", scroll))
	} else {
		notes = append(notes, "following")
	}
	if missed > 0 {
		notes = append(notes, fmt.Sprintf("%d progress events skipped", missed))
	}
	return box(st, "Log", strings.Join(notes, " · "), focused, w, h, body)
}

// logLineOf is one entry as the pane shows it: time, level word in its
// tone, message and attributes.
func logLineOf(e LogEntry) []span {
	lvl := e.LevelWord()
	l := []span{{text: e.Time.Format("15:04:05") + " "}, {fmt.Sprintf("%-5s", lvl), levelTone(lvl)}, {text: " " + e.Message}}
	if e.Attrs != "" {
		l = append(l, span{text: " "}, span{e.Attrs, tDim})
	}
	return l
}
