package monitor

import (
	"testing"
	"time"
)

func TestPressureString(t *testing.T) {
	for p, want := range map[Pressure]string{Ok: "ok", Elevated: "elevated", Critical: "critical", 7: "Pressure(7)"} {
		if got := p.String(); got != want {
			t.Errorf("Pressure(%d).String() = %q, want %q", int(p), got, want)
		}
	}
}

// step is one observation: at seconds after the start, the ratio, and the
// state expected after it.
type step struct {
	at    float64
	ratio float64
	want  Pressure
}

// steady returns one step a second from `from` to `to` inclusive, all with
// the same ratio and expectation.
func steady(from, to int, ratio float64, want Pressure) []step {
	var out []step
	for s := from; s <= to; s++ {
		out = append(out, step{float64(s), ratio, want})
	}
	return out
}

// reach drives a tracker with a 5 s window from ok to want with ratio held
// from 0 s to 5 s.
func reach(ratio float64, want Pressure) []step {
	return append(steady(0, 4, ratio, Ok), step{5, ratio, want})
}

func concat(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestPressureTracker(t *testing.T) {
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		window time.Duration
		steps  []step
	}{
		{"stays ok below the threshold", 5 * time.Second, steady(0, 30, 0.70, Ok)},
		{"one spike does not flap", 5 * time.Second, concat(
			steady(0, 3, 0.5, Ok),
			[]step{{4, 0.97, Ok}},
			steady(5, 20, 0.5, Ok),
		)},
		{"goes up only after the whole window", 5 * time.Second, concat(
			steady(0, 4, 0.80, Ok),
			[]step{{5, 0.80, Elevated}},
		)},
		{"a dip restarts the up window", 5 * time.Second, concat(
			steady(0, 4, 0.80, Ok),
			[]step{{5, 0.74, Ok}},
			steady(6, 10, 0.80, Ok),
			[]step{{11, 0.80, Elevated}},
		)},
		{"critical skips elevated", 5 * time.Second, concat(
			steady(0, 4, 0.95, Ok),
			[]step{{5, 0.95, Critical}},
		)},
		{"elevated then critical", 5 * time.Second, concat(
			steady(0, 4, 0.80, Ok),
			steady(5, 9, 0.80, Elevated),
			steady(10, 14, 0.93, Elevated),
			[]step{{15, 0.93, Critical}},
		)},
		{"mixed above elevated reaches elevated, not critical", 5 * time.Second, concat(
			[]step{{0, 0.95, Ok}, {1, 0.80, Ok}, {2, 0.95, Ok}, {3, 0.80, Ok}, {4, 0.95, Ok}, {5, 0.80, Elevated}, {6, 0.95, Elevated}},
		)},
		{"recovery from critical straight to ok", 5 * time.Second, concat(
			reach(0.95, Critical),
			steady(6, 10, 0.50, Critical),
			[]step{{11, 0.50, Ok}},
		)},
		{"critical comes down to elevated", 5 * time.Second, concat(
			reach(0.95, Critical),
			steady(6, 10, 0.80, Critical),
			steady(11, 20, 0.80, Elevated),
		)},
		{"hovering in the margin band keeps the state", 5 * time.Second, concat(
			reach(0.80, Elevated),
			steady(6, 40, 0.74, Elevated), // below 0.75 but not below 0.72
			steady(41, 45, 0.71, Elevated),
			[]step{{46, 0.71, Ok}},
		)},
		{"a spike during recovery restarts the down window", 5 * time.Second, concat(
			reach(0.80, Elevated),
			steady(6, 8, 0.50, Elevated),
			[]step{{9, 0.78, Elevated}},
			steady(10, 14, 0.50, Elevated),
			[]step{{15, 0.50, Ok}},
		)},
		{"sparse samples: every observation above for the window", 5 * time.Second, []step{
			{0, 0.8, Ok}, {10, 0.8, Elevated}, {20, 0.5, Elevated}, {30, 0.5, Ok},
		}},
		{"no window: every observation counts at once", 0, []step{
			{0, 0.5, Ok}, {1, 0.8, Elevated}, {2, 0.95, Critical}, {3, 0.88, Critical},
			{4, 0.86, Elevated}, {5, 0.73, Elevated}, {6, 0.70, Ok},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt := NewPressureTracker(0.75, 0.90, 0.03, tc.window)
			if pt.State() != Ok {
				t.Fatalf("new tracker state = %v, want ok", pt.State())
			}
			for _, s := range tc.steps {
				now := base.Add(time.Duration(s.at * float64(time.Second)))
				if got := pt.Observe(s.ratio, now); got != s.want {
					t.Fatalf("at %vs ratio %.2f: state %v, want %v", s.at, s.ratio, got, s.want)
				}
				if pt.State() != s.want {
					t.Fatalf("at %vs: State() %v disagrees with Observe %v", s.at, pt.State(), s.want)
				}
			}
		})
	}
}
