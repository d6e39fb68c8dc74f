package testkit

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// The credentials the simulated Coupa (coupa/sim) accepts unless its
// Options name others, and the name of its session cookie. The simulator's
// own tests sign in with them, so they cannot drift from its defaults.
const (
	SimUser          = "operator@example.com"
	SimPassword      = "coupa-sim"
	SimSessionCookie = "_coupa_session"
)

// SimSignIn posts the simulator's sign-in form at base with c, with the
// fields its sign-in page posts, and returns the answer with its body
// closed. It does not follow redirects unless c does; wrong credentials are
// the caller's to give (the simulator answers them with the form again).
func SimSignIn(tb testing.TB, c *http.Client, base, user, password, returnTo string) *http.Response {
	tb.Helper()
	resp, err := c.PostForm(base+"/sessions", url.Values{
		"user[login]": {user}, "user[password]": {password}, "return_to": {returnTo}})
	if err != nil {
		tb.Fatalf("post the sign-in form to %s: %v", base, err)
	}
	resp.Body.Close()
	return resp
}

// Page is what SimSignInPage needs of a browser tab; *browser.Tab has it.
type Page interface {
	Evaluate(ctx context.Context, expr string, out any) error
	Cookies(ctx context.Context, url string) ([]*http.Cookie, error)
}

// SimSignInPage signs a browser in to the simulator at base as an operator
// would. page must show the simulator's sign-in form: the wall a protected
// page led to, or its sign-in path. It fills the form with SimUser and
// SimPassword and posts it from the page, so the browser keeps the session
// cookie the server sets. It returns the URL the sign-in led to (the form's
// return_to, followed) and the session token; it fails tb when the page has
// no form or no session came of it.
func SimSignInPage(tb testing.TB, ctx context.Context, page Page, base string) (landed, token string) {
	tb.Helper()
	err := page.Evaluate(ctx, `(async () => {
		const form = document.querySelector('form');
		if (!form || !form.querySelector('#user_email') || !form.querySelector('#user_password')) {
			throw new Error("no sign-in form on " + location.href);
		}
		form.querySelector('#user_email').value = `+strconv.Quote(SimUser)+`;
		form.querySelector('#user_password').value = `+strconv.Quote(SimPassword)+`;
		const r = await fetch(form.action, {method: 'POST', credentials: 'same-origin',
			body: new URLSearchParams(new FormData(form))});
		return r.url;
	})()`, &landed)
	if err != nil {
		tb.Fatalf("sign in to %s: %v", base, err)
	}
	cookies, err := page.Cookies(ctx, base+"/")
	if err != nil {
		tb.Fatalf("read the cookies of %s: %v", base, err)
	}
	for _, c := range cookies {
		if c.Name == SimSessionCookie && c.Value != "" {
			return landed, c.Value
		}
	}
	tb.Fatalf("no %s cookie after signing in to %s (the sign-in led to %s)", SimSessionCookie, base, landed)
	return "", ""
}
