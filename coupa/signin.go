package coupa

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"coupatui/browser"
)

// identityHosts are parts of the host names of identity providers Coupa
// customers sign in through.
var identityHosts = []string{"okta", "microsoftonline", "auth0", "onelogin", "pingidentity", "pingone",
	"accounts.google", "duosecurity", "adfs"}

// signInWords are the words of a URL (host and path, split on anything not
// a letter or digit) that mark a sign-in page.
var signInWords = map[string]bool{"login": true, "signin": true, "sso": true, "saml": true,
	"saml2": true, "logon": true}

// IsSignInURL reports whether u is Coupa's sign-in wall or an identity
// provider's page: /sessions/new, a "login"/"sso"/"saml" word in the host
// or path, or a known identity-provider host.
func IsSignInURL(u *url.URL) bool {
	if u == nil {
		return false
	}
	path := strings.ToLower(u.Path)
	if strings.Contains(path, "/sessions/new") || strings.Contains(path, "/sessions/sign_in") {
		return true
	}
	host := strings.ToLower(u.Hostname())
	for _, idp := range identityHosts {
		if strings.Contains(host, idp) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(host+"/"+path, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if signInWords[w] {
			return true
		}
	}
	return false
}

func isSignInRaw(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && IsSignInURL(u)
}

// signInRequired is the error of a PO that met the wall.
func signInRequired(where string) error {
	return fmt.Errorf("%w: %s shows the sign-in page; run `coupatui login`", ErrSignInRequired, where)
}

// CheckSession opens BaseURL and reports nil when the browser is signed in,
// an error wrapping ErrSignInRequired when Coupa shows its wall, or another
// error when the page cannot be loaded.
func (s *Site) CheckSession(ctx context.Context, b *browser.Browser) error {
	tab, err := b.Tab(ctx)
	if err != nil {
		return fmt.Errorf("check session: %w", err)
	}
	// The tab is parked for the first PO (setting one up costs time),
	// unless the check was cut short and the page may still be running.
	defer func() {
		if ctx.Err() != nil {
			tab.Close()
			return
		}
		tab.Park()
	}()
	if err := b.Gate().Wait(ctx); err != nil {
		return fmt.Errorf("check session: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, s.pageTimeout())
	defer cancel()
	resp, err := tab.Navigate(pctx, s.base()+"/")
	if err != nil {
		return fmt.Errorf("check session: open %s: %w", s.base(), err)
	}
	if isSignInRaw(resp.URL) {
		return signInRequired(s.base())
	}
	walled, err := hasPasswordForm(pctx, tab)
	if err != nil {
		return fmt.Errorf("check session: read %s: %w", s.base(), err)
	}
	if walled {
		return signInRequired(s.base())
	}
	if resp.Status >= 500 {
		return fmt.Errorf("check session: %s answered HTTP %d", s.base(), resp.Status)
	}
	return nil
}

// signInPoll is how often WaitSignedIn looks at the operator's tab: the
// sign-in happens in someone else's hands and sends no event we could wait on.
const signInPoll = 500 * time.Millisecond

// ErrWindowClosed means the operator closed the sign-in window.
var ErrWindowClosed = errors.New("the browser window was closed")

// WaitSignedIn opens BaseURL in the (visible) browser and returns nil once
// the tab shows a Coupa page without the sign-in wall, ctx's error when ctx
// ends first, or ErrWindowClosed when the operator closes the window.
func (s *Site) WaitSignedIn(ctx context.Context, b *browser.Browser) error {
	tab, err := b.NewTab(ctx)
	if err != nil {
		return fmt.Errorf("open sign-in window: %w", err)
	}
	defer tab.Close()
	origin, err := s.origin()
	if err != nil {
		return fmt.Errorf("base URL %q: %w", s.BaseURL, err)
	}
	if _, err := tab.Navigate(ctx, s.base()+"/"); err != nil && ctx.Err() == nil {
		s.log().Warn("opening the sign-in page", "err", err) // the operator may still get there
	}
	ticker := time.NewTicker(signInPoll)
	defer ticker.Stop()
	for {
		if ok := s.signedIn(ctx, tab, origin); ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-b.Done():
			return ErrWindowClosed
		case <-tab.Gone():
			return ErrWindowClosed
		case <-ticker.C:
		}
	}
}

// signedIn tells whether the tab shows a Coupa page past the wall. Errors
// (a page between navigations) count as "not yet".
func (s *Site) signedIn(ctx context.Context, tab *browser.Tab, origin *url.URL) bool {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	loc, err := tab.URL(qctx)
	if err != nil {
		return false
	}
	u, err := url.Parse(loc)
	if err != nil || !strings.EqualFold(u.Scheme, origin.Scheme) || !strings.EqualFold(u.Host, origin.Host) || IsSignInURL(u) {
		return false
	}
	var state struct{ Ready, Password bool }
	if err := tab.Evaluate(qctx, `({Ready: document.readyState !== "loading", Password: `+passwordProbe+`})`, &state); err != nil {
		return false
	}
	return state.Ready && !state.Password
}

// passwordProbe is a JS expression: does the page ask for a password?
const passwordProbe = `!!document.querySelector('#user_password, input[type=password]')`

func hasPasswordForm(ctx context.Context, tab *browser.Tab) (bool, error) {
	var walled bool
	err := tab.Evaluate(ctx, passwordProbe, &walled)
	return walled, err
}
