package coupa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"coupatui/browser"
)

// ErrBadSelector marks a [coupa.selectors] entry the browser refuses.
var ErrBadSelector = errors.New("not a valid CSS selector")

// checkSelectorsJS runs querySelectorAll with every selector and returns
// the first one that throws, with the browser's reason.
const checkSelectorsJS = `((list) => {
  for (const [key, sel] of list) {
    try { document.querySelectorAll(sel); } catch (e) { return {Key: key, Selector: sel, Reason: String(e && e.message || e)}; }
  }
  return null;
})(%s)`

// CheckSelectors tries the operator's selectors in a tab of b (the
// browser's own CSS parser decides) and returns an error wrapping
// ErrBadSelector that names the first bad one and its key.
func (s *Site) CheckSelectors(ctx context.Context, b *browser.Browser) error {
	var list [][2]string
	for _, k := range []struct {
		key  string
		sels []string
	}{{"attachments", s.Selectors.Attachments}, {"supplier", s.Selectors.Supplier},
		{"error", s.Selectors.Error}, {"empty", s.Selectors.Empty}} {
		for _, sel := range k.sels {
			list = append(list, [2]string{k.key, sel})
		}
	}
	if len(list) == 0 {
		return nil
	}
	arg, err := json.Marshal(list)
	if err != nil {
		return err
	}
	tab, err := b.NewTab(ctx)
	if err != nil {
		return fmt.Errorf("check [coupa.selectors]: %w", err)
	}
	defer tab.Close()
	var bad *struct{ Key, Selector, Reason string }
	if err := tab.Evaluate(ctx, fmt.Sprintf(checkSelectorsJS, arg), &bad); err != nil {
		return fmt.Errorf("check [coupa.selectors]: %w", err)
	}
	if bad != nil {
		return fmt.Errorf("coupa.selectors.%s: %q is %w (the browser says: %s)", bad.Key, bad.Selector, ErrBadSelector, bad.Reason)
	}
	return nil
}
