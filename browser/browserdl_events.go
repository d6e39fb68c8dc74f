package browser

import (
	"context"
	"sync"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// eventQueue collects events from Listen callbacks, which must not block,
// for one waiting goroutine.
type eventQueue struct {
	notify chan struct{} // has a value when items is not empty

	mu        sync.Mutex // guards items and responses
	items     []any
	responses map[string]seenResponse // by response URL
}

func newEventQueue() *eventQueue {
	return &eventQueue{notify: make(chan struct{}, 1), responses: map[string]seenResponse{}}
}

func (q *eventQueue) push(ev any) {
	switch e := ev.(type) {
	case *cdpbrowser.EventDownloadWillBegin, *cdpbrowser.EventDownloadProgress:
	case *target.EventTargetCreated:
		if e.TargetInfo == nil || e.TargetInfo.OpenerID == "" {
			return
		}
	default:
		return
	}
	q.mu.Lock()
	q.items = append(q.items, ev)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// pushResponse keeps the Content-Disposition of the tab's responses, so a
// browser download is named from the header like an HTTP one.
func (q *eventQueue) pushResponse(ev any) {
	e, ok := ev.(*network.EventResponseReceived)
	if !ok || e.Response == nil {
		return
	}
	seen := seenResponse{mimeType: e.Response.MimeType, disposition: headerValue(e.Response.Headers, "Content-Disposition")}
	q.mu.Lock()
	q.responses[e.Response.URL] = seen
	// A main document that is an error page means the trigger led to an
	// error instead of a file: the waiter must hear of it at once.
	isError := e.Type == network.ResourceTypeDocument && e.Response.Status >= 400
	if isError {
		q.items = append(q.items, ev)
	}
	q.mu.Unlock()
	if isError {
		select {
		case q.notify <- struct{}{}:
		default:
		}
	}
}

func (q *eventQueue) responseFor(u string) (disposition, mimeType string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := q.responses[u]
	return r.disposition, r.mimeType
}

func (q *eventQueue) drain() []any {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// downloadSources tells which frames' downloads belong to one browser-side
// download of a tab: the tab's own page, the frames inside it and the
// popups it opened. Only the waiting goroutine uses it.
type downloadSources struct {
	tab    *Tab
	popups map[cdp.FrameID]bool // a popup's main frame has its target's id
	frames map[cdp.FrameID]bool // the tab's frames, read once when needed
}

// created notes a target the tab (or one of its popups) opened.
func (s *downloadSources) created(info *target.Info) {
	if info == nil || info.Type != "page" {
		return
	}
	if info.OpenerID == s.tab.id || s.popups[cdp.FrameID(info.OpenerID)] {
		s.popups[cdp.FrameID(info.TargetID)] = true
	}
}

func (s *downloadSources) ours(ctx context.Context, frame cdp.FrameID) bool {
	if frame == cdp.FrameID(s.tab.id) || s.popups[frame] {
		return true
	}
	if s.frames == nil {
		s.frames = map[cdp.FrameID]bool{}
		tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
		if err == nil && tree.FrameTree != nil {
			var walk func(t *page.FrameTree)
			walk = func(t *page.FrameTree) {
				if t.Frame != nil {
					s.frames[t.Frame.ID] = true
				}
				for _, c := range t.ChildFrames {
					walk(c)
				}
			}
			walk(tree.FrameTree)
		}
	}
	return s.frames[frame]
}

// closePopups closes the popups the download opened.
func (s *downloadSources) closePopups(ctx context.Context) {
	for id := range s.popups {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_, err := cdp.Call(cctx, s.tab.b.cdp, target.CloseTarget, target.CloseTargetParams{TargetID: target.ID(id)})
		cancel()
		if err != nil {
			s.tab.b.log.Debug("closing a popup the download opened", "err", err)
		}
	}
}

// seenResponse is what a download's name can come from.
type seenResponse struct{ disposition, mimeType string }

// waitEnded waits, until ctx ends, for download guid to report that it
// completed or was canceled.
func (q *eventQueue) waitEnded(ctx context.Context, guid string) {
	for {
		for _, ev := range q.drain() {
			if e, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && e.GUID == guid &&
				(e.State == cdpbrowser.DownloadProgressStateCanceled || e.State == cdpbrowser.DownloadProgressStateCompleted) {
				return
			}
		}
		select {
		case <-q.notify:
		case <-ctx.Done():
			return
		}
	}
}
