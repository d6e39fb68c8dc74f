// Package browser drives one Chromium-family browser through chromedp: it
// launches it (or attaches to a running one), pings it, notices when it dies,
// blocks heavy resources, opens one tab per task, downloads files with the
// browser's own session, and kills the whole process tree when asked.
//
// It knows nothing of queues or of Coupa: callers (package coupa) decide what
// a page means; this package only gives them the tools.
package browser
