package sim

import (
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// derive returns a random source seeded from the server's seed and a key.
// Every random choice the server makes (jitter, insertion delays, page
// lines) draws from its own derived source instead of one shared stream,
// so a choice depends only on (seed, key) and not on the order in which
// concurrent requests happened to arrive; no lock is needed.
func (s *Server) derive(parts ...string) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(s.opts.Seed), hashKey(parts...)))
}

func hashKey(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// latencyFor is the delay of the n-th (0-based) HTML response for key:
// Latency ± Jitter, uniform, never negative.
func (s *Server) latencyFor(key string, n int) time.Duration {
	d := s.opts.Latency
	if j := s.opts.Jitter; j > 0 {
		d += time.Duration(s.derive("latency", key, strconv.Itoa(n)).Int64N(int64(2*j)+1)) - j
	}
	return max(d, 0)
}

// pageDelay holds an HTML response for its latency. It reports false when
// the client went away or the server is closing, so the handler just
// returns.
func (s *Server) pageDelay(r *http.Request) bool {
	s.mu.Lock()
	n := s.pageHits[r.URL.Path]
	s.pageHits[r.URL.Path] = n + 1
	s.mu.Unlock()
	d := s.latencyFor(r.URL.Path, n)
	return sleep(r, d)
}

func itoa(n int) string { return strconv.Itoa(n) }

// sleep waits d, or less when the request ends first; it reports whether
// the request is still wanted.
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return r.Context().Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
