package sim

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"coupatui/internal/testkit"
	"coupatui/vocab"
)

// holdPoll opens /poll and returns once the server holds it (the response
// headers arrived), with a channel that yields the body read's outcome.
func holdPoll(t *testing.T, ctx context.Context, c *http.Client, s *Server) <-chan error {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/poll?po=1", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("open long-poll: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		defer resp.Body.Close()
		_, err := io.Copy(io.Discard, resp.Body)
		done <- err
	}()
	return done
}

func TestLongPollIsReleasedByClose(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := New(Options{NoAssets: true, POs: []PO{{ID: "4500001101", LongPoll: true}}})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	released := holdPoll(t, context.Background(), c, s)
	if n := s.Stats().InFlight; n != 1 {
		t.Fatalf("InFlight = %d while the poll is held, want 1", n)
	}
	select {
	case err := <-released:
		t.Fatalf("the poll ended before Close: %v", err)
	default:
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return within 5 s with a long-poll held")
	}
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("the held poll was not released by Close")
	}
	if n := s.Stats().InFlight; n != 0 {
		t.Errorf("InFlight = %d after Close", n)
	}
	s.Close() // idempotent
	c.CloseIdleConnections()
}

func TestLongPollIsReleasedWhenTheClientLeaves(t *testing.T) {
	s := Start(t, Options{NoAssets: true})
	ctx, cancel := context.WithCancel(context.Background())
	released := holdPoll(t, ctx, newClient(t), s)
	cancel()
	<-released
	testkit.WaitFor(t, "the server to notice the client left", 5*time.Second, func() bool { return s.Stats().InFlight == 0 })
}

func TestCloseEndsSlowDownloadsAndLeaksNothing(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := New(Options{NoAssets: true, Latency: time.Minute, POs: []PO{{ID: "4500001102",
		Attachments: []Attachment{{ID: "slow", Name: "slow.pdf", Size: 2 << 20, Slow: true}}}}})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	resp, err := c.Get(s.URL() + "/files/slow")
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 1024)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatalf("first bytes of the slow download: %v", err)
	}
	// A page request stuck in its one-minute latency must be released too.
	pageDone := make(chan struct{})
	go func() {
		defer close(pageDone)
		if r, err := c.Get(s.URL() + "/order_headers/4500001102"); err == nil {
			r.Body.Close()
		}
	}()
	testkit.WaitFor(t, "the page request to be in flight", 5*time.Second, func() bool { return s.Stats().InFlight == 2 })

	start := time.Now()
	s.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Error("the slow download completed although the server closed")
	}
	resp.Body.Close()
	<-pageDone
	c.CloseIdleConnections()
}

func TestRequestsAfterCloseFail(t *testing.T) {
	s, err := New(Options{NoAssets: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	c := newClient(t)
	if resp, err := c.Get(s.URL() + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("request after Close answered %d", resp.StatusCode)
	}
}

func TestStartRegistersClose(t *testing.T) {
	var s *Server
	t.Run("inner", func(t *testing.T) {
		s = Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500001103", Want: vocab.NoAttachments}}})
	})
	c := newClient(t)
	if resp, err := c.Get(s.URL() + "/order_headers/4500001103"); err == nil {
		resp.Body.Close()
		t.Error("the server outlived the test that started it")
	}
}

func TestStatsCountRequests(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500001104"}}})
	c := newClient(t)
	for range 3 {
		mustStatus(t, c, s.URL()+"/order_headers/4500001104", 200)
	}
	mustStatus(t, c, s.URL()+"/nowhere", 404)
	st := s.Stats()
	if st.Requests != 4 || st.Pages["4500001104"] != 3 || st.InFlight != 0 {
		t.Errorf("Requests %d, Pages %v, InFlight %d", st.Requests, st.Pages, st.InFlight)
	}
	st.Pages["4500001104"] = 99
	if s.Stats().Pages["4500001104"] != 3 {
		t.Error("Stats returned its own map")
	}
}
