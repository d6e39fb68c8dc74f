package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"coupatui/vocab"
)

// countingHandler counts the journal's "batch committed" records.
type countingHandler struct {
	mu      sync.Mutex
	commits int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *countingHandler) WithGroup(string) slog.Handler            { return h }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "batch committed") {
		h.mu.Lock()
		h.commits++
		h.mu.Unlock()
	}
	return nil
}

func TestRecordManyIsOneTransaction(t *testing.T) {
	h := &countingHandler{}
	// A batch size far below the transitions given: RecordMany is one op.
	s, _ := openTemp(t, WithLogger(slog.New(h)), WithBatchSize(8))
	r := begin(t, s, "/in/pos.xlsx")
	var ts []Transition
	for i := range 1000 {
		ts = append(ts, Transition{PO: fmt.Sprintf("45%08d", i), State: vocab.TaskCancelled, Status: "CANCELLED", Error: "cancelled by operator"})
	}
	if err := r.RecordMany(context.Background(), ts); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	commits := h.commits
	h.mu.Unlock()
	if commits != 1 {
		t.Fatalf("%d commits for one RecordMany, want 1", commits)
	}
	latest, err := s.Latest("/in/pos.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 1000 || latest["4500000999"].Status != "CANCELLED" {
		t.Fatalf("latest: %d rows, last %+v", len(latest), latest["4500000999"])
	}

	// One bad transition: nothing of the call is written.
	bad := []Transition{{PO: "4500001000", State: vocab.TaskCancelled}, {PO: "4500001001"}}
	if err := r.RecordMany(context.Background(), bad); !errors.Is(err, ErrBadTransition) {
		t.Fatalf("a transition without a state: %v", err)
	}
	if latest, _ := s.Latest("/in/pos.xlsx"); len(latest) != 1000 {
		t.Fatalf("%d rows after a refused batch", len(latest))
	}
	if err := r.Finish(false); err != nil {
		t.Fatal(err)
	}
}
