// Package metrics is coupatui's monitoring endpoint: /metrics in the
// Prometheus text format and /status, the pool's snapshot as JSON. Counters
// and histograms are fed by the pool's events (Follow) and by the journal's
// writes (JournalWrite); gauges are read from the pool's snapshot at each
// scrape, so they are never stale. It serves on loopback unless told
// otherwise, and then only with a bearer token (see Listen).
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/vocab"
)

// Metrics holds the registry and the collectors fed by events. Its methods
// are safe for concurrent use (the Prometheus collectors are).
type Metrics struct {
	reg      *prometheus.Registry
	snapshot func() pool.Snapshot

	attempts        prometheus.Counter
	retries         prometheus.Counter
	outcomes        *prometheus.CounterVec
	missed          prometheus.Counter
	downloadBytes   prometheus.Histogram
	downloadSeconds prometheus.Histogram
	pageSeconds     prometheus.Histogram
	journalSeconds  prometheus.Histogram
}

// New builds the metrics of a pool whose snapshots snapshot returns.
func New(snapshot func() pool.Snapshot) *Metrics {
	m := &Metrics{
		reg:      prometheus.NewRegistry(),
		snapshot: snapshot,
		attempts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coupatui_attempts_total", Help: "PO attempts started (retries included).",
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coupatui_retries_total", Help: "PO attempts started again after a failed one (a transient failure or a browser crash).",
		}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coupatui_outcomes_total", Help: "POs that reached a final status in this run, by status.",
		}, []string{"status"}),
		missed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coupatui_metrics_events_missed_total", Help: "Progress events the metrics fell too far behind to see (download histograms miss those files).",
		}),
		downloadBytes: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "coupatui_download_bytes", Help: "Size of each file downloaded (files kept from an earlier attempt are not counted).",
			Buckets: prometheus.ExponentialBuckets(1<<10, 4, 10), // 1 KiB … 256 MiB
		}),
		downloadSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "coupatui_download_seconds", Help: "Time each file took to download, its retries included.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2.5, 10), // 50 ms … 3 h
		}),
		pageSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "coupatui_page_seconds", Help: "Time a PO page took to load and be read, per attempt.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 10), // 100 ms … 51 s
		}),
		journalSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "coupatui_journal_write_seconds", Help: "Time each journal write took until committed.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 3, 10), // 0.5 ms … 10 s
		}),
	}
	// Every status word is present from the start, so a rate is defined.
	for _, st := range vocab.Statuses {
		if st.Final() {
			m.outcomes.WithLabelValues(string(st))
		}
	}
	m.reg.MustRegister(m.attempts, m.retries, m.outcomes, m.missed, m.downloadBytes,
		m.downloadSeconds, m.pageSeconds, m.journalSeconds, snapshotCollector{m.snapshot},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the metrics are gathered from.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Follow feeds the counters and histograms from sub until it is closed.
// The caller owns the goroutine it runs on.
func (m *Metrics) Follow(sub *pool.Subscription) {
	for ev := range sub.C() {
		m.Observe(ev)
	}
}

// Observe counts one pool event.
func (m *Metrics) Observe(ev pool.Event) {
	if ev.Missed > 0 {
		m.missed.Add(float64(ev.Missed))
	}
	t := ev.Task
	if t == nil {
		return
	}
	switch ev.Kind {
	case pool.EvTaskStarted:
		m.attempts.Inc()
		if t.Attempts > 1 {
			m.retries.Inc()
		}
	case pool.EvTaskProgress:
		if pr := t.Progress; pr.Saved != nil && pr.Took > 0 {
			m.downloadBytes.Observe(float64(pr.Saved.Size))
			m.downloadSeconds.Observe(pr.Took.Seconds())
		}
	case pool.EvTaskRetried:
		if t.State == vocab.TaskRetrying { // an attempt that ended; its result is the attempt's
			m.page(t.Result)
		}
	case pool.EvTaskFinished, pool.EvTaskCancelled:
		m.outcomes.WithLabelValues(string(t.Result.Status)).Inc()
		m.page(t.Result)
	}
}

func (m *Metrics) page(r coupa.Result) {
	if r.PageTime > 0 {
		m.pageSeconds.Observe(r.PageTime.Seconds())
	}
}

// JournalWrite records how long one journal write took.
func (m *Metrics) JournalWrite(d time.Duration) { m.journalSeconds.Observe(d.Seconds()) }

// Pressure levels as the gauge reports them.
var pressureLevels = map[string]float64{"ok": 0, "elevated": 1, "critical": 2}

var (
	descPOs = prometheus.NewDesc("coupatui_pos",
		"POs of this run by status: final statuses, and PENDING for those not final yet.", []string{"status"}, nil)
	descTasks = prometheus.NewDesc("coupatui_tasks",
		"POs of this run by state in the pool.", []string{"state"}, nil)
	descQueue = prometheus.NewDesc("coupatui_queue_depth",
		"POs waiting in the queue, by priority.", []string{"priority"}, nil)
	descWorkers = prometheus.NewDesc("coupatui_workers",
		"Workers by state.", []string{"state"}, nil)
	descTarget = prometheus.NewDesc("coupatui_workers_target",
		"Workers the operator asked for.", nil, nil)
	descEffective = prometheus.NewDesc("coupatui_workers_effective",
		"Workers the pool runs now (the target bounded by memory pressure).", nil, nil)
	descBrowser = prometheus.NewDesc("coupatui_browser_memory_bytes",
		"Memory of each worker's browser process tree (kind: pss, uss or rss).", []string{"worker", "kind"}, nil)
	descPressure = prometheus.NewDesc("coupatui_memory_pressure_level",
		"Memory pressure as the pool acts on it: 0 ok, 1 elevated, 2 critical.", nil, nil)
	descUsed = prometheus.NewDesc("coupatui_memory_used_ratio",
		"Share of system memory used (cgroup limit respected), 0 to 1.", nil, nil)
	descUp = prometheus.NewDesc("coupatui_uptime_seconds",
		"Seconds since the pool started.", nil, nil)
	descState = prometheus.NewDesc("coupatui_pool_state",
		"1 for the pool's current state, 0 for the others.", []string{"state"}, nil)
)

// snapshotCollector reads the gauges from one snapshot per scrape.
type snapshotCollector struct{ snapshot func() pool.Snapshot }

func (c snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPOs, descTasks, descQueue, descWorkers, descTarget,
		descEffective, descBrowser, descPressure, descUsed, descUp, descState} {
		ch <- d
	}
}

func (c snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.snapshot()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, st := range vocab.Statuses {
		switch {
		case st == vocab.Pending:
			gauge(descPOs, float64(s.Counts.Total-s.Counts.Done), string(st))
		case st.Final():
			gauge(descPOs, float64(s.Counts.ByStatus[st]), string(st))
		}
	}
	for state, n := range map[vocab.TaskState]int{vocab.TaskQueued: s.Counts.Queued, vocab.TaskRunning: s.Counts.Running,
		vocab.TaskRetrying: s.Counts.Retrying, vocab.TaskDone: s.Counts.Done} {
		gauge(descTasks, float64(n), string(state))
	}
	for p := vocab.Low; p <= vocab.Urgent; p++ {
		gauge(descQueue, float64(s.Counts.QueuedBy[p]), p.String())
	}
	byState := map[pool.WorkerState]int{}
	for _, w := range s.Workers {
		byState[w.State]++
		if w.MemBytes > 0 {
			gauge(descBrowser, float64(w.MemBytes), strconv.Itoa(w.ID), w.MemKind)
		}
	}
	for st := pool.WorkerStarting; st < pool.WorkerStopped; st++ {
		gauge(descWorkers, float64(byState[st]), st.String())
	}
	gauge(descTarget, float64(s.TargetWorkers))
	gauge(descEffective, float64(s.Effective))
	gauge(descPressure, pressureLevels[s.Resources.Pressure])
	gauge(descUsed, s.Resources.UsagePercent/100)
	gauge(descUp, s.Uptime.Seconds())
	for st := pool.PoolStarting; st <= pool.PoolStopped; st++ {
		v := 0.0
		if st == s.State {
			v = 1
		}
		gauge(descState, v, st.String())
	}
}
