package sim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Throttle makes the server push back like a busy Coupa. Page and file
// requests (the PO, requisition and home pages, every download URL; not
// /poll, assets, sign-in or "open" pages) draw from a token bucket of
// Burst refilled at PerSecond. One that finds it empty is answered 429
// with a Retry-After and starts a pause: until it ends, every page or
// file request is answered 429 too (the pause is not extended), and one
// that arrives more than Grace after the pause began (time enough for the
// client to have heard of it) is counted in Stats.TooEarly.
type Throttle struct {
	PerSecond  float64       // sustained page and file requests a second
	Burst      int           // requests at once; 0 means 1
	RetryAfter time.Duration // the pause a 429 asks for, in whole seconds; 0 means 1 s
	Grace      time.Duration // requests still on their way when a pause began; 0 means 500 ms
	HTTPDate   bool          // send Retry-After as an HTTP date rather than seconds
}

// throttleState is the bucket and the pause; guarded by Server.mu.
type throttleState struct {
	tokens     float64
	filled     time.Time // when tokens was last brought up to date
	pauseStart time.Time
	pauseEnd   time.Time
}

// counted reports whether a request path is one of coupatui's page or file
// requests: the requests Throttle and Arrivals count.
func counted(path string) bool {
	switch {
	case path == "/", path == "/download", strings.HasPrefix(path, "/files/"):
		return true
	case strings.HasPrefix(path, "/order_headers/"), strings.HasPrefix(path, "/requisition_headers/"):
		return true // the pages and their attachments
	}
	return false
}

// admit records a page or file request's arrival and, with a Throttle,
// answers it 429 when it is over the rate or inside a pause. It reports
// whether the request may be served.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	if !counted(r.URL.Path) {
		return true
	}
	now := time.Now()
	s.mu.Lock()
	s.arrivals = append(s.arrivals, now)
	t := s.opts.Throttle
	if t == nil {
		s.mu.Unlock()
		return true
	}
	st := &s.throttle
	if now.Before(st.pauseEnd) {
		s.stats.Throttled++
		early := now.Sub(st.pauseStart) > t.grace()
		if early {
			s.stats.TooEarly++
		}
		end := st.pauseEnd
		s.mu.Unlock()
		if early {
			s.log.Warn("sim: a request came during a Retry-After pause", "path", r.URL.Path, "left", end.Sub(now))
		}
		s.tooMany(w, t, end, now)
		return false
	}
	burst := float64(max(t.Burst, 1))
	if st.filled.IsZero() {
		st.tokens = burst
	} else {
		st.tokens = min(burst, st.tokens+now.Sub(st.filled).Seconds()*t.PerSecond)
	}
	st.filled = now
	if st.tokens >= 1 {
		st.tokens--
		s.mu.Unlock()
		return true
	}
	end := now.Add(t.retryAfter())
	if t.HTTPDate {
		end = end.Truncate(time.Second) // what the date says, to the second
	}
	st.pauseStart, st.pauseEnd = now, end
	s.stats.Throttled++
	s.stats.Pauses++
	s.mu.Unlock()
	s.log.Debug("sim: over the rate: 429", "path", r.URL.Path, "retry_after", end.Sub(now))
	s.tooMany(w, t, end, now)
	return false
}

// tooMany answers 429 asking the client to come back at end.
func (s *Server) tooMany(w http.ResponseWriter, t *Throttle, end, now time.Time) {
	if t.HTTPDate {
		w.Header().Set("Retry-After", end.UTC().Format(http.TimeFormat))
	} else {
		secs := int64(end.Sub(now)+time.Second-1) / int64(time.Second) // rounded up
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
}

func (t *Throttle) retryAfter() time.Duration {
	if t.RetryAfter <= 0 {
		return time.Second
	}
	return t.RetryAfter.Round(time.Second)
}

func (t *Throttle) grace() time.Duration {
	if t.Grace <= 0 {
		return 500 * time.Millisecond
	}
	return t.Grace
}

// Arrivals lists when each page or file request arrived (see Throttle for
// which count), throttled ones included, in order.
func (s *Server) Arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// MaxInWindow is the most arrivals within any window of length d.
func MaxInWindow(arrivals []time.Time, d time.Duration) int {
	best, j := 0, 0
	for i := range arrivals {
		for arrivals[i].Sub(arrivals[j]) >= d {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}
