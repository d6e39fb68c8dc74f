package vocab

import "testing"

// TestStatusRules pins, word by word, which outcomes are final, which a
// retry cannot change, which a re-run keeps, and how each is grouped.
func TestStatusRules(t *testing.T) {
	for _, c := range []struct {
		st                         Status
		final, deterministic, kept bool
		outcome                    Outcome
	}{
		{Completed, true, true, true, OutcomeOK},
		{Partial, true, false, false, OutcomeFailed},
		{Failed, true, false, false, OutcomeFailed},
		{Unrecognised, true, false, false, OutcomeFailed},
		{NoAttachments, true, true, true, OutcomeOK},
		{NotFound, true, true, true, OutcomeNotFound},
		{PRNotAccessible, true, false, true, OutcomeNotFound},
		{Timeout, true, false, false, OutcomeFailed},
		{Cancelled, true, false, false, OutcomeCancelled},
		{InvalidPO, true, true, true, OutcomeInvalid},
		{Pending, false, false, false, OutcomePending},
		{"", false, false, false, OutcomePending},
		{"SOME_LATER_WORD", true, false, false, OutcomeFailed},
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
		if got := c.st.Outcome(); got != c.outcome {
			t.Errorf("%q.Outcome() = %v, want %v", c.st, got, c.outcome)
		}
	}
	if len(Statuses) != 11 {
		t.Errorf("Statuses has %d words, want 11", len(Statuses))
	}
}
