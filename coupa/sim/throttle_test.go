package sim

import (
	"net/http"
	"testing"
	"time"
)

// Over the rate, a page or file request gets 429 with Retry-After and
// starts a pause; requests in the pause get 429 too, counted as too early
// once past the grace; after the pause the server serves again.
func TestThrottleAnswers429AndHoldsThePause(t *testing.T) {
	for _, httpDate := range []bool{false, true} {
		srv := Start(t, Options{Seed: 1, NoAssets: true, POs: []PO{{ID: "4500000001"}},
			Throttle: &Throttle{PerSecond: 0.1, Burst: 1, RetryAfter: 3 * time.Second, Grace: 500 * time.Millisecond, HTTPDate: httpDate}})
		get := func(path string) *http.Response {
			t.Helper()
			resp, err := http.Get(srv.URL() + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		if r := get("/order_headers/4500000001"); r.StatusCode != 200 {
			t.Fatalf("first request: %s", r.Status)
		}
		start := time.Now()
		r := get("/files/none")
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("over the rate: %s, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
		}
		if httpDate {
			if _, err := http.ParseTime(r.Header.Get("Retry-After")); err != nil {
				t.Errorf("Retry-After %q is not an HTTP date", r.Header.Get("Retry-After"))
			}
		} else if r.Header.Get("Retry-After") != "3" {
			t.Errorf("Retry-After %q, want 3", r.Header.Get("Retry-After"))
		}
		if r := get("/poll?po=4500000001"); r.StatusCode == http.StatusTooManyRequests {
			t.Error("/poll is not a page or file request: never throttled")
		}
		get("/order_headers/4500000001") // within the grace
		if st := srv.Stats(); st.Throttled != 2 || st.TooEarly != 0 || st.Pauses != 1 {
			t.Fatalf("stats %+v", st)
		}
		time.Sleep(time.Until(start.Add(time.Second)))
		if r := get("/order_headers/4500000001"); r.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("inside the pause: %s", r.Status)
		}
		if st := srv.Stats(); st.TooEarly != 1 {
			t.Fatalf("a request a second into a 3 s pause: TooEarly %d, want 1", st.TooEarly)
		}
		if got := len(srv.Arrivals()); got != 4 {
			t.Errorf("%d arrivals, want the 4 page and file requests", got)
		}
	}
}

func TestMaxInWindow(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	for _, tc := range []struct {
		ms   []int
		want int
	}{
		{nil, 0},
		{[]int{0}, 1},
		{[]int{0, 250, 500, 750, 1000, 1250}, 4},
		{[]int{0, 10, 20, 2000, 2001}, 3},
	} {
		if got := MaxInWindow(at(tc.ms...), time.Second); got != tc.want {
			t.Errorf("MaxInWindow(%v) = %d, want %d", tc.ms, got, tc.want)
		}
	}
}
