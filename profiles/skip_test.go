package profiles

import "testing"

func TestSkipEntry(t *testing.T) {
	for _, tc := range []struct {
		name    string
		levelDB bool
		skip    bool
	}{
		{"Cache", false, true},
		{"Code Cache", false, true},
		{"GPUCache", false, true},
		{"Service Worker", false, true},
		{"Session Storage", false, true},
		{"IndexedDB", false, true},
		{"GrShaderCache", false, true},
		{"GraphiteDawnCache", false, true},
		{"ShaderCache", false, true},
		{"DawnCache", false, true},
		{"Sessions", false, true},
		{"Current Session", false, true},
		{"Last Session", false, true},
		{"Current Tabs", false, true},
		{"Last Tabs", false, true},
		{"SingletonLock", false, true},
		{"SingletonCookie", false, true},
		{"SingletonSocket", false, true},
		{"chrome_debug.log", false, true},
		{"LOG", true, true},
		{"LOG.old", true, true},
		{"lockfile", false, true},
		{"Crashpad", false, true},
		{"Crash Reports", false, true},
		{"1234.dmp", false, true},
		{"BrowserMetrics-spare.pma", false, true},
		{"DevToolsActivePort", false, true},
		{"coupatui.lock", false, true},
		// a LevelDB write-ahead log holds the latest writes: data, kept
		{"000003.log", true, false},
		{"Cookies", false, false},
		{"Cookies-journal", false, false},
		{"Local State", false, false},
		{"Preferences", false, false},
		{"Secure Preferences", false, false},
		{"Login Data", false, false},
		{"Web Data", false, false},
		{"Local Storage", false, false},
		{"Network", false, false},
		{"History", false, true},
		{"Favicons", false, true},
		{"Extensions", false, true},
		{"Local Extension Settings", false, true},
		{"CURRENT", true, false},
		{"MANIFEST-000001", true, false},
	} {
		if got := skipEntry(tc.name, tc.levelDB); got != tc.skip {
			t.Errorf("skipEntry(%q, levelDB=%v) = %v, want %v", tc.name, tc.levelDB, got, tc.skip)
		}
	}
}
