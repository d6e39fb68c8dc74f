package sim

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newClient is a plain HTTP client with its own connections that does not
// follow redirects; its idle connections close when the test ends.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// fetch GETs url with the given headers (name, value pairs) and returns the
// response and its whole body; it fails the test on a transport error.
func fetch(t *testing.T, c *http.Client, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("new request %s: %v", url, err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp, body
}

// mustStatus fetches and checks the status code.
func mustStatus(t *testing.T, c *http.Client, url string, want int, headers ...string) (*http.Response, string) {
	t.Helper()
	resp, body := fetch(t, c, url, headers...)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d; body:\n%.400s", url, resp.StatusCode, want, body)
	}
	return resp, string(body)
}

var listHTMLRe = regexp.MustCompile(`var listHTML = ("(?:[^"\\]|\\.)*");`)
var delayRe = regexp.MustCompile(`var delay = *(\d+) *;`)

// insertedHTML is what the page's script puts into the attachments panel.
func insertedHTML(t *testing.T, page string) string {
	t.Helper()
	m := listHTMLRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page has no listHTML script variable:\n%s", page)
	}
	var s string
	if err := json.Unmarshal([]byte(m[1]), &s); err != nil {
		t.Fatalf("listHTML is not a JS string literal %s: %v", m[1], err)
	}
	return s
}

var bindsRe = regexp.MustCompile(`var binds = *(null|\[.*\]) *;`)

// pageBinds are the handlers a page's script binds, by selector.
func pageBinds(t *testing.T, page string) map[string]bind {
	t.Helper()
	m := bindsRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page has no binds script variable:\n%s", page)
	}
	var list []bind
	if err := json.Unmarshal([]byte(m[1]), &list); err != nil {
		t.Fatalf("binds are not JSON %s: %v", m[1], err)
	}
	out := map[string]bind{}
	for _, b := range list {
		out[b.Sel] = b
	}
	return out
}

// staticHTML is the page without its scripts: what a DOM query finds
// before any script runs.
func staticHTML(page string) string {
	return regexp.MustCompile(`(?s)<script>.*?</script>`).ReplaceAllString(page, "")
}

// visibleText unescapes HTML entities so texts can be searched as shown.
func visibleText(page string) string { return html.UnescapeString(page) }

func contains(t *testing.T, what, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%s lacks %q", what, sub)
	}
}

func lacks(t *testing.T, what, s, sub string) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Errorf("%s holds %q, want it absent", what, sub)
	}
}
