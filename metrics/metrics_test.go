package metrics_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"coupatui/config"
	"coupatui/coupa"
	"coupatui/internal/testkit"
	"coupatui/metrics"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// run is a real pool on the fake engine with the metrics following it and
// the endpoint serving them on loopback.
type run struct {
	t   *testing.T
	p   *pool.Pool
	m   *metrics.Metrics
	srv *metrics.Server
}

func startRun(t *testing.T, token string, eng *pooltest.Engine) *run {
	t.Helper()
	cfg := pool.ConfigFrom(config.Default())
	cfg.WorkerCount, cfg.MinWorkers, cfg.MaxWorkers = 2, 1, 4
	cfg.RetryBackoff, cfg.RetryBackoffMax = 10*time.Millisecond, 10*time.Millisecond
	p, err := pool.New(cfg, pool.Deps{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(p.Snapshot)
	sub := p.Subscribe(0)
	var wg sync.WaitGroup
	wg.Go(func() { m.Follow(sub) })
	srv, err := metrics.Listen("127.0.0.1:0", token, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		p.Close()
		sub.Close()
		wg.Wait()
	})
	if err := p.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return &run{t: t, p: p, m: m, srv: srv}
}

func (r *run) get(path, token string) (*http.Response, string) {
	r.t.Helper()
	req, _ := http.NewRequestWithContext(r.t.Context(), http.MethodGet, "http://"+r.srv.Addr()+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return resp, string(b)
}

// scrape reads /metrics with the Prometheus text parser.
func (r *run) scrape() map[string]*dto.MetricFamily {
	r.t.Helper()
	resp, body := r.get("/metrics", "")
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		r.t.Fatalf("parsing /metrics: %v\n%s", err, body)
	}
	return fams
}

// value is the sample of family name whose labels include labels ("k=v"),
// the count for a histogram; -1 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f, ok := fams[name]
	if !ok {
		return -1
	}
next:
	for _, m := range f.Metric {
		for _, l := range labels {
			k, v, _ := strings.Cut(l, "=")
			found := false
			for _, lp := range m.Label {
				found = found || lp.GetName() == k && lp.GetValue() == v
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// done is an attempt that saves one file of 2 KiB taking 300 ms, on a page
// that took 800 ms.
var done = pooltest.Attempt{
	Progress: []coupa.Progress{{Phase: "downloading", Found: 1, Done: 1, File: "a.pdf", Bytes: 2048,
		Took: 300 * time.Millisecond, Saved: &coupa.File{Name: "a.pdf", Size: 2048}}},
	Result: coupa.Result{Status: vocab.Completed, Found: 1, Downloaded: 1, PageTime: 800 * time.Millisecond},
}

func TestScrapeMidRunCountersMoveAndStatusIsTheSnapshot(t *testing.T) {
	eng := pooltest.NewEngine(done)
	held1, held2 := pooltest.NewGate(), pooltest.NewGate()
	eng.On("4500000001", pooltest.Attempt{Gate: held1, Result: done.Result})
	eng.On("4500000002", pooltest.Attempt{Gate: held2, Result: done.Result})
	eng.On("4500000006", pooltest.Attempts(pooltest.Attempt{Result: coupa.Result{Status: vocab.Failed,
		Err: errors.New("server answered 503"), Retryable: true, PageTime: time.Second}}, done))
	r := startRun(t, "", eng)
	for i := 1; i <= 2; i++ {
		if _, err := r.p.Submit(fmt.Sprintf("450000000%d", i), vocab.Normal, pool.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	testkit.WaitFor(t, "both workers busy", 10*time.Second, func() bool { return r.p.Snapshot().Counts.Running == 2 })
	var hs []*pool.Handle
	for i := 3; i <= 6; i++ {
		prio := vocab.Normal
		if i == 3 {
			prio = vocab.Urgent
		}
		h, err := r.p.Submit(fmt.Sprintf("450000000%d", i), prio, pool.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}

	// Mid-run: two running, four waiting, nothing final yet.
	var fams map[string]*dto.MetricFamily
	testkit.WaitFor(t, "two attempts counted", 10*time.Second, func() bool {
		fams = r.scrape()
		return value(fams, "coupatui_attempts_total") == 2
	})
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"coupatui_pos", []string{"status=PENDING"}, 6},
		{"coupatui_pos", []string{"status=COMPLETED"}, 0},
		{"coupatui_outcomes_total", []string{"status=COMPLETED"}, 0},
		{"coupatui_tasks", []string{"state=running"}, 2},
		{"coupatui_queue_depth", []string{"priority=NORMAL"}, 3},
		{"coupatui_queue_depth", []string{"priority=URGENT"}, 1},
		{"coupatui_workers", []string{"state=busy"}, 2},
		{"coupatui_workers_target", nil, 2},
		{"coupatui_pool_state", []string{"state=running"}, 1},
		{"coupatui_retries_total", nil, 0},
		{"coupatui_download_bytes", nil, 0},
	} {
		if got := value(fams, c.name, c.labels...); got != c.want {
			t.Errorf("mid-run %s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}

	// /status is the pool's snapshot (it does not move while both hold).
	resp, body := r.get("/status", "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("/status: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	var got metrics.Status
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("/status is not JSON: %v\n%s", err, body)
	}
	want := metrics.StatusOf(r.p.Snapshot())
	if got.UptimeSeconds <= 0 || got.UptimeSeconds > want.UptimeSeconds {
		t.Errorf("uptime %v, then the snapshot's %v", got.UptimeSeconds, want.UptimeSeconds)
	}
	for _, s := range []*metrics.Status{&got, &want} {
		s.UptimeSeconds, s.Taken = 0, time.Time{}
		for i := range s.Workers {
			s.Workers[i].TaskSeconds = 0
		}
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("/status\n%s\nthe snapshot\n%s", gj, wj)
	}
	if got.PoolStatus != "running" || got.WorkerCount != 2 || got.CompletedTasks != 0 || got.TotalTasks != 6 ||
		len(got.Workers) != 2 || got.Workers[0].Status != "busy" || got.Workers[0].PO+got.Workers[1].PO != "45000000014500000002" &&
		got.Workers[1].PO+got.Workers[0].PO != "45000000014500000002" {
		t.Errorf("/status: %s", body)
	}

	// One worker is let go: it runs the four waiting POs, one of them
	// failing once first.
	held1.Open()
	for _, h := range hs {
		if ti, err := h.Wait(t.Context()); err != nil || ti.Result.Status != vocab.Completed {
			t.Fatalf("PO%s: %v %v", h.PO(), ti.Result, err)
		}
	}
	testkit.WaitFor(t, "five outcomes counted", 10*time.Second, func() bool {
		fams = r.scrape()
		return value(fams, "coupatui_outcomes_total", "status=COMPLETED") == 5
	})
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"coupatui_attempts_total", nil, 7}, // 6 POs, one twice
		{"coupatui_retries_total", nil, 1},
		{"coupatui_pos", []string{"status=COMPLETED"}, 5},
		{"coupatui_pos", []string{"status=PENDING"}, 1},
		{"coupatui_queue_depth", []string{"priority=NORMAL"}, 0},
		{"coupatui_download_bytes", nil, 4}, // the held one saved no file
		{"coupatui_download_seconds", nil, 4},
		{"coupatui_page_seconds", nil, 6}, // five outcomes and the failed attempt
	} {
		if got := value(fams, c.name, c.labels...); got != c.want {
			t.Errorf("later %s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if h := fams["coupatui_download_bytes"].Metric[0].Histogram; h.GetSampleSum() != 4*2048 {
		t.Errorf("download bytes sum %v", h.GetSampleSum())
	}
	r.m.JournalWrite(3 * time.Millisecond)
	if got := value(r.scrape(), "coupatui_journal_write_seconds"); got != 1 {
		t.Errorf("journal writes %v", got)
	}
	held2.Open()
}

func TestTokenGuardsTheEndpoint(t *testing.T) {
	r := startRun(t, "s3cret-token", pooltest.NewEngine(nil))
	for _, tok := range []string{"", "wrong", "s3cret-tokenX", "S3CRET-TOKEN"} {
		for _, path := range []string{"/metrics", "/status"} {
			resp, body := r.get(path, tok)
			if resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "s3cret") || strings.Contains(body, "coupatui_") {
				t.Errorf("%s with token %q: %s", path, tok, resp.Status)
			}
		}
	}
	for _, path := range []string{"/metrics", "/status"} {
		if resp, _ := r.get(path, "s3cret-token"); resp.StatusCode != http.StatusOK {
			t.Errorf("%s with the token: %s", path, resp.Status)
		}
	}
}

func TestCheckListen(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:9464", "", true},
		{"localhost:9464", "", true},
		{"[::1]:9464", "", true},
		{"127.0.0.2:9464", "", true},
		{"0.0.0.0:9464", "", false},
		{":9464", "", false},
		{"10.0.0.5:9464", "", false},
		{"monitor.example.com:9464", "", false},
		{"0.0.0.0:9464", "t", true},
		{"9464", "", false},
		{"127.0.0.1", "", false},
	} {
		err := metrics.CheckListen(c.addr, c.token)
		if (err == nil) != c.ok {
			t.Errorf("CheckListen(%q, %q) = %v", c.addr, c.token, err)
		}
		if err != nil && strings.Count(err.Error(), "\n") != 0 {
			t.Errorf("more than one line: %q", err)
		}
	}
	err := metrics.CheckListen("0.0.0.0:9464", "")
	if err == nil || !strings.Contains(err.Error(), "listen_token") || !strings.Contains(err.Error(), "127.0.0.1:9464") {
		t.Errorf("the refusal says what to do: %v", err)
	}
	if _, err := metrics.Listen("0.0.0.0:0", "", metrics.New(func() pool.Snapshot { return pool.Snapshot{} }), nil); err == nil {
		t.Error("Listen bound beyond loopback without a token")
	}
}

func TestStatusOfAnEmptySnapshotIsValidJSON(t *testing.T) {
	b, err := json.Marshal(metrics.StatusOf(pool.Snapshot{}))
	if err != nil || !strings.Contains(string(b), `"workers":[]`) || !strings.Contains(string(b), `"pool_status":"starting"`) {
		t.Fatalf("%s %v", b, err)
	}
}

// Remote slots are counted apart from the local browsers target_workers is
// about, and each says which endpoint it is a slot of.
func TestStatusCountsRemoteSlotsApart(t *testing.T) {
	snap := pool.Snapshot{TargetWorkers: 1, WorkerCount: 3, LocalWorkers: 1, Workers: []pool.WorkerInfo{
		{ID: 1, State: pool.WorkerIdle, MemBytes: 250 << 20, MemKind: "pss"},
		{ID: 2, State: pool.WorkerIdle, Endpoint: 1},
		{ID: 3, State: pool.WorkerBusy, Endpoint: 2, PO: "4500000001"},
	}}
	b, err := json.Marshal(metrics.StatusOf(snap))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		WorkerCount   int `json:"worker_count"`
		RemoteWorkers int `json:"remote_workers"`
		TargetWorkers int `json:"target_workers"`
		Workers       []map[string]any
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.WorkerCount != 1 || got.RemoteWorkers != 2 || got.TargetWorkers != 1 {
		t.Errorf("worker_count %d, remote_workers %d, target_workers %d; want 1, 2, 1: %s",
			got.WorkerCount, got.RemoteWorkers, got.TargetWorkers, b)
	}
	for i, want := range []any{nil, 1.0, 2.0} {
		if e := got.Workers[i]["endpoint"]; e != want {
			t.Errorf("worker %d: endpoint %v, want %v", i+1, e, want)
		}
	}
}
