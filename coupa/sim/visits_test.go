package sim

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"

	"coupatui/internal/testkit"
)

// visitFixture is a PO whose slow file keeps a download in flight for
// seconds, a requisition only it links, and a requisition two POs share.
func visitFixture() Options {
	slow := func(id string) []Attachment {
		return []Attachment{{ID: id, Name: id + ".pdf", Size: 1 << 20, Slow: true}}
	}
	return Options{NoAssets: true,
		POs: []PO{
			{ID: "4500001201", Attachments: append(slow("slow"), Attachment{ID: "fast", Name: "fast.pdf", Size: 100})},
			{ID: "4500001202", Requisition: "2100201"},
			{ID: "4500001203", Requisition: "2100202"},
			{ID: "4500001204", Requisition: "2100202"},
		},
		Requisitions: []Requisition{
			{ID: "2100201", Attachments: slow("req-slow")},
			{ID: "2100202", Attachments: slow("shared-slow")},
		}}
}

// inFlight starts a GET and returns once the response headers arrived, so
// the server is still sending the body; the request ends when the test does.
func inFlight(t *testing.T, c *http.Client, url string, headers ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", url, err)
	}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
}

func worker(name string) []string { return []string{workerHeader, name} }

func wantViolations(t *testing.T, s *Server, maxConc int, pos ...string) {
	t.Helper()
	st := s.Stats()
	if !slices.Equal(st.ConcurrentPOViolations, pos) || st.MaxConcurrentPerPO != maxConc {
		t.Errorf("violations %v, MaxConcurrentPerPO %d; want %v, %d", st.ConcurrentPOViolations, st.MaxConcurrentPerPO, pos, maxConc)
	}
}

func TestTwoWorkersOnOnePOAreCaught(t *testing.T) {
	s := Start(t, visitFixture())
	a, b := newClient(t), newClient(t)
	mustStatus(t, a, s.URL()+"/order_headers/4500001201", 200, worker("a")...)
	inFlight(t, a, s.URL()+"/files/slow", worker("a")...)
	mustStatus(t, b, s.URL()+"/order_headers/4500001201", 200, worker("b")...)
	wantViolations(t, s, 2, "4500001201")
}

func TestWorkerStillDownloadingAfterAnotherLoadedThePage(t *testing.T) {
	s := Start(t, visitFixture())
	a, b := newClient(t), newClient(t)
	mustStatus(t, a, s.URL()+"/order_headers/4500001201", 200, worker("a")...)
	mustStatus(t, b, s.URL()+"/order_headers/4500001201", 200, worker("b")...)
	wantViolations(t, s, 1) // nothing overlapped yet
	mustStatus(t, a, s.URL()+"/files/fast", 200, worker("a")...)
	wantViolations(t, s, 2, "4500001201")
}

func TestWorkersTakingTurnsAreNotViolations(t *testing.T) {
	s := Start(t, visitFixture())
	a, b := newClient(t), newClient(t)
	for _, w := range []struct {
		c    *http.Client
		name string
	}{{a, "a"}, {b, "b"}, {a, "a"}, {b, "b"}} {
		mustStatus(t, w.c, s.URL()+"/order_headers/4500001201", 200, worker(w.name)...)
		mustStatus(t, w.c, s.URL()+"/files/fast", 200, worker(w.name)...)
		mustStatus(t, w.c, s.URL()+"/download?file=fast", 200, worker(w.name)...)
	}
	wantViolations(t, s, 1)
}

func TestOneWorkerOnSeveralConnectionsIsOneClient(t *testing.T) {
	s := Start(t, visitFixture())
	c1, c2 := newClient(t), newClient(t)
	mustStatus(t, c1, s.URL()+"/order_headers/4500001201", 200, worker("a")...)
	inFlight(t, c2, s.URL()+"/files/slow", worker("a")...)
	mustStatus(t, c1, s.URL()+"/order_headers/4500001201", 200, worker("a")...) // a reload mid-download
	mustStatus(t, c1, s.URL()+"/files/fast", 200, worker("a")...)
	wantViolations(t, s, 1)
}

func TestHeaderlessRequestOnANamedConnectionBelongsToItsWorker(t *testing.T) {
	s := Start(t, visitFixture())
	tr := &http.Transport{MaxConnsPerHost: 1}
	t.Cleanup(tr.CloseIdleConnections)
	a := &http.Client{Transport: tr}
	mustStatus(t, a, s.URL()+"/order_headers/4500001201", 200, worker("a")...)
	inFlight(t, a, s.URL()+"/files/slow") // same connection, no header
	mustStatus(t, newClient(t), s.URL()+"/order_headers/4500001201", 200, worker("b")...)
	wantViolations(t, s, 2, "4500001201")
}

func TestHeaderlessRequestOnAnUnnamedConnectionIsIgnored(t *testing.T) {
	s := Start(t, visitFixture())
	mustStatus(t, newClient(t), s.URL()+"/order_headers/4500001201", 200, worker("a")...)
	inFlight(t, newClient(t), s.URL()+"/files/slow") // who is this? not guessed
	mustStatus(t, newClient(t), s.URL()+"/order_headers/4500001201", 200, worker("a")...)
	wantViolations(t, s, 1)
}

func TestWithoutHeaderSessionsTellClientsApart(t *testing.T) {
	opts := visitFixture()
	opts.SignIn = true
	s := Start(t, opts)
	c := newClient(t)
	session := func() []string {
		resp := testkit.SimSignIn(t, c, s.URL(), testkit.SimUser, testkit.SimPassword, "/")
		ck := resp.Cookies()[0]
		return []string{"Cookie", ck.Name + "=" + ck.Value}
	}
	one, two := session(), session()
	mustStatus(t, newClient(t), s.URL()+"/order_headers/4500001201", 200, one...)
	inFlight(t, newClient(t), s.URL()+"/files/slow", one...) // same session, another connection
	wantViolations(t, s, 1)
	mustStatus(t, newClient(t), s.URL()+"/order_headers/4500001201", 200, two...)
	wantViolations(t, s, 2, "4500001201")
}

func TestWithoutHeaderOrSessionConnectionsTellClientsApart(t *testing.T) {
	s := Start(t, visitFixture())
	inFlight(t, newClient(t), s.URL()+"/files/slow")
	mustStatus(t, newClient(t), s.URL()+"/order_headers/4500001201", 200)
	wantViolations(t, s, 2, "4500001201")
}

func TestRequisitionRequestsCountForTheirOnlyPO(t *testing.T) {
	s := Start(t, visitFixture())
	a, b := newClient(t), newClient(t)
	mustStatus(t, a, s.URL()+"/order_headers/4500001202", 200, worker("a")...)
	mustStatus(t, a, s.URL()+"/requisition_headers/2100201", 200, worker("a")...)
	inFlight(t, a, s.URL()+"/requisition_headers/2100201/attachments/req-slow", worker("a")...)
	// A requisition two POs link cannot be pinned to one of them.
	mustStatus(t, a, s.URL()+"/order_headers/4500001203", 200, worker("a")...)
	inFlight(t, a, s.URL()+"/files/shared-slow", worker("a")...)
	mustStatus(t, b, s.URL()+"/order_headers/4500001204", 200, worker("b")...)
	wantViolations(t, s, 1)

	mustStatus(t, b, s.URL()+"/order_headers/4500001202", 200, worker("b")...)
	wantViolations(t, s, 2, "4500001202")
}

func TestLongPollAndAssetsDoNotCount(t *testing.T) {
	opts := visitFixture()
	opts.NoAssets = false
	s := Start(t, opts)
	a, b := newClient(t), newClient(t)
	mustStatus(t, a, s.URL()+"/order_headers/4500001201", 200, worker("a")...)
	inFlight(t, a, s.URL()+"/poll?po=4500001201", worker("a")...)
	inFlight(t, a, s.URL()+"/assets/media/intro.mp4", worker("a")...)
	mustStatus(t, b, s.URL()+"/order_headers/4500001201", 200, worker("b")...)
	wantViolations(t, s, 1)
}

// A worker's request ends before its client can see the response end, so a
// retry on another worker straight after a cut, a 503 or a whole download
// is never taken for overlap.
func TestHandOverRightAfterAResponseIsNotAViolation(t *testing.T) {
	var pos []PO
	for i := range 10 {
		pos = append(pos, PO{ID: "45000015" + itoa(10+i), Attachments: []Attachment{
			{ID: "cut" + itoa(i), Name: "c.pdf", Size: 64 << 10, CutOnce: true},
			{ID: "busy" + itoa(i), Name: "b.pdf", Size: 10, Fail5xxOnce: true},
			{ID: "whole" + itoa(i), Name: "w.pdf", Size: 64 << 10}}})
	}
	s := Start(t, Options{NoAssets: true, POs: pos})
	a, b := newClient(t), newClient(t)
	for i, po := range pos {
		page := s.URL() + "/order_headers/" + po.ID
		mustStatus(t, a, page, 200, worker("a")...)
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/files/cut"+itoa(i), nil)
		req.Header.Set(workerHeader, "a")
		if resp, err := a.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body) // ends with the cut
			resp.Body.Close()
		}
		mustStatus(t, b, page, 200, worker("b")...)
		mustStatus(t, b, s.URL()+"/files/busy"+itoa(i), 503, worker("b")...)
		mustStatus(t, a, page, 200, worker("a")...)
		mustStatus(t, a, s.URL()+"/files/whole"+itoa(i), 200, worker("a")...)
		mustStatus(t, b, page, 200, worker("b")...)
	}
	wantViolations(t, s, 1)
}
