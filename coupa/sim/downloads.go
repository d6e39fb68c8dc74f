package sim

import (
	"net"
	"net/http"
	"strconv"
	"time"
)

// Slow downloads are paced at slowChunk bytes per slowTick: 256 KiB/s.
const (
	slowChunk = 16 << 10
	slowTick  = time.Second / 16
)

func (s *Server) handlePOAttachment(w http.ResponseWriter, r *http.Request) {
	s.serveAttachment(w, r, r.PathValue("id"))
}

func (s *Server) handleRequisitionAttachment(w http.ResponseWriter, r *http.Request) {
	s.serveAttachment(w, r, r.PathValue("id"))
}

func (s *Server) handleDownloadQuery(w http.ResponseWriter, r *http.Request) {
	s.serveAttachment(w, r, r.URL.Query().Get("file"))
}

func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) {
	s.serveAttachment(w, r, r.PathValue("id"))
}

// downloadMode is what one download attempt does.
type downloadMode int

const (
	serveWhole downloadMode = iota
	serve503
	serveCut
)

// serveAttachment answers one download: behind the sign-in wall, with the
// attachment's one-shot faults (503 first, then a cut), paced when Slow.
// Every URL shape serves any attachment by id; the shapes differ only in
// how the page presents them.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, id string) {
	began := time.Now()
	if !s.guard(w, r) {
		return
	}
	s.mu.Lock()
	st, ok := s.atts[id]
	if !ok {
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	a := st.a
	po := s.poOfAttachmentLocked(st)
	body := s.contentLocked(a)
	mode := serveWhole
	if r.Method != http.MethodHead {
		s.stats.DownloadStarts[id]++
		switch {
		case a.Fail5xxOnce && !st.failed:
			st.failed, mode = true, serve503
		case st.fails < a.Fail5xxTimes:
			st.fails++
			mode = serve503
		case a.CutOnce && !st.cut:
			st.cut, mode = true, serveCut
		}
	}
	s.mu.Unlock()
	end := s.track(r, po, false)
	defer end()
	defer s.timeFile(po, id, began)
	if !s.downloadDelay(r, id) {
		return
	}

	if mode == serve503 {
		s.log.Debug("sim: download answers 503 once", "attachment", id)
		end() // the small answer is sent only after the handler returns; end first anyway
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(a.Name))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Content-Disposition", contentDisposition(a))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	// A whole download ends its visit and counts as done just before its
	// last byte goes out, so a client holding the whole file always finds
	// it counted in Stats.
	send, beforeLast := body, func() {
		end()
		s.mu.Lock()
		s.stats.Downloads[id]++
		s.mu.Unlock()
	}
	if mode == serveCut {
		send, beforeLast = body[:len(body)/2], func() {}
	}
	if !s.write(w, r, send, a.Slow, beforeLast) {
		s.log.Debug("sim: download interrupted by the client", "attachment", id)
		return
	}
	if mode == serveCut {
		s.log.Debug("sim: download cut once", "attachment", id, "sent", len(send), "of", len(body))
		end() // before the client sees the cut and retries
		s.cutConnection(w)
	}
}

// write sends b, paced at 256 KiB/s when slow, and calls beforeLast just
// before b's last byte (see track). It reports false when the client went
// away or the server is closing.
func (s *Server) write(w http.ResponseWriter, r *http.Request, b []byte, slow bool, beforeLast func()) bool {
	rc := http.NewResponseController(w)
	var tick <-chan time.Time
	if slow {
		t := time.NewTicker(slowTick)
		defer t.Stop()
		tick = t.C
	}
	for len(b) > 0 {
		n := len(b)
		if slow {
			n = min(slowChunk, n)
		}
		chunk := b[:n]
		b = b[n:]
		if len(b) == 0 {
			return writeThenEnd(w, chunk, beforeLast) == nil
		}
		if _, err := w.Write(chunk); err != nil {
			return false
		}
		if err := rc.Flush(); err != nil {
			return false
		}
		select {
		case <-tick:
		case <-r.Context().Done():
			return false
		}
	}
	beforeLast()
	return true
}

// cutConnection flushes what was written and closes the connection, so the
// client holds fewer bytes than Content-Length promised.
func (s *Server) cutConnection(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	if err := rc.Flush(); err != nil {
		s.log.Debug("sim: flush before cut", "err", err)
	}
	conn, _, err := rc.Hijack()
	if err != nil {
		s.log.Error("sim: hijack to cut a download", "err", err)
		return
	}
	// Half-close first so the bytes already sent arrive before the end.
	if tc, ok := conn.(*net.TCPConn); ok {
		if err := tc.CloseWrite(); err != nil {
			s.log.Debug("sim: half-close cut connection", "err", err)
		}
	}
	if err := conn.Close(); err != nil {
		s.log.Debug("sim: close cut connection", "err", err)
	}
}
