package profiles

import (
	"os"
	"path/filepath"
	"testing"
)

// Only a cookie without expiry makes the pool read the cookies through a
// full browser; a store it cannot read makes it read them too.
func TestHoldsSessionCookies(t *testing.T) {
	m := newTestManager(t, Options{})
	path := filepath.Join(m.Base(), filepath.FromSlash(cookiesFile))
	if m.HoldsSessionCookies() {
		t.Error("no cookie store: holds session cookies")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		cookies []sampleCookie
		want    bool
	}{
		{"persistent only", []sampleCookie{{host: ".a.example", persistent: true}, {host: ".b.example", persistent: true}}, false},
		{"a session cookie", []sampleCookie{{host: ".a.example", persistent: true}, {host: "coupa.example"}}, true},
	} {
		os.Remove(path)
		if err := writeCookieStore(path, c.cookies); err != nil {
			t.Fatal(err)
		}
		if got := m.HoldsSessionCookies(); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !m.HoldsSessionCookies() {
		t.Error("a store it cannot read: answered no session cookies")
	}
}
