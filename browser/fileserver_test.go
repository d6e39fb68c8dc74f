package browser

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// testFile is what the test server answers on one path.
type testFile struct {
	body        []byte
	disposition string // Content-Disposition; "" for none
	contentType string
	failTimes   int // answer 503 this many times first
	busyTimes   int // before that, answer busyStatus with Retry-After busyAfter this many times
	busyStatus  int // 429 (default), 408, ...
	busyAfter   string
	noLength    bool // send no Content-Length (chunked): the size shows only as it arrives
	cutTimes    int  // then send half the body and cut the connection this many times
	html        bool // serve body as text/html with no disposition
	status      int  // a fixed status (404, ...) instead of the file
	gate        chan struct{}
}

// fileServer serves testFiles and counts requests per path; it records the
// Cookie and worker headers it saw.
type fileServer struct {
	*httptest.Server
	t *testing.T

	mu      sync.Mutex // guards all below
	files   map[string]*testFile
	hits    map[string]int
	cookies map[string][]string // path → Cookie headers
	workers map[string][]string // path → Coupatui-Worker headers
	extra   map[string]http.HandlerFunc
	arrived map[string][]time.Time
}

func newFileServer(t *testing.T) *fileServer {
	fs := &fileServer{t: t, files: map[string]*testFile{}, hits: map[string]int{},
		cookies: map[string][]string{}, workers: map[string][]string{}, extra: map[string]http.HandlerFunc{},
		arrived: map[string][]time.Time{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fileServer) add(path string, f *testFile) string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[path] = f
	return fs.URL + path
}

func (fs *fileServer) handle(path string, h http.HandlerFunc) string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.extra[path] = h
	return fs.URL + path
}

// times lists when each request for path arrived.
func (fs *fileServer) times(path string) []time.Time {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]time.Time(nil), fs.arrived[path]...)
}

func (fs *fileServer) count(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.hits[path]
}

func (fs *fileServer) cookieHeaders(path string) []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.cookies[path]...)
}

func (fs *fileServer) workerHeaders(path string) []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.workers[path]...)
}

func (fs *fileServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	p := r.URL.Path
	fs.hits[p]++
	fs.arrived[p] = append(fs.arrived[p], time.Now())
	if c := r.Header.Get("Cookie"); c != "" {
		fs.cookies[p] = append(fs.cookies[p], c)
	}
	fs.workers[p] = append(fs.workers[p], r.Header.Get(testWorkerHeader))
	f, ok := fs.files[p]
	h := fs.extra[p]
	mode := "whole"
	if ok {
		switch {
		case f.busyTimes > 0:
			f.busyTimes--
			mode = "busy"
		case f.failTimes > 0:
			f.failTimes--
			mode = "503"
		case f.cutTimes > 0:
			f.cutTimes--
			mode = "cut"
		}
	}
	fs.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if f.gate != nil {
		<-f.gate
	}
	switch {
	case f.status != 0:
		http.Error(w, "status", f.status)
		return
	case mode == "busy":
		if f.busyAfter != "" {
			w.Header().Set("Retry-After", f.busyAfter)
		}
		status := f.busyStatus
		if status == 0 {
			status = http.StatusTooManyRequests
		}
		http.Error(w, "busy", status)
		return
	case mode == "503":
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case f.html:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(f.body)
		return
	}
	ct := f.contentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	if f.disposition != "" {
		w.Header().Set("Content-Disposition", f.disposition)
	}
	if !f.noLength {
		w.Header().Set("Content-Length", strconv.Itoa(len(f.body)))
	}
	w.WriteHeader(http.StatusOK)
	if mode == "cut" {
		w.Write(f.body[:len(f.body)/2])
		cut(w)
		return
	}
	w.Write(f.body)
}

// cut flushes and closes the connection mid-body.
func cut(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	conn.Close()
}

// content makes n deterministic bytes that differ by seed.
func content(seed, n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("%d/%d", seed, i)))
		b.Write(sum[:])
	}
	return b.Bytes()[:n]
}
