package sim

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Timing is what the server spent serving one PO, as a benchmark needs it:
// how long each load of its page took and how long each download of each
// of its attachments (requisition's included) took, each from the
// request's arrival to the end of its response. These are the server's
// own clocks, so a client's overhead is what its wall time adds to them.
type Timing struct {
	PO    string
	Pages []time.Duration            // each load of the PO page, in order
	Files map[string][]time.Duration // attachment id → each download attempt, in order
	First time.Time                  // the arrival of the PO's first request
	Last  time.Time                  // the end of its last response
}

// Page is the time spent serving the PO's page, every load summed.
func (t Timing) Page() time.Duration { return sum(t.Pages) }

// SlowestFile is the longest time spent serving one attachment, its
// attempts summed: the PO's files download in parallel, so the slowest one
// is the one the PO waits for.
func (t Timing) SlowestFile() time.Duration {
	var slowest time.Duration
	for _, ds := range t.Files {
		slowest = max(slowest, sum(ds))
	}
	return slowest
}

// CriticalPath is the PO's page plus its slowest file: the least time a
// client that fetches a PO's files in parallel after reading its page can
// take over it.
func (t Timing) CriticalPath() time.Duration { return t.Page() + t.SlowestFile() }

func sum(ds []time.Duration) time.Duration {
	var s time.Duration
	for _, d := range ds {
		s += d
	}
	return s
}

// Timings returns the timing of every PO served so far, by PO id.
func (s *Server) Timings() []Timing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Timing, 0, len(s.timings))
	for _, t := range s.timings {
		c := *t
		c.Pages = slices.Clone(t.Pages)
		c.Files = make(map[string][]time.Duration, len(t.Files))
		for id, ds := range t.Files {
			c.Files[id] = slices.Clone(ds)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Timing) int {
		if a.PO < b.PO {
			return -1
		}
		if a.PO > b.PO {
			return 1
		}
		return 0
	})
	return out
}

// timingLocked is po's timing, created on first use.
func (s *Server) timingLocked(po string) *Timing {
	t := s.timings[po]
	if t == nil {
		t = &Timing{PO: po, Files: map[string][]time.Duration{}}
		s.timings[po] = t
	}
	return t
}

// timePage records one load of po's page that arrived at began; call it
// as the handler returns.
func (s *Server) timePage(po string, began time.Time) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.timingLocked(po)
	t.Pages = append(t.Pages, now.Sub(began))
	s.spanLocked(t, began, now)
}

// timeFile records one download of attachment id of po that arrived at
// began; call it as the handler returns.
func (s *Server) timeFile(po, id string, began time.Time) {
	if po == "" {
		return
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.timingLocked(po)
	t.Files[id] = append(t.Files[id], now.Sub(began))
	s.spanLocked(t, began, now)
}

func (s *Server) spanLocked(t *Timing, began, ended time.Time) {
	if t.First.IsZero() || began.Before(t.First) {
		t.First = began
	}
	if ended.After(t.Last) {
		t.Last = ended
	}
}

// downloadDelay holds a download for DownloadLatency ± DownloadJitter
// before its first byte, like pageDelay holds a page. It reports false
// when the client went away or the server is closing.
func (s *Server) downloadDelay(r *http.Request, id string) bool {
	if s.opts.DownloadLatency <= 0 && s.opts.DownloadJitter <= 0 {
		return true
	}
	s.mu.Lock()
	n := s.downloadHits[id]
	s.downloadHits[id] = n + 1
	s.mu.Unlock()
	d := s.opts.DownloadLatency
	if j := s.opts.DownloadJitter; j > 0 {
		d += time.Duration(s.derive("download latency", id, strconv.Itoa(n)).Int64N(int64(2*j)+1)) - j
	}
	return sleep(r, d)
}
