package ui

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LogEntry is one record kept for the log pane.
type LogEntry struct {
	Seq     uint64 // 1 for the first record the buffer ever kept
	Time    time.Time
	Level   slog.Level
	Message string
	Attrs   string // key=value pairs, already formatted
}

// LevelWord is the level as the pane shows it: DEBUG, INFO, WARN, ERROR.
func (e LogEntry) LevelWord() string {
	switch {
	case e.Level < slog.LevelInfo:
		return "DEBUG"
	case e.Level < slog.LevelWarn:
		return "INFO"
	case e.Level < slog.LevelError:
		return "WARN"
	}
	return "ERROR"
}

// Text is the entry on one line, without styles: the text filters match.
func (e LogEntry) Text() string {
	s := e.Time.Format("15:04:05") + " " + e.LevelWord() + " " + e.Message
	if e.Attrs != "" {
		s += " " + e.Attrs
	}
	return s
}

// LogBuffer is a slog.Handler that keeps the last records in a ring for the
// log pane. Formatting happens in the logging goroutine, outside any lock;
// the lock is held only to copy one entry in or new entries out, so a logger
// never waits on the console. Handlers derived with WithAttrs and WithGroup
// share the ring.
type LogBuffer struct {
	ring   *logRing
	level  slog.Leveler
	prefix string // formatted attrs from WithAttrs
	group  string // "a.b." from WithGroup
}

// logRing is the storage every derived handler shares.
type logRing struct {
	mu      sync.Mutex // guards the fields below
	entries []LogEntry // ring of len capacity once full
	next    int        // where the next entry goes
	seq     uint64     // sequence number of the newest entry
}

// NewLogBuffer keeps the last capacity records (at least 1) at level Info
// and above.
func NewLogBuffer(capacity int) *LogBuffer {
	capacity = max(1, capacity)
	return &LogBuffer{
		ring:  &logRing{entries: make([]LogEntry, 0, capacity)},
		level: slog.LevelInfo,
	}
}

// SetLevel changes the lowest level kept; call it before logging starts.
func (b *LogBuffer) SetLevel(l slog.Leveler) { b.level = l }

// Enabled implements slog.Handler.
func (b *LogBuffer) Enabled(_ context.Context, l slog.Level) bool {
	return l >= b.level.Level()
}

// Handle implements slog.Handler. It never blocks for longer than a copy.
func (b *LogBuffer) Handle(_ context.Context, r slog.Record) error {
	var sb strings.Builder
	sb.WriteString(b.prefix)
	r.Attrs(func(a slog.Attr) bool {
		appendAttr(&sb, b.group, a)
		return true
	})
	e := LogEntry{Time: r.Time, Level: r.Level, Message: r.Message, Attrs: strings.TrimSpace(sb.String())}
	b.ring.add(e)
	return nil
}

// WithAttrs implements slog.Handler.
func (b *LogBuffer) WithAttrs(attrs []slog.Attr) slog.Handler {
	var sb strings.Builder
	sb.WriteString(b.prefix)
	for _, a := range attrs {
		appendAttr(&sb, b.group, a)
	}
	c := *b
	c.prefix = sb.String()
	return &c
}

// WithGroup implements slog.Handler.
func (b *LogBuffer) WithGroup(name string) slog.Handler {
	if name == "" {
		return b
	}
	c := *b
	c.group = b.group + name + "."
	return &c
}

// Since appends to dst the entries newer than seq, oldest first, and
// returns dst and the newest sequence number. Entries the ring overwrote
// are skipped.
func (b *LogBuffer) Since(seq uint64, dst []LogEntry) ([]LogEntry, uint64) {
	r := b.ring
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.entries)
	fresh := int(min(uint64(n), r.seq-min(seq, r.seq)))
	for i := n - fresh; i < n; i++ {
		// The oldest entry sits at next once the ring is full.
		idx := i
		if n == cap(r.entries) {
			idx = (r.next + i) % n
		}
		dst = append(dst, r.entries[idx])
	}
	return dst, r.seq
}

// Seq is the sequence number of the newest entry, 0 when none.
func (b *LogBuffer) Seq() uint64 {
	b.ring.mu.Lock()
	defer b.ring.mu.Unlock()
	return b.ring.seq
}

func (r *logRing) add(e LogEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	e.Seq = r.seq
	if len(r.entries) < cap(r.entries) {
		r.entries = append(r.entries, e)
		r.next = len(r.entries) % cap(r.entries)
		return
	}
	r.entries[r.next] = e
	r.next = (r.next + 1) % len(r.entries)
}

// appendAttr writes " key=value", quoting values with spaces, resolving
// LogValuers and flattening groups into dotted keys.
func appendAttr(sb *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		g := group
		if a.Key != "" {
			g += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			appendAttr(sb, g, ga)
		}
		return
	}
	sb.WriteByte(' ')
	sb.WriteString(group)
	sb.WriteString(a.Key)
	sb.WriteByte('=')
	v := a.Value.String()
	if a.Value.Kind() == slog.KindTime {
		v = a.Value.Time().Format(time.RFC3339)
	}
	if v == "" || strings.ContainsAny(v, " \t\n\"=") {
		v = strconv.Quote(v)
	}
	sb.WriteString(v)
}
