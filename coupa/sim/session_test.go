package sim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"coupatui/internal/testkit"
)

// TestTestkitKnowsTheDefaults: the other packages' tests sign in with the
// test kit's copy of the default credentials.
func TestTestkitKnowsTheDefaults(t *testing.T) {
	if testkit.SimUser != defaultUser || testkit.SimPassword != defaultPassword || testkit.SimSessionCookie != sessionCookieName {
		t.Errorf("testkit has %q / %q and cookie %q; the simulator %q / %q and %q", testkit.SimUser, testkit.SimPassword,
			testkit.SimSessionCookie, defaultUser, defaultPassword, sessionCookieName)
	}
}

func TestSignInFlow(t *testing.T) {
	for _, sessionCookie := range []bool{false, true} {
		name := "max-age cookie"
		if sessionCookie {
			name = "browser-session cookie"
		}
		t.Run(name, func(t *testing.T) {
			s := Start(t, Options{NoAssets: true, SignIn: true, SessionCookie: sessionCookie,
				POs: []PO{{ID: "4500000801", Attachments: []Attachment{{ID: "f1", Name: "a.pdf", Size: 10}}}}})
			c := newClient(t)
			po := s.URL() + "/order_headers/4500000801?tab=attachments"

			resp, _ := mustStatus(t, c, po, http.StatusFound)
			wantWall := s.SignInPath() + "?return_to=" + url.QueryEscape("/order_headers/4500000801?tab=attachments")
			if loc := resp.Header.Get("Location"); loc != wantWall {
				t.Fatalf("wall redirect to %q, want %q", loc, wantWall)
			}
			resp, _ = mustStatus(t, c, s.URL()+"/files/f1", http.StatusFound)
			if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/sessions/new?return_to=%2Ffiles%2Ff1") {
				t.Errorf("download without session redirected to %q", loc)
			}

			_, form := mustStatus(t, c, s.URL()+wantWall, http.StatusOK)
			for _, want := range []string{`id="user_email"`, `id="user_password"`, `action="/sessions" method="post"`,
				`<button type="submit"`, `name="return_to" value="/order_headers/4500000801?tab=attachments"`} {
				contains(t, "sign-in form", form, want)
			}

			resp = testkit.SimSignIn(t, c, s.URL(), testkit.SimUser, "wrong", "/order_headers/4500000801")
			if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 0 {
				t.Errorf("wrong password: status %d, cookies %d; want the form again and no cookie", resp.StatusCode, len(resp.Cookies()))
			}
			r2, err := c.PostForm(s.URL()+"/sessions", url.Values{"user[login]": {"operator@example.com"}, "user[password]": {"nope"}})
			if err != nil {
				t.Fatal(err)
			}
			again := readAll(t, r2)
			contains(t, "refused sign-in page", again, textInvalidSignIn)
			contains(t, "refused sign-in page", again, `id="user_password"`)

			resp = testkit.SimSignIn(t, c, s.URL(), testkit.SimUser, testkit.SimPassword, "/order_headers/4500000801?tab=attachments")
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/order_headers/4500000801?tab=attachments" {
				t.Fatalf("sign-in: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			raw := resp.Header.Get("Set-Cookie")
			for _, want := range []string{"_coupa_session=", "Path=/", "HttpOnly"} {
				contains(t, "Set-Cookie", raw, want)
			}
			if sessionCookie {
				lacks(t, "browser-session Set-Cookie", raw, "Max-Age")
				lacks(t, "browser-session Set-Cookie", raw, "Expires")
			} else {
				contains(t, "Set-Cookie", raw, "Max-Age=86400")
			}
			cookie := resp.Cookies()[0]
			auth := []string{"Cookie", cookie.Name + "=" + cookie.Value}
			mustStatus(t, c, po, http.StatusOK, auth...)
			mustStatus(t, c, s.URL()+"/files/f1", http.StatusOK, auth...)
			mustStatus(t, c, s.URL()+"/order_headers/4500000801", http.StatusFound, "Cookie", "_coupa_session=forged")

			st := s.Stats()
			if st.SignIns != 1 || st.SignInWalls != 3 {
				t.Errorf("SignIns %d, SignInWalls %d; want 1 and 3", st.SignIns, st.SignInWalls)
			}

			s.InvalidateSessions()
			resp, _ = mustStatus(t, c, po, http.StatusFound, auth...)
			if !strings.HasPrefix(resp.Header.Get("Location"), s.SignInPath()) {
				t.Errorf("after InvalidateSessions, redirect to %q", resp.Header.Get("Location"))
			}
			mustStatus(t, c, s.URL()+"/files/f1", http.StatusFound, auth...)
		})
	}
}

func TestSignInCustomCredentialsAndSafeReturn(t *testing.T) {
	s := Start(t, Options{NoAssets: true, SignIn: true, User: "buyer@corp.test", Password: "s3cret"})
	c := newClient(t)
	if resp := testkit.SimSignIn(t, c, s.URL(), testkit.SimUser, testkit.SimPassword, "/"); resp.StatusCode != http.StatusOK {
		t.Errorf("default credentials accepted when custom ones are set")
	}
	for _, evil := range []string{"https://evil.test/", "//evil.test/x", `/\evil.test`, "order_headers/1"} {
		resp := testkit.SimSignIn(t, c, s.URL(), "buyer@corp.test", "s3cret", evil)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/" {
			t.Errorf("return_to %q: status %d to %q, want 302 to /", evil, resp.StatusCode, loc)
		}
	}
}

func TestNoSignInNeedsNoCookie(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000802"}}})
	mustStatus(t, newClient(t), s.URL()+"/order_headers/4500000802", http.StatusOK)
	if st := s.Stats(); st.SignInWalls != 0 {
		t.Errorf("SignInWalls = %d without SignIn", st.SignInWalls)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", resp.Request.URL, err)
	}
	return string(b)
}
