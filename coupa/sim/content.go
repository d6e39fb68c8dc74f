package sim

import (
	"crypto/sha256"
	"math/rand/v2"
	"path"
	"strconv"
	"strings"
)

// Content returns a copy of the bytes the server sends for an attachment,
// nil for an unknown id. Bytes are deterministic from (seed, attachment ID)
// and generated once.
func (s *Server) Content(attachmentID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.atts[attachmentID]
	if !ok {
		return nil
	}
	return append([]byte(nil), s.contentLocked(st.a)...)
}

// contentLocked returns the cached bytes of a; callers must not modify them.
func (s *Server) contentLocked(a Attachment) []byte {
	if a.Content != nil {
		return a.Content
	}
	if b, ok := s.content[a.ID]; ok {
		return b
	}
	b := generateContent(s.opts.Seed, a)
	s.content[a.ID] = b
	return b
}

// generateContent makes a.Size bytes that look like the file type its name
// claims (a magic header, a PDF trailer) and are pseudo-random otherwise.
func generateContent(seed int64, a Attachment) []byte {
	key := sha256.Sum256([]byte(strconv.FormatInt(seed, 10) + "/" + a.ID))
	rng := rand.NewChaCha8(key)
	b := make([]byte, a.Size)
	ext := strings.ToLower(path.Ext(a.Name))
	if textExts[ext] {
		const alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789.,;:-\n"
		r := rand.New(rng)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return b
	}
	rng.Read(b)
	copy(b, magic[ext])
	if ext == ".pdf" && len(b) >= len(pdfHeader)+len(pdfTrailer) {
		copy(b[len(b)-len(pdfTrailer):], pdfTrailer)
	}
	return b
}

const (
	pdfHeader  = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	pdfTrailer = "\n%%EOF\n"
)

var magic = map[string]string{
	".pdf":  pdfHeader,
	".xlsx": "PK\x03\x04",
	".docx": "PK\x03\x04",
	".pptx": "PK\x03\x04",
	".zip":  "PK\x03\x04",
	".png":  "\x89PNG\r\n\x1a\n",
	".jpg":  "\xff\xd8\xff\xe0",
	".jpeg": "\xff\xd8\xff\xe0",
	".xls":  "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
	".doc":  "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
	".msg":  "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}

var textExts = map[string]bool{".txt": true, ".csv": true, ".eml": true, ".ini": true}

// contentTypes is a fixed table so answers do not depend on the host's
// /etc/mime.types.
var contentTypes = map[string]string{
	".pdf":  "application/pdf",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".xls":  "application/vnd.ms-excel",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".doc":  "application/msword",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".txt":  "text/plain; charset=utf-8",
	".ini":  "text/plain; charset=utf-8",
	".csv":  "text/csv; charset=utf-8",
	".eml":  "message/rfc822",
	".msg":  "application/vnd.ms-outlook",
	".zip":  "application/zip",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
}

// contentType is the Content-Type for a file name, by its extension.
func contentType(name string) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// contentDisposition is the header a download carries: the name as a
// quoted-string (raw UTF-8, as many servers send it); with RFC5987, or for a
// name holding control characters, an ASCII fallback plus an RFC 5987
// filename* in UTF-8; with NoFilename no name at all.
func contentDisposition(a Attachment) string {
	if a.NoFilename {
		return "attachment"
	}
	// Raw control bytes are invalid in a header (Go's client refuses the
	// whole response), so a name holding them always goes RFC 5987-encoded.
	encoded := a.RFC5987 || hasControl(a.Name)
	name := a.Name
	if encoded {
		name = asciiFallback(a.Name)
	}
	v := `attachment; filename="` + quoteString(name) + `"`
	if encoded {
		v += "; filename*=UTF-8''" + encodeRFC5987(a.Name)
	}
	return v
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// quoteString escapes a quoted-string's specials (RFC 9110 quoted-pair).
func quoteString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// asciiFallback replaces every byte outside printable ASCII with '_'.
func asciiFallback(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			b.WriteByte('_')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// encodeRFC5987 percent-encodes every byte that is not an RFC 8187 attr-char.
func encodeRFC5987(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for _, c := range []byte(s) {
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	return b.String()
}

func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
