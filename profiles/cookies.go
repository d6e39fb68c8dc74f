package profiles

import (
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// cookiesFile is where a Chromium profile keeps its cookies.
const cookiesFile = "Default/Cookies"

// SiteCookies tells what the base profile's cookie store holds for host:
// whether it holds a cookie a request to host carries (host-only ones of
// host, domain ones of host or a parent), and whether one of those has no
// expiry (Chromium's is_persistent = 0), the kind a headless shell drops as
// it starts on a clone. Host names are stored in the clear, so this needs
// no browser; the pool starts one to read the values only where there are
// some. A store it cannot read (locked, damaged, of another browser's
// making) answers yes to both: reading through a browser is always right,
// only slower. No store at all answers no.
func (m *Manager) SiteCookies(host string) (held, session bool) {
	path := filepath.Join(m.base, filepath.FromSlash(cookiesFile))
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, false
	}
	// Read-only and immutable: a login browser may hold the file open.
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro&immutable=1"}).String())
	if err != nil {
		return true, true
	}
	defer db.Close()
	keys := cookieHostKeys(host)
	query := `SELECT COUNT(*), COALESCE(SUM(is_persistent = 0), 0) FROM cookies WHERE host_key IN (?` +
		strings.Repeat(", ?", len(keys)-1) + `)`
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	var n, sessions int
	if err := db.QueryRow(query, args...).Scan(&n, &sessions); err != nil {
		return true, true
	}
	return n > 0, sessions > 0
}

// cookieHostKeys are the host_key values of the cookies a request to host
// carries: host itself (host-only) and ".d" for host and each parent
// domain d.
func cookieHostKeys(host string) []string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	keys := []string{host}
	for d := host; d != ""; {
		keys = append(keys, "."+d)
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return keys
}

// cookieSchema is Chromium's cookie store (version 24, Chromium 148).
const cookieSchema = `
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
INSERT INTO meta VALUES ('mmap_status', '-1'), ('version', '24'), ('last_compatible_version', '24');
CREATE TABLE cookies(creation_utc INTEGER NOT NULL,host_key TEXT NOT NULL,top_frame_site_key TEXT NOT NULL,
	name TEXT NOT NULL,value TEXT NOT NULL,encrypted_value BLOB NOT NULL,path TEXT NOT NULL,
	expires_utc INTEGER NOT NULL,is_secure INTEGER NOT NULL,is_httponly INTEGER NOT NULL,
	last_access_utc INTEGER NOT NULL,has_expires INTEGER NOT NULL,is_persistent INTEGER NOT NULL,
	priority INTEGER NOT NULL,samesite INTEGER NOT NULL,source_scheme INTEGER NOT NULL,
	source_port INTEGER NOT NULL,last_update_utc INTEGER NOT NULL,source_type INTEGER NOT NULL,
	has_cross_site_ancestor INTEGER NOT NULL);
CREATE UNIQUE INDEX cookies_unique_index ON cookies(host_key, top_frame_site_key, has_cross_site_ancestor,
	name, path, source_scheme, source_port);`

// sampleCookie is one row of a cookie store WriteSample or a test writes.
type sampleCookie struct {
	host       string
	value      []byte // as Chromium stores it: encrypted
	persistent bool
}

// writeCookieStore writes a Chromium cookie store at path holding cookies.
func writeCookieStore(path string, cookies []sampleCookie) (err error) {
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String())
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if _, err := db.Exec(cookieSchema); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, c := range cookies {
		if c.value == nil {
			c.value = []byte{}
		}
		if _, err := tx.Exec(`INSERT INTO cookies VALUES (?, ?, '', 'id', '', ?, '/', ?, 1, 1, ?, ?, ?, 1, 0, 2, 443, ?, 0, 0)`,
			i, c.host, c.value, i, i, c.persistent, c.persistent, i); err != nil {
			return err
		}
	}
	return tx.Commit()
}
