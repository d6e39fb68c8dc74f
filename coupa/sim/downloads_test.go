package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fileURL is the URL a page gives for a in its shape (the "open" page for
// ShapeScriptRedirect, /files/<id> for ShapeButton's script target).
func fileURL(base, recordPath string, a Attachment) string {
	switch a.Shape {
	case ShapeAttachmentLink:
		return base + recordPath + "/attachments/" + a.ID
	case ShapeDownloadLink:
		return base + "/download?file=" + a.ID
	case ShapeScriptRedirect:
		return base + "/attachments/" + a.ID + "/open"
	}
	return base + "/files/" + a.ID
}

func TestDownloadHeadersAndBodies(t *testing.T) {
	atts := []Attachment{
		{ID: "plain", Name: "Quote 7.pdf", Size: 5000, Shape: ShapeAttachmentLink},
		{ID: "rfc", Name: "Orçamento nº 5 – final.pdf", Size: 3000, Shape: ShapeDownloadLink, RFC5987: true},
		{ID: "raw-utf8", Name: "見積書.xlsx", Size: 3000, Shape: ShapeDownloadAttr},
		{ID: "quote", Name: `say "hi" \ bye.docx`, Size: 10, Shape: ShapeTitled},
		{ID: "win", Name: `..\..\win.ini`, Size: 64, Shape: ShapeButton},
		{ID: "anon", Name: "Receipt.pdf", Size: 10, Shape: ShapeDownloadLink, NoFilename: true},
		{ID: "ctl", Name: "bell\x07\ttab.txt", Size: 100, Shape: ShapeDownloadLink},
		{ID: "noext", Name: "../../etc/passwd", Size: 10, Shape: ShapeDownloadLink},
		{ID: "empty", Name: "empty.csv", Size: 0, Shape: ShapeDownloadLink},
	}
	wantCD := map[string]string{
		"plain":    `attachment; filename="Quote 7.pdf"`,
		"rfc":      `attachment; filename="Or_amento n_ 5 _ final.pdf"; filename*=UTF-8''Or%C3%A7amento%20n%C2%BA%205%20%E2%80%93%20final.pdf`,
		"raw-utf8": `attachment; filename="見積書.xlsx"`,
		"quote":    `attachment; filename="say \"hi\" \\ bye.docx"`,
		"win":      `attachment; filename="..\\..\\win.ini"`,
		"anon":     `attachment`,
		"ctl":      `attachment; filename="bell__tab.txt"; filename*=UTF-8''bell%07%09tab.txt`,
		"noext":    `attachment; filename="../../etc/passwd"`,
		"empty":    `attachment; filename="empty.csv"`,
	}
	wantCT := map[string]string{
		"plain": "application/pdf", "rfc": "application/pdf",
		"raw-utf8": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"quote":    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"win":      "text/plain; charset=utf-8", "anon": "application/pdf", "ctl": "text/plain; charset=utf-8",
		"noext": "application/octet-stream", "empty": "text/csv; charset=utf-8",
	}
	s := Start(t, Options{Seed: 9, NoAssets: true, POs: []PO{{ID: "4500000901", Attachments: atts}}})
	c := newClient(t)
	expected := map[string]File{}
	for _, f := range s.Expected("4500000901") {
		expected[f.AttachmentID] = f
	}
	for _, a := range atts {
		url := s.URL() + "/files/" + a.ID
		if a.Shape == ShapeAttachmentLink || a.Shape == ShapeDownloadLink {
			url = fileURL(s.URL(), "/order_headers/4500000901", a)
		}
		resp, body := mustStatus(t, c, url, http.StatusOK)
		h := resp.Header
		if got := h.Get("Content-Disposition"); got != wantCD[a.ID] {
			t.Errorf("%s: Content-Disposition\n got %q\nwant %q", a.ID, got, wantCD[a.ID])
		}
		if got := h.Get("Content-Type"); got != wantCT[a.ID] {
			t.Errorf("%s: Content-Type %q, want %q", a.ID, got, wantCT[a.ID])
		}
		if got := h.Get("Content-Length"); got != strconv.Itoa(a.Size) {
			t.Errorf("%s: Content-Length %s, want %d", a.ID, got, a.Size)
		}
		if !a.NoFilename {
			// What a standard parser makes of the header is the name itself.
			_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
			if err != nil || params["filename"] != a.Name {
				t.Errorf("%s: parsed filename %q (%v), want %q", a.ID, params["filename"], err, a.Name)
			}
		}
		if body != string(s.Content(a.ID)) || len(body) != a.Size {
			t.Errorf("%s: body (%d bytes) differs from Content", a.ID, len(body))
		}
		sum := sha256.Sum256([]byte(body))
		if f := expected[a.ID]; f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != a.Size || f.Name != a.Name {
			t.Errorf("%s: Expected %+v does not describe the body", a.ID, f)
		}
	}
	st := s.Stats()
	for _, a := range atts {
		if st.Downloads[a.ID] != 1 || st.DownloadStarts[a.ID] != 1 {
			t.Errorf("%s: Downloads %d, DownloadStarts %d; want 1, 1", a.ID, st.Downloads[a.ID], st.DownloadStarts[a.ID])
		}
	}
}

func TestContentIsDeterministicAndTyped(t *testing.T) {
	po := PO{ID: "4500000902", Attachments: []Attachment{
		{ID: "p", Name: "x.PDF", Size: 4096}, {ID: "z", Name: "x.xlsx", Size: 100}, {ID: "t", Name: "x.csv", Size: 500},
		{ID: "tiny", Name: "x.pdf", Size: 5}}}
	a := Start(t, Options{Seed: 1, POs: []PO{po}})
	b := Start(t, Options{Seed: 1, POs: []PO{po}})
	other := Start(t, Options{Seed: 2, POs: []PO{po}})
	for _, att := range po.Attachments {
		if !bytes.Equal(a.Content(att.ID), b.Content(att.ID)) {
			t.Errorf("%s: same seed, different bytes", att.ID)
		}
		if att.Size > 64 && bytes.Equal(a.Content(att.ID), other.Content(att.ID)) {
			t.Errorf("%s: seeds 1 and 2 gave the same bytes", att.ID)
		}
		if len(a.Content(att.ID)) != att.Size {
			t.Errorf("%s: %d bytes, want %d", att.ID, len(a.Content(att.ID)), att.Size)
		}
	}
	pdf := a.Content("p")
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.7\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Errorf("PDF content lacks header or trailer")
	}
	if !bytes.HasPrefix(a.Content("z"), []byte("PK\x03\x04")) {
		t.Errorf("xlsx content lacks the zip magic")
	}
	for _, c := range a.Content("t") {
		if c != '\n' && (c < 0x20 || c > 0x7e) {
			t.Fatalf("csv content holds byte %#x", c)
		}
	}
	if string(a.Content("tiny")) != "%PDF-" {
		t.Errorf("tiny pdf = %q", a.Content("tiny"))
	}
	if a.Content("nope") != nil {
		t.Error("Content of an unknown id is not nil")
	}
	cp := a.Content("p")
	cp[0] = 'X'
	if a.Content("p")[0] != '%' {
		t.Error("Content returned the cache itself")
	}
}

func TestCutOnceCutsTheFirstDownloadOnly(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000903",
		Attachments: []Attachment{{ID: "cut", Name: "big.pdf", Size: 300_000, CutOnce: true}}}}})
	c := newClient(t)
	resp, err := c.Get(s.URL() + "/files/cut")
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != 300_000 {
		t.Errorf("cut download announces %d bytes, want the full 300000", resp.ContentLength)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading a cut download: %v, want unexpected EOF", err)
	}
	if len(got) != 150_000 || !bytes.Equal(got, s.Content("cut")[:150_000]) {
		t.Errorf("cut download delivered %d bytes, want the first 150000", len(got))
	}
	if st := s.Stats(); st.Downloads["cut"] != 0 || st.DownloadStarts["cut"] != 1 {
		t.Errorf("after the cut: Downloads %d, DownloadStarts %d", st.Downloads["cut"], st.DownloadStarts["cut"])
	}
	_, body := mustStatus(t, c, s.URL()+"/files/cut", http.StatusOK)
	if !bytes.Equal([]byte(body), s.Content("cut")) {
		t.Error("second download is not whole")
	}
	if st := s.Stats(); st.Downloads["cut"] != 1 || st.DownloadStarts["cut"] != 2 {
		t.Errorf("after the retry: Downloads %d, DownloadStarts %d", st.Downloads["cut"], st.DownloadStarts["cut"])
	}
}

func TestFail5xxOnceThenCutOnceThenWhole(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000904", Attachments: []Attachment{
		{ID: "f", Name: "f.pdf", Size: 1000, Fail5xxOnce: true},
		{ID: "fc", Name: "fc.pdf", Size: 1000, Fail5xxOnce: true, CutOnce: true}}}}})
	c := newClient(t)
	mustStatus(t, c, s.URL()+"/files/f", http.StatusServiceUnavailable)
	mustStatus(t, c, s.URL()+"/files/f", http.StatusOK)

	mustStatus(t, c, s.URL()+"/files/fc", http.StatusServiceUnavailable)
	resp, err := c.Get(s.URL() + "/files/fc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("second attempt: %v, want the cut", err)
	}
	resp.Body.Close()
	mustStatus(t, c, s.URL()+"/files/fc", http.StatusOK)
	st := s.Stats()
	if st.DownloadStarts["f"] != 2 || st.Downloads["f"] != 1 || st.DownloadStarts["fc"] != 3 || st.Downloads["fc"] != 1 {
		t.Errorf("starts %v, downloads %v", st.DownloadStarts, st.Downloads)
	}
}

func TestSlowDownloadIsPaced(t *testing.T) {
	const size = 96 << 10 // 6 chunks: 5 pauses of 1/16 s
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000905",
		Attachments: []Attachment{{ID: "slow", Name: "slow.pdf", Size: size, Slow: true}}}}})
	c := newClient(t)
	start := time.Now()
	_, body := mustStatus(t, c, s.URL()+"/files/slow", http.StatusOK)
	elapsed := time.Since(start)
	if !bytes.Equal([]byte(body), s.Content("slow")) {
		t.Error("slow body differs")
	}
	// A lower bound only: pacing can make it slower on a busy machine, never faster.
	if min := 5 * slowTick; elapsed < min {
		t.Errorf("96 KiB at 256 KiB/s took %v, want at least %v", elapsed, min)
	}
}

func TestScriptRedirectAnswersHTML(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000906",
		Attachments: []Attachment{{ID: "sr", Name: "terms.pdf", Size: 2000, Shape: ShapeScriptRedirect}}}}})
	c := newClient(t)
	resp, page := mustStatus(t, c, s.URL()+"/attachments/sr/open", http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("open page is not plain HTML: %q", ct)
	}
	contains(t, "open page", page, `location.replace("/files/sr")`)
	if strings.Contains(page, "%PDF") {
		t.Error("open page carries the file")
	}
	if st := s.Stats(); st.DownloadStarts["sr"] != 0 {
		t.Error("the open page counted as a download")
	}
	mustStatus(t, c, s.URL()+"/files/sr", http.StatusOK)
}

func TestHeadDoesNotCountAsDownload(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000907",
		Attachments: []Attachment{{ID: "h", Name: "h.pdf", Size: 2000, Fail5xxOnce: true}}}}})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodHead, s.URL()+"/files/h", nil)
	resp, err := newClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != 2000 {
		t.Errorf("HEAD: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	if st := s.Stats(); st.DownloadStarts["h"] != 0 {
		t.Error("HEAD counted as a download attempt")
	}
}
