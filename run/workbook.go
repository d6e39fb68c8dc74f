package run

import (
	"runtime/debug"
	"sync"
	"time"
)

// writeReport rewrites the results workbook from the journal: every input
// row with the latest outcome recorded for it (this run's or an earlier
// run's) or PENDING, plus POs added in the console.
func (s *session) writeReport() error {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	if _, err := writeResults(s.journal, s.in, s.opts.Report, false, s.site.POURL); err != nil {
		return err
	}
	s.log.Info("results written", "report", s.opts.Report)
	return nil
}

// keepReport rewrites the results workbook every reportEvery while
// outcomes are recorded, so a crash leaves a current one; it returns the
// function that stops it. A workbook of many rows takes seconds and much
// memory to write, so the wait is also at least ten times the last write
// (a tenth of a core at most), and the memory a write used goes back to
// the system at once instead of staying in the process for minutes.
func (s *session) keepReport() (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		wait := time.NewTimer(s.reportEvery)
		defer wait.Stop()
		written := int64(0)
		for {
			select {
			case <-quit:
				return
			case <-wait.C:
			}
			took := time.Duration(0)
			if n := s.rec.outcomes.Load(); n != written {
				began := time.Now()
				err := s.writeReport()
				took = time.Since(began)
				debug.FreeOSMemory()
				if err != nil {
					s.log.Warn("rewriting the results workbook", "err", err)
				} else {
					written = n
				}
			}
			wait.Reset(max(s.reportEvery, 10*took))
		}
	})
	return func() {
		close(quit)
		wg.Wait()
	}
}
