package coupa

import "time"

// Steps is how long each step of one attempt of one PO took: what
// `coupatui bench` and --json show to say where a PO's time goes. A step
// that did not happen is 0; a requisition's page adds to Navigate, Markers
// and Extract, its files to Downloads.
type Steps struct {
	Tab       time.Duration // getting a tab: a parked one, or a new one
	Navigate  time.Duration // loading the page up to its load event (the server's time included)
	Markers   time.Duration // the analyser waiting in the page until it can tell what the page shows
	Extract   time.Duration // reading the page once it can tell: attachments, supplier, requisition, and the answer's way back
	Folder    time.Duration // preparing the PO's folder
	Downloads time.Duration // every download, from the first start to the last end (the server's time included)
	Finish    time.Duration // renaming the folder to its status
	Park      time.Duration // parking the tab for the next PO (or closing it)
}

// Each calls f with each step's name and duration, in the order a PO
// goes through them.
func (s Steps) Each(f func(name string, d time.Duration)) {
	f("tab", s.Tab)
	f("navigate", s.Navigate)
	f("markers", s.Markers)
	f("extract", s.Extract)
	f("folder", s.Folder)
	f("downloads", s.Downloads)
	f("finish", s.Finish)
	f("park", s.Park)
}

// Total is the sum of the steps.
func (s Steps) Total() time.Duration {
	var t time.Duration
	s.Each(func(_ string, d time.Duration) { t += d })
	return t
}

// since adds the time since start to *d.
func since(d *time.Duration, start time.Time) { *d += time.Since(start) }
