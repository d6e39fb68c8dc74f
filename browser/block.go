package browser

import (
	"context"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"coupatui/internal/panics"
)

// blockedTypes are the resource types a page never needs for us to read its
// DOM: they are the heavy part of a page and carry no attachment.
var blockedTypes = []network.ResourceType{
	network.ResourceTypeImage,
	network.ResourceTypeFont,
	network.ResourceTypeMedia,
	network.ResourceTypePing,
}

// startBlocking pauses requests of the blocked types (Fetch domain) and
// fails each one from a loop owned by the tab; Close stops the loop.
func (t *Tab) startBlocking() error {
	patterns := make([]*fetch.RequestPattern, 0, len(blockedTypes))
	for _, rt := range blockedTypes {
		patterns = append(patterns, &fetch.RequestPattern{URLPattern: "*", ResourceType: rt})
	}
	return t.failRequests(patterns, false)
}

// failRequests fails every request matching patterns, from a loop owned
// by the tab. With stay, a navigation (a document request: a link, a meta
// refresh, a frame) is answered 204 No Content instead, so the page stays
// as it is rather than turning into an error page.
func (t *Tab) failRequests(patterns []*fetch.RequestPattern, stay bool) error {
	ctx, stop := context.WithCancel(t.ctx)
	paused := chromedp.Events(ctx, fetch.RequestPaused) // subscribes now, before Fetch.enable
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: patterns}); err != nil {
		stop()
		return err
	}
	t.blockStop = stop
	t.blockWG.Go(func() {
		defer func() {
			if v := recover(); v != nil { // blocking stops; the tab goes on
				t.b.log.Error("panic in resource blocking", "panic", v, "stack", string(panics.New(v).Stack))
			}
		}()
		for ev, err := range paused {
			if err != nil {
				return
			}
			if stay && ev.ResourceType == network.ResourceTypeDocument {
				_, err = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID: ev.RequestID, ResponseCode: 204})
			} else {
				_, err = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{
					RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
			if err == nil {
				t.blocked.Add(1)
			}
		}
	})
	return nil
}
