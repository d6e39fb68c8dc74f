package browser

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
)

// SessionCookies starts a short-lived local browser with opts (on a copy of
// the signed-in profile: opts.ProfileDir) and returns the cookies that
// site (its base URL) would receive: its host's own and its parent
// domains', nothing of any other origin. They are what a remote browser
// needs to be signed in (Options.Cookies). Their values are never logged.
func SessionCookies(ctx context.Context, opts Options, site string) ([]*network.CookieParam, error) {
	u, err := url.Parse(site)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("session cookies: site %q is not a URL", site)
	}
	opts.Remote, opts.Headless = "", true
	b, err := Launch(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("session cookies: %w", err)
	}
	defer b.Discard()
	all, err := cdp.Call(ctx, b.cdp, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		return nil, fmt.Errorf("session cookies: read the profile's cookies: %w", err)
	}
	return CookiesFor(u, all.Cookies), nil
}

// CookiesFor keeps the cookies a request to site would carry by domain
// (host-only cookies of its host, domain cookies of its host or a parent
// domain) as parameters to set them elsewhere: host-only ones stay
// host-only, session cookies stay session cookies.
func CookiesFor(site *url.URL, cookies []*network.Cookie) []*network.CookieParam {
	host := strings.ToLower(site.Hostname())
	var out []*network.CookieParam
	for _, c := range cookies {
		if c == nil || !domainMatch(host, c.Domain) {
			continue
		}
		p := &network.CookieParam{
			Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HTTPOnly: c.HTTPOnly,
			SameSite: c.SameSite, Priority: c.Priority,
		}
		if strings.HasPrefix(c.Domain, ".") {
			p.Domain = c.Domain
		} else {
			// A URL and no domain: the cookie stays host-only.
			p.URL = (&url.URL{Scheme: site.Scheme, Host: site.Host, Path: c.Path}).String()
		}
		if !c.Session && c.Expires > 0 {
			p.Expires = cdp.TimeSinceEpoch(c.Expires)
		}
		out = append(out, p)
	}
	return out
}

// domainMatch reports whether a cookie of domain goes to host: a host-only
// cookie ("host") to that host alone, a domain cookie (".example.com") to
// the domain and every host under it.
func domainMatch(host, domain string) bool {
	domain = strings.ToLower(domain)
	if d, ok := strings.CutPrefix(domain, "."); ok {
		return host == d || strings.HasSuffix(host, "."+d)
	}
	return host == domain
}
