package browser

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DispositionName extracts the file name from a Content-Disposition header
// value: filename* (RFC 5987/8187, UTF-8 or ISO-8859-1, with RFC 2231
// continuations) first, then filename. It is lenient with the malformed
// headers servers send (unquoted names with spaces, raw UTF-8, stray
// semicolons) and returns the raw, unsanitised name, or "" when there is none.
func DispositionName(header string) string {
	params := dispositionParams(header)
	if v, ok := params["filename*"]; ok {
		if name, ok := decodeExtValue(v); ok && name != "" {
			return name
		}
	}
	if name := joinContinuations(params); name != "" {
		return name
	}
	if v, ok := params["filename"]; ok {
		return decodeRawBytes(v)
	}
	return ""
}

// dispositionParams splits `attachment; a=b; c="d;e"` into lower-cased
// parameter names and their (unquoted) values.
func dispositionParams(h string) map[string]string {
	params := map[string]string{}
	// Skip the disposition type.
	if i := strings.IndexByte(h, ';'); i >= 0 {
		h = h[i+1:]
	} else {
		return params
	}
	for len(h) > 0 {
		h = strings.TrimLeft(h, " \t;")
		if h == "" {
			break
		}
		eq := strings.IndexAny(h, "=;")
		if eq < 0 || h[eq] == ';' {
			// A bare word: skip it.
			if eq < 0 {
				break
			}
			h = h[eq+1:]
			continue
		}
		name := strings.ToLower(strings.TrimSpace(h[:eq]))
		h = strings.TrimLeft(h[eq+1:], " \t")
		var value string
		if strings.HasPrefix(h, `"`) {
			value, h = readQuoted(h[1:])
		} else {
			end := strings.IndexByte(h, ';')
			if end < 0 {
				end = len(h)
			}
			value, h = strings.TrimSpace(h[:end]), h[end:]
		}
		if _, seen := params[name]; !seen && name != "" {
			params[name] = value
		}
	}
	return params
}

// readQuoted reads a quoted-string body up to its closing quote, undoing
// backslash escapes, and returns it with the rest of the header.
func readQuoted(s string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), "" // unterminated: take the rest
}

// decodeExtValue decodes charset'lang'pct-encoded.
func decodeExtValue(v string) (string, bool) {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return "", false
	}
	raw, err := url.PathUnescape(parts[2])
	if err != nil {
		return "", false
	}
	switch strings.ToLower(parts[0]) {
	case "utf-8", "utf8", "":
		if !utf8.ValidString(raw) {
			return latin1(raw), true
		}
		return raw, true
	case "iso-8859-1", "latin1", "us-ascii":
		return latin1(raw), true
	}
	return "", false
}

// joinContinuations assembles RFC 2231 filename*0, filename*1*, ... parts.
func joinContinuations(params map[string]string) string {
	type piece struct {
		n       int
		value   string
		encoded bool
	}
	var pieces []piece
	for k, v := range params {
		rest, ok := strings.CutPrefix(k, "filename*")
		if !ok || rest == "" {
			continue
		}
		encoded := strings.HasSuffix(rest, "*")
		n, err := strconv.Atoi(strings.TrimSuffix(rest, "*"))
		if err != nil {
			continue
		}
		pieces = append(pieces, piece{n, v, encoded})
	}
	if len(pieces) == 0 {
		return ""
	}
	sort.Slice(pieces, func(i, j int) bool { return pieces[i].n < pieces[j].n })
	var b strings.Builder
	charset := ""
	for i, p := range pieces {
		if p.n != i {
			break // a gap: stop at the last contiguous piece
		}
		v := p.value
		if p.encoded {
			if i == 0 {
				parts := strings.SplitN(v, "'", 3)
				if len(parts) == 3 {
					charset, v = strings.ToLower(parts[0]), parts[2]
				}
			}
			if dec, err := url.PathUnescape(v); err == nil {
				v = dec
			}
		}
		b.WriteString(v)
	}
	s := b.String()
	if charset == "iso-8859-1" || !utf8.ValidString(s) {
		return latin1(s)
	}
	return s
}

// decodeRawBytes reads a plain filename= value: servers put raw UTF-8 there
// (valid as is) or Latin-1 bytes.
func decodeRawBytes(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	return latin1(v)
}

func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}
