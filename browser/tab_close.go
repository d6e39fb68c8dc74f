package browser

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
)

// Close closes the tab from the browser side (Target.closeTarget), which
// works even when the page's script is stuck, and waits until the browser
// reports it gone. It returns an error wrapping ErrUnhealthy when the
// browser did not manage that within a few seconds. Idempotent.
func (t *Tab) Close() error {
	t.closeOnce.Do(func() { t.closeErr = t.close() })
	return t.closeErr
}

func (t *Tab) close() error {
	t.blockStop()
	t.blockWG.Wait()
	if t.id == "" {
		t.cancel()
		return nil
	}
	select {
	case <-t.b.done:
		t.cancel()
		return nil // nothing left to close
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), tabCloseTimeout)
	defer cancel()
	err := t.closeTarget(ctx)
	if err == nil {
		t.cancel()
		return nil
	}
	// chromedp's own teardown of the tab can block on the stuck browser:
	// finish it in the background; Browser.stop waits for it.
	t.b.bg.Go(t.cancel)
	return fmt.Errorf("%w: closing tab %s: %w", ErrUnhealthy, t.id, err)
}

func (t *Tab) closeTarget(ctx context.Context) error {
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	destroyed := cdp.Events(lctx, t.b.cdp, target.TargetDestroyed)
	if _, err := cdp.Call(ctx, t.b.cdp, target.CloseTarget, target.CloseTargetParams{TargetID: t.id}); err != nil {
		if gone, gerr := t.targetGone(ctx); gerr == nil && gone {
			return nil
		}
		return err
	}
	for ev, err := range destroyed {
		if err != nil {
			break
		}
		if ev.TargetID == t.id {
			return nil
		}
	}
	// The event can be missed; ask once more before giving up.
	if gone, err := t.targetGone(context.WithoutCancel(ctx)); err == nil && gone {
		return nil
	}
	return fmt.Errorf("tab still open after %s", tabCloseTimeout)
}

func (t *Tab) targetGone(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := cdp.Call(ctx, t.b.cdp, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		return false, err
	}
	for _, info := range res.TargetInfos {
		if info.TargetID == t.id {
			return false, nil
		}
	}
	return true, nil
}
