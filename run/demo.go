package run

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"coupatui/config"
	"coupatui/sheet"
	"coupatui/vocab"
)

// demoMarker marks a folder `coupatui demo` made, so a later demo may
// empty it and nothing else is ever removed.
const demoMarker = ".coupatui-demo"

// DemoSite is the simulated Coupa a demo runs against: main starts it
// (coupa/sim's Server), so that no package but main imports the simulator.
type DemoSite interface {
	URL() string
	// POs lists the site's POs with the outcome the site means each to reach.
	POs() []DemoPO
	// WantFor is the outcome the site means po to reach; false for a PO it
	// does not have.
	WantFor(po string) (vocab.Status, bool)
}

// DemoPO is one PO of a DemoSite and the outcome it should reach.
type DemoPO struct {
	ID   string
	Want vocab.Status
}

// DemoOptions are what `coupatui demo` takes beyond Options.
type DemoOptions struct {
	Site DemoSite // the simulated Coupa, already serving
	Dir  string   // the demo folder: an earlier demo's is emptied, any other refused
	Out  string   // where the downloads go (--out, e.g. another disk); "" = <Dir>/downloads, emptied with it
	// Inspect, when set, inspects this PO of the simulator (see
	// DemoInspect) instead of running.
	Inspect string
}

// Demo runs coupatui against the simulated Coupa on loopback: a new user
// sees the product work with nothing to set up. It writes the demo
// workbook, the downloads, the results, the journal and the log into one
// folder, and always fetches every PO (o.Fresh is implied).
func Demo(cfg config.Config, o Options, d DemoOptions) (End, error) {
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if d.Inspect != "" {
		return Finished, DemoInspect(cfg, d, o.Stdout)
	}
	if err := CheckMonitor(cfg); err != nil {
		return Interrupted, err
	}
	dir, err := prepareDemoDir(d.Dir)
	if err != nil {
		return Interrupted, err
	}
	srv := d.Site
	input := filepath.Join(dir, "pos.xlsx")
	if err := writeDemoInput(input, srv.POs()); err != nil {
		return Interrupted, err
	}
	cfg.Coupa.BaseURL = srv.URL()
	cfg.Downloads.Root = filepath.Join(dir, "downloads")
	if d.Out != "" {
		cfg.Downloads.Root = d.Out
	}
	cfg.Store.Journal = filepath.Join(dir, "journal.sqlite")
	cfg.UI.LogFile = filepath.Join(dir, "coupatui.log")

	o.Input, o.Fresh, o.demo = input, true, true
	o.pagesDir = filepath.Join(dir, config.PagesDirName, "pos")
	if o.Report == "" {
		o.Report = filepath.Join(dir, "pos_results.xlsx")
	}
	fmt.Fprintf(o.Stderr, "coupatui demo: simulated Coupa at %s; %d POs in %s\n", srv.URL(), len(srv.POs()), input)
	end, err := Run(cfg, o)
	if err != nil {
		return end, err
	}
	if err := checkDemo(o.Report, srv, o.Stderr); err != nil {
		fmt.Fprintln(o.Stderr, "coupatui demo:", err)
		if end == Finished {
			return end, err
		}
	}
	fmt.Fprintf(o.Stderr, "coupatui demo: results %s, files under %s, log %s\n", o.Report, cfg.Downloads.Root, cfg.UI.LogFile)
	return end, nil
}

// prepareDemoDir empties a folder an earlier demo made, or makes a new one;
// it refuses a folder that holds anything else.
func prepareDemoDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	entries, err := os.ReadDir(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("demo folder %s: %w", abs, err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(abs, demoMarker)); err != nil {
			return "", fmt.Errorf("demo folder %s exists and was not made by coupatui demo: pass --dir with a new folder", abs)
		}
		if err := os.RemoveAll(abs); err != nil {
			return "", fmt.Errorf("emptying the demo folder %s: %w", abs, err)
		}
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("demo folder %s: %w", abs, err)
	}
	return abs, os.WriteFile(filepath.Join(abs, demoMarker), []byte("made by coupatui demo; emptied by the next demo\n"), 0o644)
}

// writeDemoInput writes the demo workbook: every simulated PO with the
// outcome it should reach, plus rows that show input handling (an invalid
// number, a duplicate, PO prefixes and a priority).
func writeDemoInput(path string, pos []DemoPO) error {
	cols := []string{"PO Number", "PRIORITY", "Expected"}
	var rows [][]string
	for i, po := range pos {
		id, prio := po.ID, ""
		switch i % 10 {
		case 1:
			id = "PO" + id
		case 3:
			id = "po-" + id
		case 5:
			prio = "high"
		}
		if i == len(pos)-1 {
			prio = "urgent"
		}
		rows = append(rows, []string{id, prio, string(po.Want)})
	}
	rows = append(rows,
		[]string{"PO-12AB7", "", string(vocab.InvalidPO)},
		[]string{pos[0].ID, "", "duplicate of the first row"},
	)
	return sheet.WriteInput(path, cols, rows)
}

// checkDemo compares the results workbook with what the simulator meant
// each PO to end as.
func checkDemo(report string, srv DemoSite, stderr io.Writer) error {
	res, err := sheet.ReadResults(report)
	if err != nil {
		return err
	}
	got := map[string]vocab.Status{}
	for _, r := range res.Rows {
		if po, ok := vocab.NormalizePO(r.PO); ok && got[po] == "" {
			got[po] = r.Outcome.Status
		}
	}
	var wrong []string
	pending := 0
	for _, po := range srv.POs() {
		switch st := got[po.ID]; {
		case st == vocab.Pending || st == vocab.Cancelled:
			pending++
		case st != po.Want:
			wrong = append(wrong, fmt.Sprintf("PO%s is %s, the simulator meant %s", po.ID, st, po.Want))
		}
	}
	n := len(srv.POs())
	switch {
	case len(wrong) > 0:
		return fmt.Errorf("%d of %d POs did not end as the simulator meant:\n  %s", len(wrong), n, strings.Join(wrong, "\n  "))
	case pending > 0:
		fmt.Fprintf(stderr, "coupatui demo: %d of %d POs ended as the simulator meant; %d not finished\n", n-pending, n, pending)
	default:
		fmt.Fprintf(stderr, "coupatui demo: all %d POs ended as the simulator meant\n", n)
	}
	return nil
}
