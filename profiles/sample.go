package profiles

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// paddedJSON is a JSON object as long as random, its one string made of
// random's bytes in hex (so still incompressible).
func paddedJSON(random []byte) []byte {
	n := max(len(random)-len(`{"pad":""}`), 0) / 2
	return []byte(`{"pad":"` + hex.EncodeToString(random[:n]) + `"}`)
}

// WriteSample writes a base profile of about mb MB laid out like a
// Chromium profile used for weeks, for benchmarks (profiles' own and
// `coupatui bench`): the sign-in state (cookies, preferences, local
// storage), history and favicon databases, an extension, and a lot of
// cache. Its contents are incompressible, like real databases, and the
// same for the same seed. Its JSON files (Local State, the preferences)
// are JSON, padded, since the headless shell refuses to start on a Local
// State it cannot parse; Chromium passes over the other files it cannot
// read, so a browser starts cleanly on it. mb 0 writes only its
// preferences. It returns the bytes written.
func WriteSample(dir string, mb int, seed uint64) (int64, error) {
	rng := rand.New(rand.NewPCG(seed, 2))
	scale := float64(mb) / 100 // the layout below adds up to ~100 MB
	var total int64
	write := func(rel string, size int, asJSON bool) error {
		if mb == 0 {
			return nil
		}
		size = int(float64(size) * scale)
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		data := make([]byte, size)
		for i := 0; i+8 <= len(data); i += 8 {
			v := rng.Uint64()
			for j := range 8 {
				data[i+j] = byte(v >> (8 * j))
			}
		}
		if asJSON {
			data = paddedJSON(data)
		}
		total += int64(size)
		return os.WriteFile(p, data, 0o600)
	}
	const kb, mib = 1 << 10, 1 << 20
	type item struct {
		rel        string
		count      int // files f_000000... in the folder rel; 0: rel is one file
		size       int
		preference bool
		json       bool // padded JSON, not random bytes
		// cookieStore: a real cookie store of other sites' persistent
		// cookies, as Chromium writes it, so SiteCookies reads it
		cookieStore bool
	}
	items := []item{
		// the sign-in state, which a clone copies
		{rel: "Local State", size: 40 * kb, json: true},
		{rel: "Default/Preferences", preference: true},
		{rel: "Default/Secure Preferences", size: 8 * kb, json: true},
		{rel: cookiesFile, size: 1 * mib, cookieStore: true},
		{rel: "Default/Web Data", size: 3 * mib},
		{rel: "Default/Login Data", size: 200 * kb},
		{rel: "Default/Local Storage/leveldb/CURRENT", size: 16},
		{rel: "Default/Local Storage/leveldb/MANIFEST-000001", size: 1 * kb},
		{rel: "Default/Local Storage/leveldb/000005.ldb", size: 4 * mib},
		{rel: "Default/Local Storage/leveldb/000006.log", size: 1 * mib},
		{rel: "Default/Platform Notifications/000003.log", size: 8 * kb},
		{rel: "Default/Site Characteristics Database/000003.log", size: 32 * kb},
		// browsing history and extensions, which workers never use
		{rel: "Default/History", size: 18 * mib},
		{rel: "Default/Favicons", size: 6 * mib},
		{rel: "Default/History Provider Cache", size: 7 * mib},
		{rel: "Default/Top Sites", size: 20 * kb},
		{rel: "Default/Visited Links", size: 128 * kb},
		{rel: "Default/Network Action Predictor", size: 2 * mib},
		{rel: "Default/Shortcuts", size: 1 * mib},
		{rel: "Default/Extensions/aapocclcgogkmnckokdopfmhonfmgoek/0.10_0", count: 300, size: 10 * kb},
		{rel: "Default/Extension State/CURRENT", size: 16},
		{rel: "Default/Extension State/000003.log", size: 64 * kb},
		// caches and session state
		{rel: "Default/Cache/Cache_Data", count: 1500, size: 16 * kb},
		{rel: "Default/Code Cache/js", count: 400, size: 20 * kb},
		{rel: "Default/Service Worker/CacheStorage/abc", count: 50, size: 100 * kb},
		{rel: "Default/IndexedDB/https_app.example.com_0.indexeddb.leveldb/000003.log", size: 4 * mib},
		{rel: "Default/GPUCache/data_1", size: 2 * mib},
		{rel: "Default/Sessions/Session_13440405541901533", size: 1 * mib},
		{rel: "optimization_guide_model_store/40/model.tflite", size: 5 * mib},
		{rel: "BrowserMetrics-spare.pma", size: 4 * mib},
	}
	for _, it := range items {
		var err error
		switch {
		case it.preference:
			err = os.MkdirAll(filepath.Join(dir, "Default"), 0o700)
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, filepath.FromSlash(it.rel)),
					[]byte(`{"profile":{"exit_type":"Normal","name":"Your Chromium"}}`), 0o600)
			}
		case it.cookieStore && mb > 0:
			err = writeSampleCookies(dir, it.rel, int(float64(it.size)*scale), rng, &total)
		case it.count > 0:
			for i := 0; i < it.count && err == nil; i++ {
				err = write(fmt.Sprintf("%s/f_%06x", it.rel, i), it.size, false)
			}
		default:
			err = write(it.rel, it.size, it.json)
		}
		if err != nil {
			return total, fmt.Errorf("writing a sample profile in %s: %w", dir, err)
		}
	}
	return total, nil
}

// writeSampleCookies writes a cookie store of about size bytes at rel
// under dir: other sites' persistent cookies with random (encrypted-like)
// values.
func writeSampleCookies(dir, rel string, size int, rng *rand.Rand, total *int64) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	cookies := make([]sampleCookie, size/512)
	for i := range cookies {
		value := make([]byte, 400)
		for j := range value {
			value[j] = byte(rng.Uint32())
		}
		cookies[i] = sampleCookie{host: fmt.Sprintf(".site%05d.example", i), value: value, persistent: true}
	}
	if err := writeCookieStore(p, cookies); err != nil {
		return err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	*total += fi.Size()
	return os.Chmod(p, 0o600)
}
