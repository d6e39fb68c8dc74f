package monitor

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

func TestRunSamplesOnTickerAndTracksPressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// One sample at start, then one a second: ratio above 0.75 from the
		// second sample on, so with a 3 s window the state goes elevated at
		// the fifth sample (t=4s: samples at 1,2,3,4 s all above).
		fake := &fakeSampler{ratios: []float64{0.5, 0.8, 0.8, 0.8, 0.8, 0.8, 0.5}}
		m := New(Options{Sampler: fake, Interval: time.Second, Window: 3 * time.Second})
		start := time.Now()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx) }()

		want := []Pressure{Ok, Ok, Ok, Ok, Elevated, Elevated, Elevated}
		for i, w := range want {
			if i > 0 {
				time.Sleep(time.Second) // advances the bubble's fake clock by one tick
			}
			synctest.Wait()
			got := m.Latest()
			if got.Time != start.Add(time.Duration(i)*time.Second) {
				t.Fatalf("sample %d stamped %v, want %v", i, got.Time.Sub(start), time.Duration(i)*time.Second)
			}
			if got.Pressure != w {
				t.Fatalf("sample %d (ratio %.2f): pressure %v, want %v", i, got.UsedRatio, got.Pressure, w)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
		if n := len(m.History(0)); n != len(want) {
			t.Fatalf("history holds %d samples, want %d", n, len(want))
		}
	})
}

func TestRunFailsOnlyOnFirstSample(t *testing.T) {
	boom := errors.New("no /proc")
	m := New(Options{Sampler: &fakeSampler{errs: map[int]error{0: boom}}})
	if err := m.Run(t.Context()); !errors.Is(err, boom) {
		t.Fatalf("Run with a failing first sample: %v, want %v", err, boom)
	}

	synctest.Test(t, func(t *testing.T) {
		fake := &fakeSampler{ratios: []float64{0.1, 0.2, 0.3, 0.4}, errs: map[int]error{1: boom, 2: boom}}
		m := New(Options{Sampler: fake, Interval: time.Second})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx) }()
		time.Sleep(3 * time.Second) // first sample, two failed ticks, one good tick
		synctest.Wait()
		if got := m.Latest().UsedRatio; got != 0.4 {
			t.Errorf("after two failed ticks, latest ratio %.1f, want 0.4 (sampling goes on)", got)
		}
		if n := len(m.History(0)); n != 2 {
			t.Errorf("history has %d samples, want 2 (failures are not recorded)", n)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func TestTrackAndUntrackReachTheSampler(t *testing.T) {
	fake := &fakeSampler{}
	m := New(Options{Sampler: fake})
	ctx := t.Context()
	m.Track(1, 100)
	m.Track(2, 200)
	m.Track(3, 300)
	m.Track(3, 0) // pid 0 untracks
	s, err := m.SampleNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fake.lastTrees(); len(got) != 2 || got[1] != 100 || got[2] != 200 {
		t.Fatalf("sampler asked for %v, want map[1:100 2:200]", got)
	}
	if s.Trees[2].PID != 200 {
		t.Fatalf("sample trees %v, want id 2 → pid 200", s.Trees)
	}
	m.Untrack(1)
	m.Track(2, 201) // a restarted browser
	if _, err := m.SampleNow(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fake.lastTrees(); len(got) != 1 || got[2] != 201 {
		t.Fatalf("sampler asked for %v, want map[2:201]", got)
	}
}

func TestSubscribeIsLatestWins(t *testing.T) {
	clock := &manualClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	fake := &fakeSampler{ratios: []float64{0.1, 0.2, 0.3, 0.4}}
	m := New(Options{Sampler: fake, Now: clock.now})
	ctx := t.Context()

	ch, unsubscribe := m.Subscribe()
	select {
	case s := <-ch:
		t.Fatalf("subscription before any sample delivered %+v", s)
	default:
	}
	for range 3 {
		clock.advance(time.Second)
		if _, err := m.SampleNow(ctx); err != nil { // never blocks though nobody reads
			t.Fatal(err)
		}
	}
	if s := <-ch; s.UsedRatio != 0.3 {
		t.Fatalf("subscriber got ratio %.1f, want the newest 0.3", s.UsedRatio)
	}
	select {
	case s := <-ch:
		t.Fatalf("stale sample %.1f left in the channel", s.UsedRatio)
	default:
	}

	late, unsubscribeLate := m.Subscribe()
	if s := <-late; s.UsedRatio != 0.3 {
		t.Fatalf("late subscriber primed with %.1f, want latest 0.3", s.UsedRatio)
	}
	unsubscribe()
	unsubscribe() // idempotent
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after unsubscribe")
	}
	if _, err := m.SampleNow(ctx); err != nil { // no send on the closed channel
		t.Fatal(err)
	}
	if s := <-late; s.UsedRatio != 0.4 {
		t.Fatalf("remaining subscriber got %.1f, want 0.4", s.UsedRatio)
	}
	unsubscribeLate()
}

func TestRegisterFiresOncePerCrossing(t *testing.T) {
	clock := &manualClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	// Threshold 0.8, margin 0.03: down only below 0.77.
	ratios := []float64{0.5, 0.85, 0.9, 0.85, 0.79, 0.78, 0.76, 0.5, 0.5, 0.81, 0.95}
	fake := &fakeSampler{ratios: ratios}
	m := New(Options{Sampler: fake, Now: clock.now, Margin: 0.03})

	var got []Crossing
	var latestSeen []float64
	unregister := m.Register(func(c Crossing) {
		got = append(got, c)
		latestSeen = append(latestSeen, m.Latest().UsedRatio) // no lock held: must not deadlock
	}, 0.8)
	var other int
	unregisterOther := m.Register(func(Crossing) { other++ }, 0.97)
	defer unregisterOther()

	for range ratios {
		clock.advance(time.Second)
		if _, err := m.SampleNow(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	want := []Crossing{
		{Threshold: 0.8, Ratio: 0.85, Up: true, Time: base.Add(2 * time.Second)},
		{Threshold: 0.8, Ratio: 0.76, Up: false, Time: base.Add(7 * time.Second)},
		{Threshold: 0.8, Ratio: 0.81, Up: true, Time: base.Add(10 * time.Second)},
	}
	if len(got) != len(want) {
		t.Fatalf("crossings %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("crossing %d = %+v, want %+v", i, got[i], want[i])
		}
		if latestSeen[i] != want[i].Ratio {
			t.Errorf("callback %d saw Latest ratio %.2f, want %.2f", i, latestSeen[i], want[i].Ratio)
		}
	}
	if other != 0 {
		t.Errorf("threshold 0.97 fired %d times, never crossed", other)
	}

	unregister()
	unregister()
	fake.mu.Lock()
	fake.ratios = []float64{0.2}
	fake.calls = 0
	fake.mu.Unlock()
	if _, err := m.SampleNow(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("callback fired after unregister: %+v", got[len(want):])
	}
}

func TestHistorySinceAndWraparound(t *testing.T) {
	clock := &manualClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	fake := &fakeSampler{ratios: []float64{0.5}}
	m := New(Options{Sampler: fake, Now: clock.now, Interval: time.Second, History: time.Minute})
	const slots = 301 // History is raised to the 5 minute minimum: 300 s at 1 s, plus one
	for range 1000 {
		clock.advance(time.Second)
		if _, err := m.SampleNow(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	all := m.History(0)
	if len(all) != slots {
		t.Fatalf("ring holds %d samples, want %d", len(all), slots)
	}
	for i := 1; i < len(all); i++ {
		if d := all[i].Time.Sub(all[i-1].Time); d != time.Second {
			t.Fatalf("history not oldest first at %d: step %v", i, d)
		}
	}
	if newest := all[len(all)-1].Time; !newest.Equal(clock.now()) {
		t.Fatalf("newest sample at %v, want %v", newest, clock.now())
	}

	last10 := m.History(10 * time.Second)
	if len(last10) != 11 {
		t.Fatalf("History(10s) returned %d samples, want 11 (t-10s .. t)", len(last10))
	}
	if !last10[0].Time.Equal(clock.now().Add(-10 * time.Second)) {
		t.Fatalf("History(10s) starts at %v", last10[0].Time)
	}
	last10[0].UsedRatio = 99 // a copy: the ring must not change
	if again := m.History(10 * time.Second); again[0].UsedRatio != 0.5 {
		t.Fatal("History returned the ring's own storage")
	}
}

func TestRingWraps(t *testing.T) {
	r := newRing(3)
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		r.add(Sample{Time: base.Add(time.Duration(i) * time.Second), UsedRatio: float64(i)})
	}
	got := r.since(time.Time{})
	if len(got) != 3 || got[0].UsedRatio != 2 || got[1].UsedRatio != 3 || got[2].UsedRatio != 4 {
		t.Fatalf("after 5 adds to 3 slots: %v", ratiosOf(got))
	}
	if got := r.since(base.Add(4 * time.Second)); len(got) != 1 || got[0].UsedRatio != 4 {
		t.Fatalf("since the last sample: %v", ratiosOf(got))
	}
	if got := r.since(base.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("since the future: %v", ratiosOf(got))
	}
	if got := newRing(4).since(time.Time{}); len(got) != 0 {
		t.Fatalf("empty ring: %v", ratiosOf(got))
	}
}

func ratiosOf(ss []Sample) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = s.UsedRatio
	}
	return out
}

func TestOptionsNormalised(t *testing.T) {
	fake := &fakeSampler{}
	o := Options{Sampler: fake, Threshold: 0.95, Critical: 0.9, History: time.Minute}.normalised()
	if o.Threshold != DefaultThreshold || o.Critical != DefaultCritical {
		t.Errorf("levels out of order kept: %v %v", o.Threshold, o.Critical)
	}
	if o.History != MinHistory || o.Interval != DefaultInterval || o.Window != DefaultWindow || o.Margin != DefaultMargin {
		t.Errorf("defaults not applied: %+v", o)
	}
	if n := (Options{Interval: time.Second, History: 10 * time.Minute}).historySlots(); n != 601 {
		t.Errorf("10 min at 1 s = %d slots, want 601", n)
	}
	if n := (Options{Interval: time.Millisecond, History: time.Hour}).historySlots(); n != maxHistorySamples {
		t.Errorf("slots not capped: %d", n)
	}
	if o := (Options{Sampler: fake, Window: -1}).normalised(); o.Window != 0 {
		t.Errorf("negative window gives %v, want 0 (at once)", o.Window)
	}
}

// Idle browsers are read every quietPeriod; a busy one, a new one, a
// changed set of trees, a root that starts using CPU or a move of system
// memory is read at once.
func TestQuietTreesAreReadLessOften(t *testing.T) {
	var q quietTrees
	trees := map[int]int{1: 100, 2: 200}
	idle := map[int]ProcTree{1: {PID: 100, CPU: 0.5}, 2: {PID: 200, CPU: 1}}
	rootCPU := map[int]float64{100: 10, 200: 20}
	probe := func(pid int) (float64, bool) { c, ok := rootCPU[pid]; return c, ok }
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	sec := func(i int) time.Time { return at.Add(time.Duration(i) * time.Second) }
	var reads []int
	for i := range 40 {
		if q.due(trees, sec(i), 0.5, probe) {
			reads = append(reads, i)
			q.read(trees, idle, sec(i), 0.5)
		}
	}
	// The first reading has no CPU figure: the second one is taken too.
	if want := []int{0, 1, 16, 31}; !slices.Equal(reads, want) {
		t.Fatalf("idle trees read at seconds %v, want %v", reads, want)
	}
	now := 40
	step := func() bool { now++; return q.due(trees, sec(now), 0.5, probe) }
	if step() {
		t.Fatal("quiet trees read again at once")
	}
	rootCPU[200] += 0.05 // 5% of a core over the last second: a task started
	if !step() {
		t.Error("a root that started working did not make the trees due")
	}
	q.read(trees, idle, sec(now), 0.5)
	if step() {
		t.Error("a root idle again still makes the trees due")
	}
	if !q.due(trees, sec(now), 0.53, probe) {
		t.Error("a move of system memory by 3 points did not make the trees due")
	}
	q.read(trees, map[int]ProcTree{1: {PID: 100, CPU: 40}, 2: {PID: 200}}, sec(now), 0.5)
	if !step() {
		t.Error("a busy browser is not read at every sample")
	}
	q.read(trees, idle, sec(now), 0.5)
	if !q.due(map[int]int{1: 100, 2: 200, 3: 300}, sec(now), 0.5, probe) {
		t.Error("a new browser is not read at once")
	}
	delete(rootCPU, 200)
	if !step() {
		t.Error("a root that cannot be read did not make the trees due")
	}
}
