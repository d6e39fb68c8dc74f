package profiles

import "strings"

// skipNames are entries of a profile that a clone leaves out, at any depth:
// caches Chromium rebuilds, what a worker never reads (the operator's
// browsing history, extensions), tab and session state a worker must not
// restore, locks and sockets of the browser that owns the base, logs and
// crash dumps.
var skipNames = map[string]bool{
	// caches
	"Cache":                          true,
	"Code Cache":                     true,
	"GPUCache":                       true,
	"GrShaderCache":                  true,
	"GraphiteDawnCache":              true,
	"ShaderCache":                    true,
	"DawnCache":                      true,
	"DawnWebGPUCache":                true,
	"DawnGraphiteCache":              true,
	"GPUPersistentCache":             true,
	"Service Worker":                 true,
	"IndexedDB":                      true,
	"component_crx_cache":            true,
	"extensions_crx_cache":           true,
	"optimization_guide_model_store": true,
	// browsing history: a worker opens PO pages by URL and never reads the
	// operator's history (often most of what a profile's databases hold);
	// not copying it also keeps it from being scattered in clones.
	"History":                          true,
	"History-journal":                  true,
	"History Provider Cache":           true,
	"Favicons":                         true,
	"Favicons-journal":                 true,
	"Top Sites":                        true,
	"Top Sites-journal":                true,
	"Visited Links":                    true,
	"Network Action Predictor":         true,
	"Network Action Predictor-journal": true,
	"Shortcuts":                        true,
	"Shortcuts-journal":                true,
	// extensions: workers run with --disable-extensions (chromedp's default)
	"Extensions":               true,
	"Extension State":          true,
	"Extension Rules":          true,
	"Extension Scripts":        true,
	"Local Extension Settings": true,
	"Sync Extension Settings":  true,
	// tab and session state: restoring the operator's tabs in every worker
	// would open pages nobody asked for.
	"Session Storage":    true,
	"Sessions":           true,
	"Sessions_Encrypted": true,
	"Current Session":    true,
	"Last Session":       true,
	"Current Tabs":       true,
	"Last Tabs":          true,
	// locks and run-time files of the browser that last used the base
	"lockfile":           true,
	"DevToolsActivePort": true, // a stale port would mislead a client that reads it
	lockFileName:         true, // a base that was itself a clone must not pass its owner on
	// logs and crash dumps
	"LOG":            true,
	"LOG.old":        true,
	"Crashpad":       true,
	"Crash Reports":  true,
	"BrowserMetrics": true,
}

// skipEntry reports whether a clone leaves out the entry name. inLevelDB
// says the entry sits in a LevelDB folder (one holding a CURRENT file),
// where a numbered .log file is the write-ahead log holding the latest
// writes, data and not a log to skip.
func skipEntry(name string, inLevelDB bool) bool {
	if skipNames[name] || strings.HasPrefix(name, "Singleton") {
		return true
	}
	switch {
	case strings.HasSuffix(name, ".dmp"), strings.HasSuffix(name, ".pma"):
		return true // crash dumps; preallocated metrics files
	case strings.HasSuffix(name, ".log"):
		return !inLevelDB
	}
	return false
}

// essentialFiles keep a clone signed in; they are copied whatever their size.
var essentialFiles = map[string]bool{
	"Cookies":            true,
	"Cookies-journal":    true,
	"Local State":        true, // holds the cookie key on Windows and macOS
	"Preferences":        true,
	"Secure Preferences": true,
}

// essentialDirs are folders copied whole whatever their size: single-page
// sign-in libraries (MSAL and the like) keep their tokens in local storage.
var essentialDirs = map[string]bool{
	"Local Storage": true,
}
