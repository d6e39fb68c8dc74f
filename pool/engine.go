package pool

import (
	"context"

	"coupatui/coupa"
	"coupatui/monitor"
)

// Engine starts the browsers workers use. The real one (Chromium) clones a
// signed-in profile and launches chromedp; tests inject pool/pooltest's fake.
type Engine interface {
	// Launch starts a browser for worker id. ctx bounds the start-up only.
	Launch(ctx context.Context, worker int) (Browser, error)
}

// RemoteEngine is an Engine that also connects workers to browsers running
// elsewhere (Config.Endpoints): each remote slot is a worker whose browser
// comes from an endpoint instead of a local launch.
type RemoteEngine interface {
	Engine
	// LaunchRemote connects worker id to endpoint (an index of
	// Config.Endpoints), with a browser context of its own there.
	LaunchRemote(ctx context.Context, worker, endpoint int) (Browser, error)
}

// Browser is one persistent browser owned by one worker. Process and
// CheckSession are called by that worker's goroutines only, several at once
// (a session check beside the first POs, up to pipeline_depth POs, each in
// a tab of its own); Ping, Done, PID and Kill may be called from the
// supervisor at the same time, and PrintPDF by anyone.
type Browser interface {
	// Process opens one PO and downloads its files. It honours ctx: when
	// ctx ends it returns promptly with Timeout or Cancelled.
	Process(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result
	// CheckSession returns an error wrapping coupa.ErrSignInRequired when
	// Coupa shows its sign-in wall.
	CheckSession(ctx context.Context) error
	// PrintPDF prints a self-contained HTML page as a PDF in a tab of its
	// own, closed afterwards. It may be called from any goroutine, while
	// Process runs: it never touches the task's tab.
	PrintPDF(ctx context.Context, html string) ([]byte, error)
	// Ping is a cheap protocol round trip bounded by ctx.
	Ping(ctx context.Context) error
	// Done is closed when the browser died or was killed.
	Done() <-chan struct{}
	// PID is the browser's main process id, 0 when unknown.
	PID() int
	// Close stops the browser and releases its profile; it waits for the
	// processes to be gone.
	Close() error
	// Kill stops the browser's whole process group now.
	Kill()
}

// Monitor is what the pool needs from the resource monitor.
type Monitor interface {
	Subscribe() (<-chan monitor.Sample, func())
	Track(id, pid int)
	Untrack(id int)
}
