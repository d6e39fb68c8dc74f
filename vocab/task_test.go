package vocab

import (
	"strings"
	"testing"
)

func TestParsePriority(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Priority
		ok   bool
	}{
		{"urgent", Urgent, true}, {" HIGH ", High, true}, {"Normal", Normal, true}, {"low", Low, true},
		{"", Normal, true}, {"\u00a0", Normal, true}, {"soon", Normal, false},
	} {
		got, err := ParsePriority(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ParsePriority(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), `"soon"`) {
			t.Errorf("error %q does not name the word", err)
		}
	}
}

func TestPriorityOrderAndNames(t *testing.T) {
	if !(Urgent > High && High > Normal && Normal > Low) {
		t.Fatal("priorities are out of order")
	}
	for p, want := range map[Priority]string{Low: "LOW", Normal: "NORMAL", High: "HIGH", Urgent: "URGENT", 9: "Priority(9)"} {
		if p.String() != want || p.Valid() != !strings.HasPrefix(want, "Priority(") {
			t.Errorf("%d: String %q Valid %v", int(p), p.String(), p.Valid())
		}
	}
}

func TestValidPO(t *testing.T) {
	for po, want := range map[string]bool{"123456": true, "0012345": true, "12345": false, "12AB56": false, "": false, "PO123456": false} {
		if ValidPO(po) != want {
			t.Errorf("ValidPO(%q) = %v", po, !want)
		}
	}
}

// TestTaskStateRules pins which task states are over and which wait for
// a worker.
func TestTaskStateRules(t *testing.T) {
	for _, c := range []struct {
		s              TaskState
		final, waiting bool
	}{
		{TaskQueued, false, true}, {TaskRunning, false, false}, {TaskRetrying, false, true},
		{TaskDone, true, false}, {TaskCancelled, true, false}, {TaskRemoved, false, false},
	} {
		if got := c.s.Final(); got != c.final {
			t.Errorf("%s.Final() = %v", c.s, got)
		}
		if got := c.s.Waiting(); got != c.waiting {
			t.Errorf("%s.Waiting() = %v", c.s, got)
		}
	}
}

// PriorityWords, which messages show, names exactly the four priorities
// ParsePriority reads.
func TestPriorityWordsParse(t *testing.T) {
	words := strings.FieldsFunc(PriorityWords, func(r rune) bool { return r == ',' || r == ' ' })
	seen := map[Priority]bool{}
	for _, w := range words {
		if w == "or" {
			continue
		}
		p, err := ParsePriority(w)
		if err != nil {
			t.Errorf("PriorityWords names %q: %v", w, err)
		}
		seen[p] = true
	}
	if len(seen) != 4 {
		t.Errorf("PriorityWords %q names %d priorities, want 4", PriorityWords, len(seen))
	}
}
