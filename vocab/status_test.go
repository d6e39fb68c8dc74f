package vocab

import "testing"

// TestStatusRules pins, word by word, which outcomes are final, which a
// retry cannot change, and which a re-run keeps.
func TestStatusRules(t *testing.T) {
	for _, c := range []struct {
		st                         Status
		final, deterministic, kept bool
	}{
		{Completed, true, true, true},
		{Partial, true, false, false},
		{Failed, true, false, false},
		{Unrecognised, true, false, false},
		{NoAttachments, true, true, true},
		{NotFound, true, true, true},
		{PRNotAccessible, true, false, true},
		{Timeout, true, false, false},
		{Cancelled, true, false, false},
		{InvalidPO, true, true, true},
		{Pending, false, false, false},
		{"", false, false, false},
		{"SOME_LATER_WORD", true, false, false},
	} {
		if got := c.st.Final(); got != c.final {
			t.Errorf("%q.Final() = %v", c.st, got)
		}
		if got := c.st.Deterministic(); got != c.deterministic {
			t.Errorf("%q.Deterministic() = %v", c.st, got)
		}
		if got := c.st.Kept(); got != c.kept {
			t.Errorf("%q.Kept() = %v", c.st, got)
		}
	}
	if len(Statuses) != 11 {
		t.Errorf("Statuses has %d words, want 11", len(Statuses))
	}
}
