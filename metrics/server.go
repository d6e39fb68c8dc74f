package metrics

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// CheckListen says whether addr may be served with token: host:port, on
// loopback unless token is set. It is checked before any work starts.
func CheckListen(addr, token string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("monitoring address %q: want host:port, like 127.0.0.1:9464", addr)
	}
	if !isLoopback(host) && token == "" {
		return fmt.Errorf("monitoring address %q listens beyond this machine: set [monitor] listen_token in config.toml "+
			"(scrapers then send \"Authorization: Bearer <token>\"), or listen on 127.0.0.1:%s", addr, port)
	}
	return nil
}

// isLoopback reports whether host names this machine only. An empty host
// is every interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Handler serves /metrics and /status; with a token, only to requests
// that carry it as a bearer token.
func (m *Metrics) Handler(token string, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: errorLog{log}}))
	mux.HandleFunc("GET /status", m.serveStatus)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "coupatui monitoring: /metrics (Prometheus text format), /status (JSON)")
	})
	if token == "" {
		return mux
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got)) // equal lengths: the compare takes the same time whatever was sent
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coupatui"`)
			http.Error(w, "send the listen_token as Authorization: Bearer <token>", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// errorLog hands promhttp's errors to slog.
type errorLog struct{ log *slog.Logger }

func (e errorLog) Println(v ...any) { e.log.Warn("metrics: " + fmt.Sprint(v...)) }

// Server is the monitoring endpoint, serving until Close.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{} // closed when the serving goroutine returned
}

// Listen checks addr (CheckListen), binds it and serves m there on a
// goroutine the Server owns. A bind failure is returned at once.
func Listen(addr, token string, m *Metrics, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := CheckListen(addr, token); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("monitoring address %s: %w", addr, err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           m.Handler(token, log),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       time.Minute,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		ln:   ln,
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("monitoring endpoint stopped", "addr", addr, "err", err)
		}
	}()
	log.Info("monitoring endpoint listening", "addr", ln.Addr().String(), "token", token != "")
	return s, nil
}

// Addr is the address it listens on (the port chosen, for ":0").
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting, lets requests in flight finish for a moment and
// waits for the serving goroutine.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	return err
}
