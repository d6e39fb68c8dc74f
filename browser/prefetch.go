package browser

import (
	"context"
	"net/http"
	"net/url"
	"sync"
)

// Prefetch holds HTTP requests started before their Download: a caller that
// already sees a page's links, while it still waits for the page to settle,
// starts the requests of the first files so the server's time to their
// first byte passes meanwhile. Download (DownloadOptions.Prefetched) takes
// the response of a link it fetches over HTTP instead of asking again; its
// body is read then, so no file is written before Download decides its
// name. Close gives up the responses nobody took.
type Prefetch struct {
	transport *http.Transport

	mu    sync.Mutex // guards byURL and closed
	byURL map[string]*prefetched
	wg    sync.WaitGroup // the request goroutines
	done  bool
}

// prefetched is one early request. resp and err are written once, before
// ready closes.
type prefetched struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	ready  chan struct{}
	resp   *http.Response
	err    error
}

// Prefetch starts GET requests for the first opts.Parallel links that are
// http(s) URLs and match no opts.Known file, exactly as Download would
// send them (the browser's cookies on the site's origin only, its user
// agent, the same redirect rules), each once the site's gate lets it. ctx
// bounds the requests until Download takes them; Close ends them.
func (t *Tab) Prefetch(ctx context.Context, links []Link, opts DownloadOptions) *Prefetch {
	d := newDownloader(t, nil, links, opts)
	p := &Prefetch{transport: d.transport, byURL: map[string]*prefetched{}}
	started := 0
	for i, l := range links {
		if started >= d.opts.Parallel {
			break
		}
		u, err := url.Parse(l.URL)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			continue
		}
		if _, kept := d.known(i); kept {
			continue // Download keeps its file without a request
		}
		if _, dup := p.byURL[u.String()]; dup {
			continue
		}
		pctx, cancel := context.WithCancelCause(ctx)
		pf := &prefetched{ctx: pctx, cancel: cancel, ready: make(chan struct{})}
		p.byURL[u.String()] = pf
		started++
		p.wg.Go(func() {
			defer close(pf.ready)
			if err := t.b.opts.Gate.Wait(pctx); err != nil {
				pf.err = err
				return
			}
			client, err := d.client(pctx, u)
			if err != nil {
				pf.err = err
				return
			}
			req, err := http.NewRequestWithContext(pctx, http.MethodGet, u.String(), nil)
			if err != nil {
				pf.err = err
				return
			}
			d.prepare(req)
			pf.resp, pf.err = client.Do(req)
		})
	}
	return p
}

// has reports whether rawURL has an early request nobody took yet.
func (p *Prefetch) has(rawURL string) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byURL[rawURL] != nil && !p.done
}

// take returns the early request of rawURL, once; nil when there is none.
func (p *Prefetch) take(rawURL string) *prefetched {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pf := p.byURL[rawURL]
	delete(p.byURL, rawURL)
	if p.done {
		return nil
	}
	return pf
}

// Close ends every request nobody took and waits for them. Idempotent.
func (p *Prefetch) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.done = true
	left := p.byURL
	p.byURL = nil
	p.mu.Unlock()
	for _, pf := range left {
		pf.cancel(context.Canceled)
	}
	p.wg.Wait()
	for _, pf := range left {
		if pf.resp != nil {
			pf.resp.Body.Close()
		}
	}
	p.transport.CloseIdleConnections()
}

// do sends req, or takes its early request when there is one: req's
// context then governs it (its end, the idle watchdog's included, ends the
// early request too).
func (d *downloader) do(client *http.Client, req *http.Request) (*http.Response, error) {
	pf := d.opts.Prefetched.take(req.URL.String())
	if pf == nil {
		return client.Do(req)
	}
	ctx := req.Context()
	context.AfterFunc(ctx, func() { pf.cancel(context.Cause(ctx)) })
	select {
	case <-pf.ready:
	case <-ctx.Done():
		<-pf.ready
		if pf.resp != nil {
			pf.resp.Body.Close()
		}
		return nil, ctx.Err()
	}
	return pf.resp, pf.err
}
