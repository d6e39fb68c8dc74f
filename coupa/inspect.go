package coupa

import (
	"context"
	"fmt"
	"time"

	"coupatui/browser"
	"coupatui/vocab"
)

// Report is what the analyser saw on one PO page and the outcome it leads
// to, before any download: what `coupatui inspect PO` prints.
type Report struct {
	PO         string
	URL        string // the PO page
	FinalURL   string // where the browser ended, query stripped
	HTTPStatus int
	// Status is the outcome the page leads to. COMPLETED means "files to
	// fetch": the PO ends COMPLETED when every one downloads. PENDING means
	// Coupa asked for a sign-in.
	Status       vocab.Status
	Why          string
	Title        string
	Section      string   // how the attachments section was found, "" when none
	Opened       []string // collapsed panels the analyser opened
	Files        []ReportFile
	Unknown      []string // items of the section that name no file
	Empty        string   // the empty list's text, when shown
	ErrorText    string   // a not-found text or error region, when shown
	Supplier     string
	SupplierFrom string // the marker, selector or label it came from
	Requisition  string // the linked requisition, query stripped
	// FollowsRequisition: with the PR fallback the requisition's files
	// would be fetched too (the PO shows no PDF).
	FollowsRequisition bool
	Saved              string // where the page was saved, "" when it was not
	Waited             time.Duration
}

// ReportFile is one attachment the analyser found.
type ReportFile struct {
	Text  string // what the page shows for it
	Fetch string // how it would be fetched
	By    string // the rule that found it
}

// Inspect opens one PO in a new tab of b and reports what the analyser
// saw, downloading nothing. With PagesDir set the page is saved too.
func (s *Site) Inspect(ctx context.Context, b *browser.Browser, po string) (Report, error) {
	rep := Report{PO: po, URL: s.POURL(po)}
	tab, err := b.NewTab(ctx)
	if err != nil {
		return rep, fmt.Errorf("inspect PO %s: %w", po, err)
	}
	defer tab.Close()
	pctx, cancel := context.WithTimeout(ctx, s.pageTimeout())
	resp, err := tab.Navigate(pctx, rep.URL)
	cancel()
	if err != nil {
		return rep, fmt.Errorf("inspect PO %s: open %s: %w", po, rep.URL, err)
	}
	rep.FinalURL, rep.HTTPStatus = stripQueries(resp.URL), resp.Status
	switch {
	case isSignInRaw(resp.URL) || resp.Status == 401:
		rep.Status, rep.Why = vocab.Pending, "Coupa shows its sign-in page: run `coupatui login`"
		return rep, nil
	case resp.Status >= 500, resp.Status == 408, resp.Status == 429:
		rep.Status, rep.Why = vocab.Failed, fmt.Sprintf("the page answered HTTP %d (retried in a run)", resp.Status)
		return rep, nil
	}
	st, err := s.analyze(ctx, tab, po, false)
	if err != nil {
		return rep, fmt.Errorf("inspect PO %s: %w", po, err)
	}
	v := s.judge(resp.Status, st)
	rep.Why, rep.Title, rep.Section, rep.Opened = v.why, st.Title, st.Section, st.Opened
	rep.Unknown, rep.Empty, rep.Waited = st.Unknown, st.Empty, time.Duration(st.WaitedMS*float64(time.Millisecond))
	rep.ErrorText = st.KnownError
	if rep.ErrorText == "" {
		rep.ErrorText = st.ErrorRegion
	}
	rep.Supplier, rep.SupplierFrom = st.Supplier, st.SupplierFrom
	rep.Requisition = stripQueries(st.Requisition)
	for _, l := range st.Links {
		f := ReportFile{Text: l.Text, By: l.By}
		switch {
		case l.Href != "":
			f.Fetch = "HTTP GET " + stripQueries(l.Href) + " (the browser's download if it answers a page)"
		case l.Frame:
			f.Fetch = "click in a frame of the page (the browser's download)"
		default:
			f.Fetch = "click in the page (the browser's download)"
		}
		rep.Files = append(rep.Files, f)
	}
	switch v.kind {
	case pageFiles:
		rep.Status = vocab.Completed
		if v.unknown != "" {
			rep.Status, rep.Why = vocab.Unrecognised, v.why+"; "+v.unknown
		}
	case pageEmpty:
		rep.Status = vocab.NoAttachments
	case pageNotFound:
		rep.Status = vocab.NotFound
	case pageSignIn:
		rep.Status = vocab.Pending
	case pageUnrecognised:
		rep.Status = vocab.Unrecognised
	case pageTimeout:
		rep.Status = vocab.Timeout
	default:
		rep.Status = vocab.Failed
	}
	if (rep.Status == vocab.Completed || rep.Status == vocab.NoAttachments) && st.Requisition != "" && !anyPDF(st.Links) {
		rep.FollowsRequisition = s.PRFallback
	}
	if s.PagesDir != "" {
		rep.Saved, _ = s.savePageOf(ctx, tab, po, "") // "" when it could not be; logged
	}
	return rep, nil
}
