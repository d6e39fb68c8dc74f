package sim

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"time"
)

// pageData is what every full page's header and footer need.
type pageData struct {
	Title  string
	Assets bool // reference the heavy images, font and video
	User   string
	Lang   string // the html lang attribute
	CSRF   string // the csrf-token meta tag's value, "" for none
}

func (s *Server) pageData(title string) pageData {
	return pageData{Title: title, Assets: !s.opts.NoAssets, Lang: "en"}
}

// recordData fills the "record" template: a PO or a requisition page.
type recordData struct {
	pageData
	Heading        string
	State          string
	Supplier       string
	SupplierMarkup int
	SupplierLabel  string // SupplierLabel markup: the label, in the page's language
	Requisition    string
	Lines          []line
	Section        template.HTML // the attachments section as loaded, "" for none
	ListID         string        // the element the script fills, "" when nothing is inserted
	ListHTML       string        // the attachments panel's content, inserted by script
	Binds          []bind        // handlers the script binds after inserting the list
	Collapsed      bool          // the list loads only once the section's toggle is clicked
	FloatingBar    bool
	DelayMS        int64
	LongPoll       bool
	PollURL        string
	Hang           bool
	AllocMB        int
}

type line struct {
	N     int
	Item  string
	Qty   int
	Price string
}

type errorData struct {
	pageData
	Text   string
	Markup int
}

// render writes one HTML page; pages are never cached so every visit
// reaches the server. end, when not nil, is the request's visit end (see
// track): it runs before the page's last byte goes out.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any, end func()) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("sim: render page", "template", name, "err", err)
		if end != nil {
			end()
		}
		http.Error(w, "render "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if end == nil {
		end = func() {}
	}
	if err := writeThenEnd(w, buf.Bytes(), end); err != nil {
		s.log.Debug("sim: write page", "template", name, "err", err)
	}
}

// writeThenEnd writes b and calls end just before b's last byte, so the
// client cannot hold the whole response before end has run.
func writeThenEnd(w http.ResponseWriter, b []byte, end func()) error {
	if len(b) == 0 {
		end()
		return nil
	}
	if _, err := w.Write(b[:len(b)-1]); err != nil {
		end()
		return err
	}
	end()
	_, err := w.Write(b[len(b)-1:])
	return err
}

func (s *Server) renderError(w http.ResponseWriter, status int, text string, markup int, end func()) {
	if text == "" {
		text = defaultErrorText
	}
	s.render(w, status, "error", errorData{pageData: s.pageData("Coupa"), Text: text, Markup: markup}, end)
}

func (s *Server) renderUnavailable(w http.ResponseWriter, end func()) {
	w.Header().Set("Retry-After", "1")
	s.render(w, http.StatusServiceUnavailable, "unavailable", nil, end)
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	if !s.guard(w, r) || !s.pageDelay(r) {
		return
	}
	pd := s.pageData("Home | Coupa")
	pd.User = s.opts.User
	s.render(w, http.StatusOK, "home", pd, nil)
}

// handlePO serves /order_headers/<id>: the PO page, its error page, or the
// one 503 of FirstTry5xx.
func (s *Server) handlePO(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.guard(w, r) {
		return
	}
	defer s.timePage(id, time.Now())
	end, ok := s.visitPage(r, id, true)
	defer end()
	if !ok {
		return
	}
	s.mu.Lock()
	st, ok := s.pos[id]
	var po PO
	fail := false
	if ok {
		po = copyPO(st.po)
		if po.FirstTry5xx && !st.triedOnce {
			st.triedOnce, fail = true, true
		}
	}
	if !fail {
		s.stats.Pages[id]++
	}
	s.mu.Unlock()
	switch {
	case fail:
		s.renderUnavailable(w, end)
	case !ok:
		s.renderError(w, http.StatusNotFound, "", ErrorFlashUnderscore, end)
	case po.NotFound != 0:
		s.renderError(w, po.NotFound, po.ErrorText, po.ErrorMarkup, end)
	default:
		d := s.recordData("PO "+po.ID+" | Coupa", "Purchase Order #"+po.ID, po.ID)
		d.State = "Issued"
		d.Supplier, d.SupplierMarkup, d.Requisition = po.Supplier, po.SupplierMarkup, po.Requisition
		l := language(po.Language)
		d.Lang, d.SupplierLabel, d.FloatingBar = l.code, l.supplier, po.FloatingBar
		d.CSRF = fmt.Sprintf("%016x", s.derive("csrf", po.ID).Uint64())
		d.Section, d.ListID, d.Collapsed = sectionHTML(po, l)
		if d.ListID != "" {
			d.ListHTML, d.Binds = listHTML(po.Attachments, "/order_headers/"+po.ID, po.Layout, l)
		}
		d.DelayMS = s.insertDelay(po).Milliseconds()
		d.LongPoll, d.PollURL = po.LongPoll, "/poll?po="+po.ID
		d.Hang, d.AllocMB = po.Hang, po.AllocMB
		s.render(w, http.StatusOK, "record", d, end)
	}
}

// handleRequisition serves /requisition_headers/<id>.
func (s *Server) handleRequisition(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.guard(w, r) {
		return
	}
	end, ok := s.visitPage(r, s.poOfRequisition(id), false)
	defer end()
	if !ok {
		return
	}
	s.mu.Lock()
	st, ok := s.reqs[id]
	var rq Requisition
	if ok {
		rq = st.rq
	}
	s.stats.Requisitions[id]++
	s.mu.Unlock()
	switch {
	case !ok:
		s.renderError(w, http.StatusNotFound, "", ErrorFlashUnderscore, end)
	case rq.Denied:
		s.renderError(w, http.StatusOK, TextNotAuthorized, ErrorFlashUnderscore, end)
	default:
		d := s.recordData("Requisition "+rq.ID+" | Coupa", "Requisition #"+rq.ID, "req/"+rq.ID)
		d.State = "Ordered"
		d.Section, d.ListID, _ = sectionHTML(PO{}, language(""))
		d.ListHTML, d.Binds = listHTML(rq.Attachments, "/requisition_headers/"+rq.ID, LayoutList, language(""))
		d.DelayMS = s.insertDelay(PO{ID: "req/" + rq.ID}).Milliseconds()
		s.render(w, http.StatusOK, "record", d, end)
	}
}

// handleOpen serves ShapeScriptRedirect's /attachments/<id>/open: an HTML
// page whose script goes on to the file.
func (s *Server) handleOpen(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.guard(w, r) {
		return
	}
	s.mu.Lock()
	st, ok := s.atts[id]
	var po string
	if ok {
		po = s.poOfAttachmentLocked(st)
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	end, ok := s.visitPage(r, po, false)
	defer end()
	if !ok {
		return
	}
	s.render(w, http.StatusOK, "open", struct{ URL string }{"/files/" + id}, end)
}

func (s *Server) recordData(title, heading, key string) recordData {
	pd := s.pageData(title)
	pd.User = s.opts.User
	return recordData{pageData: pd, Heading: heading, Lines: s.lines(key)}
}

var items = []string{"Laptop docking station", "Safety gloves (box of 100)", "Consulting services – phase 1",
	"Printer toner cartridge", "Office chairs", "Annual software licence", "Forklift maintenance",
	"Cleaning services", "Network switch 48-port", "Catering for workshop"}

// lines are the page's order lines, deterministic from (seed, key).
func (s *Server) lines(key string) []line {
	r := s.derive("lines", key)
	n := 1 + r.IntN(3)
	out := make([]line, n)
	for i := range out {
		cents := 500 + r.IntN(500000)
		out[i] = line{N: i + 1, Item: items[r.IntN(len(items))], Qty: 1 + r.IntN(20),
			Price: fmt.Sprintf("%d.%02d USD", cents/100, cents%100)}
	}
	return out
}

// handleFrame serves LayoutFrame's /order_headers/<id>/attachments_frame:
// the page inside the section's iframe, whose script lists the files.
func (s *Server) handleFrame(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.guard(w, r) {
		return
	}
	end, ok := s.visitPage(r, id, false)
	defer end()
	if !ok {
		return
	}
	po, ok := s.PO(id)
	if !ok || po.NotFound != 0 || po.Layout != LayoutFrame {
		end()
		http.NotFound(w, r)
		return
	}
	l := language(po.Language)
	d := frameData{Lang: l.code, Loading: l.loading}
	d.ListHTML, d.Binds = listHTML(po.Attachments, "/order_headers/"+po.ID, LayoutList, l)
	d.DelayMS = s.insertDelay(po).Milliseconds()
	s.render(w, http.StatusOK, "frame", d, end)
}

// frameData fills the "frame" template.
type frameData struct {
	Lang, Loading string
	ListHTML      string
	Binds         []bind
	DelayMS       int64
}
