package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"coupatui/pool"
)

// remoteSnap is one local worker (the target) and two endpoints on the
// same host, two slots each: the names differ only after "127.0.0.1:".
func remoteSnap() pool.Snapshot {
	s := pool.Snapshot{
		State: pool.PoolRunning, TargetWorkers: 1, Effective: 1, WorkerCount: 5, LocalWorkers: 1,
		Endpoints: []pool.EndpointInfo{
			{Name: "127.0.0.1:9333", Slots: 2, Connected: 2, Busy: 1},
			{Name: "127.0.0.1:9334", Slots: 2, Connected: 1, LastError: "down: 127.0.0.1:9334 unreachable"},
		},
		Resources: pool.Resources{BrowserBytes: 250 << 20, MemKind: "pss"},
	}
	s.Workers = []pool.WorkerInfo{
		{ID: 1, State: pool.WorkerIdle, PID: 42, MemBytes: 250 << 20},
		{ID: 2, State: pool.WorkerIdle, Endpoint: 1},
		{ID: 3, State: pool.WorkerIdle, Endpoint: 1},
		{ID: 4, State: pool.WorkerIdle, Endpoint: 2},
		{ID: 5, State: pool.WorkerRestarting, Endpoint: 2, LastError: "down: 127.0.0.1:9334 unreachable"},
	}
	return s
}

// A remote worker's row says which endpoint it is a slot of, however long
// the endpoints' names, and the counts tell local workers (what the target
// and +/- are about) from the fixed remote slots.
func TestWorkersPaneNamesEachRemoteWorkersEndpoint(t *testing.T) {
	c := &common{st: newStyles(true), opts: &Options{}, hist: &history{}, now: testNow, snap: remoteSnap()}
	pane := ansi.Strip(renderWorkers(c, 0, 0, 120, 10, false))
	lines := strings.Split(pane, "\n")
	title := lines[0]
	for _, want := range []string{"Workers 1/1 + 4 remote", "@1 127.0.0.1:9333 up 2/2 busy 1", "@2 127.0.0.1:9334 degraded 1/2 busy 0"} {
		if !strings.Contains(title, want) {
			t.Errorf("title lacks %q:\n%s", want, pane)
		}
	}
	row := func(w string) string {
		for _, l := range lines {
			if strings.Contains(l, " "+w+" ") {
				return l
			}
		}
		t.Fatalf("no row of %s:\n%s", w, pane)
		return ""
	}
	for w, want := range map[string]string{"W2": " @1 ", "W3": " @1 ", "W4": " @2 ", "W5": " @2 "} {
		if r := row(w); !strings.Contains(r, want) {
			t.Errorf("%s's row does not name its endpoint %q:\n%s", w, want, r)
		}
	}
	if r := row("W1"); strings.Contains(r, "@") || !strings.Contains(r, "250 MB") {
		t.Errorf("the local worker's row: %s", r)
	}

	header := ansi.Strip(renderHeader(c, headerState{}, 160))
	if !strings.Contains(header, "workers 1/1 + 4 remote") {
		t.Errorf("header:\n%s", header)
	}
	res := &resourcesPane{c: &common{st: newStyles(true), opts: &Options{}, hist: &history{}, snap: remoteSnap()}, w: 60, h: 10}
	if got := ansi.Strip(res.View(false)); !strings.Contains(got, "250 MB (pss) in 1 worker") {
		t.Errorf("resources count the remote slots' memory as local:\n%s", got)
	}
}
