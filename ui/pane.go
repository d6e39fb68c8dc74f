package ui

import (
	"time"

	"charm.land/bubbles/v2/spinner"

	"coupatui/pool"
)

// paneID names the focusable panes, in tab order.
type paneID int

const (
	paneWorkers paneID = iota
	paneQueue
	paneResources
	paneLog
	paneCount
)

var paneNames = [paneCount]string{"workers", "queue", "resources", "log"}

func (p paneID) String() string { return paneNames[p] }

// common is what every component reads: styles, keys and the latest
// refresh, and the status line they acknowledge commands in. The model
// owns it (event loop); components read it and acknowledge through ok and
// fail.
type common struct {
	st     *styles
	keys   keyMap
	opts   *Options
	now    time.Time     // the clock at the latest refresh
	snap   pool.Snapshot // the latest snapshot
	hist   *history
	frame  int // spinner frame, advanced by the tick
	status statusLine
}

// spinnerFrames animate busy workers; each frame is one cell wide.
var spinnerFrames = spinner.MiniDot.Frames

func (c *common) spinner() string { return spinnerFrames[c.frame%len(spinnerFrames)] }
