package browser

import (
	"net/url"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/network"
)

// CookiesFor keeps what a request to the Coupa site would carry and
// nothing of any other origin: a remote context gets exactly these.
func TestCookiesForKeepsTheSitesCookiesOnly(t *testing.T) {
	jar := []*network.Cookie{
		{Name: "host_only", Domain: "acme.coupahost.com", Path: "/", Session: true, HTTPOnly: true, Secure: true},
		{Name: "parent", Domain: ".coupahost.com", Path: "/", Expires: 4102444800},
		{Name: "own_domain", Domain: ".acme.coupahost.com", Path: "/"},
		{Name: "upper_case", Domain: "ACME.CoupaHost.com", Path: "/"},
		{Name: "deep_path", Domain: "acme.coupahost.com", Path: "/order_headers"},
		{Name: "other_port", Domain: "acme.coupahost.com", Path: "/", SourcePort: 8443},
		{Name: "first_party_partition", Domain: "acme.coupahost.com", Path: "/",
			PartitionKey: &network.CookiePartitionKey{TopLevelSite: "https://coupahost.com"}},

		{Name: "sibling", Domain: "globex.coupahost.com", Path: "/"},
		{Name: "sibling_domain", Domain: ".globex.coupahost.com", Path: "/"},
		{Name: "child_host", Domain: "eu.acme.coupahost.com", Path: "/"},
		{Name: "other_host", Domain: "example.com", Path: "/"},
		{Name: "other_parent", Domain: ".example.com", Path: "/"},
		{Name: "suffix_trick", Domain: ".hostcoupahost.com", Path: "/"},
		{Name: "lookalike", Domain: "acme.coupahost.com.evil.net", Path: "/"},
		{Name: "idp", Domain: ".okta.com", Path: "/"},
		{Name: "third_party_partition", Domain: "acme.coupahost.com", Path: "/",
			PartitionKey: &network.CookiePartitionKey{TopLevelSite: "https://example.com"}},
		{Name: "cross_site_frame", Domain: "acme.coupahost.com", Path: "/",
			PartitionKey: &network.CookiePartitionKey{TopLevelSite: "https://coupahost.com", HasCrossSiteAncestor: true}},
		nil,
	}
	site, _ := url.Parse("https://acme.coupahost.com/")
	got := CookiesFor(site, jar)
	want := []string{"host_only", "parent", "own_domain", "upper_case", "deep_path", "other_port", "first_party_partition"}
	if names := cookieNames(got); !slices.Equal(names, want) {
		t.Fatalf("cookies for %s: %v, want %v", site, names, want)
	}
	byName := map[string]*network.CookieParam{}
	for _, c := range got {
		byName[c.Name] = c
	}
	// Host-only stays host-only (a URL, no domain); domain cookies keep their domain.
	if c := byName["host_only"]; c.Domain != "" || c.URL != "https://acme.coupahost.com/" || !c.HTTPOnly || !c.Secure || c.Expires != 0 {
		t.Errorf("host-only session cookie became %+v", c)
	}
	if c := byName["parent"]; c.Domain != ".coupahost.com" || c.URL != "" || c.Expires != 4102444800 {
		t.Errorf("parent-domain cookie became %+v", c)
	}
	if c := byName["deep_path"]; c.Path != "/order_headers" || c.URL != "https://acme.coupahost.com/order_headers" {
		t.Errorf("path cookie became %+v", c)
	}
	if c := byName["first_party_partition"]; c.PartitionKey == nil || c.PartitionKey.TopLevelSite != "https://coupahost.com" {
		t.Errorf("a partitioned cookie lost its partition: %+v", c)
	}
}

// On loopback, localhost and 127.0.0.1 are different hosts, an IP address
// has no parent domain, and the port does not separate cookies.
func TestCookiesForLoopback(t *testing.T) {
	jar := []*network.Cookie{
		{Name: "ip", Domain: "127.0.0.1", Path: "/", SourcePort: 41000},
		{Name: "ip_other_port", Domain: "127.0.0.1", Path: "/", SourcePort: 41999},
		{Name: "localhost", Domain: "localhost", Path: "/"},
		{Name: "dot_localhost", Domain: ".localhost", Path: "/"},
		{Name: "ip_suffix", Domain: ".0.0.1", Path: "/"},
		{Name: "other_ip", Domain: "127.0.0.2", Path: "/"},
	}
	for _, tc := range []struct {
		site string
		want []string
	}{
		{"http://127.0.0.1:41000", []string{"ip", "ip_other_port"}},
		{"http://127.0.0.1:50000/", []string{"ip", "ip_other_port"}},
		{"http://localhost:41000/", []string{"localhost", "dot_localhost"}},
		{"http://LOCALHOST:41000/", []string{"localhost", "dot_localhost"}},
	} {
		site, _ := url.Parse(tc.site)
		got := CookiesFor(site, jar)
		if names := cookieNames(got); !slices.Equal(names, tc.want) {
			t.Errorf("cookies for %s: %v, want %v", tc.site, names, tc.want)
		}
		for _, c := range got {
			if c.URL != "" && c.URL != (&url.URL{Scheme: site.Scheme, Host: site.Host, Path: "/"}).String() {
				t.Errorf("cookies for %s: %s is set for %s", tc.site, c.Name, c.URL)
			}
		}
	}
}

func cookieNames(cs []*network.CookieParam) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}
