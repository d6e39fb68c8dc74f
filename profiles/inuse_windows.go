package profiles

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// baseHolder tells whether a browser holds dir. Chromium on Windows keeps
// "lockfile" open for writing without sharing write access while it runs,
// so opening it for writing fails with a sharing violation exactly then.
// Opening writes nothing. Windows does not say which process holds it.
func baseHolder(dir string) (pid int, inUse bool) {
	f, err := os.OpenFile(filepath.Join(dir, "lockfile"), os.O_WRONLY, 0)
	if err == nil {
		f.Close()
		return 0, false
	}
	return 0, errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}
