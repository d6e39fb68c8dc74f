package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/coupa"
	"coupatui/profiles"
)

// loginCommand opens a visible browser on the base profile at the Coupa
// site and waits until the operator has signed in (SSO and MFA included).
// Workers then run on copies of that profile.
func loginCommand(ctx context.Context, cfg config.Config, stderr io.Writer) int {
	if cfg.Coupa.BaseURL == "" {
		return fail(stderr, fmt.Errorf("no Coupa site: set coupa.base_url in %s or pass --base-url https://<company>.coupahost.com", configName(cfg)))
	}
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return fail(stderr, errors.New("login needs a window, and this session has no display (DISPLAY and WAYLAND_DISPLAY are unset).\n"+
			"  Run `coupatui login` from a desktop session, or over `ssh -X`; or sign in to Coupa with Chrome or Edge\n"+
			"  on a machine with a screen and set pool.base_profile_path in config.toml to that browser's profile folder"))
	}
	exec, err := browser.FindExec(cfg.Browser.ExecPath)
	if err != nil {
		return fail(stderr, err)
	}
	m, err := profileManager(cfg, nil)
	if err != nil {
		return fail(stderr, err)
	}
	base := m.Base()
	if pid, inUse := m.BaseInUse(); inUse {
		return fail(stderr, fmt.Errorf("the profile %s is open in another browser (pid %d): close that browser, then run coupatui login again", base, pid))
	}
	b, err := browser.Launch(ctx, browser.Options{ExecPath: exec, ProfileDir: base, StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration})
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stderr, "Sign in to %s in the browser window (waiting up to %s)...\n", cfg.Coupa.BaseURL, cfg.Coupa.LoginTimeout)
	site := &coupa.Site{BaseURL: cfg.Coupa.BaseURL, PageTimeout: cfg.Coupa.PageTimeout.Duration}
	wctx, cancel := context.WithTimeout(ctx, cfg.Coupa.LoginTimeout.Duration)
	err = site.WaitSignedIn(wctx, b)
	cancel()
	if cerr := b.Close(); cerr != nil { // a clean close writes the cookies to disk
		err = errors.Join(err, cerr)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fail(stderr, fmt.Errorf("not signed in within %s (coupa.login_timeout): run coupatui login again", cfg.Coupa.LoginTimeout))
	case errors.Is(err, coupa.ErrWindowClosed):
		return fail(stderr, errors.New("the browser window was closed before the sign-in finished: run coupatui login again"))
	case err != nil:
		return fail(stderr, fmt.Errorf("login: %w", err))
	}
	fmt.Fprintf(stderr, "Signed in. Workers will use copies of %s.\n", base)
	return exitOK
}

// profilesCommand is `coupatui profiles clean`: remove the profile copies
// runs that crashed or were killed left behind.
func profilesCommand(args []string, stdout, stderr io.Writer) int {
	f, err := parseFlags("profiles", args, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	if len(f.args) != 1 || f.args[0] != "clean" {
		return fail(stderr, errors.New("usage: coupatui profiles clean [--config PATH]"))
	}
	cfg, err := f.config()
	if err != nil {
		return fail(stderr, err)
	}
	m, err := profileManager(cfg, nil)
	if err != nil {
		return fail(stderr, err)
	}
	rep, err := m.Clean()
	for _, d := range rep.Dirs {
		fmt.Fprintln(stdout, "removed", d)
	}
	for _, k := range rep.Kept {
		fmt.Fprintf(stdout, "kept    %s (%s)\n", k.Dir, k.Reason)
	}
	fmt.Fprintf(stdout, "removed %d stale profile copies, freed %.1f MB\n", rep.Count, float64(rep.Bytes)/(1<<20))
	if err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// profileManager is the manager of the configured base profile and its
// clones; it makes sure the base folder exists.
func profileManager(cfg config.Config, log *slog.Logger) (*profiles.Manager, error) {
	base, err := cfg.ProfilePath()
	if err != nil {
		return nil, err
	}
	clones, err := cfg.ClonesPath()
	if err != nil {
		return nil, err
	}
	m, err := profiles.New(profiles.Options{Base: base, ClonesDir: clones, MaxSizeMB: cfg.Pool.MaxProfileSizeMB, Logger: log})
	if err != nil {
		return nil, err
	}
	return m, m.EnsureBase()
}
