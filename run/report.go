package run

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"coupatui/config"
	"coupatui/coupa"
	"coupatui/sheet"
	"coupatui/store"
	"coupatui/vocab"
)

// results is the outcome of every row of in, by row line, from the
// journal's latest row of each PO: final outcomes as recorded, PENDING
// for the rest. POs added at run time (line 0 in the journal) get rows of
// their own, appended to in once. convs fills CONVERTED; poURL fills
// COUPA_URL where the journal has none.
func results(in *sheet.Input, latest map[string]store.Transition, convs map[string][]store.Conversion, poURL func(string) string) map[int]sheet.Outcome {
	lines := map[string]int{}
	for _, r := range in.POs() {
		lines[r.PO] = r.Line
	}
	var added []store.Transition
	for po, tr := range latest {
		if _, ok := lines[po]; !ok && tr.Line == 0 && tr.State != vocab.TaskRemoved {
			added = append(added, tr)
		}
	}
	slices.SortFunc(added, func(a, b store.Transition) int { return a.At.Compare(b.At) })
	for _, tr := range added {
		lines[tr.PO] = in.Append(tr.PO)
	}
	out := make(map[int]sheet.Outcome, len(lines))
	for po, line := range lines {
		o := sheet.Outcome{Status: vocab.Pending}
		if tr, ok := latest[po]; ok {
			o = journalOutcome(tr)
			if o.Status != vocab.Pending {
				o.Converted = convertedCells(convs[po], o.Files)
			}
		}
		if o.URL == "" && poURL != nil {
			o.URL = poURL(po)
		}
		out[line] = o
	}
	return out
}

// writeResults rewrites the results workbook (and, with csv, the CSV
// beside it) of in from the journal, and returns how many rows have each
// status.
func writeResults(st *store.Store, in *sheet.Input, report string, csv bool, poURL func(string) string) (map[vocab.Status]int, error) {
	latest, err := st.Latest(in.Path)
	if err != nil {
		return nil, err
	}
	convs, err := st.Conversions(in.Path)
	if err != nil {
		return nil, err
	}
	outcomes := results(in, latest, convs, poURL)
	if err := sheet.WriteResults(report, in, outcomes); err != nil {
		return nil, err
	}
	if csv {
		if err := sheet.WriteResultsCSV(csvPath(report), in, outcomes); err != nil {
			return nil, err
		}
	}
	counts := map[vocab.Status]int{}
	for _, r := range in.Rows {
		switch {
		case r.Invalid:
			counts[vocab.InvalidPO]++
		case r.DuplicateOf > 0:
			counts[outcomes[r.DuplicateOf].Status]++
		default:
			counts[outcomes[r.Line].Status]++
		}
	}
	return counts, nil
}

// csvPath is the CSV written beside a results workbook.
func csvPath(report string) string {
	return strings.TrimSuffix(report, filepath.Ext(report)) + ".csv"
}

// checkReportPath refuses, before any work, a results path that could not
// be written at the end, or would replace the input: each with one message.
func checkReportPath(report, input string) error {
	if !strings.EqualFold(filepath.Ext(report), ".xlsx") {
		return fmt.Errorf("results workbook %q: must end in .xlsx", report)
	}
	r, _ := filepath.Abs(report)
	i, _ := filepath.Abs(input)
	if r == i {
		return fmt.Errorf("results workbook %q is the input: the input is never modified; pass --report with another path", report)
	}
	if ri, err := os.Stat(r); err == nil { // follows links
		if ii, err := os.Stat(i); err == nil && os.SameFile(ri, ii) {
			return fmt.Errorf("results workbook %q is a link to the input %q: the input is never modified; pass --report with another path", report, input)
		}
		if ri.IsDir() {
			return fmt.Errorf("results workbook %q is a folder: pass --report with a file name ending in .xlsx", report)
		}
	}
	dir := filepath.Dir(r)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("results workbook %q: its folder does not exist", report)
	}
	// The workbook is written through a temp file in its folder: try one.
	probe, err := os.CreateTemp(dir, ".coupatui-write-check-*")
	if err != nil {
		return fmt.Errorf("results workbook %q: cannot write in its folder %s (%w): pass --report with a folder you can write to", report, dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// Report is `coupatui report`: it rewrites the results workbook of
// o.Input (and with o.CSV a CSV beside it) from the input and the journal.
// It starts no browser and needs none.
func Report(cfg config.Config, o Options) error {
	o.setDefaults()
	if err := checkReportPath(o.Report, o.Input); err != nil {
		return err
	}
	abs, err := filepath.Abs(o.Input)
	if err != nil {
		return fmt.Errorf("input %s: %w", o.Input, err)
	}
	journalPath, err := cfg.JournalPath()
	if err != nil {
		return err
	}
	lock, err := lockInput(journalPath, abs, "report of "+abs)
	if err != nil {
		return err
	}
	defer lock.Release()
	in, err := sheet.Read(o.Input)
	if err != nil {
		return err
	}
	st, err := openJournal(journalPath, nil, o.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	site := &coupa.Site{BaseURL: cfg.Coupa.BaseURL}
	poURL := func(po string) string { return "" }
	if cfg.Coupa.BaseURL != "" {
		poURL = site.POURL
	}
	start := time.Now()
	counts, err := writeResults(st, in, o.Report, o.CSV, poURL)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Stderr, "coupatui: wrote %s (%d rows: %s) in %s\n", o.Report, len(in.Rows), statusCounts(counts),
		time.Since(start).Round(time.Millisecond))
	if o.CSV {
		fmt.Fprintf(o.Stderr, "coupatui: wrote %s\n", csvPath(o.Report))
	}
	return nil
}

// statusCounts formats counts in the order reports show the statuses.
func statusCounts(counts map[vocab.Status]int) string {
	var parts []string
	seen := map[vocab.Status]bool{}
	for _, st := range vocab.Statuses {
		if n := counts[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
		seen[st] = true
	}
	var other []string
	for st, n := range counts {
		if !seen[st] && n > 0 {
			other = append(other, fmt.Sprintf("%s %d", st, n))
		}
	}
	slices.Sort(other)
	parts = append(parts, other...)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// History is `coupatui history [INPUT]`: the runs of input ("" = of every
// input) with start, end, counts per status and whether each was
// interrupted. It starts no browser.
func History(cfg config.Config, input string, w io.Writer) error {
	journalPath, err := cfg.JournalPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(journalPath); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(w, "no runs yet (no journal at %s)\n", journalPath)
		return nil
	}
	st, err := openJournal(journalPath, nil, w)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := st.Runs(input)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		if input != "" {
			fmt.Fprintf(w, "no runs of %s in %s\n", input, journalPath)
		} else {
			fmt.Fprintf(w, "no runs in %s\n", journalPath)
		}
		return nil
	}
	for _, r := range runs {
		fmt.Fprintln(w, historyLine(r, input == ""))
	}
	return nil
}

// historyLine is one run in history's words.
func historyLine(r store.RunInfo, withInput bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %d  %s", r.ID, r.Started.Local().Format("2006-01-02 15:04:05"))
	switch {
	case r.Unfinished():
		fmt.Fprintf(&b, " → not finished (pid %d still runs, or was killed)", r.PID)
	default:
		fmt.Fprintf(&b, " → %s (%s)", r.Finished.Local().Format("15:04:05"), r.Finished.Sub(r.Started).Round(time.Second))
		if r.Interrupted {
			b.WriteString("  interrupted")
		} else {
			b.WriteString("  finished")
		}
	}
	if withInput {
		b.WriteString("  " + r.Input)
	}
	counts := map[vocab.Status]int{}
	for st, n := range r.Statuses {
		counts[st] = n
	}
	if p := r.Pending(); p > 0 {
		counts[vocab.Pending] += p
	}
	fmt.Fprintf(&b, "\n    %d to fetch, %d kept from earlier runs", r.POs, r.Kept)
	if r.Removed > 0 {
		fmt.Fprintf(&b, ", %d removed from the input", r.Removed)
	}
	fmt.Fprintf(&b, " · %s", statusCounts(counts))
	return b.String()
}

// openJournal opens the journal; a damaged one moved aside is said once,
// in the log and on stderr.
func openJournal(path string, log *slog.Logger, stderr io.Writer) (*store.Store, error) {
	var opts []store.Option
	if log != nil {
		opts = append(opts, store.WithLogger(log))
	}
	st, err := store.Open(path, opts...)
	if err != nil {
		if errors.Is(err, store.ErrNewerSchema) {
			return nil, fmt.Errorf("%w: use that coupatui, or move the journal aside to start a new one", err)
		}
		return nil, err
	}
	if to, damage := st.MovedAside(); to != "" {
		fmt.Fprintf(stderr, "coupatui: the journal %s was damaged (%s); it was moved to %s and a new journal started: earlier runs will be fetched again\n",
			path, damage, to)
	}
	return st, nil
}
