package emailpdf

import (
	"strings"
	"testing"
)

func TestSanitizeHTMLKeepsTextDropsWhatIsActiveOrRemote(t *testing.T) {
	src := `<html><head><style>@import url(http://evil.example/a.css); p { background: url("http://evil.example/bg.png") } h1 { background: url(data:image/png;base64,AAAA) }</style>
<script>alert(1)</script><meta http-equiv="refresh" content="0;url=http://evil.example"></head>
<body onload="steal()"><h1 onclick="x()">Quote approved</h1>
<p style="background-image:url('https://evil.example/t.gif'); color: red">Price: 1 200,00 € &lt;net&gt;</p>
<a href="javascript:alert(1)">bad link</a> <a href="https://coupa.example/po/1">good link</a>
<img src="https://evil.example/track.gif" width="1"><img src="https://evil.example/x.png" alt="chart">
<img src="cid:Logo@Supplier"><img src="image001.png">
<iframe src="https://evil.example/frame">frame text</iframe><object data="x.swf">obj</object>
<form action="https://evil.example/post"><input name="q" value="kept field"></form>
<svg><script>alert(2)</script><text>svg text</text></svg><!-- a comment -->
</body></html>`
	inline := map[string]string{"logo@supplier": "data:image/png;base64,TE9HTw==", "image001.png": "data:image/png;base64,SU1H"}
	styles, body := sanitizeHTML(src, inline)
	all := strings.Join(styles, "\n") + body
	for _, bad := range []string{"evil.example", "<script", "alert(", "onload", "onclick", "javascript:", "<iframe", "<object",
		"frame text", "<form", "<svg", "svg text", "a comment", "<meta", "@import"} {
		if strings.Contains(all, bad) {
			t.Errorf("%q left in:\n%s", bad, all)
		}
	}
	for _, good := range []string{"Quote approved", "Price: 1 200,00 € &lt;net&gt;", "color: red", `href="https://coupa.example/po/1"`,
		"good link", "bad link", "[image: chart]", `src="data:image/png;base64,TE9HTw=="`, `src="data:image/png;base64,SU1H"`,
		"kept field", "url(data:image/png;base64,AAAA)"} {
		if !strings.Contains(all, good) {
			t.Errorf("%q missing from:\n%s", good, all)
		}
	}
}

func TestRenderPageEscapesHeadersAndText(t *testing.T) {
	m := &Message{From: `"Eve <script>" <eve@x.example>`, To: []string{"<b>bold</b>"}, Subject: "a & b </title><script>",
		Text: "line 1\n<script>alert(1)</script>"}
	page := renderPage(m, "x<y>.eml", "x<y>.eml_attachments", []listed{{Name: "a<b>.txt", Type: "text/plain", Size: 3}}, nil)
	if strings.Contains(page, "<script") || strings.Contains(page, "<b>bold") || strings.Contains(page, "a<b>") {
		t.Errorf("unescaped input in the page:\n%s", page)
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "a &amp; b", "Attachments (1)", "a&lt;b&gt;.txt",
		"Content-Security-Policy", "default-src &#39;none&#39;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
}
