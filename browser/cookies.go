package browser

import (
	"context"
	"fmt"
	"net"
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
// host-only, session cookies stay session cookies. Ports do not separate
// cookies (RFC 6265 §8.5; Chromium does not bind them to ports), so the
// site's host-only cookies set on another port are kept. A partitioned
// cookie is kept only in the site's own partition (a first-party visit),
// and stays partitioned.
func CookiesFor(site *url.URL, cookies []*network.Cookie) []*network.CookieParam {
	host := strings.ToLower(site.Hostname())
	var out []*network.CookieParam
	for _, c := range cookies {
		if c == nil || !domainMatch(host, c.Domain) || !firstParty(host, c.PartitionKey) {
			continue
		}
		p := &network.CookieParam{
			Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HTTPOnly: c.HTTPOnly,
			SameSite: c.SameSite, Priority: c.Priority, PartitionKey: c.PartitionKey,
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
// the domain and every host under it. An IP address has no parent domain.
func domainMatch(host, domain string) bool {
	domain = strings.ToLower(domain)
	if d, ok := strings.CutPrefix(domain, "."); ok {
		if net.ParseIP(host) != nil {
			return host == d
		}
		return host == d || strings.HasSuffix(host, "."+d)
	}
	return host == domain
}

// firstParty reports whether a cookie of partition key (nil: not
// partitioned) goes with a top-level visit of host: its partition's
// top-level site is host's own site (host or a parent domain of it) and
// no cross-site frame set it.
func firstParty(host string, key *network.CookiePartitionKey) bool {
	if key == nil {
		return true
	}
	top, err := url.Parse(key.TopLevelSite)
	if err != nil || top.Hostname() == "" || key.HasCrossSiteAncestor {
		return false
	}
	return domainMatch(host, "."+strings.ToLower(top.Hostname()))
}
