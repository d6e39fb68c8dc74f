package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"coupatui/config"
	"coupatui/run"

	"golang.org/x/term"
)

// flags are the command line's options; set records which were given, so
// only those override the configuration file.
type flags struct {
	configPath   string
	baseURL      string
	workers      config.Count // a number, or "auto"
	out          string
	report       string
	headless     bool
	noTUI        bool
	json         bool
	exitWhenDone bool
	mouse        bool
	fresh        bool
	redo         string
	csv          bool
	listen       string
	savePages    bool
	version      bool
	demoPOs      int // demo: how many simulated POs (0 = the catalogue)
	demoDir      string
	inspect      string // demo: inspect this PO instead of running
	remotes      remoteFlag

	set  map[string]bool
	args []string
}

func parseFlags(cmd string, args []string, stderr io.Writer) (*flags, error) {
	f := &flags{set: map[string]bool{}}
	fs := flag.NewFlagSet("coupatui", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.configPath, "config", "", "")
	fs.StringVar(&f.baseURL, "base-url", "", "")
	workers := fs.String("workers", "", "")
	fs.StringVar(&f.out, "out", "", "")
	fs.StringVar(&f.report, "report", "", "")
	fs.BoolVar(&f.headless, "headless", true, "")
	fs.BoolVar(&f.noTUI, "no-tui", false, "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.BoolVar(&f.exitWhenDone, "exit-when-done", false, "")
	fs.BoolVar(&f.mouse, "mouse", false, "")
	fs.BoolVar(&f.fresh, "fresh", false, "")
	fs.StringVar(&f.redo, "redo", "", "")
	fs.BoolVar(&f.savePages, "save-pages", false, "")
	if cmd == "report" {
		fs.BoolVar(&f.csv, "csv", false, "")
	}
	fs.StringVar(&f.listen, "listen", "", "")
	fs.Var(&f.remotes, "remote", "")
	fs.BoolVar(&f.version, "version", false, "")
	if cmd == "demo" {
		fs.IntVar(&f.demoPOs, "pos", 0, "")
		fs.StringVar(&f.demoDir, "dir", "coupatui-demo", "")
		fs.StringVar(&f.inspect, "inspect", "", "")
	}
	// Flags may come before or after the input file.
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			if f.remotes.err != nil { // the flag package's message would quote the URL, token and all
				return nil, f.remotes.err
			}
			return nil, fmt.Errorf("%w (coupatui help lists the flags)", err)
		}
		if fs.NArg() == 0 {
			break
		}
		f.args = append(f.args, fs.Arg(0))
		args = fs.Args()[1:]
	}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if f.set["workers"] {
		var err error
		if f.workers, err = parseCount(*workers); err != nil || !f.workers.Auto && f.workers.N < 0 {
			return nil, fmt.Errorf("--workers %q: want a number (0 only with remote browsers: --remote), or \"auto\"", *workers)
		}
	}
	if f.set["redo"] {
		if _, err := run.ParseRedo(f.redo); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// parseCount reads a worker count as --workers gives it: a number or
// "auto", as config.Count reads it from TOML.
func parseCount(s string) (config.Count, error) {
	s = strings.TrimSpace(s)
	var v any = s
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		v = n
	}
	var c config.Count
	err := c.UnmarshalTOML(v)
	return c, err
}

// config loads the configuration file and applies the flags over it.
func (f *flags) config() (config.Config, error) {
	cfg, err := config.Load(f.configPath)
	if err != nil {
		return cfg, err
	}
	if f.set["base-url"] {
		cfg.Coupa.BaseURL = strings.TrimRight(f.baseURL, "/")
	}
	if f.set["workers"] {
		cfg.Pool.WorkerCount = f.workers
		if !f.workers.Auto {
			cfg.Pool.MaxWorkers = max(cfg.Pool.MaxWorkers, f.workers.N)
			cfg.Pool.MinWorkers = min(cfg.Pool.MinWorkers, f.workers.N)
		}
	}
	if f.set["headless"] {
		cfg.Pool.HeadlessMode = f.headless
	}
	if f.set["out"] {
		cfg.Downloads.Root = f.out
	}
	if f.set["mouse"] {
		cfg.UI.Mouse = f.mouse
	}
	if f.set["exit-when-done"] {
		cfg.UI.ExitWhenDone = f.exitWhenDone
	}
	if f.set["listen"] {
		cfg.Monitor.Listen = f.listen
	}
	// --remote adds to the file's endpoints.
	cfg.Browser.Endpoints = append(cfg.Browser.Endpoints, f.remotes.endpoints...)
	if f.set["workers"] && !f.workers.Auto && f.workers.N == 0 && len(cfg.Browser.Endpoints) == 0 {
		return cfg, errors.New("--workers 0: no browser would be left; give remote ones with --remote [SLOTS@]URL or [[browser.endpoints]]")
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%w (after the command-line flags)", err)
	}
	return cfg, nil
}

// remoteFlag is --remote [SLOTS@]URL, repeatable: the slot count comes
// first because tokens in URLs may hold '=' or '@'. Without a count an
// endpoint has 1 slot.
type remoteFlag struct {
	endpoints []config.Endpoint
	err       error // the first bad value's, which names no URL
}

func (r *remoteFlag) String() string { return fmt.Sprint(len(r.endpoints), " endpoints") }

func (r *remoteFlag) Set(s string) error {
	e, err := parseRemote(s)
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		return err
	}
	r.endpoints = append(r.endpoints, e)
	return nil
}

// parseRemote reads one --remote value. Its error never repeats the URL
// (it may hold a token).
func parseRemote(s string) (config.Endpoint, error) {
	e := config.Endpoint{URL: strings.TrimSpace(s), Slots: 1}
	if n, rest, ok := strings.Cut(e.URL, "@"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		slots, err := strconv.Atoi(n)
		if err != nil || slots < 1 {
			return e, fmt.Errorf("--remote %s@...: want a slot count of 1 or more before the @", n)
		}
		e.URL, e.Slots = rest, slots
	}
	if !strings.HasPrefix(e.URL, "ws://") && !strings.HasPrefix(e.URL, "wss://") &&
		!strings.HasPrefix(e.URL, "http://") && !strings.HasPrefix(e.URL, "https://") {
		return e, errors.New(`--remote: want [SLOTS@]URL with a ws://, wss:// or http(s)://host:port URL, like --remote 4@ws://10.0.0.5:3000/?token=...`)
	}
	return e, nil
}

// runOptions are the run's options from the flags.
func (f *flags) runOptions(input string, sigs <-chan os.Signal, stdout, stderr io.Writer) run.Options {
	o := run.Options{Input: input, Report: f.report, CSV: f.csv, NoTUI: f.noTUI, JSON: f.json, Fresh: f.fresh,
		SavePages: f.savePages, Stdout: stdout, Stderr: stderr, Signals: sigs}
	if f.redo != "" {
		o.Redo, _ = run.ParseRedo(f.redo) // checked by parseFlags
	}
	if o.Report == "" && input != "" {
		o.Report = run.DefaultReport(input)
	}
	// The console needs a terminal; --json owns stdout.
	if o.JSON || !term.IsTerminal(int(os.Stdout.Fd())) {
		o.NoTUI = true
	}
	return o
}
