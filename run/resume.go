package run

import (
	"fmt"
	"slices"
	"strings"

	"coupatui/sheet"
	"coupatui/store"
	"coupatui/vocab"
)

// plan is what a run of an input sets out to do, given the journal.
type plan struct {
	fetch   []sheet.Row        // POs to fetch, in input order
	kept    int                // POs whose earlier outcome stays
	removed []store.Transition // earlier rows no longer in the input, not named before
}

// makePlan applies the resume rules: a PO whose latest journal row is a
// kept outcome stays, unless fresh or its status is in redo; every other
// PO of the input is fetched. Rows of earlier runs that the input no longer
// has are listed once (a later run knows they were named).
func makePlan(in *sheet.Input, latest map[string]store.Transition, fresh bool, redo []vocab.Status) plan {
	var p plan
	inInput := map[string]bool{}
	for _, r := range in.POs() {
		inInput[r.PO] = true
		tr, ok := latest[r.PO]
		if ok && !fresh && keptOutcome(tr) && !slices.Contains(redo, tr.Status) {
			p.kept++
			continue
		}
		p.fetch = append(p.fetch, r)
	}
	for po, tr := range latest {
		if !inInput[po] && tr.Line > 0 && tr.State != vocab.TaskRemoved {
			p.removed = append(p.removed, tr)
		}
	}
	slices.SortFunc(p.removed, func(a, b store.Transition) int { return a.Line - b.Line })
	return p
}

// keptOutcome reports whether tr is a final outcome the resume rules keep.
func keptOutcome(tr store.Transition) bool {
	return tr.State == vocab.TaskDone && tr.Status.Kept()
}

// keptCount is how many POs of in an earlier run settled for good.
func keptCount(in *sheet.Input, latest map[string]store.Transition) int {
	n := 0
	for _, r := range in.POs() {
		if tr, ok := latest[r.PO]; ok && keptOutcome(tr) {
			n++
		}
	}
	return n
}

// removedMessage names the rows of earlier runs no longer in the input.
func removedMessage(input string, removed []store.Transition) string {
	const shown = 10
	var names []string
	for _, tr := range removed[:min(shown, len(removed))] {
		names = append(names, "PO"+tr.PO)
	}
	list := strings.Join(names, ", ")
	if len(removed) > shown {
		list += fmt.Sprintf(" and %d more", len(removed)-shown)
	}
	return fmt.Sprintf("%d %s of earlier runs of %s %s no longer in it: %s (their outcomes stay in the journal; history counts them)",
		len(removed), plural(len(removed), "PO", "POs"), input, plural(len(removed), "is", "are"), list)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
