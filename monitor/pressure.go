package monitor

import (
	"fmt"
	"time"
)

// Pressure is the memory-pressure state after hysteresis.
type Pressure int

const (
	Ok       Pressure = iota // used ratio at or below the threshold
	Elevated                 // above the threshold (memory_threshold)
	Critical                 // above the critical level (memory_critical)
)

var pressureNames = [...]string{"ok", "elevated", "critical"}

func (p Pressure) String() string {
	if p < Ok || p > Critical {
		return fmt.Sprintf("Pressure(%d)", int(p))
	}
	return pressureNames[p]
}

// DefaultMargin is how far below a level the used ratio must fall before the
// state may go down from it, so a ratio hovering at a level does not flap.
const DefaultMargin = 0.03

// PressureTracker turns a stream of used-memory ratios into a Pressure state
// that changes only when a level has held for a whole window: the state goes
// up to a level when every observation for Window was above that level, and
// comes down from a level when every observation for Window was below the
// level minus Margin. A single spike or dip therefore never changes it, and a
// jump straight past both levels goes straight to Critical.
//
// It is a pure value: no clock, no goroutines, no locks. The caller owns it
// and must not call Observe from two goroutines at once.
type PressureTracker struct {
	levels [Critical + 1]float64 // levels[Elevated], levels[Critical]; levels[Ok] unused
	margin float64
	window time.Duration

	state Pressure
	// aboveSince[l] is when the ratio went above levels[l] and stayed there;
	// belowSince[l] is when it went below levels[l]-margin and stayed there.
	// The zero time means "not now".
	aboveSince [Critical + 1]time.Time
	belowSince [Critical + 1]time.Time
}

// NewPressureTracker returns a tracker in state Ok. threshold and critical are
// used ratios in 0..1 with threshold < critical; margin >= 0; window >= 0
// (0 changes state on the first observation past a level).
func NewPressureTracker(threshold, critical, margin float64, window time.Duration) *PressureTracker {
	pt := &PressureTracker{margin: margin, window: window}
	pt.levels[Elevated] = threshold
	pt.levels[Critical] = critical
	return pt
}

// State is the current state.
func (pt *PressureTracker) State() Pressure { return pt.state }

// Observe records the used ratio seen at now and returns the state after it.
// Observations must come in time order.
func (pt *PressureTracker) Observe(ratio float64, now time.Time) Pressure {
	for l := Elevated; l <= Critical; l++ {
		pt.aboveSince[l] = since(pt.aboveSince[l], ratio > pt.levels[l], now)
		pt.belowSince[l] = since(pt.belowSince[l], ratio < pt.levels[l]-pt.margin, now)
	}
	for l := Critical; l > pt.state; l-- {
		if pt.held(pt.aboveSince[l], now) {
			pt.state = l
			return pt.state
		}
	}
	for pt.state > Ok && pt.held(pt.belowSince[pt.state], now) {
		pt.state--
	}
	return pt.state
}

// since keeps start while cond holds (starting it at now if unset) and
// clears it as soon as cond fails.
func since(start time.Time, cond bool, now time.Time) time.Time {
	switch {
	case !cond:
		return time.Time{}
	case start.IsZero():
		return now
	default:
		return start
	}
}

func (pt *PressureTracker) held(start, now time.Time) bool {
	return !start.IsZero() && now.Sub(start) >= pt.window
}
