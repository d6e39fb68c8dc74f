package run

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
	"coupatui/profiles"
	"coupatui/vocab"
)

// inspectName is the folder name, under the state folder's pages/, of the
// pages `coupatui inspect` saves.
const inspectName = "inspect"

// siteOf is the Site the configuration describes; the caller sets Root,
// Logger and where pages go.
func siteOf(cfg config.Config) *coupa.Site {
	return &coupa.Site{
		BaseURL:             cfg.Coupa.BaseURL,
		Layout:              cfg.Downloads.Layout,
		PRFallback:          cfg.Downloads.PRFallback,
		PageTimeout:         cfg.Coupa.PageTimeout.Duration,
		MarkerTimeout:       cfg.Coupa.MarkerTimeout.Duration,
		DownloadsPerPO:      cfg.Browser.DownloadsPerPO,
		DownloadTimeout:     cfg.Browser.DownloadTimeout.Duration,
		MaxFileBytes:        int64(cfg.Browser.MaxFileMB) << 20,
		NoSectionMeansEmpty: cfg.Coupa.NoSectionMeansEmpty,
		SavedPagesMax:       cfg.Coupa.SavedPagesMax,
		Selectors: coupa.Selectors{Attachments: cfg.Coupa.Selectors.Attachments, Supplier: cfg.Coupa.Selectors.Supplier,
			Error: cfg.Coupa.Selectors.Error, Empty: cfg.Coupa.Selectors.Empty},
	}
}

// checkSelectors tries the operator's [coupa.selectors] in a browser of
// their own before any work starts (a bad one would fail every page
// silently): one message names the file, the key and the selector. It
// starts no browser when there are none, and a local one (on an empty
// profile) even when the workers use remote browsers.
func checkSelectors(cfg config.Config, site *coupa.Site) error {
	sel := site.Selectors
	if len(sel.Attachments)+len(sel.Supplier)+len(sel.Error)+len(sel.Empty) == 0 {
		return nil
	}
	profile, err := os.MkdirTemp("", "coupatui-selectors-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	opts := browser.Options{ExecPath: cfg.Browser.ExecPath, Headless: true, ProfileDir: profile,
		StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration}
	ctx, cancel := context.WithTimeout(context.Background(), opts.StartTimeout+30*time.Second)
	defer cancel()
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		return fmt.Errorf("checking [coupa.selectors]: %w", err)
	}
	defer b.Close()
	return badSelector(cfg, site.CheckSelectors(ctx, b))
}

// badSelector names the configuration file in a bad selector's error.
func badSelector(cfg config.Config, err error) error {
	if errors.Is(err, coupa.ErrBadSelector) {
		name := cfg.Source
		if name == "" {
			name = "config.toml"
		}
		return fmt.Errorf("%s: %w: fix it or remove it", name, err)
	}
	return err
}

// Inspect is `coupatui inspect PO`: it opens one PO on the configured
// site in a local browser on a copy of the signed-in profile (remote
// endpoints are for runs) and writes what the page analyser saw on w. It downloads nothing; the page
// is saved under the state folder's pages/inspect. It ends
// SignInRequired when Coupa shows its sign-in wall.
func Inspect(ctx context.Context, cfg config.Config, args []string, w io.Writer) (End, error) {
	po, err := inspectArg(args)
	if err != nil {
		return Interrupted, err
	}
	if cfg.Coupa.BaseURL == "" {
		return Interrupted, NoSiteError(cfg)
	}
	site := siteOf(cfg)
	if site.PagesDir, err = cfg.PagesPath(inspectName); err != nil {
		return Interrupted, err
	}
	opts := browser.Options{Headless: cfg.Pool.HeadlessMode, BlockResources: cfg.Browser.BlockResources,
		StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration}
	// The full browser, even headless: it keeps the clone's session
	// cookies, which a headless shell drops, and one page needs no speed.
	if opts.ExecPath, err = browser.FindExec(cfg.Browser.ExecPath, false); err != nil {
		return Interrupted, err
	}
	m, err := profileManager(cfg, nil)
	if err != nil {
		return Interrupted, err
	}
	clone, err := m.Clone(ctx, 0)
	if err != nil {
		return Interrupted, err
	}
	defer clone.Remove()
	opts.ProfileDir, opts.Flags = clone.Dir, profiles.CloneFlags()
	rep, err := inspectWith(ctx, site, opts, po)
	if err != nil {
		return Interrupted, badSelector(cfg, err)
	}
	printReport(w, rep)
	if rep.Status == vocab.Pending {
		return SignInRequired, nil
	}
	return Finished, nil
}

// DemoInspect is `coupatui demo --inspect PO`: Inspect against the
// simulated Coupa, followed by what the simulator means the PO to end as.
// The page is saved in the demo folder's pages/inspect; an earlier demo's
// results there are kept.
func DemoInspect(cfg config.Config, d DemoOptions, w io.Writer) error {
	po, err := inspectArg([]string{d.Inspect})
	if err != nil {
		return err
	}
	dir, err := filepath.Abs(d.Dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
		if dir, err = prepareDemoDir(d.Dir); err != nil {
			return err
		}
	}
	srv := d.Site
	cfg.Coupa.BaseURL = srv.URL()
	site := siteOf(cfg)
	site.PagesDir = filepath.Join(dir, config.PagesDirName, inspectName)
	exe, err := browser.FindExec(cfg.Browser.ExecPath, true)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "coupatui-inspect-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	rep, err := inspectWith(context.Background(), site, browser.Options{ExecPath: exe, Headless: true,
		BlockResources: true, ProfileDir: profile, StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration}, po)
	if err != nil {
		return badSelector(cfg, err)
	}
	printReport(w, rep)
	if want, ok := srv.WantFor(po); ok {
		fmt.Fprintf(w, "  the simulator means it to end %s\n", want)
	} else {
		all := srv.POs()
		fmt.Fprintf(w, "  the simulator has no PO %s (its POs are %s…%s)\n", po, all[0].ID, all[len(all)-1].ID)
	}
	return nil
}

func inspectArg(args []string) (string, error) {
	if len(args) != 1 {
		return "", errors.New("want one PO number: coupatui inspect PO (e.g. coupatui inspect 4500001234)")
	}
	po, ok := vocab.NormalizePO(args[0])
	if !ok {
		return "", fmt.Errorf("%q is not a PO number (digits, %d or more, an optional PO prefix)", args[0], vocab.MinPODigits)
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
	if r.Status == vocab.Completed {
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
	} else if r.Status == vocab.Completed {
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
