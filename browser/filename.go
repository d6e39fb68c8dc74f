package browser

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxNameBytes caps a sanitised file name (most file systems allow 255
// bytes; the margin leaves room for " (N)" and the ".part" temp name).
const MaxNameBytes = 200

// SanitizeFileName turns a name from a server or a page into one safe file
// name on Windows, macOS and Linux: path separators split the name, each
// part loses its leading and trailing dots and spaces (so "." and ".." parts
// vanish; a blank or invisible stem before an extension becomes "_", so
// "\u00a0.pdf" → "_.pdf") and the parts are joined with "_" ("a/b/c.pdf" → "a_b_c.pdf",
// "../../etc/passwd" → "etc_passwd"); control and invisible
// format characters are removed; <>:"|?* become "_"; runs of dots collapse
// to one (no ".."), leading dots and spaces (hidden files) and trailing dots
// and spaces (Windows drops them) are trimmed; reserved Windows device names
// (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with any extension; checked after the
// length cap) get a "_" prefix; the result is NFC-normalised, valid UTF-8, and at most
// MaxNameBytes long with its extension kept. It returns "" when nothing
// usable is left, so callers can fall back to another source of name.
func SanitizeFileName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = norm.NFC.String(name)
	var parts []string
	for part := range strings.FieldsFuncSeq(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		cleaned := strings.TrimLeft(cleanPart(part), " ")
		if strings.HasPrefix(cleaned, ".") && !strings.HasPrefix(part, ".") {
			// The name had a stem, blank or invisible ("\u00a0.pdf"):
			// keep its place, so the extension stays an extension.
			cleaned = "_" + cleaned
		}
		// Each part loses its own leading/trailing dots and spaces, so
		// "." and ".." parts vanish and "x ../y" does not become "x ._y".
		part = strings.Trim(cleaned, ". ")
		if part == "" {
			continue
		}
		parts = append(parts, part)
	}
	name = strings.Join(parts, "_")
	name = collapseDots(name)
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")
	if name == "" || strings.Trim(name, "_") == "" {
		return ""
	}
	// Cutting may leave a reserved name ("CON" + spaces + "x.pdf" is cut
	// to "CON.pdf"), so the check comes after.
	name = capLength(name, MaxNameBytes)
	if isReservedWindowsName(name) {
		name = capLength("_"+name, MaxNameBytes)
	}
	return name
}

// cleanPart drops control and format characters (including bidi overrides
// that disguise an extension) and replaces characters Windows forbids.
func cleanPart(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ') // tabs, no-break spaces, ... → plain space
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			// dropped
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func collapseDots(s string) string {
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	return s
}

// isReservedWindowsName reports whether the part before the first dot is a
// DOS device name, which Windows reserves whatever the extension.
func isReservedWindowsName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT") {
		switch stem[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// capLength cuts name to at most max bytes on a rune boundary, keeping a
// short extension.
func capLength(name string, max int) string {
	if len(name) <= max {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 || len(ext) >= max/2 {
		ext = ""
	}
	stem := truncateUTF8(strings.TrimSuffix(name, ext), max-len(ext))
	stem = strings.TrimRight(stem, ". ")
	return stem + ext
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
