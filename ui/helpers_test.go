package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"coupatui/coupa"
	"coupatui/pool"
)

// testNow is the fixed clock of every test: goldens must not move.
var testNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

// fixturePool is a small run in progress: 3 running tasks on 4 workers,
// queued tasks of every priority, one retrying and finished ones.
func fixturePool() *fakePool {
	fp := newFakePool(fixedClock)
	for i, po := range []string{"4500000101", "4500000102", "4500000103"} {
		fp.addTask(po, pool.Normal, pool.Running, func(t *pool.TaskInfo) {
			t.Attempts = 1
			t.Started = testNow.Add(-time.Duration(40-10*i) * time.Second)
			t.Progress = coupa.Progress{Phase: "downloading", Found: 5, Done: i + 1}
		})
	}
	queued := []struct {
		po   string
		prio pool.Priority
	}{
		{"4500000201", pool.Normal}, {"4500000202", pool.Urgent}, {"4500000203", pool.Low},
		{"4500000204", pool.High}, {"4500000205", pool.Normal}, {"4500000206", pool.Normal},
	}
	for _, q := range queued {
		fp.addTask(q.po, q.prio, pool.Queued, nil)
	}
	fp.addTask("4500000301", pool.High, pool.Retrying, func(t *pool.TaskInfo) {
		t.Attempts = 1
		t.NextTry = testNow.Add(12 * time.Second)
		t.Errors = []string{"attempt 1: server answered 503"}
	})
	done := []struct {
		po     string
		status coupa.Status
		err    error
	}{
		{"4500000401", coupa.Completed, nil},
		{"4500000402", coupa.Failed, errors.New("download cut short")},
		{"4500000403", coupa.NoAttachments, nil},
		{"4500000404", coupa.Cancelled, errors.New("cancelled by the operator")},
	}
	for i, d := range done {
		fp.addTask(d.po, pool.Normal, pool.Done, func(t *pool.TaskInfo) {
			t.Attempts = 1
			t.Finished = testNow.Add(-time.Duration(10*(4-i)) * time.Second)
			t.Result = coupa.Result{PO: d.po, Status: d.status, Supplier: "ACME Corp", Found: 2, Downloaded: 2,
				Files: []string{"quote.pdf", "invoice.pdf"}, Folder: "/data/ACME Corp/PO" + d.po + "_" + string(d.status), Err: d.err}
			if d.err != nil {
				t.Errors = []string{"attempt 1: " + d.err.Error()}
				t.Result.Downloaded = 1
				t.Result.Files = t.Result.Files[:1]
			}
		})
	}
	fp.setWorkers(4)
	fp.res.BrowserBytes = 1440 << 20
	return fp
}

// fixtureLogs holds a few records at every level.
func fixtureLogs() *LogBuffer {
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
		rec := slog.NewRecord(testNow.Add(time.Duration(i-10)*time.Second), r.lvl, r.msg, 0)
		rec.Add(r.kv...)
		_ = lg.Handler().Handle(context.Background(), rec)
	}
	return lb
}

func testOptions(fp *fakePool, lb *LogBuffer) Options {
	return Options{
		Pool: fp, Logs: lb, Now: fixedClock, NoColor: true,
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
	special := map[string]tea.KeyPressMsg{
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"home":      {Code: tea.KeyHome},
		"end":       {Code: tea.KeyEnd},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"backspace": {Code: tea.KeyBackspace},
		"delete":    {Code: tea.KeyDelete},
		"space":     {Code: tea.KeySpace, Text: " "},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
		"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
	}
	if k, ok := special[k]; ok {
		return k
	}
	r := []rune(k)
	if len(r) != 1 {
		panic(fmt.Sprintf("keyMsg: unknown key %q", k))
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

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
