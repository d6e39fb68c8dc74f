package ui

import (
	"time"

	"charm.land/bubbles/v2/key"
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

// common is what every pane reads: styles, keys and the latest refresh. The
// model owns it (event loop); panes only read it.
type common struct {
	st    *styles
	keys  keyMap
	opts  *Options
	now   time.Time     // the clock at the latest refresh
	snap  pool.Snapshot // the latest snapshot
	hist  *history
	frame int // spinner frame, advanced by the tick
}

// spinnerFrames animate busy workers; each frame is one cell wide.
var spinnerFrames = spinner.MiniDot.Frames

func (c *common) spinner() string { return spinnerFrames[c.frame%len(spinnerFrames)] }

// component is a pane: it knows its size, draws itself with a pure render
// function over common, moves its own selection and lists its keys.
type component interface {
	SetSize(w, h int)
	Move(act action)
	View(focused bool) string
	Help() []key.Binding
}
