// Package browser drives one Chromium-family browser through chromedp: it
// launches it (or, with Options.Remote, connects to one running elsewhere),
// pings it, notices when it dies, blocks heavy resources, opens one tab per
// task, reads and sets cookies, prints PDFs, downloads files (through its
// own HTTP client with the session's cookies, or the browser's), paces a
// site's requests (Gate), redacts URLs for logs, and kills the whole
// process tree when asked.
//
// It knows nothing of queues or of Coupa: callers (package coupa) decide what
// a page means; this package only gives them the tools.
package browser
