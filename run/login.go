package run

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

// Login is `coupatui login`: it opens a visible browser on the base
// profile at the Coupa site and waits until the operator has signed in
// (SSO and MFA included). Workers then run on copies of that profile.
// ctx ends the wait (a signal).
func Login(ctx context.Context, cfg config.Config, stderr io.Writer) error {
	if cfg.Coupa.BaseURL == "" {
		return NoSiteError(cfg)
	}
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("login needs a window, and this session has no display (DISPLAY and WAYLAND_DISPLAY are unset).\n" +
			"  Run `coupatui login` from a desktop session, or over `ssh -X`; or sign in to Coupa with Chrome or Edge\n" +
			"  on a machine with a screen and set pool.base_profile_path in config.toml to that browser's profile folder")
	}
	exec, err := browser.FindExec(cfg.Browser.ExecPath, false)
	if err != nil {
		return err
	}
	m, err := profileManager(cfg, nil)
	if err != nil {
		return err
	}
	base := m.Base()
	if pid, inUse := m.BaseInUse(); inUse {
		return fmt.Errorf("the profile %s is open in another browser (pid %d): close that browser, then run coupatui login again", base, pid)
	}
	b, err := browser.Launch(ctx, browser.Options{ExecPath: exec, ProfileDir: base, StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration})
	if err != nil {
		return err
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
		return fmt.Errorf("not signed in within %s (coupa.login_timeout): run coupatui login again", cfg.Coupa.LoginTimeout)
	case errors.Is(err, coupa.ErrWindowClosed):
		return errors.New("the browser window was closed before the sign-in finished: run coupatui login again")
	case err != nil:
		return fmt.Errorf("login: %w", err)
	}
	fmt.Fprintf(stderr, "Signed in. Workers will use copies of %s.\n", base)
	return nil
}

// NoSiteError is the error of a command that needs the Coupa site when
// none is configured.
func NoSiteError(cfg config.Config) error {
	name := cfg.Source
	if name == "" {
		name = "config.toml"
	}
	return fmt.Errorf("no Coupa site: set coupa.base_url in %s or pass --base-url https://<company>.coupahost.com", name)
}

// CleanProfiles is `coupatui profiles clean`: it removes the profile
// copies runs that crashed or were killed left behind, and says what it
// removed and kept on w.
func CleanProfiles(cfg config.Config, w io.Writer) error {
	m, err := profileManager(cfg, nil)
	if err != nil {
		return err
	}
	rep, err := m.Clean()
	for _, d := range rep.Dirs {
		fmt.Fprintln(w, "removed", d)
	}
	for _, k := range rep.Kept {
		fmt.Fprintf(w, "kept    %s (%s)\n", k.Dir, k.Reason)
	}
	fmt.Fprintf(w, "removed %d stale profile copies, freed %.1f MB\n", rep.Count, float64(rep.Bytes)/(1<<20))
	return err
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
