package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/profiles"
	"coupatui/sheet"
)

// inspectName is the folder name, under the state folder's pages/, of the
// pages `coupatui inspect` saves.
const inspectName = "inspect"

// configSite is the Site the configuration describes; the caller sets
// Root, Logger and where pages go.
func configSite(cfg config.Config) *coupa.Site {
	return &coupa.Site{
		BaseURL:             cfg.Coupa.BaseURL,
		Layout:              cfg.Downloads.Layout,
		PRFallback:          cfg.Downloads.PRFallback,
		PageTimeout:         cfg.Coupa.PageTimeout.Duration,
		MarkerTimeout:       cfg.Coupa.MarkerTimeout.Duration,
		DownloadsPerPO:      cfg.Browser.DownloadsPerPO,
		DownloadTimeout:     cfg.Browser.DownloadTimeout.Duration,
		NoSectionMeansEmpty: cfg.Coupa.NoSectionMeansEmpty,
		SavedPagesMax:       cfg.Coupa.SavedPagesMax,
		Selectors: coupa.Selectors{Attachments: cfg.Coupa.Selectors.Attachments, Supplier: cfg.Coupa.Selectors.Supplier,
			Error: cfg.Coupa.Selectors.Error, Empty: cfg.Coupa.Selectors.Empty},
	}
}

// checkSelectors tries the operator's [coupa.selectors] in a browser of
// their own before any work starts (a bad one would fail every page
// silently): one message names the file, the key and the selector. It
// starts no browser when there are none.
func checkSelectors(ctx context.Context, cfg config.Config, site *coupa.Site) error {
	sel := site.Selectors
	if len(sel.Attachments)+len(sel.Supplier)+len(sel.Error)+len(sel.Empty) == 0 {
		return nil
	}
	opts := browser.Options{ExecPath: cfg.Browser.ExecPath, Headless: true, Remote: cfg.Browser.Remote,
		StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration}
	if opts.Remote == "" {
		profile, err := os.MkdirTemp("", "coupatui-selectors-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(profile)
		opts.ProfileDir = profile
	}
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		return fmt.Errorf("checking [coupa.selectors]: %w", err)
	}
	defer b.Close()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := site.CheckSelectors(cctx, b); err != nil {
		if errors.Is(err, coupa.ErrBadSelector) {
			return fmt.Errorf("%s: %w: fix it or remove it", configName(cfg), err)
		}
		return err
	}
	return nil
}

// inspectCommand is `coupatui inspect PO`: it opens one PO on the
// configured site with a copy of the signed-in profile and prints what the
// page analyser saw. It downloads nothing; the page is saved under the
// state folder's pages/inspect.
func inspectCommand(ctx context.Context, cfg config.Config, f *flags, stdout, stderr io.Writer) int {
	po, err := inspectArg(f.args)
	if err != nil {
		return fail(stderr, err)
	}
	if cfg.Coupa.BaseURL == "" {
		return fail(stderr, fmt.Errorf("no Coupa site: set coupa.base_url in %s or pass --base-url https://<company>.coupahost.com", configName(cfg)))
	}
	site := configSite(cfg)
	if site.PagesDir, err = cfg.PagesPath(inspectName); err != nil {
		return fail(stderr, err)
	}
	opts := browser.Options{Headless: cfg.Pool.HeadlessMode, BlockResources: cfg.Browser.BlockResources,
		Remote: cfg.Browser.Remote, StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration}
	if opts.Remote == "" {
		if opts.ExecPath, err = browser.FindExec(cfg.Browser.ExecPath); err != nil {
			return fail(stderr, err)
		}
		m, err := profileManager(cfg, nil)
		if err != nil {
			return fail(stderr, err)
		}
		clone, err := m.Clone(ctx, 0)
		if err != nil {
			return fail(stderr, err)
		}
		defer clone.Remove()
		opts.ProfileDir, opts.Flags = clone.Dir, profiles.CloneFlags()
	}
	rep, err := inspectWith(ctx, site, opts, po)
	if errors.Is(err, coupa.ErrBadSelector) {
		err = fmt.Errorf("%s: %w: fix it or remove it", configName(cfg), err)
	}
	if err != nil {
		return fail(stderr, err)
	}
	printReport(stdout, rep)
	if rep.Status == coupa.Pending {
		fmt.Fprintln(stderr, "coupatui: Coupa asks for a sign-in: run `coupatui login`, then inspect again.")
		return exitSignIn
	}
	return exitOK
}

// demoInspect is `coupatui demo --inspect PO`: inspect against the
// simulated Coupa, with what the simulator means the PO to end as.
func demoInspect(ctx context.Context, cfg config.Config, f *flags, stdout, stderr io.Writer) int {
	po, err := inspectArg([]string{f.inspect})
	if err != nil {
		return fail(stderr, err)
	}
	dir, err := filepath.Abs(f.demoDir)
	if err != nil {
		return fail(stderr, err)
	}
	if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
		// Not an earlier demo's folder (whose results are kept): a new one.
		if dir, err = prepareDemoDir(f.demoDir); err != nil {
			return fail(stderr, err)
		}
	}
	srv, err := sim.New(sim.Demo(1))
	if err != nil {
		return fail(stderr, fmt.Errorf("starting the simulated Coupa: %w", err))
	}
	defer srv.Close()
	cfg.Coupa.BaseURL = srv.URL()
	site := configSite(cfg)
	site.PagesDir = filepath.Join(dir, config.PagesDirName, inspectName)
	exe, err := browser.FindExec("")
	if err != nil {
		return fail(stderr, err)
	}
	profile, err := os.MkdirTemp("", "coupatui-inspect-")
	if err != nil {
		return fail(stderr, err)
	}
	defer os.RemoveAll(profile)
	rep, err := inspectWith(ctx, site, browser.Options{ExecPath: exe, Headless: true, BlockResources: true, ProfileDir: profile}, po)
	if errors.Is(err, coupa.ErrBadSelector) {
		err = fmt.Errorf("%s: %w: fix it or remove it", configName(cfg), err)
	}
	if err != nil {
		return fail(stderr, err)
	}
	printReport(stdout, rep)
	if want, ok := srv.WantFor(po); ok {
		fmt.Fprintf(stdout, "  the simulator means it to end %s\n", want)
	} else {
		fmt.Fprintf(stdout, "  the simulator has no PO %s (its POs are %s…%s)\n", po, srv.Catalogue()[0].ID, srv.Catalogue()[len(srv.Catalogue())-1].ID)
	}
	return exitOK
}

func inspectArg(args []string) (string, error) {
	if len(args) != 1 {
		return "", errors.New("want one PO number: coupatui inspect PO (e.g. coupatui inspect 4500001234)")
	}
	po, ok := sheet.NormalizePO(args[0])
	if !ok {
		return "", fmt.Errorf("%q is not a PO number (digits, 6 or more, an optional PO prefix)", args[0])
	}
	return po, nil
}

// inspectWith starts a browser with opts, inspects po on site and closes it.
func inspectWith(ctx context.Context, site *coupa.Site, opts browser.Options, po string) (coupa.Report, error) {
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		return coupa.Report{}, err
	}
	defer b.Close()
	ictx, cancel := context.WithTimeout(ctx, site.PageTimeout+site.MarkerTimeout+30*time.Second)
	defer cancel()
	if err := site.CheckSelectors(ictx, b); err != nil {
		return coupa.Report{}, err
	}
	return site.Inspect(ictx, b, po)
}

// printReport writes what the analyser saw, one fact a line.
func printReport(w io.Writer, r coupa.Report) {
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w, "  %-12s %s\n", label, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(w, "PO%s  %s\n", r.PO, r.URL)
	page := fmt.Sprintf("HTTP %d", r.HTTPStatus)
	if r.Title != "" {
		page += fmt.Sprintf(", %q", r.Title)
	}
	if r.FinalURL != "" && r.FinalURL != r.URL {
		page += ", at " + r.FinalURL
	}
	line("page", "%s, read in %s", page, r.Waited.Round(10*time.Millisecond))
	outcome := string(r.Status)
	if r.Status == coupa.Completed {
		outcome += fmt.Sprintf(" once its %d file(s) download", len(r.Files))
	}
	line("outcome", "%s: %s", outcome, r.Why)
	if r.Section != "" {
		line("section", "%s", r.Section)
	} else {
		line("section", "none found")
	}
	if len(r.Opened) > 0 {
		line("opened", "%s", strings.Join(quoteAll(r.Opened), ", "))
	}
	if r.Empty != "" {
		line("empty text", "%q", r.Empty)
	}
	if r.ErrorText != "" {
		line("error", "%q", r.ErrorText)
	}
	if r.Supplier != "" {
		line("supplier", "%s (from the %s)", r.Supplier, r.SupplierFrom)
	} else if r.Status == coupa.Completed {
		line("supplier", "none shown: the files would go to _unknown_supplier")
	} else {
		line("supplier", "none shown")
	}
	switch {
	case r.Requisition == "":
		line("requisition", "no link")
	case r.FollowsRequisition:
		line("requisition", "%s (its files are fetched too: the PO shows no PDF)", r.Requisition)
	default:
		line("requisition", "%s (not followed)", r.Requisition)
	}
	line("files", "%d", len(r.Files))
	for i, f := range r.Files {
		fmt.Fprintf(w, "    %d. %s\n       %s · found by %s\n", i+1, f.Text, f.Fetch, f.By)
	}
	for _, u := range r.Unknown {
		line("not a file", "%s", u)
	}
	if r.Saved != "" {
		line("page saved", "%s", r.Saved)
	}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}
