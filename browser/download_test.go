package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// fastOpts are download options with short backoffs for tests.
func fastOpts(dir, origin string) DownloadOptions {
	return DownloadOptions{Dir: dir, Origin: origin, Backoff: 10 * time.Millisecond, BeginTimeout: 10 * time.Second}
}

// folderFiles maps every entry under dir (recursively, hidden included) to
// its content.
func folderFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = nil
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDownloadOverHTTP(t *testing.T) {
	srv := newFileServer(t)
	files := []struct {
		path, disposition, contentType string
		want                           string
	}{
		{"/f/1", `attachment; filename="quote.pdf"`, "application/pdf", "quote.pdf"},
		{"/f/2", `attachment; filename="Or_amento.pdf"; filename*=UTF-8''Or%C3%A7amento%20n%C2%BA%205%20%E2%80%93%20final.pdf`, "application/pdf", "Orçamento nº 5 – final.pdf"},
		{"/files/7001", `attachment`, "application/pdf", "7001.pdf"},
		{"/f/4", `inline; filename=report.xlsx`, "", "report.xlsx"},
		{"/", "", "application/zip", "attachment-5.zip"},
	}
	var links []Link
	for i, f := range files {
		links = append(links, Link{URL: srv.add(f.path, &testFile{body: content(i, 10_000+i), disposition: f.disposition, contentType: f.contentType})})
	}
	tab := newTab(t)
	dir := filepath.Join(t.TempDir(), "PO1__WORK")
	var progress []string
	opts := fastOpts(dir, srv.URL)
	opts.Progress = func(r FileResult) { progress = append(progress, r.Name) }
	results, err := tab.Download(testCtx(t, 30*time.Second), links, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := folderFiles(t, dir)
	if len(got) != len(files) {
		t.Errorf("folder holds %d entries, want %d: %v", len(got), len(files), keys(got))
	}
	for i, f := range files {
		r := results[i]
		if r.Err != nil || r.Name != f.want || r.Via != "http" || r.Index != i || r.Size != int64(10_000+i) {
			t.Errorf("result %d = %+v, want name %q via http", i, r, f.want)
		}
		if !bytes.Equal(got[f.want], content(i, 10_000+i)) {
			t.Errorf("%s: wrong content on disk", f.want)
		}
		if w := srv.workerHeaders(f.path); len(w) == 0 || w[0] != "w-test" {
			t.Errorf("%s: worker header %q", f.path, w)
		}
	}
	if len(progress) != len(files) {
		t.Errorf("progress called %d times", len(progress))
	}

	// A second run finds every file complete and keeps it.
	results, err = tab.Download(testCtx(t, 30*time.Second), links, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Err != nil || r.Via != "existing" || r.Name != files[i].want {
			t.Errorf("rerun %d = %+v, want existing %q", i, r, files[i].want)
		}
	}
}

// Files an earlier download recorded (name, size, sha256) and still intact
// are kept without a request; a changed one is fetched again.
func TestDownloadKeepsKnownFilesWithoutRequests(t *testing.T) {
	srv := newFileServer(t)
	var links []Link
	for i := range 3 {
		links = append(links, Link{URL: srv.add(fmt.Sprintf("/f/%d", i), &testFile{body: content(i, 20_000),
			disposition: fmt.Sprintf(`attachment; filename="file%d.pdf"`, i)}) + "?token=secret", Text: fmt.Sprintf("file %d", i)})
	}
	tab := newTab(t)
	dir := t.TempDir()
	first, err := tab.Download(testCtx(t, 30*time.Second), links, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var known []Known
	for i, r := range first {
		if r.Err != nil || len(r.SHA256) != 64 {
			t.Fatalf("first download %d: %+v", i, r)
		}
		known = append(known, Known{Index: i, URL: StripQuery(links[i].URL), Text: links[i].Text, Name: r.Name, Size: r.Size, SHA256: r.SHA256})
	}
	if strings.Contains(known[0].URL, "secret") || strings.Contains(known[0].URL, "?") {
		t.Fatalf("StripQuery kept the query: %s", known[0].URL)
	}
	// file2.pdf changed on disk since: it is fetched again.
	if err := os.WriteFile(filepath.Join(dir, "file2.pdf"), []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := fastOpts(dir, srv.URL)
	opts.Known = known
	again, err := tab.Download(testCtx(t, 30*time.Second), links, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"existing", "existing", "http"} {
		if r := again[i]; r.Err != nil || r.Via != want || r.SHA256 != first[i].SHA256 || r.Name != first[i].Name {
			t.Errorf("second download %d = %+v, want via %s with the first's hash", i, r, want)
		}
		wantHits := 1
		if want == "http" {
			wantHits = 2
		}
		if n := srv.count(fmt.Sprintf("/f/%d", i)); n != wantHits {
			t.Errorf("/f/%d requested %d times, want %d", i, n, wantHits)
		}
	}
}

func TestDownloadRetriesTransientFailures(t *testing.T) {
	srv := newFileServer(t)
	body := content(9, 50_000)
	links := []Link{
		{URL: srv.add("/cut-once", &testFile{body: body, disposition: `attachment; filename="a.pdf"`, cutTimes: 1})},
		{URL: srv.add("/503-once", &testFile{body: body, disposition: `attachment; filename="b.pdf"`, failTimes: 1})},
		{URL: srv.add("/always-cut", &testFile{body: body, disposition: `attachment; filename="c.pdf"`, cutTimes: 100})},
		{URL: srv.add("/gone", &testFile{status: http.StatusNotFound})},
		{URL: srv.add("/always-503", &testFile{body: body, failTimes: 100})},
	}
	tab := newTab(t)
	dir := t.TempDir()
	results, err := tab.Download(testCtx(t, 30*time.Second), links, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"a.pdf", "b.pdf"} {
		if results[i].Err != nil || results[i].Name != want {
			t.Errorf("transient failure %d not recovered: %+v", i, results[i])
		}
	}
	if results[2].Err == nil || !strings.Contains(results[2].Err.Error(), "cut short") {
		t.Errorf("always cut: %+v", results[2])
	}
	if results[2].Name != "c.pdf" {
		t.Errorf("always cut keeps its page-order name, got %q", results[2].Name)
	}
	if n := srv.count("/always-cut"); n != 3 {
		t.Errorf("always cut: %d attempts, want 3", n)
	}
	if results[3].Err == nil || srv.count("/gone") != 1 {
		t.Errorf("404: %+v after %d attempts, want one failed attempt", results[3], srv.count("/gone"))
	}
	if results[4].Err == nil || srv.count("/always-503") != 3 {
		t.Errorf("always 503: %+v after %d attempts", results[4], srv.count("/always-503"))
	}
	got := folderFiles(t, dir)
	if !slices.Equal(keys(got), []string{"a.pdf", "b.pdf"}) {
		t.Errorf("folder holds %v, want only the complete files", keys(got))
	}
}

func TestDownloadSendsCookiesOnlyToTheirOrigin(t *testing.T) {
	coupa := newFileServer(t)
	other := newFileServer(t)
	coupa.handle("/login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "_coupa_session", Value: "TOPSECRET", Path: "/", HttpOnly: true})
		fmt.Fprint(w, `<html><body>signed in</body></html>`)
	})
	body := content(3, 3000)
	other.add("/ext", &testFile{body: body, disposition: `attachment; filename="ext.pdf"`})
	coupa.handle("/to-other", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/ext", http.StatusFound)
	})
	coupa.add("/own", &testFile{body: body, disposition: `attachment; filename="own.pdf"`})

	tab := newTab(t)
	ctx := testCtx(t, 30*time.Second)
	if _, err := tab.Navigate(ctx, coupa.URL+"/login"); err != nil {
		t.Fatal(err)
	}
	links := []Link{{URL: coupa.URL + "/own"}, {URL: coupa.URL + "/to-other"}, {URL: other.URL + "/ext"}}
	results, err := tab.Download(ctx, links, fastOpts(t.TempDir(), coupa.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%+v", r)
		}
	}
	if c := coupa.cookieHeaders("/own"); len(c) != 1 || !strings.Contains(c[0], "_coupa_session=TOPSECRET") {
		t.Errorf("same-origin download sent cookies %q", c)
	}
	if c := other.cookieHeaders("/ext"); len(c) != 0 {
		t.Errorf("another origin received cookies %q", c)
	}
	if results[1].Name != "ext.pdf" || results[2].Name != "ext (2).pdf" {
		t.Errorf("names %q %q", results[1].Name, results[2].Name)
	}
}

func TestOriginJar(t *testing.T) {
	origin, _ := url.Parse("https://acme.coupahost.com")
	jar := &originJar{origin: origin, cookies: []*http.Cookie{
		{Name: "s", Value: "1", Path: "/"},
		{Name: "deep", Value: "2", Path: "/files"},
		{Name: "sec", Value: "3", Path: "/", Secure: true},
	}}
	names := func(raw string) []string {
		u, _ := url.Parse(raw)
		var out []string
		for _, c := range jar.Cookies(u) {
			out = append(out, c.Name)
		}
		return out
	}
	if got := names("https://acme.coupahost.com/files/1"); !slices.Equal(got, []string{"s", "deep", "sec"}) {
		t.Errorf("same origin: %v", got)
	}
	if got := names("https://acme.coupahost.com:443/filesx"); !slices.Equal(got, []string{"s", "sec"}) {
		t.Errorf("path prefix is not a path match: %v", got)
	}
	for _, other := range []string{"http://acme.coupahost.com/", "https://evil.com/", "https://x.acme.coupahost.com/",
		"https://acme.coupahost.com:8443/", "https://coupahost.com/"} {
		if got := names(other); len(got) != 0 {
			t.Errorf("%s got cookies %v", other, got)
		}
	}
	u, _ := url.Parse("https://evil.com/")
	jar.SetCookies(u, []*http.Cookie{{Name: "s", Value: "evil"}})
	u, _ = url.Parse("https://acme.coupahost.com/x")
	jar.SetCookies(u, []*http.Cookie{{Name: "s", Value: "fresh", Path: "/"}, {Name: "new", Value: "n"}})
	got := map[string]string{}
	for _, c := range jar.Cookies(u) {
		got[c.Name] = c.Value
	}
	if got["s"] != "fresh" || got["new"] != "n" {
		t.Errorf("after SetCookies: %v", got)
	}
}

func TestDownloadFallsBackToTheBrowser(t *testing.T) {
	srv := newFileServer(t)
	body1, body2, body3 := content(11, 40_000), content(12, 30_000), content(13, 20_000)
	srv.add("/files/1", &testFile{body: body1, disposition: `attachment; filename="redirected.pdf"`, contentType: "application/pdf"})
	srv.add("/files/2", &testFile{body: body2, disposition: `attachment; filename="clicked.xlsx"; filename*=UTF-8''cl%C3%ADcked.xlsx`})
	srv.add("/files/3", &testFile{body: body3, contentType: "application/pdf", disposition: "attachment"})
	srv.add("/open/1", &testFile{html: true, body: []byte(`<html><body>Opening…<script>location.replace("/files/1")</script></body></html>`)})
	srv.handle("/po", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body>
<span role="button" id="b2" onclick="location.href='/files/2'">clicked.xlsx</span>
<span role="button" id="b3" onclick="location.href='/files/3'">no name</span>
</body></html>`)
	})
	tab := newTab(t)
	ctx := testCtx(t, 60*time.Second)
	if _, err := tab.Navigate(ctx, srv.URL+"/po"); err != nil {
		t.Fatal(err)
	}
	links := []Link{{URL: srv.URL + "/open/1"}, {Click: "#b2"}, {Click: "#b3"}}
	dir := t.TempDir()
	results, err := tab.Download(ctx, links, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		body []byte
	}{{"redirected.pdf", body1}, {"clícked.xlsx", body2}, {"3.pdf", body3}}
	got := folderFiles(t, dir)
	for i, w := range want {
		if results[i].Err != nil || results[i].Via != "browser" || results[i].Name != w.name {
			t.Errorf("result %d = %+v, want %q via the browser", i, results[i], w.name)
		}
		if !bytes.Equal(got[w.name], w.body) {
			t.Errorf("%s: wrong content", w.name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("folder holds %v: temp folders left behind?", keys(got))
	}
	// The task's tab still shows its page.
	if loc, err := tab.URL(ctx); err != nil || loc != srv.URL+"/po" {
		t.Errorf("tab moved to %q, %v", loc, err)
	}
	if w := srv.workerHeaders("/files/2"); len(w) == 0 || w[0] != "w-test" {
		t.Errorf("browser download carried worker header %q", w)
	}
}

func TestBrowserDownloadCancelledByTheServer(t *testing.T) {
	srv := newFileServer(t)
	body := content(21, 200_000)
	srv.add("/files/once", &testFile{body: body, disposition: `attachment; filename="once.pdf"`, cutTimes: 1})
	srv.add("/files/always", &testFile{body: body, disposition: `attachment; filename="always.pdf"`, cutTimes: 1000})
	srv.handle("/po", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body>
<span role="button" id="once" onclick="location.href='/files/once'">x</span>
<span role="button" id="always" onclick="location.href='/files/always'">y</span></body></html>`)
	})
	tab := newTab(t)
	ctx := testCtx(t, 60*time.Second)
	if _, err := tab.Navigate(ctx, srv.URL+"/po"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	results, err := tab.Download(ctx, []Link{{Click: "#once"}, {Click: "#always"}}, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Err != nil || results[0].Name != "once.pdf" {
		t.Errorf("cut once: %+v", results[0])
	}
	if results[1].Err == nil {
		t.Errorf("always cut: %+v, want a failure", results[1])
	}
	t.Logf("always cut: %v", results[1].Err)
	got := folderFiles(t, dir)
	if !slices.Equal(keys(got), []string{"once.pdf"}) || !bytes.Equal(got["once.pdf"], body) {
		t.Errorf("folder holds %v", keys(got))
	}
}

func TestDownloadHostileNamesStayInTheFolder(t *testing.T) {
	srv := newFileServer(t)
	names := []struct{ sent, want string }{
		{"../../etc/passwd", "etc_passwd"},
		{`..\..\win.ini`, "win.ini"},
		{"CON.txt", "_CON.txt"},
		{"a/b/c.pdf", "a_b_c.pdf"},
		{"bad\x01\x1fname\x7f.pdf", "badname.pdf"},
		{strings.Repeat("x", 300) + ".pdf", strings.Repeat("x", MaxNameBytes-4) + ".pdf"},
		{".", "6"}, // falls back to the URL's last segment
		{"..", "7"},
		{"invoice.pdf", "invoice.pdf"},
		{"INVOICE.pdf", "INVOICE (2).pdf"},
		{"invoice.pdf", "invoice (3).pdf"},
		{".hidden", "hidden"},
		{"nul", "_nul"},
	}
	var links []Link
	for i, n := range names {
		disp := `attachment; filename="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(n.sent) + `"`
		links = append(links, Link{URL: srv.add(fmt.Sprintf("/x/%d/", i), &testFile{body: content(100+i, 1000), disposition: disp})})
	}
	tab := newTab(t)
	root := t.TempDir()
	dir := filepath.Join(root, "Supplier", "PO9__WORK")
	results, err := tab.Download(testCtx(t, 30*time.Second), links, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		if results[i].Err != nil || results[i].Name != n.want {
			t.Errorf("%q → %+v, want %q", n.sent, results[i], n.want)
		}
	}
	// Nothing anywhere under root but the PO folder's files.
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Dir(p) != dir {
			t.Errorf("file outside the PO folder: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(folderFiles(t, dir)); n != len(names) {
		t.Errorf("%d files in the folder, want %d", n, len(names))
	}
}

func TestDownloadNamesFollowPageOrder(t *testing.T) {
	srv := newFileServer(t)
	gate := make(chan struct{})
	srv.add("/slow", &testFile{body: content(1, 500), disposition: `attachment; filename="invoice.pdf"`, gate: gate})
	srv.add("/fast", &testFile{body: content(2, 600), disposition: `attachment; filename="invoice.pdf"`})
	tab := newTab(t)
	dir := t.TempDir()
	opts := fastOpts(dir, srv.URL)
	var mu sync.Mutex
	var order []string
	opts.Progress = func(r FileResult) {
		mu.Lock()
		order = append(order, r.Name)
		mu.Unlock()
	}
	done := make(chan []FileResult)
	go func() {
		results, _ := tab.Download(testCtx(t, 30*time.Second), []Link{{URL: srv.URL + "/slow"}, {URL: srv.URL + "/fast"}}, opts)
		done <- results
	}()
	// Let the fast one reach the server first, then release the slow one.
	testkit.WaitFor(t, "both downloads to reach the server", 10*time.Second, func() bool {
		return srv.count("/fast") == 1 && srv.count("/slow") == 1
	})
	close(gate)
	results := <-done
	if results[0].Name != "invoice.pdf" || results[1].Name != "invoice (2).pdf" {
		t.Fatalf("names %q, %q: not in page order", results[0].Name, results[1].Name)
	}
	got := folderFiles(t, dir)
	if !bytes.Equal(got["invoice.pdf"], content(1, 500)) || !bytes.Equal(got["invoice (2).pdf"], content(2, 600)) {
		t.Error("contents swapped")
	}
}

func TestDownloadSweepsLeftoversAndRefusesToWait(t *testing.T) {
	srv := newFileServer(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".old.pdf.part"), []byte("partial"), 0o644)
	os.MkdirAll(filepath.Join(dir, tempDirPrefix+"123", "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "kept.pdf"), []byte("complete"), 0o644)
	tab := newTab(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results, err := tab.Download(ctx, []Link{{URL: srv.add("/a", &testFile{body: content(1, 10)})}}, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(results[0].Err, context.Canceled) {
		t.Errorf("cancelled download: %+v", results[0])
	}
	if got := keys(folderFiles(t, dir)); !slices.Equal(got, []string{"kept.pdf"}) {
		t.Errorf("folder after sweep: %v", got)
	}
}

func TestDownloadDetectsTheSignInWall(t *testing.T) {
	srv := newFileServer(t)
	srv.handle("/sessions/new", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><form><input type="password" id="user_password"></form></body></html>`)
	})
	srv.handle("/files/9", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/sessions/new?return_to=/files/9", http.StatusFound)
	})
	opts := fastOpts(t.TempDir(), srv.URL)
	opts.IsSignIn = func(u *url.URL) bool { return strings.Contains(u.Path, "/sessions/new") }
	results, err := newTab(t).Download(testCtx(t, 30*time.Second), []Link{{URL: srv.URL + "/files/9"}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(results[0].Err, ErrSignInWall) {
		t.Errorf("err = %v, want ErrSignInWall", results[0].Err)
	}
	if strings.Contains(results[0].Err.Error(), "return_to") {
		t.Errorf("error leaks a query string: %v", results[0].Err)
	}
}

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://a.com/x", "https://A.COM:443/y", true},
		{"http://a.com/", "http://a.com:80", true},
		{"http://a.com/", "https://a.com/", false},
		{"http://127.0.0.1:1/", "http://127.0.0.1:2/", false},
		{"https://a.com/", "https://b.a.com/", false},
	} {
		a, _ := url.Parse(tc.a)
		b, _ := url.Parse(tc.b)
		if got := sameOrigin(a, b); got != tc.want {
			t.Errorf("sameOrigin(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

func TestRedactURL(t *testing.T) {
	got := redactURL("https://user:pw@s3.example.com/bucket/f.pdf?X-Amz-Signature=abc#frag")
	if strings.Contains(got, "abc") || strings.Contains(got, "pw") || !strings.Contains(got, "/bucket/f.pdf") {
		t.Errorf("redactURL = %q", got)
	}
}

func keys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var _ = httptest.NewServer
