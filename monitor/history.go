package monitor

import "time"

// ring is a fixed-size history of samples, oldest overwritten first. Adding
// a sample copies the struct into a preallocated slot; the only per-sample
// allocations are the ones the sampler made (Trees, PerCore). Not safe for
// concurrent use: the Monitor's mu guards it.
type ring struct {
	buf  []Sample
	next int // slot the next sample goes to
	full bool
}

func newRing(slots int) *ring {
	return &ring{buf: make([]Sample, max(slots, 1))}
}

func (r *ring) add(s Sample) {
	r.buf[r.next] = s
	r.next++
	if r.next == len(r.buf) {
		r.next = 0
		r.full = true
	}
}

func (r *ring) len() int {
	if r.full {
		return len(r.buf)
	}
	return r.next
}

// at returns the i-th oldest sample, 0 <= i < len().
func (r *ring) at(i int) Sample {
	if r.full {
		i = (r.next + i) % len(r.buf)
	}
	return r.buf[i]
}

// since copies out, oldest first, the samples taken at or after from.
func (r *ring) since(from time.Time) []Sample {
	n := r.len()
	// Samples are in time order: find the first one at or after from.
	lo, hi := 0, n
	for lo < hi {
		mid := (lo + hi) / 2
		if r.at(mid).Time.Before(from) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	out := make([]Sample, 0, n-lo)
	for i := lo; i < n; i++ {
		out = append(out, r.at(i))
	}
	return out
}
