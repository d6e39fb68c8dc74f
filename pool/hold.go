package pool

import (
	"slices"
	"time"

	"coupatui/internal/diskfull"
)

// Hold is a condition outside the pool that stops dispatch until it is
// released. The task that met it goes back to the front of the queue
// without counting an attempt: a full disk or a dead journal is not the
// PO's fault, and nothing is marked failed for it.
type Hold int

const (
	HoldSignIn   Hold = iota + 1 // Coupa's sign-in wall: Reauthenticate releases it
	HoldDiskFull                 // a write failed for lack of space: Resume releases it once space is freed
	HoldJournal                  // the journal cannot record transitions: released when it records again, or by Resume
)

var holdNames = [...]string{HoldSignIn: "sign-in required", HoldDiskFull: "disk full", HoldJournal: "journal failing"}

func (h Hold) String() string { return enumName("Hold", holdNames[:], h) }

// HoldInfo says why one hold is on.
type HoldInfo struct {
	Hold   Hold
	Reason string // what was seen, e.g. "disk full at /data/downloads"
	Since  time.Time
}

// Hold stops dispatch for h with the reason shown to the operator; running
// tasks go on. Holding an active hold again only updates its reason.
func (p *Pool) Hold(h Hold, reason string) error {
	return p.command(func() {
		p.holdLocked(h, reason)
	})
}

// Release ends hold h, if on, and dispatch resumes unless something else
// still stops it.
func (p *Pool) Release(h Hold) error {
	return p.command(func() {
		p.releaseLocked(h, "")
	})
}

func (p *Pool) holdLocked(h Hold, reason string) {
	if cur, ok := p.holds[h]; ok {
		if cur.Reason != reason {
			cur.Reason = reason
			p.holds[h] = cur
			p.reason = reason
		}
		return
	}
	p.holds[h] = HoldInfo{Hold: h, Reason: reason, Since: time.Now()}
	kind := EvPoolHeld
	if h == HoldSignIn {
		kind = EvSignInRequired
	}
	p.emitLocked(Event{Kind: kind, Hold: h, Reason: reason})
	p.reason = reason
}

// releaseLocked ends h and says why (why "" = the hold's own words).
func (p *Pool) releaseLocked(h Hold, why string) {
	cur, ok := p.holds[h]
	if !ok {
		return
	}
	delete(p.holds, h)
	if why == "" {
		why = cur.Hold.String() + " cleared"
	}
	kind := EvPoolReleased
	if h == HoldSignIn {
		kind = EvSignInRestored
	}
	p.emitLocked(Event{Kind: kind, Hold: h, Reason: why})
	p.reason = why
	p.broadcastLocked()
}

// holdsLocked lists the holds on, oldest first.
func (p *Pool) holdsLocked() []HoldInfo {
	if len(p.holds) == 0 {
		return nil
	}
	out := make([]HoldInfo, 0, len(p.holds))
	for _, h := range p.holds {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b HoldInfo) int { return a.Since.Compare(b.Since) })
	return out
}

// diskFullReason is the hold's reason for a disk-full error: where, when
// the error says.
func diskFullReason(err error) string {
	if dir := diskfull.Where(err); dir != "" {
		return "disk full at " + dir
	}
	return "disk full: " + err.Error()
}
