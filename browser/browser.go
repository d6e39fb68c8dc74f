package browser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// ErrClosed is what Err reports after Close or Kill ended the browser.
var ErrClosed = errors.New("browser closed")

// ErrUnhealthy means the browser did not do what it must to stay usable
// (for example it could not close a hung tab in time): the caller should
// Kill it and start another.
var ErrUnhealthy = errors.New("browser unhealthy")

const (
	// gracefulCloseTimeout bounds Browser.close before the group is killed.
	gracefulCloseTimeout = 3 * time.Second
	// goneTimeout bounds the wait for every process to disappear after the kill.
	goneTimeout = 5 * time.Second
	// defaultPingTimeout bounds a Ping whose context has no deadline.
	defaultPingTimeout = 5 * time.Second
)

// Browser is one running (or attached) browser. Its methods are safe for
// concurrent use: a worker runs tasks in tabs while a supervisor pings,
// watches Done and may Kill.
type Browser struct {
	opts    Options
	log     *slog.Logger
	profile string // absolute --user-data-dir; "" when attached to a remote browser
	exe     string // the program started; "" when attached to a remote browser
	tmp     string // the browser's own TMPDIR, removed once it is gone; "" when remote
	pid     int    // main process; 0 when remote

	allocCtx    context.Context
	allocCancel context.CancelFunc
	ctx         context.Context // chromedp context of the browser's first tab; lives until stop
	cancel      context.CancelFunc
	cdp         *chromedp.Browser // the protocol session with the browser itself
	// browserContext is our own browser context in a remote browser; ""
	// (the default context) for a browser we launched.
	browserContext cdp.BrowserContextID

	done      chan struct{} // closed by the watcher when the connection drops
	watchDone chan struct{} // closed when the watcher goroutine returned

	// dlSem admits one browser-side download at a time: download behaviour
	// is a setting of the whole browser (of our browser context, remote).
	dlSem chan struct{}

	// bg tracks goroutines that finish a tab's teardown in the background
	// after the tab could not be closed in time; stop waits for them.
	bg sync.WaitGroup

	mu        sync.Mutex // guards err, closing, lostFirst, userAgent and spares
	err       error
	closing   bool
	lostFirst bool // the connection had dropped before Close or Kill: Err tells the loss, not ErrClosed
	userAgent string
	spares    []*Tab // parked by the last tasks for the next ones, at most Options.KeepTabs

	stopOnce sync.Once
	stopErr  error
}

// PID is the main browser process id, 0 for a remote browser.
func (b *Browser) PID() int { return b.pid }

// ProfileDir is the absolute user data dir, "" for a remote browser.
func (b *Browser) ProfileDir() string { return b.profile }

// Gate is the gate the browser's requests wait on (Options.Gate); nil
// lets them through.
func (b *Browser) Gate() *Gate { return b.opts.Gate }

// Done is closed when the browser process exits or the connection to it
// drops, whoever caused it.
func (b *Browser) Done() <-chan struct{} { return b.done }

// Err tells why Done closed: ErrClosed after Close or Kill, otherwise the
// crash (with the exit status when known) or the lost connection, also
// when Close or Kill came after the loss. It is nil while the browser runs.
func (b *Browser) Err() error {
	select {
	case <-b.done:
	default:
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// Ping makes one cheap protocol round trip (Browser.getVersion). It honours
// ctx's deadline (5 s when ctx has none) and fails at once when the browser
// is gone.
func (b *Browser) Ping(ctx context.Context) error {
	select {
	case <-b.done:
		return fmt.Errorf("ping: %w", b.Err())
	default:
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultPingTimeout)
		defer cancel()
	}
	if _, err := cdp.Call(ctx, b.cdp, cdpbrowser.GetVersion, cdp.Empty{}); err != nil {
		select {
		case <-b.done:
			return fmt.Errorf("ping: %w", b.Err())
		default:
		}
		return fmt.Errorf("ping browser (pid %d): %w", b.pid, err)
	}
	return nil
}

// UserAgent is the user agent the browser's pages send.
func (b *Browser) UserAgent() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.userAgent
}

// Close ends the browser: a graceful Browser.close bounded to a few seconds,
// then SIGKILL to the whole process group and to any process still using
// the profile; it returns when they are gone. For a remote browser it only
// closes our tabs and the connection. It is idempotent and safe to call
// concurrently with Kill.
func (b *Browser) Close() error {
	b.stopOnce.Do(func() { b.stopErr = b.stop(true) })
	return b.stopErr
}

// Kill sends SIGKILL to the browser's process group and to any process
// using its profile now (for a hung browser), then releases everything like
// Close. It is idempotent.
func (b *Browser) Kill() {
	b.markClosing()
	if b.pid != 0 {
		b.killProcesses()
	}
	b.stopOnce.Do(func() { b.stopErr = b.stop(false) })
}

// Discard is Kill for a browser whose profile is thrown away with it
// (nothing on it is worth a graceful close, which takes seconds on a busy
// machine); it returns what Close would: an error when its processes
// outlived the kill.
func (b *Browser) Discard() error {
	b.Kill()
	return b.stopErr // written once by stop, before Kill returns
}

func (b *Browser) markClosing() {
	b.mu.Lock()
	b.markClosingLocked()
	b.mu.Unlock()
}

// markClosingLocked notes that we end the browser, and whether its
// connection had already dropped: a caller that closes it because a call
// failed on the lost connection (chromedp fails calls only after
// LostConnection closed) must not turn a dead host into "browser closed".
func (b *Browser) markClosingLocked() {
	if !b.closing && b.cdp != nil {
		select {
		case <-b.cdp.LostConnection:
			b.lostFirst = true
		default:
		}
	}
	b.closing = true
}

// closedByUs is whether Close or Kill ended a browser that was still
// connected.
func (b *Browser) closedByUs() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closing && !b.lostFirst
}

// stop runs once, for Close or Kill.
func (b *Browser) stop(graceful bool) error {
	b.markClosing()
	b.mu.Lock()
	spares := b.spares
	b.spares = nil
	b.mu.Unlock()
	for _, t := range spares {
		t.Close()
	}
	if graceful && b.pid != 0 {
		select {
		case <-b.done:
		default:
			ctx, cancel := context.WithTimeout(b.ctx, gracefulCloseTimeout)
			// Cancel sends Browser.close and waits for the process to exit.
			if err := chromedp.Cancel(ctx); err != nil && ctx.Err() == nil {
				b.log.Debug("graceful browser close", "pid", b.pid, "err", err)
			}
			cancel()
		}
	}
	b.release()
	<-b.watchDone
	b.bg.Wait()
	if b.pid == 0 {
		return nil
	}
	if err := b.waitGone(); err != nil {
		return err // a process may still write there: leave its TMPDIR
	}
	b.removeTemp()
	return nil
}

// removeTemp removes the browser's own TMPDIR. A browser that is killed or
// crashes leaves its SingletonSocket folder and shared-memory files
// (.org.chromium.Chromium.*) there; it never removes them itself.
func (b *Browser) removeTemp() {
	if b.tmp == "" {
		return
	}
	if err := os.RemoveAll(b.tmp); err != nil {
		b.log.Warn("removing the browser's temp folder", "dir", b.tmp, "err", err)
	}
}

// release kills whatever is left of the browser's processes and ends
// chromedp's contexts and allocator.
func (b *Browser) release() {
	if b.pid != 0 {
		b.killProcesses()
	}
	b.cancel()
	b.allocCancel()
	if a := chromedp.FromContext(b.allocCtx); a != nil && a.Allocator != nil {
		a.Allocator.Wait()
	}
}

// killProcesses kills the group and sweeps the profile until a few passes
// in a row find nothing: a helper can fork just as its parent dies.
func (b *Browser) killProcesses() {
	if err := killGroup(b.pid); err != nil {
		b.log.Warn("killing browser process group", "pid", b.pid, "err", err)
	}
	if _, err := SweepProfile(b.profile); err != nil {
		b.log.Warn("sweeping browser profile processes", "profile", b.profile, "err", err)
	}
}

// waitGone polls (processes offer no exit signal to a non-parent) until the
// main process and every profile process are gone.
func (b *Browser) waitGone() error {
	deadline := time.Now().Add(goneTimeout)
	for {
		left, _ := profileProcesses(b.profile)
		if processAlive(b.pid) {
			left = append(left, b.pid)
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("browser processes %v using profile %s still alive after kill", left, b.profile)
		}
		SweepProfile(b.profile)
		time.Sleep(20 * time.Millisecond) // poll interval, bounded by deadline
	}
}

// SweepProfile kills every process whose command line holds
// --user-data-dir=dir (a browser left over by a crashed run, or helpers of
// one that was killed) and returns how many it killed. It repeats until a
// few passes in a row find nothing. On Windows it does nothing yet.
func SweepProfile(dir string) (int, error) {
	if dir == "" {
		return 0, nil
	}
	const quietPasses = 3
	deadline := time.Now().Add(2 * time.Second)
	killed, quiet := 0, 0
	for quiet < quietPasses && time.Now().Before(deadline) {
		pids, err := profileProcesses(dir)
		if err != nil {
			return killed, err
		}
		if len(pids) == 0 {
			quiet++
		} else {
			quiet = 0
		}
		for _, pid := range pids {
			if killPID(pid) == nil {
				killed++
			}
		}
		if quiet < quietPasses {
			time.Sleep(5 * time.Millisecond) // poll interval between passes, bounded by deadline
		}
	}
	return killed, nil
}

// watch waits for the connection to drop and records why.
func (b *Browser) watch() {
	defer close(b.watchDone)
	<-b.cdp.LostConnection
	var err error
	if b.closedByUs() {
		err = ErrClosed
	} else {
		// A call on the lost connection returns the exit status of the
		// process when chromedp knows it.
		_, cause := chromedp.CallBrowser(b.ctx, cdpbrowser.GetVersion, cdp.Empty{})
		if b.pid != 0 {
			err = fmt.Errorf("browser (pid %d) died: %w", b.pid, cause)
		} else {
			err = scrubErr("connection to remote browser "+RemoteHost(b.opts.Remote)+" lost", cause)
		}
		b.log.Warn("browser lost", "pid", b.pid, "err", err)
	}
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
	close(b.done)
}
