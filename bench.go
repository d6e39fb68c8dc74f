package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/internal/devtoolshost"
	"coupatui/monitor"
	"coupatui/profiles"
	"coupatui/run"
)

// `coupatui bench` runs the real coupatui — this executable, as a child
// process, so that its wall time, memory and CPU are its own — against a
// simulated Coupa on loopback, once per worker count (and pipeline depth),
// and reports how close each run came to the limits the simulator's own
// timings set.

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
	if cfg.Browser.ExecPath, err = browser.FindExec(cfg.Browser.ExecPath, cfg.Pool.HeadlessMode); err != nil {
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

// sampleProc reads the child's own figures every 200 ms and its browsers'
// PSS every 2 s (reading every Chromium process costs a millisecond each),
// the hosts' browsers (bench's own remote ones) counted with them, until
// stop closes.
func sampleProc(pid int, hosts []int, stop <-chan struct{}) procFigures {
	var f procFigures
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		withTree := i%10 == 5 // every 2 s: the tree, and the child's own PSS to take from it
		hwm, pss, cpu, err := procOwn(pid, withTree)
		if err == nil {
			f.hwm, f.cpu = max(f.hwm, hwm), cpu
			if withTree {
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

// procFigures is what sampling the child found.
type procFigures struct {
	hwm      uint64        // its own peak resident set
	browsers uint64        // the highest PSS of its browsers seen
	cpu      time.Duration // its own CPU time, last reading
}
