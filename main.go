// Command coupatui downloads the attachments of Coupa purchase orders listed
// in a spreadsheet, with a pool of signed-in headless browsers and a live
// terminal console. See README.md and docs/ARCHITECTURE.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"coupatui/run"
)

// Exit codes (docs/ARCHITECTURE.md "The run", README "Exit codes").
const (
	exitOK          = 0   // every row reached a final status, failures included
	exitFatal       = 1   // bad input, no browser, bad config
	exitSignIn      = 3   // Coupa's sign-in wall: run `coupatui login`
	exitDiskFull    = 4   // the disk filled (plain mode): free space and run again
	exitInterrupted = 130 // stopped before finishing; a re-run resumes
)

var version = "dev" // set with -ldflags "-X main.version=..."

func main() {
	// SIGHUP too: a closed terminal or SSH session still ends in a clean
	// shutdown and a written results workbook. The run's quit controller
	// owns what each signal does (the first drains, the second forces).
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := dispatch(sigs, os.Args[1:], os.Stdout, os.Stderr)
	signal.Stop(sigs)
	os.Exit(code)
}

// dispatch runs a command line and returns the exit code.
func dispatch(sigs <-chan os.Signal, args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		switch args[0] {
		case "demo", "bench", "login", "inspect", "profiles", "report", "history", "pdf", "help", "version":
			cmd, args = args[0], args[1:]
		}
	}
	switch cmd {
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "bench":
		return bench(sigs, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "coupatui", version)
		return exitOK
	}

	f, err := parseFlags(cmd, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if err != nil {
		return fail(stderr, err)
	}
	if f.version {
		fmt.Fprintln(stdout, "coupatui", version)
		return exitOK
	}
	cfg, err := f.config()
	if err != nil {
		return fail(stderr, err)
	}
	switch cmd {
	case "demo":
		site, err := startDemoSite()
		if err != nil {
			return fail(stderr, err)
		}
		defer site.Close()
		end, err := run.Demo(cfg, f.runOptions("", sigs, stdout, stderr), run.DemoOptions{Site: site, Dir: f.demoDir, Out: f.out, Inspect: f.inspect})
		return exitCode(end, err, stderr)
	case "inspect":
		ctx, stop := untilSignal(sigs)
		defer stop()
		end, err := run.Inspect(ctx, cfg, f.args, stdout)
		if end == run.SignInRequired {
			fmt.Fprintln(stderr, "coupatui: Coupa asks for a sign-in: run `coupatui login`, then inspect again.")
		}
		return exitCode(end, err, stderr)
	case "login":
		ctx, stop := untilSignal(sigs)
		defer stop()
		if err := run.Login(ctx, cfg, stderr); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	case "profiles":
		if len(f.args) != 1 || f.args[0] != "clean" {
			return fail(stderr, errors.New("usage: coupatui profiles clean [--config PATH]"))
		}
		if err := run.CleanProfiles(cfg, stdout); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	case "pdf":
		if len(f.args) != 1 {
			return fail(stderr, errors.New("usage: coupatui pdf FOLDER (the download root, or one PO's folder)"))
		}
		ctx, stop := untilSignal(sigs)
		defer stop()
		if err := run.PDF(ctx, cfg, f.args[0], stdout); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	case "history":
		if len(f.args) > 1 {
			return fail(stderr, errors.New("usage: coupatui history [INPUT.xlsx|INPUT.csv]"))
		}
		input := ""
		if len(f.args) == 1 {
			input = f.args[0]
		}
		if err := run.History(cfg, input, stdout); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	if len(f.args) != 1 {
		fmt.Fprint(stderr, usage)
		return fail(stderr, errors.New("want exactly one input file (.xlsx or .csv)"))
	}
	o := f.runOptions(f.args[0], sigs, stdout, stderr)
	if cmd == "report" {
		if err := run.Report(cfg, o); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	if cfg.Coupa.BaseURL == "" {
		return fail(stderr, run.NoSiteError(cfg))
	}
	end, err := run.Run(cfg, o)
	return exitCode(end, err, stderr)
}

// exitCode is the exit code of a run that ended so.
func exitCode(end run.End, err error, stderr io.Writer) int {
	if err != nil {
		return fail(stderr, err)
	}
	switch end {
	case run.Finished:
		return exitOK
	case run.SignInRequired:
		return exitSignIn
	case run.DiskFull:
		return exitDiskFull
	}
	return exitInterrupted
}

// untilSignal is a context that ends at the first signal.
func untilSignal(sigs <-chan os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
		}
	}()
	return ctx, func() { close(done); cancel() }
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "coupatui:", strings.TrimPrefix(err.Error(), "coupatui: "))
	return exitFatal
}

const usage = `coupatui downloads the attachments of Coupa purchase orders.

Usage:
  coupatui [flags] INPUT.xlsx|INPUT.csv   process every PO in the file (console on a terminal)
  coupatui demo [flags]                   the same against a simulated Coupa on this machine
  coupatui bench [flags]                  measure coupatui against a simulated Coupa: wall time, overhead, memory
  coupatui login [flags]                  sign in once in a browser window; workers reuse it
  coupatui inspect [flags] PO             open one PO and print what coupatui sees on its page (downloads nothing)
  coupatui report [--report PATH] [--csv] INPUT
                                          rewrite the results workbook from the journal (no browser)
  coupatui history [INPUT]                list the runs of an input (of every input without one)
  coupatui pdf FOLDER                     turn the e-mails (.msg, .eml) under FOLDER into PDFs
  coupatui profiles clean                 remove profile copies left by crashed runs
  coupatui version

Flags:
  --config PATH       configuration file (default: ./config.toml, then ~/.config/coupatui/config.toml)
  --base-url URL      the Coupa site, e.g. https://acme.coupahost.com
  --workers N|auto    local browsers working at once; auto starts at 2 and adds one while it pays;
                      0 with --remote (remote browsers only)
  --remote [SLOTS@]URL
                      also use a browser running elsewhere with SLOTS workers (default 1), e.g.
                      4@ws://10.0.0.5:3000/?token=... (browserless) or 2@http://10.0.0.6:9222; repeatable
  --out DIR           download folder (default: downloads next to the input)
  --report PATH       results workbook (default: <input>_results.xlsx next to the input)
  --csv               report: also write the results as <report>.csv
  --headless=false    show the browsers' windows
  --no-tui            plain progress lines on stderr (automatic when stdout is not a terminal)
  --json              one JSON event per line on stdout
  --exit-when-done    quit the console once every PO is final
  --mouse             let the console use the mouse
  --listen ADDR       serve /metrics (Prometheus) and /status (JSON) at ADDR, e.g. 127.0.0.1:9464;
                      beyond loopback only with [monitor] listen_token
  --redo STATUS,...   fetch again the POs an earlier run left with these kept statuses
                      (COMPLETED, NO_ATTACHMENTS, PO_NOT_FOUND, PR_NOT_ACCESSIBLE)
  --fresh             fetch every PO again, ignoring earlier runs of this input (the console asks first)
  --save-pages        save every PO's page in the state folder's pages/ (UNRECOGNISED ones always are)
  --inspect PO        demo: inspect one simulated PO instead of running

Bench flags (coupatui bench; a row per worker count and pipeline depth):
  --workers 1,2,4,8   local worker counts to run ("auto" too; 0 with --remote or --hosts)
  --remote [SLOTS@]URL
                      every run also uses this remote browser with SLOTS workers; repeatable
  --hosts N           start N Chromium hosts on loopback (--remote-debugging-port) for the runs
  --host-slots 2      workers on each of them
  --pipeline-depth 1,2
                      pipeline depths to run (default: the configuration's pool.pipeline_depth)
  --latency 500ms     server time of every page and every download start, ±50%
  --pos 200           POs of the simulated Coupa
  --attachments 0-4   attachments per PO: a count or a range
  --size 200KB        size of each attachment
  --profile-mb 100    size of the base profile each worker clones (0: an empty one)
  --dir DIR           keep the runs' files in DIR (default: a temporary folder, removed)
  --json              one JSON object per run on stdout

A re-run of the same input keeps COMPLETED, NO_ATTACHMENTS, PO_NOT_FOUND, PR_NOT_ACCESSIBLE and
INVALID_PO and fetches every other PO again, keeping the files already complete on disk.

Exit codes: 0 finished, 1 fatal error, 3 sign-in required (run coupatui login),
4 disk full (free space and run again), 130 interrupted (run again to resume).
`
