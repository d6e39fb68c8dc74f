package run

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"coupatui/vocab"
)

// Options are what one run needs beyond the configuration.
type Options struct {
	Input  string // the input workbook or CSV
	Report string // the results workbook; "" = <input dir>/<input stem>_results.xlsx
	CSV    bool   // Report: write <report stem>.csv beside the workbook too

	NoTUI bool // plain progress lines on stderr instead of the console
	JSON  bool // one JSON event per line on stdout (plain mode)

	// Fresh fetches every PO again, ignoring earlier runs; the console
	// asks first, plain mode takes the flag as the answer.
	Fresh bool
	// Redo also fetches again the POs whose earlier outcome has one of
	// these kept statuses.
	Redo []vocab.Status
	// SavePages saves every PO's page (--save-pages), not only the
	// UNRECOGNISED ones', in the state folder's pages/<input name>.
	SavePages bool

	Stdin          io.Reader // the console's --fresh question; nil = os.Stdin
	Stdout, Stderr io.Writer
	// Signals are the process's SIGINT, SIGTERM and SIGHUP: the first
	// drains the run (the console shows it), the second forces it. During
	// start-up and input reading the first ends the run at once.
	Signals <-chan os.Signal

	demo     bool   // the simulator serves the site: workers need no signed-in profile
	pagesDir string // where pages are saved; "" = the state folder's pages/<input name>
	// consoleOpts are passed to the console's program (tests give it an
	// input, an output and a size instead of the terminal).
	consoleOpts []tea.ProgramOption
}

// End is how a run ended; main maps it to the exit code.
type End int

const (
	Finished       End = iota // every row reached a final status, failures included
	Interrupted               // stopped before finishing: the journal is kept and a re-run resumes
	SignInRequired            // Coupa's sign-in wall: run `coupatui login`
	DiskFull                  // the disk filled under the downloads or the workbook (plain mode): free space and run again
)

var endNames = [...]string{"finished", "interrupted", "sign-in required", "disk full"}

func (e End) String() string {
	if e < 0 || int(e) >= len(endNames) {
		return fmt.Sprintf("End(%d)", int(e))
	}
	return endNames[e]
}

// DefaultReport is the results workbook of input when --report is not
// given: <input dir>/<input stem>_results.xlsx.
func DefaultReport(input string) string {
	stem := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
	return filepath.Join(filepath.Dir(input), stem+"_results.xlsx")
}

func (o *Options) setDefaults() {
	if o.Report == "" {
		o.Report = DefaultReport(o.Input)
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
}

// ParseRedo reads --redo's list: status words separated by commas, in any
// case. An unknown word is an error naming it and the words there are.
func ParseRedo(list string) ([]vocab.Status, error) {
	var out []vocab.Status
	for _, w := range strings.Split(list, ",") {
		w = strings.ToUpper(strings.TrimSpace(w))
		if w == "" {
			continue
		}
		st := vocab.Status(w)
		if !slices.Contains(vocab.Statuses, st) {
			var words []string
			for _, s := range vocab.Statuses {
				words = append(words, string(s))
			}
			return nil, fmt.Errorf("--redo %s: %q is not a status word (want one or more of %s)", list, w, strings.Join(words, ", "))
		}
		out = append(out, st)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--redo %q: name one or more statuses, e.g. --redo NO_ATTACHMENTS,PO_NOT_FOUND", list)
	}
	return out, nil
}
