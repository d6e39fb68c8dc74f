package browser

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// MaxPause bounds how long one Retry-After may hold the site's requests:
// a server asking for more is taken at this word.
const MaxPause = 10 * time.Minute

// pauseSpread bounds the jitter added after a pause, so the requests that
// waited for it do not all arrive in the same instant.
const pauseSpread = time.Second

// Gate paces the requests coupatui makes to one site from every browser of
// a run: page navigations and coupatui's own file requests wait on it.
// It holds at most perSecond requests a second (golang.org/x/time/rate,
// burst 1), and none while the site asked to wait (a 429 or 503 with
// Retry-After). One Gate is made per run and given to every browser
// (Options.Gate); a nil *Gate lets everything through at once.
type Gate struct {
	lim *rate.Limiter // nil: no cap
	log *slog.Logger

	mu    sync.Mutex // guards the fields below
	until time.Time  // no request before this
	rnd   func() float64
}

// NewGate is a gate letting at most perSecond requests a second through
// (0: no cap) that logs its pauses to log (nil: nowhere).
func NewGate(perSecond float64, log *slog.Logger) *Gate {
	g := &Gate{log: log, rnd: rand.Float64}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if perSecond > 0 {
		g.lim = rate.NewLimiter(rate.Limit(perSecond), 1)
	}
	return g
}

// Wait blocks until one request may go: after the pause the site asked
// for, if any, and within the rate. It returns ctx's error (wrapped) when
// ctx ends first, or would end before the request's turn comes.
func (g *Gate) Wait(ctx context.Context) error {
	if g == nil {
		return nil
	}
	for {
		if left, spread := g.pauseLeft(); left > 0 {
			if err := sleep(ctx, left+spread); err != nil {
				return fmt.Errorf("waiting for the site's Retry-After: %w", err)
			}
			continue
		}
		if g.lim != nil {
			if err := g.lim.Wait(ctx); err != nil {
				if ctx.Err() == nil {
					// The turn would come after ctx's deadline.
					return fmt.Errorf("waiting for max_requests_per_second: %w", context.DeadlineExceeded)
				}
				return fmt.Errorf("waiting for max_requests_per_second: %w", ctx.Err())
			}
		}
		if left, _ := g.pauseLeft(); left <= 0 {
			return nil
		}
		// A pause began while this request waited for its turn.
	}
}

// pauseLeft is how long the current pause lasts still, and a random share
// of pauseSpread to add to it.
func (g *Gate) pauseLeft() (left, spread time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	left = time.Until(g.until)
	if left <= 0 {
		return 0, 0
	}
	return left, time.Duration(g.rnd() * float64(min(pauseSpread, left)))
}

// Pause holds every request for d (at most MaxPause) from now, because of
// what: an answer like "HTTP 429 on /order_headers/1". A longer pause
// already on stays.
func (g *Gate) Pause(d time.Duration, what string) {
	if g == nil || d <= 0 {
		return
	}
	d = min(d, MaxPause)
	until := time.Now().Add(d)
	g.mu.Lock()
	defer g.mu.Unlock()
	if !until.After(g.until) {
		return
	}
	if time.Until(g.until) <= 0 {
		g.log.Warn("the site asked to wait: pausing its requests from every worker", "for", d.Round(time.Millisecond), "after", what)
	}
	g.until = until
}

// PausedUntil is when the current pause ends; zero or past when none is on.
func (g *Gate) PausedUntil() time.Time {
	if g == nil {
		return time.Time{}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.until
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// throttled reports whether an HTTP status asks the client to slow down
// and may carry a Retry-After worth honouring.
func throttled(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// throttle pauses g for the Retry-After value retry of an answer of status
// to url when that status asks to slow down (429, 503), and returns the
// wait it paused for; 0 when none.
func (g *Gate) throttle(status int, retry, url string) time.Duration {
	if !throttled(status) {
		return 0
	}
	d, ok := retryAfter(retry, time.Now())
	if !ok {
		return 0
	}
	g.Pause(d, fmt.Sprintf("HTTP %d on %s", status, redactURL(url)))
	return d
}

// retryAfter reads a Retry-After value, in seconds or as an HTTP date, as
// a wait from now capped at MaxPause; ok is false when there is none or it
// is not understood.
func retryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n >= int64(MaxPause/time.Second) {
			return MaxPause, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), MaxPause), true
	}
	return 0, false
}

// jitter spreads a retry's wait d over (d/2, d], u being uniform in [0, 1):
// failures that happened together do not come back together.
func jitter(d time.Duration, u float64) time.Duration {
	return d - time.Duration(float64(d)*u/2)
}
