package profiles

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// copyTree creates the plan's folders (0700) under dst and copies its files
// (0600) from src, several at once. sem bounds the copies in flight across
// every clone of the Manager. It returns the bytes copied.
func copyTree(parent context.Context, src, dst string, p plan, sem chan struct{}) (int64, error) {
	for _, d := range p.dirs {
		if err := os.Mkdir(filepath.Join(dst, d), 0o700); err != nil {
			return 0, fmt.Errorf("creating clone folder: %w", err)
		}
	}

	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var (
		wg       sync.WaitGroup
		total    atomic.Int64
		errOnce  sync.Once
		firstErr error // written once under errOnce, read after wg.Wait
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
loop:
	for _, f := range p.files {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		if ctx.Err() != nil { // select picks at random when both are ready
			<-sem
			break loop
		}
		wg.Go(func() {
			defer func() { <-sem }()
			n, err := copyFile(filepath.Join(src, f.rel), filepath.Join(dst, f.rel))
			total.Add(n)
			if err != nil {
				fail(err)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return total.Load(), firstErr
	}
	if err := parent.Err(); err != nil {
		return total.Load(), fmt.Errorf("cloning %s: %w", src, err)
	}
	return total.Load(), nil
}

// copyFile copies one regular file into a new file of mode 0600. io.Copy
// between two *os.File lets the kernel copy (copy_file_range on Linux, a
// reflink on file systems that have them), without the bytes passing
// through this process.
func copyFile(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("opening base profile file: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("creating clone file: %w", err)
	}
	n, err := io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	return n, nil
}
