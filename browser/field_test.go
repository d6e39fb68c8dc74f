package browser

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"

	"coupatui/internal/testkit"
)

func TestUTF8LocaleEnv(t *testing.T) {
	for _, tc := range []struct {
		goos             string
		all, ctype, lang string
		want             []string
	}{
		{"linux", "", "", "", []string{"LC_CTYPE=C.UTF-8"}}, // env -i, cron
		{"linux", "", "", "C", []string{"LC_CTYPE=C.UTF-8"}},
		{"linux", "", "", "POSIX", []string{"LC_CTYPE=C.UTF-8"}},
		{"linux", "", "", "pt_BR.ISO-8859-1", []string{"LC_CTYPE=C.UTF-8"}},
		{"linux", "", "", "en_US.UTF-8", nil},
		{"linux", "", "", "de_DE.utf8@euro", nil},
		{"linux", "", "C.UTF-8", "C", nil},
		{"linux", "", "C", "en_US.UTF-8", []string{"LC_CTYPE=C.UTF-8"}},
		{"linux", "C", "", "en_US.UTF-8", []string{"LC_ALL=C.UTF-8"}}, // LC_ALL overrides LC_CTYPE
		{"linux", "en_GB.UTF-8", "", "", nil},
		{"freebsd", "", "", "", []string{"LC_CTYPE=C.UTF-8"}},
		{"darwin", "", "", "", nil},
		{"windows", "", "", "", nil},
	} {
		env := map[string]string{"LC_ALL": tc.all, "LC_CTYPE": tc.ctype, "LANG": tc.lang}
		got := utf8LocaleEnv(tc.goos, func(k string) string { return env[k] })
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s LC_ALL=%q LC_CTYPE=%q LANG=%q: %q, want %q", tc.goos, tc.all, tc.ctype, tc.lang, got, tc.want)
		}
	}
}

// clickPage is a page whose attachments have no URL in the markup: each
// is bound by script to one event (click, mousedown, pointerdown), and a
// toolbar floats over all of them, as on Coupa's order pages.
const clickPage = `<html><body>
<div class="page_buttons_right orderHeaderShowFloatingSection floatingSectionOnTop"
 style="position:fixed;inset:0;z-index:10;background:rgba(0,0,0,0.01)"
 onclick="location.href='/wrong'" onmousedown="location.href='/wrong'"><button>Edit</button></div>
<span id="c">clicked.pdf</span> <span id="m">pressed.pdf</span> <span id="p">pointed.pdf</span>
<script>
document.getElementById("c").addEventListener("click", () => { location.href = "/files/c"; });
document.getElementById("m").addEventListener("mousedown", () => { location.href = "/files/m"; });
document.getElementById("p").addEventListener("pointerdown", () => { location.href = "/files/p"; });
</script></body></html>`

func TestClickRunsHandlersOfEveryMouseEventUnderAFloatingBar(t *testing.T) {
	srv := newFileServer(t)
	bodies := map[string][]byte{}
	for i, id := range []string{"c", "m", "p"} {
		bodies[id] = content(30+i, 5000+i)
		srv.add("/files/"+id, &testFile{body: bodies[id], disposition: fmt.Sprintf(`attachment; filename="%s.pdf"`, id)})
	}
	srv.handle("/po", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, clickPage) })
	tab := newTab(t)
	ctx := testCtx(t, 60*time.Second)
	if _, err := tab.Navigate(ctx, srv.URL+"/po"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	results, err := tab.Download(ctx, []Link{{Click: "#c"}, {Click: "#m"}, {Click: "#p"}}, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	got := folderFiles(t, dir)
	for i, id := range []string{"c", "m", "p"} {
		if results[i].Err != nil || !bytes.Equal(got[id+".pdf"], bodies[id]) {
			t.Errorf("%s: %+v, folder %v", id, results[i], keys(got))
		}
	}
	if n := srv.count("/wrong"); n != 0 {
		t.Errorf("the floating toolbar took %d clicks", n)
	}
}

func TestBrowserDownloadFromAFrameAndFromAPopup(t *testing.T) {
	srv := newFileServer(t)
	inFrame, inPopup := content(41, 7000), content(42, 9000)
	srv.add("/files/f", &testFile{body: inFrame, disposition: `attachment; filename="framed.pdf"`})
	srv.add("/files/w", &testFile{body: inPopup, disposition: `attachment; filename="popup.pdf"`})
	srv.handle("/list", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><span id="f" onclick="location.href='/files/f'">framed.pdf</span></body></html>`)
	})
	srv.handle("/po", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><iframe id="list" src="/list"></iframe>
<a href="#" id="w" onclick="window.open('/files/w', '_blank'); return false">popup.pdf</a>
<script>window.onload = () => { document.title = "ready"; };</script></body></html>`)
	})
	tab := newTab(t)
	ctx := testCtx(t, 60*time.Second)
	if _, err := tab.Navigate(ctx, srv.URL+"/po"); err != nil {
		t.Fatal(err)
	}
	pagesBefore := pageTargets(t, ctx, shared.Get(t))
	dir := t.TempDir()
	results, err := tab.Download(ctx, []Link{{Click: "#f"}, {Click: "#w"}}, fastOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	got := folderFiles(t, dir)
	if results[0].Err != nil || !bytes.Equal(got["framed.pdf"], inFrame) {
		t.Errorf("download started in a same-origin frame: %+v, folder %v", results[0], keys(got))
	}
	if results[1].Err != nil || !bytes.Equal(got["popup.pdf"], inPopup) {
		t.Errorf("download started in a popup: %+v, folder %v", results[1], keys(got))
	}
	if len(got) != 2 {
		t.Errorf("folder holds %v", keys(got))
	}
	// The popup is closed once its download is over.
	testkit.WaitFor(t, "the popup to close", 10*time.Second, func() bool { return pageTargets(t, ctx, shared.Get(t)) <= pagesBefore })
}

// pageTargets counts b's open pages.
func pageTargets(t *testing.T, ctx context.Context, b *Browser) int {
	t.Helper()
	res, err := cdp.Call(ctx, b.cdp, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, info := range res.TargetInfos {
		if info.Type == "page" {
			n++
		}
	}
	return n
}

// TestBrowserDownloadIntoNonASCIIFoldersInTheCLocale is coupatui run from
// cron or `env -i`: no LANG, and a supplier folder with non-ASCII letters.
// Chromium decodes the download folder with the locale's character set;
// the file must still land, both with the browser's UTF-8 locale and, when
// that is not available, through an ASCII-only staging folder.
func TestBrowserDownloadIntoNonASCIIFoldersInTheCLocale(t *testing.T) {
	for _, k := range []string{"LANG", "LC_CTYPE", "LANGUAGE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("LC_ALL", "C")
	srv := newFileServer(t)
	body := content(51, 30_000)
	srv.add("/files/1", &testFile{body: body, disposition: `attachment; filename="Contrato.pdf"; filename*=UTF-8''Contrato%20de%20servi%C3%A7o.pdf`})
	srv.handle("/po", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><span role="button" id="b" onclick="location.href='/files/1'">Contrato de serviço.pdf</span></body></html>`)
	})
	for _, tc := range []struct {
		name       string
		keepLocale bool
	}{{"browser given a UTF-8 locale", false}, {"browser left in the C locale", true}} {
		t.Run(tc.name, func(t *testing.T) {
			keepLocale = tc.keepLocale
			defer func() { keepLocale = false }()
			b := launchOwn(t, Options{})
			ctx := testCtx(t, 60*time.Second)
			tab, err := b.NewTab(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tab.Close()
			if _, err := tab.Navigate(ctx, srv.URL+"/po"); err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			dir := filepath.Join(root, "Indústria Açores", "Böhm & Söhne", "PO4500001035__WORK")
			results, err := tab.Download(ctx, []Link{{Click: "#b"}}, fastOpts(dir, srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if results[0].Err != nil || results[0].Name != "Contrato de serviço.pdf" {
				t.Fatalf("result %+v", results[0])
			}
			if got := folderFiles(t, dir); len(got) != 1 || !bytes.Equal(got["Contrato de serviço.pdf"], body) {
				t.Errorf("PO folder holds %v", keys(got))
			}
			// Nothing is left in the staging folder's parent.
			if got := folderFiles(t, root); len(got) != 4 {
				t.Errorf("download root holds %v", keys(got))
			}
		})
	}
}
