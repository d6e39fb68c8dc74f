package browser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"coupatui/internal/diskfull"
	"coupatui/internal/panics"
)

// Link is one attachment found on a page.
type Link struct {
	// URL is the absolute URL of the attachment; "" for an element that is
	// not a link.
	URL string
	// Click is a CSS selector of the element to click in the tab when the
	// attachment has no fetchable URL (a role=button element): only the
	// browser's own download gets such a file.
	Click string
	// Text is what the page shows for it (diagnostics).
	Text string
}

// DownloadOptions configures Tab.Download.
type DownloadOptions struct {
	// Dir is the folder the files land in; it is created when missing.
	Dir string
	// Origin (scheme://host[:port]) is the site whose cookies go with the
	// requests to it; requests to any other origin carry no cookie.
	Origin string
	// Parallel is how many files download at once; 0 means 3.
	Parallel int
	// Retries is how many more attempts a cut-short download, a 5xx or a
	// cancelled browser download gets; 0 means 2, negative means none.
	Retries int
	// Backoff is the wait before the first retry, doubled for each next
	// one; 0 means 250 ms.
	Backoff time.Duration
	// BeginTimeout bounds the wait for a browser-side download to start
	// after its trigger; 0 means 15 s.
	BeginTimeout time.Duration
	// IdleTimeout aborts a download that receives nothing for this long;
	// 0 means 60 s.
	IdleTimeout time.Duration
	// FileTimeout bounds one file, all its attempts included; 0 means no
	// bound but ctx's.
	FileTimeout time.Duration
	// MaxBytes stops a file larger than this, as announced (Content-Length,
	// the browser's total) or as counted while it arrives; the file fails
	// with ErrTooLarge and is not tried again. 0 means no limit.
	MaxBytes int64
	// Taken are names other files of Dir already have in this run (an
	// earlier Download into the same folder): new names avoid them.
	Taken []string
	// Known are files earlier downloads of these links left in Dir: one
	// still intact is kept and not fetched again (Via "existing").
	Known []Known
	// IsSignIn reports whether a URL a download landed on is a sign-in
	// wall; such a file fails with ErrSignInWall. nil: never.
	IsSignIn func(*url.URL) bool
	// Prefetched holds requests started early (Tab.Prefetch): a link's
	// first HTTP attempt takes its response instead of asking again. The
	// caller closes it after Download.
	Prefetched *Prefetch
	// Progress is called once per link, as it completes or fails, never
	// concurrently.
	Progress func(FileResult)
	// Bytes, when set, is called as a file's bytes arrive: once when its
	// answer starts, then at most every BytesEvery; never concurrently
	// with itself or Progress.
	Bytes func(FileBytes)
	// Logger receives diagnostics (never a cookie, never a URL query);
	// nil uses the browser's logger.
	Logger *slog.Logger
}

// FileResult is the outcome of one link, in page order.
type FileResult struct {
	Index  int    // position in the links given to Download
	Link   Link   // the link itself
	Name   string // final name inside Dir; "" when no name was decided
	Size   int64  // bytes on disk
	SHA256 string // hex sha256 of the file on disk, when complete
	Via    string // "http", "browser", or "existing" (already complete on disk)
	Err    error  // nil when the file is complete on disk

	Took time.Duration // from its start to its end, retries included; 0 for an existing file
}

// ErrSignInWall means a download was answered with the site's sign-in page:
// the session is missing or expired.
var ErrSignInWall = errors.New("download redirected to the sign-in page")

// ErrTooLarge means a file is larger than DownloadOptions.MaxBytes. Trying
// again gives the same answer.
var ErrTooLarge = errors.New("file larger than the size limit")

// errRetryable marks a failure worth another attempt.
type errRetryable struct{ err error }

func (e errRetryable) Error() string { return e.err.Error() }
func (e errRetryable) Unwrap() error { return e.err }

func retryable(err error) error { return errRetryable{err} }

func isRetryable(err error) bool {
	var r errRetryable
	return errors.As(err, &r)
}

// Download fetches every link into opts.Dir, a few at a time, and returns
// one result per link in page order. Same-origin http(s) links are fetched
// by this process with the browser's cookies and user agent; a response
// that is an HTML page where a file was expected, and an element without a
// URL, fall back to the browser's own download. Each file is written to a
// hidden temp name, length-checked, synced, then renamed: a final name
// never holds a partial file. Names are decided in page order (see
// SanitizeFileName and the " (2)" de-duplication), so a retry of the same
// page maps each attachment to the same name and skips a file already
// complete with the expected length. The error is for the folder itself;
// per-file failures are in the results.
//
// A full disk is no file's fault: the file it cut is removed as partial,
// the complete ones stay, no other link starts, and every file it stopped
// fails with an error wrapping the system's (see internal/diskfull). A
// panic in a download (or in Progress) fails its file and makes Download
// return an error carrying it (see internal/panics), after every other
// download ended.
func (t *Tab) Download(ctx context.Context, links []Link, opts DownloadOptions) ([]FileResult, error) {
	f, err := openFolder(opts.Dir)
	if err != nil {
		return nil, err
	}
	defer f.close()
	f.sweep()
	// And again at the end: a browser told to cancel a download may still
	// make that download's private folder (its file thread runs behind the
	// cancel it reports).
	defer f.sweep()
	d := newDownloader(t, f, links, opts)
	defer d.transport.CloseIdleConnections()
	d.run(ctx)
	if d.panicked != nil {
		return d.results, fmt.Errorf("download into %s: %w", opts.Dir, d.panicked)
	}
	return d.results, nil
}

// downloader is one Download call. results[i] is written only by link i's
// goroutine; run reads them after all are done.
type downloader struct {
	tab       *Tab
	folder    *folder
	links     []Link
	opts      DownloadOptions
	origin    *url.URL // nil when opts.Origin is empty or invalid
	log       *slog.Logger
	names     *nameBook
	transport *http.Transport
	results   []FileResult

	progressMu sync.Mutex  // serialises opts.Progress and opts.Bytes
	lastBytes  []time.Time // by link: when opts.Bytes last reported it; guarded by progressMu

	mu       sync.Mutex    // guards the fields below
	diskFull error         // the first disk-full failure: no link starts after it
	panicked *panics.Error // the first panic of a download goroutine
}

func newDownloader(t *Tab, f *folder, links []Link, opts DownloadOptions) *downloader {
	if opts.Parallel <= 0 {
		opts.Parallel = 3
	}
	if opts.Retries == 0 {
		opts.Retries = 2
	} else if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 250 * time.Millisecond
	}
	if opts.BeginTimeout <= 0 {
		opts.BeginTimeout = 15 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 60 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = t.b.log
	}
	d := &downloader{
		tab: t, folder: f, links: links, opts: opts, log: log,
		names:     newNameBook(len(links), opts.Taken),
		transport: newTransport(opts.Parallel),
		results:   make([]FileResult, len(links)),
		lastBytes: make([]time.Time, len(links)),
	}
	if u, err := url.Parse(opts.Origin); err == nil && u.Host != "" {
		d.origin = u
	}
	return d
}

// run starts the links in page order, at most Parallel at a time. Starting
// in order matters: a link only ever waits (for its name) on earlier links,
// which have all started, so the waits cannot form a cycle.
func (d *downloader) run(ctx context.Context) {
	slots := make(chan struct{}, d.opts.Parallel)
	var wg sync.WaitGroup
	for i := range d.links {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			d.finish(i, FileResult{Err: fmt.Errorf("not started: %w", ctx.Err())})
			continue
		}
		if err := d.stopped(); err != nil {
			<-slots
			d.finish(i, FileResult{Err: fmt.Errorf("not started: %w", err)})
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			defer d.recoverFile(i)
			fctx := ctx
			if d.opts.FileTimeout > 0 {
				var cancel context.CancelFunc
				fctx, cancel = context.WithTimeout(ctx, d.opts.FileTimeout)
				defer cancel()
			}
			start := time.Now()
			r := d.fetch(fctx, i)
			if r.Via != "existing" {
				r.Took = time.Since(start)
			}
			d.finish(i, r)
		})
	}
	wg.Wait()
}

// stopped is why no more link may start: a full disk or a panic.
func (d *downloader) stopped() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.panicked != nil {
		return d.panicked
	}
	return d.diskFull
}

// recoverFile, deferred in link i's goroutine, turns a panic there (in the
// download or in the Progress callback) into link i's failure; Download
// reports it once every goroutine ended.
func (d *downloader) recoverFile(i int) {
	v := recover()
	if v == nil {
		return
	}
	pe := panics.New(v)
	d.log.Error("panic in a download", "index", i, "panic", v, "stack", string(pe.Stack))
	d.names.abandon(i)
	d.mu.Lock()
	if d.panicked == nil {
		d.panicked = pe
	}
	d.mu.Unlock()
	d.results[i] = FileResult{Index: i, Link: d.links[i], Name: d.names.name(i), Err: pe}
}

// finish records link i's outcome and reports it.
func (d *downloader) finish(i int, r FileResult) {
	r.Index, r.Link = i, d.links[i]
	if r.Err != nil {
		d.names.abandon(i)
		if diskfull.Is(r.Err) {
			d.mu.Lock()
			if d.diskFull == nil {
				d.diskFull = r.Err
			}
			d.mu.Unlock()
		}
		if r.Name == "" {
			r.Name = d.names.name(i)
		}
		d.log.Warn("download failed", "index", i, "name", r.Name, "url", redactURL(r.Link.URL), "err", r.Err)
	} else {
		d.log.Debug("downloaded", "index", i, "name", r.Name, "bytes", r.Size, "via", r.Via)
	}
	d.results[i] = r
	if d.opts.Progress != nil {
		d.progressMu.Lock()
		defer d.progressMu.Unlock()
		d.opts.Progress(r)
	}
}

// fetch gets link i by HTTP when it has an http(s) URL, falling back to the
// browser's own download when that is what the page needs.
func (d *downloader) fetch(ctx context.Context, i int) FileResult {
	link := d.links[i]
	if r, ok := d.existing(ctx, i); ok {
		return r
	}
	if u, err := url.Parse(link.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		r, fallback := d.viaHTTP(ctx, i, u)
		if !fallback {
			return r
		}
		d.log.Debug("HTML where a file was expected; using the browser's download", "index", i, "url", redactURL(link.URL))
		return d.viaBrowser(ctx, i, u.String(), "")
	}
	if link.Click != "" {
		return d.viaBrowser(ctx, i, "", link.Click)
	}
	if link.URL != "" {
		// blob:, data:, javascript: ... only the page can resolve these.
		return FileResult{Err: fmt.Errorf("link %q: not an http(s) URL and nothing to click", redactURL(link.URL))}
	}
	return FileResult{Err: errors.New("link has neither a URL nor an element to click")}
}

// backoff waits before retry number attempt (1-based), or until ctx ends:
// Backoff doubled per retry, jittered, and at least as long as the server
// asked (Retry-After) in the failure after.
func (d *downloader) backoff(ctx context.Context, attempt int, after error) error {
	wait := jitter(d.opts.Backoff<<(attempt-1), rand.Float64())
	if t, ok := errors.AsType[errThrottled](after); ok {
		wait = max(wait, t.after)
	}
	return sleep(ctx, wait)
}

// errThrottled is a server's answer asking to come back after a while.
type errThrottled struct {
	err   error
	after time.Duration // the Retry-After, 0 when none
}

func (e errThrottled) Error() string { return e.err.Error() }
func (e errThrottled) Unwrap() error { return e.err }
