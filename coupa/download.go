package coupa

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"coupatui/browser"
	"coupatui/internal/diskfull"
	"coupatui/vocab"
)

// download fetches links into the PO's folder (prepared on first use).
func (r *poRun) download(links []pageLink) bool {
	s := r.site
	if r.folder == nil {
		r.folder = &poFolder{parent: s.parentDir(r.job, r.res.Supplier), po: r.job.PO}
		t0 := time.Now()
		err := r.folder.prepare()
		since(&r.res.Steps.Folder, t0)
		if err != nil {
			r.set(vocab.Failed, true, err)
			return false
		}
	}
	// Places count over the PO's links, then the requisition's.
	offset := len(r.files)
	opts, err := r.downloadOptions(links, offset)
	if err != nil {
		r.set(vocab.Failed, false, err)
		return false
	}
	inFlight := map[int]FileProgress{} // by link, touched only by the serialised callbacks below
	flying := func() []FileProgress {
		var out []FileProgress
		for _, i := range slices.Sorted(maps.Keys(inFlight)) {
			out = append(out, inFlight[i])
		}
		return out
	}
	var taken []string // names the PO's own files got, when these are the requisition's
	for _, f := range r.files {
		if f.Name != "" {
			taken = append(taken, f.Name)
		}
	}
	done := r.res.Downloaded
	opts.Taken, opts.Dir = taken, r.folder.work
	if offset == 0 {
		opts.Prefetched = r.prefetch
		defer r.prefetch.Close()
	}
	opts.Bytes = func(b browser.FileBytes) {
		name := b.Name
		if name == "" {
			name = links[b.Index].Text
		}
		inFlight[b.Index] = FileProgress{Name: name, Done: b.Done, Total: b.Total}
		r.progress(Progress{Phase: "downloading", Found: r.res.Found, Done: done, InFlight: flying()})
	}
	opts.Progress = func(f browser.FileResult) {
		delete(inFlight, f.Index)
		if f.Err == nil {
			done++
			saved := &File{Index: offset + f.Index, Label: f.Link.Text, URL: browser.StripQuery(f.Link.URL),
				Name: f.Name, Size: f.Size, SHA256: f.SHA256}
			r.progress(Progress{Phase: "downloading", Found: r.res.Found, Done: done, File: f.Name, Bytes: f.Size, Saved: saved,
				Took: f.Took, InFlight: flying()})
		} else {
			r.progress(Progress{Phase: "downloading", Found: r.res.Found, Done: done, InFlight: flying()})
		}
	}
	t0 := time.Now()
	defer since(&r.res.Steps.Downloads, t0)
	results, err := r.tab.Download(r.ctx, toBrowserLinks(links), opts)
	if err != nil {
		r.set(vocab.Failed, true, err) // a panic in a download: one failed attempt
		return false
	}
	r.files = append(r.files, results...)
	for _, f := range results {
		if f.Err == nil {
			r.res.Downloaded++
			r.res.Files = append(r.res.Files, f.Name)
		}
	}
	if r.ctx.Err() != nil {
		r.fail(r.ctx.Err())
		return false
	}
	for _, f := range results {
		if errors.Is(f.Err, browser.ErrSignInWall) {
			r.signIn("a download")
			return false
		}
		if diskfull.Is(f.Err) {
			r.set(vocab.Pending, false, fmt.Errorf("%s not saved: %w", fileName(f), f.Err))
			return false
		}
	}
	return true
}

// downloadOptions are the options of downloading links, the page's links
// from place offset on (the PO's links, then the requisition's): the same
// for an early request (Tab.Prefetch) as for the download itself.
func (r *poRun) downloadOptions(links []pageLink, offset int) (browser.DownloadOptions, error) {
	s := r.site
	origin, err := s.origin()
	if err != nil {
		return browser.DownloadOptions{}, fmt.Errorf("base URL %q: %w", s.BaseURL, err)
	}
	var known []browser.Known
	for _, h := range r.job.Have {
		if i := h.Index - offset; i >= 0 && i < len(links) {
			known = append(known, browser.Known{Index: i, URL: h.URL, Text: h.Label, Name: h.Name, Size: h.Size, SHA256: h.SHA256})
		}
	}
	return browser.DownloadOptions{
		Known:       known,
		Origin:      origin.String(),
		Parallel:    s.downloads(),
		FileTimeout: s.DownloadTimeout,
		MaxBytes:    s.MaxFileBytes,
		IsSignIn:    IsSignInURL,
		Logger:      s.Logger,
	}, nil
}

func toBrowserLinks(links []pageLink) []browser.Link {
	bl := make([]browser.Link, len(links))
	for i, l := range links {
		bl[i] = l.link()
	}
	return bl
}

// fileName names a file in messages: its name on disk, else the page's text.
func fileName(f browser.FileResult) string {
	if f.Name != "" {
		return f.Name
	}
	return f.Link.Text
}
