// Command coupatui downloads the attachments of Coupa purchase orders listed
// in a spreadsheet, with a pool of signed-in headless browsers and a live
// terminal console. See README.md and DESIGN.md.
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

	"coupatui/config"
)

// Exit codes (DESIGN.md "Command line").
const (
	exitOK          = 0   // every row reached a final status, failures included
	exitFatal       = 1   // bad input, no browser, bad config
	exitSignIn      = 3   // Coupa's sign-in wall: run `coupatui login`
	exitDiskFull    = 4   // the disk filled (without the console): free space and run again
	exitInterrupted = 130 // stopped before finishing; a re-run resumes
)

var version = "dev" // set with -ldflags "-X main.version=..."

func main() {
	// SIGHUP too: a closed terminal or SSH session still ends in a clean
	// shutdown and a written results workbook.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		switch args[0] {
		case "demo", "login", "profiles", "help", "version":
			cmd, args = args[0], args[1:]
		}
	}
	switch cmd {
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "version":
		fmt.Fprintln(stdout, "coupatui", version)
		return exitOK
	case "profiles":
		return profilesCommand(args, stdout, stderr)
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
		return demoCommand(ctx, cfg, f, stdout, stderr)
	case "login":
		return loginCommand(ctx, cfg, stderr)
	}
	if len(f.args) != 1 {
		fmt.Fprint(stderr, usage)
		return fail(stderr, errors.New("want exactly one input file (.xlsx or .csv)"))
	}
	if cfg.Coupa.BaseURL == "" {
		return fail(stderr, fmt.Errorf("no Coupa site: set coupa.base_url in %s or pass --base-url https://<company>.coupahost.com", configName(cfg)))
	}
	return runInput(ctx, cfg, f.runOptions(f.args[0]), stdout, stderr)
}

func configName(cfg config.Config) string {
	if cfg.Source != "" {
		return cfg.Source
	}
	return "config.toml"
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "coupatui:", strings.TrimPrefix(err.Error(), "coupatui: "))
	return exitFatal
}

const usage = `coupatui downloads the attachments of Coupa purchase orders.

Usage:
  coupatui [flags] INPUT.xlsx|INPUT.csv   process every PO in the file (console on a terminal)
  coupatui demo [flags]                   the same against a simulated Coupa on this machine
  coupatui login [flags]                  sign in once in a browser window; workers reuse it
  coupatui profiles clean                 remove profile copies left by crashed runs
  coupatui version

Flags:
  --config PATH       configuration file (default: ./config.toml, then ~/.config/coupatui/config.toml)
  --base-url URL      the Coupa site, e.g. https://acme.coupahost.com
  --workers N         browsers working at once
  --out DIR           download folder (default: downloads next to the input)
  --report PATH       results workbook (default: <input>_results.xlsx next to the input)
  --headless=false    show the browsers' windows
  --no-tui            plain progress lines on stderr (automatic when stdout is not a terminal)
  --json              one JSON event per line on stdout
  --exit-when-done    quit the console once every PO is final
  --mouse             let the console use the mouse
  --fresh             fetch every PO again, ignoring earlier runs of this input

Exit codes: 0 finished, 1 fatal error, 3 sign-in required (run coupatui login),
4 disk full (free space and run again), 130 interrupted.
`
