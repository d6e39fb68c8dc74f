package run

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"
	"unsafe"

	"coupatui/sheet"
)

// writeReport rewrites the results workbook from the journal: every input
// row with the latest outcome recorded for it (this run's or an earlier
// run's) or PENDING, plus POs added in the console.
func (s *session) writeReport() error {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	in, err := s.reportInput()
	if err != nil {
		return err
	}
	if _, err := writeResults(s.journal, in, s.opts.Report, false, s.site.POURL); err != nil {
		return err
	}
	if s.in == nil {
		s.added = s.added[:0]
		for _, r := range in.Rows[s.rows:] {
			s.added = append(s.added, r.PO)
		}
	}
	s.log.Info("results written", "report", s.opts.Report)
	return nil
}

// rowsOverBytes is how many times smaller than the rows' own structs the
// input's bytes must be for dropRows to let the rows go. The package's
// tests make it 0, so that every run in them reads its input again.
var rowsOverBytes = 4

// dropRows lets the input's rows go once the pool holds what it needs of
// them, when its file's bytes are much smaller than the rows (100,000 rows
// cost about 20 MB, their workbook under one): each write of the results
// reads the bytes again, which a write of that many rows can afford (it
// takes seconds and is spaced ten times that apart), and the run keeps
// the POs added at run time in the order they got their rows.
func (s *session) dropRows() {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	s.rows = len(s.in.Rows)
	if s.src.Len()*rowsOverBytes < s.rows*int(unsafe.Sizeof(sheet.Row{})) {
		s.in = nil
	}
}

// reportInput is the input the results are written for: the rows kept, or
// read again from the input's bytes with the POs added so far appended in
// their order. The caller holds reportMu.
func (s *session) reportInput() (*sheet.Input, error) {
	if s.in != nil {
		return s.in, nil
	}
	in, err := s.src.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the input %s again for the results: %w", s.opts.Input, err)
	}
	for _, po := range s.added {
		in.Append(po)
	}
	return in, nil
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
