package coupa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"coupatui/browser"
	"coupatui/internal/diskfull"
	"coupatui/vocab"
)

// Process fetches one PO in a fresh tab of b: it loads the PO page, decides
// what it shows, downloads its attachments (and, with PRFallback, those of
// its requisition) into the PO's folder, and returns the outcome. It never
// panics and honours ctx: a deadline gives Timeout, a cancellation
// Cancelled. progress (may be nil) is called as the work advances, from
// this goroutine or a download's, never concurrently.
func (s *Site) Process(ctx context.Context, b *browser.Browser, job Job, progress func(Progress)) (res Result) {
	res = Result{PO: job.PO, URL: s.POURL(job.PO)}
	if progress == nil {
		progress = func(Progress) {}
	}
	start := time.Now()
	run := &poRun{site: s, ctx: ctx, job: job, progress: timePage(&res, start, progress), res: &res}
	defer func() {
		res.Finished = time.Now()
		if res.PageTime == 0 && run.tab != nil {
			res.PageTime = res.Finished.Sub(start) // the page decided the outcome
		}
	}()
	if b == nil {
		run.set(vocab.Failed, true, errors.New("no browser"))
		return res
	}

	t0 := time.Now()
	tab, err := b.Tab(ctx)
	since(&res.Steps.Tab, t0)
	if err != nil {
		run.fail(fmt.Errorf("open tab: %w", err))
		if errors.Is(err, browser.ErrClosed) || b.Err() != nil {
			res.Err = errors.Join(res.Err, ErrBrowserUnhealthy)
		}
		return res
	}
	defer func() {
		defer since(&res.Steps.Park, time.Now())
		// A clean end keeps the tab for the next PO; after a timeout or a
		// cancellation the page may still be running: close it.
		if ctx.Err() == nil && res.Status != vocab.Timeout && res.Status != vocab.Cancelled {
			if err := tab.Park(); err == nil {
				return
			}
		}
		if err := tab.Close(); err != nil {
			s.log().Warn("closing the tab failed; the browser needs a restart", "po", job.PO, "err", err)
			res.Err = errors.Join(res.Err, err) // wraps ErrBrowserUnhealthy
		}
	}()
	run.tab = tab
	run.process()
	run.prefetch.Close() // requests of a PO that ended before its downloads
	s.log().Info("PO processed", "po", job.PO, "status", res.Status, "found", res.Found,
		"downloaded", res.Downloaded, "folder", res.Folder, "err", res.Err)
	return res
}

// poRun is the state of one Process call; only its goroutine touches it
// (download progress callbacks are serialised by the downloader).
type poRun struct {
	site     *Site
	ctx      context.Context
	job      Job
	progress func(Progress)
	res      *Result
	tab      *browser.Tab
	folder   *poFolder
	files    []browser.FileResult // every download result, PO's then requisition's
	prDenied bool                 // the PR fallback was needed and the requisition refused
	// unrecognised says why a page was not understood (a PO page's section
	// with unknown items, or a requisition page); the PO ends UNRECOGNISED.
	unrecognised []string
	// prefetch holds the requests of the PO's first files, started as soon
	// as its page showed them (before it settled); nil when none.
	prefetch *browser.Prefetch
	paged    bool // Job.PageDone was called
}

func (r *poRun) process() {
	s := r.site
	r.progress(Progress{Phase: "opening"})
	st, ok := r.openRecord(r.res.URL, "PO "+r.job.PO, r.job.PO, "")
	if !ok {
		return
	}
	links := st.Links
	needPR := s.PRFallback && st.Requisition != "" && !anyPDF(links)
	r.res.Found = len(links)
	r.progress(Progress{Phase: "listing", Found: r.res.Found})

	r.pageDone()
	if len(links) > 0 && !r.download(links) {
		return
	}
	if needPR {
		r.progress(Progress{Phase: "requisition", Found: r.res.Found, Done: r.res.Downloaded})
		if !r.requisition(st.Requisition) {
			return
		}
	}
	r.decide()
}

// pageDone tells the caller, once, that the PO works in its own tab from
// now on (Job.PageDone).
func (r *poRun) pageDone() {
	if !r.paged && r.job.PageDone != nil {
		r.paged = true
		r.job.PageDone()
	}
}

// read runs the analyser on the page loaded in the tab. On a PO page it
// first takes an early look: when attachments show before the page has
// settled, the requests of its first files start at once and the caller
// may open the next PO, while a second, full run of the analyser waits for
// the page to settle as a single run would (its windows are not shortened,
// and only its description decides). The early look's links only start
// requests: the files are named and written by the download of the final
// links.
func (r *poRun) read(id string, requisition bool) (pageState, error) {
	s := r.site
	t0 := time.Now()
	timed := func(st pageState) {
		read := time.Since(t0)
		markers := min(read, time.Duration(st.DecidedMS*float64(time.Millisecond)))
		r.res.Steps.Markers += markers
		r.res.Steps.Extract += read - markers
		t0 = time.Now()
	}
	st, err := s.analyze(r.ctx, r.tab, id, !requisition)
	timed(st)
	if err != nil || st.Outcome != "early" {
		return st, err
	}
	if opts, err := r.downloadOptions(st.Links, 0); err == nil {
		r.prefetch = r.tab.Prefetch(r.ctx, toBrowserLinks(st.Links), opts)
	}
	r.pageDone()
	full, err := s.analyze(r.ctx, r.tab, id, false)
	timed(full)
	full.Opened = append(st.Opened, full.Opened...)
	full.WaitedMS += st.WaitedMS
	return full, err
}

// openRecord loads a PO page (reqID "") or a requisition page and reads
// it. It returns true when the page shows files or an empty list; else
// the outcome is decided (wall, error page, 5xx, timeout, unrecognised),
// except that a refused requisition only sets prDenied.
func (r *poRun) openRecord(pageURL, what, id, reqID string) (pageState, bool) {
	s := r.site
	requisition := reqID != ""
	t0 := time.Now()
	resp, timedOut, err := r.navigate(pageURL)
	since(&r.res.Steps.Navigate, t0)
	if err != nil {
		if r.ctx.Err() == nil && timedOut {
			err = fmt.Errorf("%s did not load within %s: %w", what, s.pageTimeout(), context.DeadlineExceeded)
		}
		r.fail(fmt.Errorf("open %s: %w", what, err))
		return pageState{}, false
	}
	if isSignInRaw(resp.URL) {
		r.signIn(what)
		return pageState{}, false
	}
	switch {
	case resp.Status == 401:
		r.signIn(what)
		return pageState{}, false
	case resp.Status >= 500, resp.Status == 408, resp.Status == 429:
		r.set(vocab.Failed, true, fmt.Errorf("%s answered HTTP %d", what, resp.Status))
		return pageState{}, false
	}
	st, err := r.read(id, requisition)
	if err != nil {
		r.fail(fmt.Errorf("read %s: %w", what, err))
		return st, false
	}
	if !requisition {
		r.res.Supplier = st.Supplier
	}
	v := s.judge(resp.Status, st)
	s.log().Debug("page read", "po", r.job.PO, "page", what, "verdict", v.kind, "why", v.why,
		"attachments", len(st.Links), "supplier", st.Supplier, "supplier_from", st.SupplierFrom,
		"section", st.Section, "requisition", st.Requisition != "", "waited_ms", int(st.WaitedMS))
	saved := ""
	if v.kind == pageUnrecognised || v.unknown != "" || s.SavePages {
		saved = s.savePageNote(r.ctx, r.tab, r.job.PO, reqID)
	}
	switch v.kind {
	case pageFiles, pageEmpty:
		if v.unknown != "" {
			r.unrecognised = append(r.unrecognised, fmt.Sprintf("%s: %s%s", what, v.unknown, saved))
		}
		return st, true
	case pageSignIn:
		r.signIn(what)
	case pageNotFound:
		msg := fmt.Sprintf("%s: %s", what, v.why)
		if requisition {
			r.prDenied, r.res.Err = true, errors.New(msg)
		} else {
			r.set(vocab.NotFound, false, errors.New(msg))
		}
	case pageTimeout:
		r.set(vocab.Timeout, true, fmt.Errorf("%s: %s", what, v.why))
	case pageUnrecognised:
		r.unrecognised = append(r.unrecognised, fmt.Sprintf("%s not recognised: %s%s", what, v.why, saved))
		if requisition {
			r.decide()
		} else {
			r.set(vocab.Unrecognised, true, errors.New(strings.Join(r.unrecognised, "; ")))
		}
	default:
		r.set(vocab.Failed, v.retryable, fmt.Errorf("%s: %s", what, v.why))
	}
	return st, false
}

// requisition reads the linked requisition and downloads its files into
// the PO's folder. It returns false when the outcome is decided.
func (r *poRun) requisition(href string) bool {
	id := requisitionID(href)
	st, ok := r.openRecord(href, "requisition "+id, id, id)
	if !ok {
		if r.prDenied {
			r.decide()
		}
		return false
	}
	r.res.Found += len(st.Links)
	if len(st.Links) == 0 {
		return true
	}
	return r.download(st.Links)
}

// timePage wraps progress to note in res when the page was read: the
// first report that lists its attachments.
func timePage(res *Result, start time.Time, progress func(Progress)) func(Progress) {
	return func(p Progress) {
		if p.Phase == "listing" && res.PageTime == 0 {
			res.PageTime = time.Since(start)
		}
		progress(p)
	}
}

// decide sets the final status from the downloads.
func (r *poRun) decide() {
	var failed []string
	retry := false // some failed file may come with another attempt
	for _, f := range r.files {
		if f.Err != nil {
			msg := fmt.Sprintf("%s: %v", fileName(f), f.Err)
			if errors.Is(f.Err, browser.ErrTooLarge) {
				msg += " (max_file_mb)"
			} else {
				retry = true
			}
			failed = append(failed, msg)
		}
	}
	var fileErr error
	if len(failed) > 0 {
		const shown = 3
		msg := fmt.Sprintf("%d of %d files failed: %s", len(failed), r.res.Found, strings.Join(failed[:min(shown, len(failed))], "; "))
		if len(failed) > shown {
			msg += fmt.Sprintf("; and %d more", len(failed)-shown)
		}
		fileErr = errors.New(msg)
	}
	switch {
	case r.prDenied:
		r.set(vocab.PRNotAccessible, false, errors.Join(r.res.Err, fileErr))
	case len(r.unrecognised) > 0:
		r.set(vocab.Unrecognised, true, errors.Join(errors.New(strings.Join(r.unrecognised, "; ")), fileErr))
	case r.res.Found == 0:
		r.set(vocab.NoAttachments, false, nil)
	case r.res.Downloaded == r.res.Found:
		r.set(vocab.Completed, false, nil)
	case r.res.Downloaded > 0:
		r.set(vocab.Partial, retry, fileErr)
	default:
		r.set(vocab.Failed, retry, fileErr)
	}
}

// fail classifies an error that ended the run early.
func (r *poRun) fail(err error) {
	switch {
	case errors.Is(err, ErrSignInRequired):
		r.set(vocab.Pending, false, err)
	case r.ctx.Err() != nil && errors.Is(r.ctx.Err(), context.Canceled):
		r.set(vocab.Cancelled, false, err)
	case errors.Is(err, context.DeadlineExceeded) || r.ctx.Err() != nil:
		r.set(vocab.Timeout, true, err)
	default:
		r.set(vocab.Failed, true, err)
	}
}

func (r *poRun) signIn(where string) {
	r.set(vocab.Pending, false, signInRequired(where))
}

// set records the outcome and settles the folder: renamed to its status
// when files were written, removed when empty.
//
// A full disk settles nothing: the PO is PENDING with the error (the pool
// holds and puts it back in the queue), and its folder stays __WORK with
// every complete file in it, for the next attempt to take back.
func (r *poRun) set(st vocab.Status, retryable bool, err error) {
	r.res.Status, r.res.Retryable, r.res.Err = st, retryable, err
	if diskfull.Is(err) {
		r.res.Status, r.res.Retryable = vocab.Pending, false
		if r.folder != nil {
			r.res.Folder = r.folder.work
		}
		return
	}
	if r.folder == nil {
		return
	}
	t0 := time.Now()
	folder, ferr := r.folder.finish(st)
	since(&r.res.Steps.Finish, t0)
	r.res.Folder = folder
	if ferr != nil {
		r.res.Err = errors.Join(r.res.Err, ferr)
		if diskfull.Is(ferr) {
			r.res.Status, r.res.Retryable = vocab.Pending, false
		}
	}
}

func anyPDF(links []pageLink) bool {
	for _, l := range links {
		if l.PDF {
			return true
		}
	}
	return false
}

// requisitionID is the id at the end of a requisition URL.
func requisitionID(href string) string {
	i := strings.LastIndex(href, "requisition_headers/")
	if i < 0 {
		return href
	}
	id := href[i+len("requisition_headers/"):]
	if j := strings.IndexAny(id, "/?#"); j >= 0 {
		id = id[:j]
	}
	return id
}
