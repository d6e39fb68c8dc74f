package run

import (
	"fmt"
	"sync"

	"coupatui/config"
	"coupatui/metrics"
)

// CheckMonitor refuses a monitoring address that cannot be served as
// configured (beyond loopback without a token), before any work starts.
func CheckMonitor(cfg config.Config) error {
	if cfg.Monitor.Listen == "" {
		return nil
	}
	if err := metrics.CheckListen(cfg.Monitor.Listen, cfg.Monitor.ListenToken); err != nil {
		return fmt.Errorf("--listen / [monitor] listen: %w", err)
	}
	return nil
}

// serveMetrics starts the monitoring endpoint on the pool and the journal
// (before the pool starts, so the first attempt is counted) and returns
// what stops it: the server, then the metrics' subscription.
func (s *session) serveMetrics() (stop func(), err error) {
	m := metrics.New(s.pool.Snapshot)
	s.rec.timed = m.JournalWrite
	srv, err := metrics.Listen(s.cfg.Monitor.Listen, s.cfg.Monitor.ListenToken, m, s.log)
	if err != nil {
		return nil, err
	}
	// A large buffer: the metrics read fast, and a dropped progress
	// event is a file the download histograms miss.
	sub := s.pool.Subscribe(1 << 16)
	var wg sync.WaitGroup
	wg.Go(func() { m.Follow(sub) })
	return func() {
		if err := srv.Close(); err != nil {
			s.log.Warn("closing the monitoring endpoint", "err", err)
		}
		sub.Close()
		wg.Wait()
	}, nil
}
