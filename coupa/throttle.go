package coupa

import (
	"context"

	"coupatui/browser"
)

// throttledReloads is how many more times one attempt loads a page the
// site answered with 429 or 503 and a Retry-After; each load waits for the
// pause the answer started (see browser.Gate).
const throttledReloads = 3

// navigate loads a page once the site's gate lets it through, within the
// page timeout; the wait for the gate is not part of that timeout, only of
// the attempt's. A page answered 429/503 with Retry-After is loaded again
// after the pause, a few times, so a throttling site costs time, not
// attempts. timedOut reports that the page timeout ended the load.
func (r *poRun) navigate(pageURL string) (resp browser.Response, timedOut bool, err error) {
	s := r.site
	gate := r.tab.Browser().Gate()
	for try := 0; ; try++ {
		if err := gate.Wait(r.ctx); err != nil {
			return browser.Response{}, false, err
		}
		pctx, cancel := context.WithTimeout(r.ctx, s.pageTimeout())
		resp, err = r.tab.Navigate(pctx, pageURL)
		timedOut = pctx.Err() != nil
		cancel()
		if err != nil || resp.RetryAfter <= 0 || try == throttledReloads {
			return resp, timedOut, err
		}
		s.log().Info("page throttled; loading it again after the pause", "po", r.job.PO,
			"status", resp.Status, "retry_after", resp.RetryAfter)
	}
}
