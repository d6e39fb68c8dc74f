package coupa

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"coupatui/vocab"
)

func TestIsSignInURL(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		{"https://acme.coupahost.com/sessions/new?return_to=%2Forder_headers%2F1", true},
		{"https://acme.coupahost.com/login", true},
		{"https://acme.coupahost.com/sso/saml2/acs", true},
		{"https://login.acme.com/", true},
		{"https://acme.okta.com/app/coupa/sso/saml", true},
		{"https://login.microsoftonline.com/common/oauth2", true},
		{"https://acme.auth0.com/authorize", true},
		{"https://acme.onelogin.com/trust/saml2", true},
		{"https://sso.pingidentity.com/idp", true},
		{"https://acme.coupahost.com/order_headers/4500001234", false},
		{"https://acme.coupahost.com/", false},
		{"https://acme.coupahost.com/order_headers/1/attachments/2", false},
		{"https://acme.coupahost.com/processors/lesson", false}, // "sso" inside words
		{"https://acme.coupahost.com/requisition_headers/9", false},
	} {
		u, _ := url.Parse(tc.raw)
		if got := IsSignInURL(u); got != tc.want {
			t.Errorf("IsSignInURL(%s) = %v, want %v", tc.raw, got, tc.want)
		}
	}
	if IsSignInURL(nil) {
		t.Error("nil URL is a wall")
	}
}

func TestIsFolderOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"PO123__WORK", true},
		{"PO123_COMPLETED", true},
		{"PO123_NO_ATTACHMENTS", true},
		{"PO123_PR_NOT_ACCESSIBLE", true},
		{"PO1234_COMPLETED", false},
		{"PO12_COMPLETED", false},
		{"PO123_SOMETHING", false},
		{"PO123", false},
	} {
		if got := isFolderOf(tc.name, "123"); got != tc.want {
			t.Errorf("isFolderOf(%q) = %v", tc.name, got)
		}
	}
}

func TestFolderPrepareMergesAndFinishRenames(t *testing.T) {
	parent := t.TempDir()
	write := func(dir, name, body string) {
		os.MkdirAll(filepath.Join(parent, dir), 0o755)
		os.WriteFile(filepath.Join(parent, dir, name), []byte(body), 0o644)
	}
	write("PO7_PARTIAL", "a.pdf", "a-partial-run")
	write("PO7_FAILED", "b.pdf", "b")
	write("PO7_FAILED", "a.pdf", "a-older")
	write("PO77_COMPLETED", "x.pdf", "other PO")
	f := &poFolder{parent: parent, po: "7"}
	if err := f.prepare(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(parent)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"PO77_COMPLETED", "PO7__WORK"}) {
		t.Fatalf("after prepare: %v", names)
	}
	files, _ := os.ReadDir(f.work)
	if len(files) != 2 {
		t.Errorf("work folder holds %d files, want a.pdf and b.pdf", len(files))
	}
	// A final folder of that status already exists: merge into it.
	write("PO7_COMPLETED", "c.pdf", "c")
	final, err := f.finish(vocab.Completed)
	if err != nil || final != filepath.Join(parent, "PO7_COMPLETED") {
		t.Fatalf("finish = %q, %v", final, err)
	}
	files, _ = os.ReadDir(final)
	if len(files) != 3 {
		t.Errorf("merged folder holds %d files", len(files))
	}
	if _, err := os.Stat(filepath.Join(parent, "PO7__WORK")); !os.IsNotExist(err) {
		t.Error("work folder left after finish")
	}

	// An empty work folder leaves nothing.
	g := &poFolder{parent: parent, po: "8"}
	if err := g.prepare(); err != nil {
		t.Fatal(err)
	}
	if final, err := g.finish(vocab.Failed); err != nil || final != "" {
		t.Errorf("empty finish = %q, %v", final, err)
	}
	if _, err := os.Stat(filepath.Join(parent, "PO8__WORK")); !os.IsNotExist(err) {
		t.Error("empty work folder left")
	}
}

func TestRequisitionID(t *testing.T) {
	for in, want := range map[string]string{
		"https://x/requisition_headers/2100001":         "2100001",
		"https://x/requisition_headers/2100001?tab=att": "2100001",
		"https://x/requisition_headers/55/lines":        "55",
	} {
		if got := requisitionID(in); got != want {
			t.Errorf("requisitionID(%q) = %q", in, got)
		}
	}
}

func TestParentDir(t *testing.T) {
	s := &Site{Root: "/r"}
	if got := s.parentDir(Job{}, "A/B: Co."); got != filepath.Join("/r", "A_B_ Co") {
		t.Errorf("supplier dir %q", got)
	}
	if got := s.parentDir(Job{}, ""); got != filepath.Join("/r", "_unknown_supplier") {
		t.Errorf("no supplier %q", got)
	}
	if got := s.parentDir(Job{Hierarchy: []string{"..", "EMEA"}}, "ignored"); got != filepath.Join("/r", "_", "EMEA") {
		t.Errorf("hierarchy %q", got)
	}
	s.Layout = vocab.LayoutFlat
	if got := s.parentDir(Job{Hierarchy: []string{"x"}}, "y"); got != "/r" {
		t.Errorf("flat %q", got)
	}
}
