package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coupatui/internal/diskfull"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// errBrowserCanceled is a browser download that ended "canceled": the
// server cut it, or the browser gave it up.
var errBrowserCanceled = errors.New("the browser's download was canceled")

// viaBrowser gets link i with the browser's own download: navigating a
// helper tab to rawURL, or clicking the element click in the task's tab.
func (d *downloader) viaBrowser(ctx context.Context, i int, rawURL, click string) FileResult {
	var last error
	for attempt := 0; attempt <= d.opts.Retries; attempt++ {
		if attempt > 0 {
			if err := d.backoff(ctx, attempt, last); err != nil {
				return FileResult{Err: fmt.Errorf("%w (after: %w)", err, last)}
			}
			d.log.Debug("retrying browser download", "index", i, "attempt", attempt+1, "err", last)
		}
		r, err := d.browserAttempt(ctx, i, rawURL, click)
		if err == nil {
			return r
		}
		r.Err = err
		if !isRetryable(err) || ctx.Err() != nil || attempt == d.opts.Retries {
			return r
		}
		last = err
	}
	return FileResult{Err: last} // not reached: the last attempt returns above
}

// browserFile is a completed browser download still in its private folder.
type browserFile struct {
	stage       string // absolute path of the private folder (see folder.stagingDir)
	guid        string // the file's name inside it
	url         string // the URL the file came from
	suggested   string // the browser's suggested file name
	disposition string // the response's Content-Disposition, when seen
	mimeType    string // the response's MIME type, when seen
	size        int64
}

func (d *downloader) browserAttempt(ctx context.Context, i int, rawURL, click string) (FileResult, error) {
	what := click
	if rawURL != "" {
		what = redactURL(rawURL)
	}
	got, err := d.browserDownload(ctx, i, rawURL, click)
	if got.stage != "" {
		defer os.RemoveAll(got.stage)
	}
	if err != nil {
		if ctx.Err() != nil {
			return FileResult{}, ctx.Err()
		}
		return FileResult{}, fmt.Errorf("browser download of %s: %w", what, err)
	}
	if d.tab.b.opts.Remote != "" {
		return d.fetchRemoteDownload(ctx, i, what, got)
	}
	name, err := d.names.claim(ctx, i, chooseName(got.disposition, got.suggested, got.url, got.mimeType, i))
	if err != nil {
		return FileResult{}, err
	}
	if err := d.folder.adopt(filepath.Join(got.stage, got.guid), name); err != nil {
		return FileResult{Name: name}, err
	}
	sum, err := d.folder.hash(name)
	if err != nil {
		return FileResult{Name: name}, fmt.Errorf("reading the browser's download of %s: %w", what, err)
	}
	return FileResult{Name: name, Size: got.size, SHA256: sum, Via: "browser"}, nil
}

// fetchRemoteDownload gets the file a remote browser's download pointed
// at with coupatui's own HTTP client and the session's cookies (for the
// Coupa origin only), so the bytes land here, never on the remote disk.
// Measured on Chromium 156 and browserless 2.42: with download behaviour
// "deny" and eventsEnabled, Browser.downloadWillBegin still names the URL
// (then the download reports "canceled"); the server sees the request
// twice, the browser's being cut after its headers.
func (d *downloader) fetchRemoteDownload(ctx context.Context, i int, what string, got browserFile) (FileResult, error) {
	u, err := url.Parse(got.url)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return FileResult{}, fmt.Errorf("remote browser download of %s: %s cannot be fetched here", what, redactURL(got.url))
	}
	r, fallback := d.viaHTTP(ctx, i, u)
	if fallback {
		return FileResult{}, fmt.Errorf("remote browser download of %s: %s answered a page, not a file", what, redactURL(got.url))
	}
	return r, r.Err
}

// browserDownload runs one browser-side download into a private folder.
// Download behaviour is browser-wide, so one runs at a time per browser.
func (d *downloader) browserDownload(ctx context.Context, i int, rawURL, click string) (browserFile, error) {
	b := d.tab.b
	select {
	case b.dlSem <- struct{}{}:
	case <-ctx.Done():
		return browserFile{}, ctx.Err()
	}
	defer func() { <-b.dlSem }()

	var got browserFile
	var err error
	remote := b.opts.Remote != ""
	if !remote {
		got.stage, err = d.folder.stagingDir()
		if err != nil {
			return got, err
		}
	}
	tab := d.tab
	if rawURL != "" {
		// Navigating the task's tab would lose the page the other links
		// live on: a helper tab shares the session and goes away after.
		helper, err := b.NewTab(ctx)
		if err != nil {
			return got, err
		}
		defer helper.Close()
		tab = helper
	}
	lctx, stop := tab.op(ctx)
	defer stop()
	events := newEventQueue()
	if err := chromedp.ListenBrowser(lctx, events.push); err != nil {
		return got, err
	}
	if err := chromedp.Listen(lctx, events.pushResponse); err != nil {
		return got, err
	}
	behavior := cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath: got.stage, EventsEnabled: new(true)}
	if remote {
		// A remote browser's disk is not ours: it refuses the download and
		// only tells us where it went (see fetchRemoteDownload).
		behavior = cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorDeny,
			EventsEnabled: new(true), BrowserContextID: b.browserContext}
	}
	_, err = cdp.Call(lctx, b.cdp, cdpbrowser.SetDownloadBehavior, behavior)
	if err != nil {
		return got, fmt.Errorf("allow downloads: %w", err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := b.resetDownloads(rctx); err != nil {
			d.log.Warn("resetting download behaviour", "err", err)
		}
	}()

	// The site's gate, last thing before the request goes: a pause that
	// began while the helper tab opened is honoured.
	if err := b.opts.Gate.Wait(ctx); err != nil {
		return got, err
	}
	if rawURL != "" {
		res, err := chromedp.Call(lctx, page.Navigate, page.NavigateParams{URL: rawURL})
		if err != nil {
			return got, fmt.Errorf("navigate: %w", err)
		}
		// A navigation that turns into a download reports ERR_ABORTED.
		if res.ErrorText != "" && !res.IsDownload && !strings.Contains(res.ErrorText, "ERR_ABORTED") {
			return got, retryable(fmt.Errorf("navigate: %s", res.ErrorText))
		}
	} else if err := tab.Click(lctx, click); err != nil {
		return got, err
	}
	return d.awaitDownload(ctx, i, lctx, tab, events, got)
}

// awaitDownload waits for the tab's download to begin and to end. The
// download may come from the tab's page, from a frame inside it, or from a
// popup the click opened (closed once the download is over).
func (d *downloader) awaitDownload(ctx context.Context, i int, lctx context.Context, tab *Tab, events *eventQueue, got browserFile) (browserFile, error) {
	b := tab.b
	src := &downloadSources{tab: tab, popups: map[cdp.FrameID]bool{}}
	defer src.closePopups(ctx)
	begin := time.NewTimer(d.opts.BeginTimeout)
	defer begin.Stop()
	idle := time.NewTimer(d.opts.IdleTimeout)
	idle.Stop()
	defer idle.Stop()
	// cancelDownload stops the download; with wait it returns once the
	// browser has said the download ended, since until then it may still
	// write into the staging folder, which the caller removes next (a late
	// write would make the folder again, beside the PO's files).
	cancelDownload := func(wait bool) {
		if got.guid == "" {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := cdp.Call(cctx, b.cdp, cdpbrowser.CancelDownload, cdpbrowser.CancelDownloadParams{GUID: got.guid}); err == nil && wait {
			events.waitEnded(cctx, got.guid)
		}
	}
	for {
		select {
		case <-events.notify:
			for _, ev := range events.drain() {
				switch e := ev.(type) {
				case *target.EventTargetCreated:
					src.created(e.TargetInfo)
				case *cdpbrowser.EventDownloadWillBegin:
					if got.guid != "" || !src.ours(lctx, e.FrameID) {
						continue
					}
					got.guid, got.url, got.suggested = e.GUID, e.URL, e.SuggestedFilename
					got.disposition, got.mimeType = events.responseFor(e.URL)
					if b.opts.Remote != "" {
						return got, nil // refused there; fetched here
					}
					begin.Stop()
					idle.Reset(d.opts.IdleTimeout)
				case *network.EventResponseReceived:
					if got.guid != "" || e.FrameID != cdp.FrameID(tab.id) {
						continue
					}
					status := int(e.Response.Status)
					err := fmt.Errorf("the page went to an error page (HTTP %d) instead of a download", status)
					switch {
					case throttled(status):
						wait := b.opts.Gate.throttle(status, headerValue(e.Response.Headers, "Retry-After"), e.Response.URL)
						return got, retryable(errThrottled{err: err, after: wait})
					case status >= 500, status == 408:
						return got, retryable(err)
					}
					return got, err
				case *cdpbrowser.EventDownloadProgress:
					if got.guid == "" || e.GUID != got.guid {
						continue
					}
					idle.Reset(d.opts.IdleTimeout)
					d.reportBytes(i, got.suggested, int64(e.ReceivedBytes), int64(e.TotalBytes), false)
					if limit := d.opts.MaxBytes; limit > 0 && e.State != cdpbrowser.DownloadProgressStateCanceled {
						switch {
						case int64(e.TotalBytes) > limit && e.ReceivedBytes == 0:
							// Not yet: a download cancelled before its first
							// bytes can leave its .crdownload behind, written
							// after the cancel (measured on Chromium 148); once
							// bytes arrived the file exists and the cancel
							// removes it.
							continue
						case int64(e.TotalBytes) > limit:
							cancelDownload(true)
							return got, tooLarge(SanitizeFileName(got.suggested), int64(e.TotalBytes), limit, "announced")
						case int64(e.ReceivedBytes) > limit:
							cancelDownload(true)
							return got, tooLarge(SanitizeFileName(got.suggested), int64(e.ReceivedBytes), limit, "received")
						}
					}
					switch e.State {
					case cdpbrowser.DownloadProgressStateCompleted:
						if got.disposition == "" {
							got.disposition, got.mimeType = events.responseFor(got.url)
						}
						return d.checkBrowserFile(got, int64(e.TotalBytes))
					case cdpbrowser.DownloadProgressStateCanceled:
						if d.outOfSpace(got.stage, int64(e.TotalBytes-e.ReceivedBytes)) {
							return got, diskfull.At("write", filepath.Join(d.folder.dir, SanitizeFileName(got.suggested)))
						}
						return got, retryable(fmt.Errorf("%w after %.0f of %.0f bytes", errBrowserCanceled, e.ReceivedBytes, e.TotalBytes))
					}
				}
			}
		case <-begin.C:
			if loc, err := tab.URL(ctx); err == nil && d.opts.IsSignIn != nil {
				if u, err := url.Parse(loc); err == nil && d.opts.IsSignIn(u) {
					return got, ErrSignInWall
				}
			}
			return got, fmt.Errorf("no download started within %s", d.opts.BeginTimeout)
		case <-idle.C:
			cancelDownload(true)
			return got, retryable(fmt.Errorf("%w for %s", errIdle, d.opts.IdleTimeout))
		case <-lctx.Done():
			cancelDownload(false) // the tab's events are gone with it
			if ctx.Err() != nil {
				return got, ctx.Err()
			}
			return got, fmt.Errorf("tab ended: %w", context.Cause(lctx))
		}
	}
}

// lowSpace is the free space under which a canceled browser download is
// taken to have met a full disk: Chromium reports "canceled" and nothing
// more when a write fails, so the space left is the evidence.
const lowSpace = 1 << 20

// outOfSpace reports whether the folder holding dir has less room than the
// rest of the file (when known) or than lowSpace.
func (d *downloader) outOfSpace(dir string, rest int64) bool {
	free, ok := diskfull.Available(dir)
	return ok && free < uint64(max(rest, lowSpace))
}

// checkBrowserFile verifies a completed download and syncs it to disk.
func (d *downloader) checkBrowserFile(got browserFile, total int64) (browserFile, error) {
	path := filepath.Join(got.stage, got.guid)
	info, err := os.Lstat(path)
	if err != nil {
		return got, fmt.Errorf("completed download missing: %w", err)
	}
	got.size = info.Size()
	switch {
	case total > 0 && got.size != total:
		return got, retryable(fmt.Errorf("cut short: %d of %d bytes", got.size, total))
	case got.size == 0:
		return got, errors.New("empty file")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return got, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return got, fmt.Errorf("sync download: %w", err)
	}
	return got, nil
}
