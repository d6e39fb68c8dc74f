package profiles

import (
	"os"
	"path/filepath"
	"testing"
)

// Only a cookie without expiry makes the pool read the cookies through a
// full browser; a store it cannot read makes it read them too.
func TestSiteCookies(t *testing.T) {
	m := newTestManager(t, Options{})
	path := filepath.Join(m.Base(), filepath.FromSlash(cookiesFile))
	if held, session := m.SiteCookies("coupa.example"); held || session {
		t.Errorf("no cookie store: holds %v, session %v", held, session)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		cookies        []sampleCookie
		held, sessions bool
	}{
		{"other sites only", []sampleCookie{{host: ".a.example", persistent: true}, {host: "b.example"}}, false, false},
		{"persistent only", []sampleCookie{{host: "acme.coupa.example", persistent: true}, {host: "b.example"}}, true, false},
		{"a session cookie", []sampleCookie{{host: ".a.example", persistent: true}, {host: "acme.coupa.example"}}, true, true},
		{"a parent domain's", []sampleCookie{{host: ".coupa.example"}}, true, true},
		{"a sibling's", []sampleCookie{{host: "other.coupa.example"}, {host: ".other.coupa.example"}}, false, false},
	} {
		os.Remove(path)
		if err := writeCookieStore(path, c.cookies); err != nil {
			t.Fatal(err)
		}
		if held, session := m.SiteCookies("Acme.Coupa.example"); held != c.held || session != c.sessions {
			t.Errorf("%s: holds %v, session %v; want %v, %v", c.name, held, session, c.held, c.sessions)
		}
	}
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if held, session := m.SiteCookies("acme.coupa.example"); !held || !session {
		t.Error("a store it cannot read: answered no cookies to read")
	}
}
