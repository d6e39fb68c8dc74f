package browser

import (
	"strings"
	"unicode/utf8"
)

// utf8LocaleEnv is what a browser started by this process must have in its
// environment so that it reads file paths as UTF-8. Chromium on Linux
// converts the download folder it is given (UTF-8 over the protocol) to a
// file path with the C library's character set: in the C or POSIX locale
// (cron, systemd, `env -i`, many containers) every non-ASCII letter of the
// path is lost and the file lands nowhere we look. When the locale's
// character set is not UTF-8 this returns the one variable that fixes it,
// LC_CTYPE=C.UTF-8 (LC_ALL=C.UTF-8 when LC_ALL is what is set, as it
// overrides LC_CTYPE); the browser's language and messages stay as they
// were. macOS and Windows use Unicode file APIs and need nothing.
func utf8LocaleEnv(goos string, getenv func(string) string) []string {
	if goos == "darwin" || goos == "ios" || goos == "windows" {
		return nil
	}
	if all := getenv("LC_ALL"); all != "" {
		if isUTF8Locale(all) {
			return nil
		}
		return []string{"LC_ALL=C.UTF-8"}
	}
	ctype := getenv("LC_CTYPE")
	if ctype == "" {
		ctype = getenv("LANG")
	}
	if isUTF8Locale(ctype) {
		return nil
	}
	return []string{"LC_CTYPE=C.UTF-8"}
}

// isUTF8Locale reports whether a locale name (language_TERRITORY.codeset
// @modifier) names the UTF-8 character set.
func isUTF8Locale(name string) bool {
	_, codeset, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	codeset, _, _ = strings.Cut(codeset, "@")
	codeset = strings.ToLower(strings.ReplaceAll(codeset, "-", ""))
	return codeset == "utf8"
}

// isASCII reports whether a path holds only ASCII bytes, which every
// character set spells the same way.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
