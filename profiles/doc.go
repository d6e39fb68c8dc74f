// Package profiles owns the signed-in base Chromium profile and the private
// per-worker clones made from it.
//
// An operator signs in to Coupa once (SSO and MFA included) in the base
// profile with `coupatui login`. Every worker browser then runs on its own
// clone, so browsers never share a profile and a crashed worker cannot damage
// the base. A clone copies what keeps the session (cookies, local state,
// preferences, local storage) and skips caches, locks and tab state.
//
// Chromium deletes session cookies (those without an expiry, as most Rails
// and SSO session cookies are) when it starts on a profile whose last exit
// was clean. A clone therefore records a crashed last exit in its
// Default/Preferences, which keeps those cookies; see PatchPreferences.
//
// Each clone holds a lock file naming its owner process, so clones left by a
// run that crashed are found and removed by Reclaim, and never while their
// owner lives.
package profiles
