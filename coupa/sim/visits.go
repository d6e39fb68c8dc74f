package sim

import (
	"net/http"
	"slices"
)

// visit is one client's work on one PO, measured in ticks of Server.tick
// (a counter bumped at every tracked request start and end, so the order is
// exact). Guarded by Server.mu.
type visit struct {
	start    uint64 // when the PO page request that opened it started
	end      uint64 // when its latest request ended
	inflight int    // its requests running now
}

// visitPage tracks a page request as track does and waits its page
// delay; ok is false when the client went away meanwhile. end is to be
// called either way.
// visitPage tracks a page request as track does, then holds it for its
// page delay; ok is false when the client went away meanwhile (the handler
// returns). end is to be called either way.
func (s *Server) visitPage(r *http.Request, po string, opens bool) (end func(), ok bool) {
	end = s.track(r, po, opens)
	return end, s.pageDelay(r)
}

// track records r as one request of a visit of PO po by r's client and
// returns the function that records its end (idempotent). Call it before
// the client can see the response complete: handlers defer it, which runs
// before net/http flushes the last buffered bytes; a handler that flushes
// and closes early (a cut download) calls it first. Otherwise a client's
// next request could arrive while this one still looks in flight. Requests
// that name no PO, or whose client cannot be told, are not tracked.
//
// A visit opens with a request for the PO page (opens) when the client has
// nothing of that PO in flight, and every later request of the same client
// for that PO's requisition page, "open" page or files belongs to it, until
// the client loads the PO page again. Two visits by different clients
// overlap when one starts before the other's last request ends; the request
// that reveals it (its own start, with another visit in flight or ended
// after it began) records the PO in ConcurrentPOViolations.
func (s *Server) track(r *http.Request, po string, opens bool) func() {
	if po == "" {
		return func() {}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	client, ok := s.clientLocked(r)
	if !ok {
		return func() {}
	}
	s.tick++
	byClient := s.visits[po]
	if byClient == nil {
		byClient = map[string]*visit{}
		s.visits[po] = byClient
	}
	v := byClient[client]
	if v == nil || opens && v.inflight == 0 {
		v = &visit{start: s.tick}
		byClient[client] = v
	}
	overlapping := 0
	for other, o := range byClient {
		if other != client && (o.inflight > 0 || o.end > v.start) {
			overlapping++
		}
	}
	s.stats.MaxConcurrentPerPO = max(s.stats.MaxConcurrentPerPO, 1+overlapping)
	if overlapping > 0 {
		if i, found := slices.BinarySearch(s.stats.ConcurrentPOViolations, po); !found {
			s.stats.ConcurrentPOViolations = slices.Insert(s.stats.ConcurrentPOViolations, i, po)
			s.log.Warn("sim: two clients on one PO at once", "po", po, "clients", 1+overlapping)
		}
	}
	v.inflight++
	ended := false
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ended {
			return
		}
		ended = true
		s.tick++
		v.inflight--
		v.end = s.tick
	}
}

// clientLocked tells who sent r; false when it cannot be told.
//
//  1. The Coupatui-Worker header, when present: the client's own name for
//     itself. The connection remembers it.
//  2. Else the worker last named on the same connection (a browser's
//     requests that miss the header, e.g. some downloads, still come over
//     the connections its named requests used).
//  3. Else, once any request has carried the header, nobody: a header-less
//     request on a fresh connection is not counted rather than guessed at,
//     because guessing would split one worker into two and report a
//     violation that did not happen.
//  4. Else the _coupa_session cookie (distinct per sign-in; clones of one
//     signed-in profile share it, which can only hide violations).
//  5. Else the remote address (IP and port): one connection. Browsers open
//     several, so without the header this can over-report.
func (s *Server) clientLocked(r *http.Request) (string, bool) {
	ci := connFrom(r.Context())
	if h := r.Header.Get(workerHeader); h != "" {
		s.sawWorker = true
		if ci != nil {
			ci.worker = h
		}
		return "worker:" + h, true
	}
	if ci != nil && ci.worker != "" {
		return "worker:" + ci.worker, true
	}
	if s.sawWorker {
		return "", false
	}
	if c, err := r.Cookie(sessionCookieName); err == nil && c.Value != "" {
		return "session:" + c.Value, true
	}
	return "conn:" + r.RemoteAddr, true
}

// poOfRequisition is the PO a requisition's requests count for: the one PO
// linking it, or "" when none or several do (then a request cannot be
// pinned to one PO's visit).
func (s *Server) poOfRequisition(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.poOfRequisitionLocked(id)
}

func (s *Server) poOfRequisitionLocked(id string) string {
	if links := s.reqLinks[id]; len(links) == 1 {
		return links[0]
	}
	return ""
}

func (s *Server) poOfAttachmentLocked(st *attState) string {
	if st.po != "" {
		return st.po
	}
	return s.poOfRequisitionLocked(st.req)
}
