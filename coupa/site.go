package coupa

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"coupatui/browser"
)

// Site is one Coupa instance and how to fetch POs from it. Its fields are
// read-only once Process runs; one Site serves every worker.
type Site struct {
	BaseURL         string        // e.g. https://acme.coupahost.com (no trailing slash needed)
	Root            string        // download root
	Layout          string        // vocab.LayoutSupplier (default) or vocab.LayoutFlat
	PRFallback      bool          // also fetch the requisition's files when the PO shows no PDF
	PageTimeout     time.Duration // navigation + document ready; 0 means 60 s
	MarkerTimeout   time.Duration // upper bound waiting for attachment markers; 0 means 15 s
	DownloadsPerPO  int           // files of one PO downloaded at once; 0 means 3
	DownloadTimeout time.Duration // bound on one file, its retries included; 0 means none but the task's
	MaxFileBytes    int64         // a larger file is stopped and fails, not retried (browser.ErrTooLarge); 0 means no limit
	Logger          *slog.Logger  // nil discards

	// Selectors are the operator's CSS selectors, added to the built-in
	// markers ([coupa.selectors]); CheckSelectors tries them in a browser.
	Selectors Selectors
	// NoSectionMeansEmpty reads a PO page that shows its number but no
	// attachments section as NO_ATTACHMENTS (a tenant that hides the
	// section on empty POs); otherwise such a page is UNRECOGNISED.
	NoSectionMeansEmpty bool
	// PagesDir is where pages are saved (pages/<input name> in the state
	// folder); "" saves none. An UNRECOGNISED PO's page is always saved,
	// every PO's with SavePages. The newest SavedPagesMax (0 means 200)
	// pages under PagesDir's parent are kept.
	PagesDir      string
	SavePages     bool
	SavedPagesMax int

	pagesMu sync.Mutex // serialises saving and pruning pages
}

// Selectors are CSS selectors for a tenant's pages beyond the built-in
// ones: attachment elements, the supplier's name, error regions and the
// text of an empty attachment list.
type Selectors struct {
	Attachments []string
	Supplier    []string
	Error       []string
	Empty       []string
}

// ErrBrowserUnhealthy in Result.Err means the browser could not release a
// tab (a hung page it failed to close): the caller should kill it and start
// another before the next task. It is browser.ErrUnhealthy, so errors.Is
// matches either name.
var ErrBrowserUnhealthy = browser.ErrUnhealthy

const (
	defaultPageTimeout   = 60 * time.Second
	defaultMarkerTimeout = 15 * time.Second
	defaultDownloads     = 3
)

func (s *Site) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Site) pageTimeout() time.Duration {
	if s.PageTimeout <= 0 {
		return defaultPageTimeout
	}
	return s.PageTimeout
}

func (s *Site) markerTimeout() time.Duration {
	if s.MarkerTimeout <= 0 {
		return defaultMarkerTimeout
	}
	return s.MarkerTimeout
}

func (s *Site) downloads() int {
	if s.DownloadsPerPO <= 0 {
		return defaultDownloads
	}
	return s.DownloadsPerPO
}

func (s *Site) base() string { return strings.TrimRight(strings.TrimSpace(s.BaseURL), "/") }

// POURL is the page of one PO.
func (s *Site) POURL(po string) string {
	return s.base() + "/order_headers/" + url.PathEscape(po)
}

// requisitionURL is the page of one requisition.
func (s *Site) requisitionURL(id string) string {
	return s.base() + "/requisition_headers/" + url.PathEscape(id)
}

// origin is scheme://host[:port] of BaseURL.
func (s *Site) origin() (*url.URL, error) {
	u, err := url.Parse(s.base())
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("want an http(s) URL with a host")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// SanitizeFileName makes a name from Coupa (a file, a supplier, a folder
// level) safe as one file name on every OS; see browser.SanitizeFileName.
// It returns "" when nothing usable is left.
func SanitizeFileName(name string) string { return browser.SanitizeFileName(name) }
