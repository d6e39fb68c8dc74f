package sim

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

// InvalidateSessions makes every session token invalid, as when Coupa
// expires sessions mid-run; the next protected request meets the wall.
func (s *Server) InvalidateSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

// signedIn reports whether r carries a valid session, or SignIn is off.
func (s *Server) signedIn(r *http.Request) bool {
	if !s.opts.SignIn {
		return true
	}
	c, err := r.Cookie(sessionCookieName)
	if err != nil || c.Value == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[c.Value]
}

// guard answers the sign-in wall and reports false when r needs a session
// it does not have.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	if s.signedIn(r) {
		return true
	}
	s.mu.Lock()
	s.stats.SignInWalls++
	s.mu.Unlock()
	http.Redirect(w, r, signInPath+"?return_to="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
	return false
}

type signInData struct {
	pageData
	ReturnTo string
	Error    string
	Email    string
}

func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	if !s.pageDelay(r) {
		return
	}
	s.render(w, http.StatusOK, "signin", signInData{
		pageData: s.pageData("Sign In | Coupa"),
		ReturnTo: safeReturn(r.URL.Query().Get("return_to")),
	}, nil)
}

// handleSignIn checks the form's credentials; right ones set the session
// cookie and redirect to return_to, wrong ones show the form again.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	email, password := r.PostForm.Get("user[login]"), r.PostForm.Get("user[password]")
	returnTo := safeReturn(r.PostForm.Get("return_to"))
	ok := subtle.ConstantTimeCompare([]byte(email), []byte(s.opts.User)) == 1 &&
		subtle.ConstantTimeCompare([]byte(password), []byte(s.opts.Password)) == 1
	if !ok {
		s.log.Info("sim: sign-in refused") // never log what was typed
		if !s.pageDelay(r) {
			return
		}
		s.render(w, http.StatusOK, "signin", signInData{
			pageData: s.pageData("Sign In | Coupa"),
			ReturnTo: returnTo,
			Error:    textInvalidSignIn,
			Email:    email,
		}, nil)
		return
	}
	token := rand.Text()
	s.mu.Lock()
	s.sessions[token] = true
	s.stats.SignIns++
	s.mu.Unlock()
	c := &http.Cookie{
		Name:     sessionCookieName,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	if !s.opts.SessionCookie {
		c.MaxAge = 86400
	}
	http.SetCookie(w, c)
	s.log.Info("sim: signed in")
	http.Redirect(w, r, returnTo, http.StatusFound)
}

// safeReturn keeps return_to on this server: a path, never a scheme or a
// protocol-relative "//host".
func safeReturn(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) {
		return "/"
	}
	return p
}
