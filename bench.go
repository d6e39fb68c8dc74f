package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/coupa/sim"
	"coupatui/internal/devtoolshost"
	"coupatui/monitor"
	"coupatui/profiles"
	"coupatui/run"
	"coupatui/vocab"
)

// `coupatui bench` runs the real coupatui — this executable, as a child
// process, so that its wall time, memory and CPU are its own — against a
// simulated Coupa on loopback, once per worker count (and pipeline depth),
// and reports how close each run came to the limits the simulator's own
// timings set.

// benchFlags are bench's command line.
type benchFlags struct {
	configPath     string
	workers        []config.Count
	depths         []int // nil: the configuration's pipeline_depth
	latency        time.Duration
	pos            int
	minAtt, maxAtt int
	size           int64
	profileMB      int
	json           bool
	dir            string     // where the runs' files go; "" = a temporary folder removed at the end
	remotes        remoteFlag // --remote [SLOTS@]URL, repeatable: endpoints every run also uses
	hosts          int        // Chromium hosts on loopback bench starts for the runs
	hostSlots      int        // slots of each of them
}

func parseBenchFlags(args []string) (*benchFlags, error) {
	f := &benchFlags{}
	fs := flag.NewFlagSet("coupatui bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	workers := fs.String("workers", "1,2,4,8", "")
	depths := fs.String("pipeline-depth", "", "")
	atts := fs.String("attachments", "0-4", "")
	size := fs.String("size", "200KB", "")
	fs.StringVar(&f.configPath, "config", "", "")
	fs.DurationVar(&f.latency, "latency", 500*time.Millisecond, "")
	fs.IntVar(&f.pos, "pos", 200, "")
	fs.IntVar(&f.profileMB, "profile-mb", 100, "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.StringVar(&f.dir, "dir", "", "")
	fs.Var(&f.remotes, "remote", "")
	fs.IntVar(&f.hosts, "hosts", 0, "")
	fs.IntVar(&f.hostSlots, "host-slots", 2, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		if f.remotes.err != nil { // the flag package's message would quote the URL, token and all
			return nil, fmt.Errorf("bench: %w", f.remotes.err)
		}
		return nil, fmt.Errorf("bench: %w (coupatui help lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("bench: unexpected argument %q (coupatui help lists the flags)", fs.Arg(0))
	}
	for _, w := range strings.Split(*workers, ",") {
		w = strings.TrimSpace(w)
		if w == "auto" {
			f.workers = append(f.workers, config.Count{Auto: true})
			continue
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 || n > config.MaxWorkerLimit {
			return nil, fmt.Errorf("bench: --workers %q: want worker counts from 0 (remote browsers only) to %d or \"auto\", separated by commas, e.g. 1,2,4,8", *workers, config.MaxWorkerLimit)
		}
		f.workers = append(f.workers, config.Count{N: n})
	}
	if *depths != "" {
		for _, d := range strings.Split(*depths, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(d))
			if err != nil || n < 1 || n > config.MaxPipelineDepth {
				return nil, fmt.Errorf("bench: --pipeline-depth %q: want depths from 1 to %d separated by commas, e.g. 1,2", *depths, config.MaxPipelineDepth)
			}
			f.depths = append(f.depths, n)
		}
	}
	lo, hi, ok := strings.Cut(*atts, "-")
	if !ok {
		hi = lo
	}
	var err1, err2 error
	f.minAtt, err1 = strconv.Atoi(strings.TrimSpace(lo))
	f.maxAtt, err2 = strconv.Atoi(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || f.minAtt < 0 || f.maxAtt < f.minAtt || f.maxAtt > 100 {
		return nil, fmt.Errorf("bench: --attachments %q: want a count like 3 or a range like 0-4 (at most 100)", *atts)
	}
	var err error
	if f.size, err = parseSize(*size); err != nil || f.size < 1 || f.size > 1<<30 {
		return nil, fmt.Errorf("bench: --size %q: want a size like 200KB or 2MB (1 byte to 1 GB)", *size)
	}
	switch {
	case f.pos < 1 || f.pos > 1_000_000:
		return nil, fmt.Errorf("bench: --pos %d: want 1 to 1000000", f.pos)
	case f.latency < 0 || f.latency > time.Minute:
		return nil, fmt.Errorf("bench: --latency %s: want 0 to 1m", f.latency)
	case f.profileMB < 0 || f.profileMB > 10_000:
		return nil, fmt.Errorf("bench: --profile-mb %d: want 0 (an empty profile) to 10000", f.profileMB)
	case f.hosts < 0 || f.hosts > 16:
		return nil, fmt.Errorf("bench: --hosts %d: want 0 to 16 Chromium hosts", f.hosts)
	case f.hostSlots < 1 || f.hostSlots > config.MaxWorkerLimit:
		return nil, fmt.Errorf("bench: --host-slots %d: want 1 to %d slots a host", f.hostSlots, config.MaxWorkerLimit)
	}
	return f, nil
}

// checkEndpoints refuses a run with no browser at all: --workers 0 needs
// endpoints (of the configuration, --remote or --hosts).
func (f *benchFlags) checkEndpoints(endpoints []config.Endpoint) error {
	if len(endpoints) > 0 || f.hosts > 0 {
		return nil
	}
	for _, w := range f.workers {
		if !w.Auto && w.N == 0 {
			return errors.New("bench: --workers 0: no browser would be left; give remote ones with --remote [SLOTS@]URL or --hosts N")
		}
	}
	return nil
}

// newBenchDir makes dir for --dir: it must not exist yet, or be empty.
func newBenchDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		return "", fmt.Errorf("bench: --dir %s is not empty: give a new folder", abs)
	}
	return abs, os.MkdirAll(abs, 0o700)
}

// parseSize reads 200KB, 2MB, 512B or 4096 (bytes); K and M are 1024-based.
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"K", 1 << 10}, {"M", 1 << 20}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

// bench runs the command and returns its exit code.
func bench(sigs <-chan os.Signal, args []string, stdout, stderr io.Writer) int {
	f, err := parseBenchFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if err != nil {
		return fail(stderr, err)
	}
	cfg, err := config.Load(f.configPath)
	if err != nil {
		return fail(stderr, err)
	}
	// Every run uses the configuration's endpoints, --remote's and the hosts'.
	cfg.Browser.Endpoints = append(cfg.Browser.Endpoints, f.remotes.endpoints...)
	if err := f.checkEndpoints(cfg.Browser.Endpoints); err != nil {
		return fail(stderr, err)
	}
	if err := cfg.Validate(); err != nil {
		return fail(stderr, fmt.Errorf("bench: %w", err))
	}
	if cfg.Browser.ExecPath, err = browser.FindExec(cfg.Browser.ExecPath); err != nil {
		return fail(stderr, err)
	}
	exe, err := os.Executable()
	if err != nil {
		return fail(stderr, fmt.Errorf("bench: finding coupatui itself: %w", err))
	}
	if f.depths == nil {
		f.depths = []int{cfg.Pool.PipelineDepth}
	}
	tmp := f.dir
	if tmp == "" {
		if tmp, err = os.MkdirTemp("", "coupatui-bench-"); err != nil {
			return fail(stderr, fmt.Errorf("bench: %w", err))
		}
		defer os.RemoveAll(tmp)
	} else if tmp, err = newBenchDir(tmp); err != nil {
		return fail(stderr, err)
	}

	site := newBenchSite(f.pos, f.minAtt, f.maxAtt, f.size, f.latency)
	b := &benchRunner{cfg: cfg, exe: exe, site: site, dir: tmp, input: filepath.Join(tmp, "pos.xlsx"),
		base: filepath.Join(tmp, "base-profile"), stderr: stderr}
	for i := range f.hosts {
		h, err := devtoolshost.Start(cfg.Browser.ExecPath, filepath.Join(tmp, fmt.Sprintf("host-%d", i+1)))
		if err != nil {
			return fail(stderr, fmt.Errorf("bench: --hosts: %w", err))
		}
		defer h.Kill()
		b.hosts = append(b.hosts, h)
		b.cfg.Browser.Endpoints = append(b.cfg.Browser.Endpoints, config.Endpoint{URL: h.URL(), Slots: f.hostSlots})
	}
	if err := site.writeInput(b.input); err != nil {
		return fail(stderr, err)
	}
	if _, err := profiles.WriteSample(b.base, f.profileMB, benchSeed); err != nil {
		return fail(stderr, fmt.Errorf("bench: base profile: %w", err))
	}

	stop := make(chan struct{})
	go b.watch(sigs, stop)
	defer close(stop)

	out := &benchOutput{w: stdout, json: f.json}
	out.header(f, site, cfg.Browser.ExecPath, b.cfg.Browser.Endpoints, len(b.hosts))
	var results []benchResult
	for _, depth := range f.depths {
		for _, w := range f.workers {
			if b.interrupted() {
				break
			}
			r, err := b.run(w, depth)
			if err != nil {
				out.flush(results)
				return fail(stderr, err)
			}
			results = append(results, r)
			out.row(r)
		}
	}
	out.flush(results)
	if b.interrupted() {
		return exitInterrupted
	}
	return exitOK
}

// benchRunner runs one child coupatui at a time. mu guards cur and stopped,
// which the signal watcher reads.
type benchRunner struct {
	cfg    config.Config
	exe    string
	site   benchSite
	dir    string
	input  string
	base   string
	stderr io.Writer
	hosts  []*devtoolshost.Host // started for the bench; their endpoints are the last of cfg's

	mu      sync.Mutex
	cur     *exec.Cmd
	stopped int // signals received
}

// watch passes signals on: the first lets the running child drain and
// stops after it, the second kills it.
func (b *benchRunner) watch(sigs <-chan os.Signal, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-sigs:
		}
		b.mu.Lock()
		b.stopped++
		if c := b.cur; c != nil && c.Process != nil {
			if b.stopped == 1 {
				c.Process.Signal(os.Interrupt)
			} else {
				c.Process.Kill()
			}
		}
		b.mu.Unlock()
	}
}

func (b *benchRunner) interrupted() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped > 0
}

// benchResult is one run: one row of the report.
type benchResult struct {
	Workers       string             `json:"workers"`                 // local browsers: "4" or "auto"
	RemoteSlots   int                `json:"remote_slots"`            // workers on remote browsers (endpoints' slots)
	Settled       int                `json:"settled_workers"`         // workers at the end (auto: the count it found)
	Path          []int              `json:"worker_counts,omitempty"` // the worker counts it ran with, in order
	Depth         int                `json:"pipeline_depth"`
	POs           int                `json:"pos"`
	Done          int                `json:"done"`
	Wrong         []string           `json:"wrong,omitempty"` // POs that did not end as the simulator meant
	POsPerMin     float64            `json:"pos_per_min"`
	PageLine      float64            `json:"page_line_s"`     // the simulator's page seconds / workers
	CriticalLine  float64            `json:"critical_line_s"` // (page + slowest file) seconds / workers
	Wall          float64            `json:"wall_s"`          // process start to exit
	WallPerPage   float64            `json:"wall_per_page_line"`
	WallPerCrit   float64            `json:"wall_per_critical_line"`
	OverMedian    float64            `json:"overhead_median_s"` // per PO, beyond its critical path
	OverP95       float64            `json:"overhead_p95_s"`
	Ready         float64            `json:"ready_s"` // process start until each first worker started its first PO (profile cloned, browser up) and the session was checked
	RSSMB         float64            `json:"rss_mb"`  // coupatui's own peak resident set
	BrowsersMB    float64            `json:"browsers_pss_mb"`
	CPUPerPO      float64            `json:"cpu_s_per_po"`     // coupatui and its browsers
	OwnCPUPerPO   float64            `json:"own_cpu_s_per_po"` // coupatui alone
	Load          string             `json:"load_average"`     // the 1-minute load average as the run began
	Steps         map[string]float64 `json:"steps_median_s"`
	StepsSum      float64            `json:"steps_total_median_s"`
	PipelineDepth int                `json:"-"`
}

// run runs the child once and measures it.
func (b *benchRunner) run(w config.Count, depth int) (benchResult, error) {
	name := w.String() + "-" + strconv.Itoa(depth)
	dir := filepath.Join(b.dir, "run-"+name)
	res := benchResult{Workers: w.String(), Depth: depth, POs: len(b.site.pos), Load: loadAverage()}
	for _, e := range b.cfg.Browser.Endpoints {
		res.RemoteSlots += e.Slots
	}
	srv, err := b.site.serve()
	if err != nil {
		return res, fmt.Errorf("bench: starting the simulated Coupa: %w", err)
	}
	defer srv.Close()

	c := b.cfg
	c.Source = ""
	c.Coupa.BaseURL = srv.URL()
	c.Pool.WorkerCount, c.Pool.PipelineDepth = w, depth
	c.Pool.MinWorkers = 1
	if !w.Auto {
		c.Pool.MinWorkers = min(1, w.N) // 0: remote browsers only
	}
	c.Pool.MaxWorkers = max(c.Pool.MaxWorkers, w.N)
	c.Pool.BaseProfilePath = b.base
	c.Downloads.Root = filepath.Join(dir, "downloads")
	c.Store.Journal = filepath.Join(dir, "journal.sqlite")
	c.UI.LogFile = filepath.Join(dir, "coupatui.log")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	cfgPath := filepath.Join(dir, "config.toml")
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return res, fmt.Errorf("bench: writing the run's configuration: %w", err)
	}
	if err := os.WriteFile(cfgPath, buf.Bytes(), 0o600); err != nil {
		return res, err
	}

	cmd := exec.Command(b.exe, "--config", cfgPath, "--no-tui", "--json", "--report", filepath.Join(dir, "results.xlsx"), b.input)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(dir, "state"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return res, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("bench: starting %s: %w", b.exe, err)
	}
	b.mu.Lock()
	b.cur = cmd
	if b.stopped > 0 {
		cmd.Process.Signal(os.Interrupt)
	}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.cur = nil
		b.mu.Unlock()
	}()

	samples := make(chan procFigures, 1)
	stopSampling := make(chan struct{})
	var hostPIDs []int
	for _, h := range b.hosts {
		hostPIDs = append(hostPIDs, h.PID())
	}
	go func() { samples <- sampleProc(cmd.Process.Pid, hostPIDs, stopSampling) }()

	ev := newEventLog()
	dec := json.NewDecoder(bufio.NewReader(pipe))
	for {
		var e run.JSONEvent
		if err := dec.Decode(&e); err != nil {
			if !errors.Is(err, io.EOF) {
				io.Copy(io.Discard, pipe)
			}
			break
		}
		ev.add(e)
	}
	close(stopSampling)
	werr := cmd.Wait()
	wall := time.Since(start)
	figs := <-samples
	if werr != nil && !b.interrupted() {
		return res, fmt.Errorf("bench: coupatui with %s workers exited with %v:\n%s", w, werr, tail(errOut.String(), 20))
	}

	res.Wall = wall.Seconds()
	res.RSSMB = float64(figs.hwm) / (1 << 20)
	res.BrowsersMB = float64(figs.browsers) / (1 << 20)
	n := max(1, ev.done())
	res.Done = ev.done()
	res.CPUPerPO = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds() / float64(n)
	res.OwnCPUPerPO = figs.cpu.Seconds() / float64(n)
	res.POsPerMin = float64(res.Done) / wall.Minutes()
	res.Path, res.Settled = ev.path, ev.live()
	initial := w.N
	if w.Auto {
		initial = min(max(2, c.Pool.MinWorkers), c.Pool.MaxWorkers) // pool's autoStart
	}
	initial += res.RemoteSlots
	if t, ok := ev.workingAt(initial); ok {
		res.Ready = t.Sub(start).Seconds()
	}
	for _, po := range b.site.pos {
		if st, ok := ev.status[po.ID]; !ok || st != po.Want {
			res.Wrong = append(res.Wrong, fmt.Sprintf("PO%s %s (meant %s)", po.ID, orNone(string(st)), po.Want))
		}
	}
	b.lines(&res, ev, srv.Timings())
	return res, nil
}

// lines fills the figures that compare coupatui's times with the
// simulator's own.
func (b *benchRunner) lines(res *benchResult, ev *eventLog, timings []sim.Timing) {
	workers := float64(max(1, res.Settled))
	if res.Workers != "auto" {
		workers, _ = strconv.ParseFloat(res.Workers, 64)
		workers += float64(res.RemoteSlots)
	}
	var page, crit time.Duration
	var over []float64
	steps := map[string][]float64{}
	for _, t := range timings {
		page += t.Page()
		crit += t.CriticalPath()
		p, ok := ev.pos[t.PO]
		if !ok || p.finished.IsZero() || p.started.IsZero() {
			continue
		}
		took := p.finished.Sub(p.started)
		over = append(over, (took - t.CriticalPath()).Seconds())
		steps["server page"] = append(steps["server page"], t.Page().Seconds())
		steps["server slowest file"] = append(steps["server slowest file"], t.SlowestFile().Seconds())
		total := 0.0
		for name, s := range p.steps {
			steps[name] = append(steps[name], s)
			total += s
		}
		steps["sum of steps"] = append(steps["sum of steps"], total)
		steps["pool and journal"] = append(steps["pool and journal"], took.Seconds()-total)
	}
	for _, g := range ev.gaps() {
		steps["between POs"] = append(steps["between POs"], g)
	}
	res.PageLine = page.Seconds() / workers
	res.CriticalLine = crit.Seconds() / workers
	if res.PageLine > 0 {
		res.WallPerPage = res.Wall / res.PageLine
	}
	if res.CriticalLine > 0 {
		res.WallPerCrit = res.Wall / res.CriticalLine
	}
	res.OverMedian, res.OverP95 = quantile(over, 0.5), quantile(over, 0.95)
	res.Steps = map[string]float64{}
	for name, xs := range steps {
		res.Steps[name] = quantile(xs, 0.5)
	}
	res.StepsSum = res.Steps["sum of steps"]
}

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func orNone(s string) string {
	if s == "" {
		return "not finished"
	}
	return s
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

// procFigures is what sampling the child found.
type procFigures struct {
	hwm      uint64        // its own peak resident set
	browsers uint64        // the highest PSS of its browsers seen
	cpu      time.Duration // its own CPU time, last reading
}

// sampleProc reads the child's own figures every 200 ms and its browsers'
// PSS every 2 s (reading every Chromium process costs a millisecond each),
// the hosts' browsers (bench's own remote ones) counted with them, until
// stop closes.
func sampleProc(pid int, hosts []int, stop <-chan struct{}) procFigures {
	var f procFigures
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		hwm, pss, cpu, err := procOwn(pid)
		if err == nil {
			f.hwm, f.cpu = max(f.hwm, hwm), cpu
			if i%10 == 5 {
				if tree, err := monitor.TreeMemory(pid); err == nil && tree.Bytes >= pss {
					browsers := tree.Bytes - pss
					for _, h := range hosts {
						if ht, err := monitor.TreeMemory(h); err == nil {
							browsers += ht.Bytes
						}
					}
					f.browsers = max(f.browsers, browsers)
				}
			}
		}
		select {
		case <-stop:
			return f
		case <-tick.C:
		}
	}
}

// eventLog is what the child's --json events tell.
type eventLog struct {
	pos     map[string]*poTimes
	status  map[string]vocab.Status
	alive   map[int]bool
	path    []int // live worker counts, in order
	starts  []workerStart
	checked time.Time // when a worker found the session signed in
}

type poTimes struct {
	started  time.Time // its first attempt
	finished time.Time // its outcome
	steps    map[string]float64
}

type workerStart struct {
	worker   int
	po       string
	started  time.Time
	finished *time.Time
}

func newEventLog() *eventLog {
	return &eventLog{pos: map[string]*poTimes{}, status: map[string]vocab.Status{}, alive: map[int]bool{}}
}

func (l *eventLog) add(e run.JSONEvent) {
	p := l.pos[e.PO]
	if e.PO != "" && p == nil {
		p = &poTimes{}
		l.pos[e.PO] = p
	}
	switch e.Event {
	case "task.started":
		if p.started.IsZero() {
			p.started = e.Time
		}
		l.starts = append(l.starts, workerStart{worker: e.Worker, po: e.PO, started: e.Time})
	case "task.finished", "task.cancelled":
		p.finished, p.steps = e.Time, e.Steps
		l.status[e.PO] = e.Status
		for i := len(l.starts) - 1; i >= 0; i-- {
			if s := &l.starts[i]; s.po == e.PO && s.finished == nil {
				t := e.Time
				s.finished = &t
				break
			}
		}
	case "session.checked":
		if l.checked.IsZero() {
			l.checked = e.Time
		}
	case "worker.ready":
		if !l.alive[e.Worker] {
			l.alive[e.Worker] = true
			l.path = append(l.path, len(l.alive))
		}
	case "worker.retired":
		if l.alive[e.Worker] {
			delete(l.alive, e.Worker)
			if len(l.pos) > 0 && len(l.status) < len(l.pos) { // not the shutdown at the end
				l.path = append(l.path, len(l.alive))
			}
		}
	}
}

func (l *eventLog) done() int { return len(l.status) }

// live is the worker count it ended with: the last one of the path.
func (l *eventLog) live() int {
	if len(l.path) == 0 {
		return 0
	}
	return l.path[len(l.path)-1]
}

// workingAt is when each of the first n workers had started its first
// PO (its profile cloned, its browser up) and the session was checked
// (beside the first POs).
func (l *eventLog) workingAt(n int) (time.Time, bool) {
	first := map[int]time.Time{}
	for _, s := range l.starts {
		if _, ok := first[s.worker]; !ok {
			first[s.worker] = s.started
		}
	}
	var ts []time.Time
	for _, t := range first {
		ts = append(ts, t)
	}
	if len(ts) < n || n == 0 {
		return time.Time{}, false
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	if l.checked.IsZero() {
		return time.Time{}, false
	}
	if l.checked.After(ts[n-1]) {
		return l.checked, true
	}
	return ts[n-1], true
}

// gaps are, per worker, the seconds between the end of one PO and the
// start of the next (only where one PO did not overlap the next).
func (l *eventLog) gaps() []float64 {
	var out []float64
	last := map[int]time.Time{}
	for _, s := range l.starts {
		if prev, ok := last[s.worker]; ok && s.started.After(prev) {
			out = append(out, s.started.Sub(prev).Seconds())
		}
		if s.finished != nil {
			last[s.worker] = *s.finished
		}
	}
	return out
}

// chromiumVersion asks the browser for its version, "" when it will not say.
func chromiumVersion(path string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
