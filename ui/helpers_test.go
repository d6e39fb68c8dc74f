package ui

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// testNow is a fixed instant for the tests of pure functions.
var testNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// fixtureLogs holds a few records at every level, from 10s to 6s before now.
func fixtureLogs() *LogBuffer {
	now := time.Now()
	lb := NewLogBuffer(100)
	lg := slog.New(lb)
	lb.SetLevel(slog.LevelDebug)
	records := []struct {
		lvl slog.Level
		msg string
		kv  []any
	}{
		{slog.LevelInfo, "pool started", []any{"workers", 4}},
		{slog.LevelDebug, "worker ready", []any{"worker", 1}},
		{slog.LevelInfo, "task finished", []any{"po", "4500000401", "status", "COMPLETED"}},
		{slog.LevelWarn, "server answered 503", []any{"po", "4500000301", "attempt", 1}},
		{slog.LevelError, "download cut short", []any{"po", "4500000402", "file", "invoice.pdf"}},
	}
	for i, r := range records {
		rec := slog.NewRecord(now.Add(time.Duration(i-10)*time.Second), r.lvl, r.msg, 0)
		rec.Add(r.kv...)
		_ = lg.Handler().Handle(context.Background(), rec)
	}
	return lb
}

// testOptions shows f's pool; the console's clock is time.Now, the
// bubble's fake clock in a synctest bubble.
func testOptions(f *fixture, lb *LogBuffer) Options {
	return Options{
		Pool: quitPool{f.p}, Logs: lb, NoColor: true,
		Input: "/work/in/pos.xlsx", Report: "/work/in/pos_results.xlsx", DownloadRoot: "/data",
		MemoryThreshold: 0.75,
	}
}

// newSized builds a console for opts and gives it a w×h terminal.
func newSized(opts Options, w, h int) *Model {
	m := New(opts)
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// keyMsg turns a key name as KeyPressMsg.String() spells it into the
// message a terminal would produce.
func keyMsg(k string) tea.KeyPressMsg {
	if msg, ok := namedKeys[k]; ok {
		return msg
	}
	r := []rune(k)
	if len(r) != 1 {
		panic(fmt.Sprintf("keyMsg: unknown key %q", k))
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// namedKeys are the keys the tests press that are not one character, by
// the name Bubble Tea itself gives them.
var namedKeys = func() map[string]tea.KeyPressMsg {
	named := map[string]tea.KeyPressMsg{}
	for _, k := range []tea.KeyPressMsg{
		{Code: tea.KeyTab}, {Code: tea.KeyTab, Mod: tea.ModShift}, {Code: tea.KeyEnter}, {Code: tea.KeyEscape},
		{Code: tea.KeyUp}, {Code: tea.KeyDown}, {Code: tea.KeyLeft}, {Code: tea.KeyRight},
		{Code: tea.KeyHome}, {Code: tea.KeyEnd}, {Code: tea.KeyPgUp}, {Code: tea.KeyPgDown},
		{Code: tea.KeyBackspace}, {Code: tea.KeyDelete}, {Code: tea.KeySpace, Text: " "},
		{Code: 'c', Mod: tea.ModCtrl}, {Code: 'u', Mod: tea.ModCtrl},
	} {
		named[k.String()] = k
	}
	return named
}()

// press sends keys to m and returns the commands they produced, in order.
func press(m *Model, keys ...string) []tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		cmds = append(cmds, cmd)
	}
	return cmds
}

// typeText sends each character of s as a key press.
func typeText(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			m.Update(keyMsg("space"))
			continue
		}
		m.Update(keyMsg(string(r)))
	}
}

// screen is the frame without styles.
func screen(m *Model) string { return ansi.Strip(m.View().Content) }

func mustContain(t *testing.T, got, want string) {
	t.Helper()
	if !containsText(got, want) {
		t.Fatalf("want %q in:\n%s", want, got)
	}
}

func containsText(got, want string) bool { return strings.Contains(got, want) }
