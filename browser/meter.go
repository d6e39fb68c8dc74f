package browser

import (
	"io"
	"time"
)

// FileBytes is how far one file's download has come, for a progress bar.
type FileBytes struct {
	Index int    // position in the links given to Download
	Name  string // the name it gets in the folder, or the browser's suggestion; "" when not known yet
	Done  int64  // bytes received so far (of this attempt)
	Total int64  // bytes expected; 0 when the server did not say
}

// BytesEvery is how often, at most, DownloadOptions.Bytes reports one file.
const BytesEvery = 250 * time.Millisecond

// reportBytes hands link i's progress to opts.Bytes: always when first
// (the answer started), else at most every BytesEvery.
func (d *downloader) reportBytes(i int, name string, done, total int64, first bool) {
	if d.opts.Bytes == nil {
		return
	}
	d.progressMu.Lock()
	defer d.progressMu.Unlock()
	now := time.Now()
	if !first && now.Sub(d.lastBytes[i]) < BytesEvery {
		return
	}
	d.lastBytes[i] = now
	d.opts.Bytes(FileBytes{Index: i, Name: name, Done: done, Total: max(total, 0)})
}

// meter wraps body so that its bytes are reported as they are read.
func (d *downloader) meter(i int, name string, total int64, body io.Reader) io.Reader {
	if d.opts.Bytes == nil {
		return body
	}
	d.reportBytes(i, name, 0, total, true)
	return &meteredReader{r: body, report: func(n int64) { d.reportBytes(i, name, n, total, false) }}
}

// meteredReader counts what passes through it.
type meteredReader struct {
	r      io.Reader
	n      int64
	report func(n int64)
}

func (m *meteredReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if n > 0 {
		m.n += int64(n)
		m.report(m.n)
	}
	return n, err
}
