package sim

import (
	"log/slog"
	"time"

	"coupatui/vocab"
)

// Shape is how an attachment appears on a page. Every shape is one of the
// attachment markers docs/ARCHITECTURE.md lists, so a client that knows those markers
// finds all of them.
type Shape int

const (
	// ShapeAttachmentLink: <a href="/order_headers/<po>/attachments/<id>">name</a>
	// (on a requisition page the prefix is /requisition_headers/<id>).
	ShapeAttachmentLink Shape = iota
	// ShapeDownloadLink: <a href="/download?file=<id>">name</a>.
	ShapeDownloadLink
	// ShapeDownloadAttr: <a download href="/files/<id>">name</a>.
	ShapeDownloadAttr
	// ShapeTitled: <a title="Attachment: name" href="/files/<id>">📎</a>.
	ShapeTitled
	// ShapeButton: <span role="button" tabindex="0" aria-label="Download
	// attachment name" data-file="<id>">name</span>; no href: its click
	// handler sets location.href to /files/<id>, so only a browser download
	// gets it.
	ShapeButton
	// ShapeScriptRedirect: <a href="/attachments/<id>/open">name</a>; that URL
	// answers an HTML page whose script redirects to /files/<id>, so a plain
	// HTTP GET gets HTML, not the file.
	ShapeScriptRedirect

	// The shapes below carry no URL and no marker in their markup: the
	// page's script binds Attachment.Event (click by default) on the
	// element after inserting the list, and the handler sets location.href
	// to /files/<id>. Only the file's name says what they are.

	// ShapeTitleOnly: <span class="chip" title="name">📄</span>.
	ShapeTitleOnly
	// ShapeTextOnly: <span class="file-name">name</span>.
	ShapeTextOnly
	// ShapeAriaFile: <span aria-label="file attachment name"><i class="icon"></i></span>.
	ShapeAriaFile
	// ShapeAriaButton: <span role="button" aria-label="file attachment name">name</span>.
	ShapeAriaButton
	// ShapeAssociated: <div class="associated-file"><span class="icon"></span><span>name</span></div>.
	ShapeAssociated
	// ShapePopup: <a href="#">name</a> whose handler opens /files/<id> in a
	// new window (a popup the download starts in).
	ShapePopup
	// ShapeRowButton: the name as plain text in its row, and a separate
	// "Download" button (in the page's language) that fetches it.
	ShapeRowButton
)

// Shapes lists every shape, in declaration order.
var Shapes = []Shape{ShapeAttachmentLink, ShapeDownloadLink, ShapeDownloadAttr,
	ShapeTitled, ShapeButton, ShapeScriptRedirect, ShapeTitleOnly, ShapeTextOnly,
	ShapeAriaFile, ShapeAriaButton, ShapeAssociated, ShapePopup, ShapeRowButton}

var shapeNames = [...]string{"attachment-link", "download-link", "download-attr",
	"titled", "button", "script-redirect", "title-only", "text-only", "aria-file",
	"aria-button", "associated-file", "popup", "row-button"}

// bound reports whether the shape's element gets its handler by script.
func (s Shape) bound() bool { return s >= ShapeTitleOnly }

// Layout is how a PO page shows its attachments section.
type Layout int

const (
	// LayoutList: a section with a heading and div#attachments, which the
	// script fills with a <ul> (or the empty-list text).
	LayoutList Layout = iota
	// LayoutTable: the same section filled with a table, one row per file
	// (name, size), a header row, and a row with the empty-list text when
	// there is none.
	LayoutTable
	// LayoutCollapsed: a panel whose toggle (aria-expanded="false") must be
	// clicked; only then does the script load the list.
	LayoutCollapsed
	// LayoutFrame: the section holds a same-origin iframe whose page lists
	// the attachments.
	LayoutFrame
	// LayoutBare: like LayoutList, but an empty list shows no text: the
	// list is emptied and aria-busy set to "false".
	LayoutBare
	// LayoutUnknown: the section's rows are tiles that name no file (a
	// thumbnail whose click downloads): a correct client does not guess,
	// the PO is UNRECOGNISED.
	LayoutUnknown
	// LayoutNone: the page has no attachments section at all (Attachments
	// must be empty): UNRECOGNISED unless the client is told that a
	// missing section means none.
	LayoutNone
)

// Layouts lists every layout, in declaration order.
var Layouts = []Layout{LayoutList, LayoutTable, LayoutCollapsed, LayoutFrame, LayoutBare, LayoutUnknown, LayoutNone}

var layoutNames = [...]string{"list", "table", "collapsed", "frame", "bare", "unknown", "none"}

func (l Layout) String() string {
	if l < 0 || int(l) >= len(layoutNames) {
		return "layout(" + itoa(int(l)) + ")"
	}
	return layoutNames[l]
}

// Languages are the page languages the simulator writes (PO.Language).
var Languages = []string{"en", "pt", "es", "fr", "de"}

func (s Shape) String() string {
	if s < 0 || int(s) >= len(shapeNames) {
		return "shape(" + itoa(int(s)) + ")"
	}
	return shapeNames[s]
}

// Attachment is one file attached to a PO or a requisition.
type Attachment struct {
	ID   string // unique across the server, [A-Za-z0-9_-]; generated when empty
	Name string // shown on the page and sent in Content-Disposition (may be hostile); no NUL, CR or LF
	Size int    // bytes; content is deterministic from (seed, ID)
	// Content, when set, is served as the file's bytes (Size becomes its
	// length): a real e-mail, for instance, built by mailtest.
	Content     []byte
	Shape       Shape
	RFC5987     bool // send filename*=UTF-8''… as well as an ASCII fallback filename= (always done for names with control characters)
	NoFilename  bool // send "Content-Disposition: attachment" with no name (client must derive one)
	CutOnce     bool // the first download sends Content-Length but closes after half the bytes
	Slow        bool // streamed at ~256 KB/s
	Fail5xxOnce bool // the first download answers 503 (before CutOnce, when both are set)
	// Event is the event a bound shape's handler listens to: "click" (the
	// default), "mousedown" or "pointerdown".
	Event string
	// Fail5xxTimes makes the first this many downloads answer 503 (after
	// Fail5xxOnce's, before CutOnce): more than a client's retries of one
	// attempt, it leaves the PO PARTIAL until a later attempt.
	Fail5xxTimes int
}

// Supplier markup variants, the values of PO.SupplierMarkup.
const (
	SupplierDataName   = 0 // <span data-supplier-name="…">…</span>
	SupplierClassName  = 1 // <div class="po-supplier-name">…</div>
	SupplierInfoSpan   = 2 // <div class="supplier-info"><span>…</span></div>
	SupplierDataTestID = 3 // <div data-testid="po-supplier">…</div>
	// SupplierLabel: no marker; a plain <span> value after the label
	// ("Supplier", in the page's language) and a ":" span, as the public
	// downloader's XPath …/div/span[3] reads it.
	SupplierLabel = 4
)

// Error markup variants, the values of PO.ErrorMarkup.
const (
	ErrorFlashUnderscore = 0 // <div class="flash_error">
	ErrorFlashDash       = 1 // <div class="flash-error">
	ErrorExplanation     = 2 // <div id="error_explanation">
	ErrorRoleAlert       = 3 // <div class="notice" role="alert">
)

// The not-found and no-access texts Coupa shows (docs/ARCHITECTURE.md), for PO.ErrorText.
const (
	TextOops            = "Oops! We couldn't find what you wanted"
	TextNotAuthorized   = "You are not authorized"
	TextAccessDenied    = "Access denied"
	TextDoesNotExist    = "The page you were looking for doesn't exist"
	TextOopsPT          = "Ops! Não encontramos o que você procurava"
	TextNotAuthorizedPT = "Você não tem autorização"
	TextSorryPT         = "Desculpe, não encontramos o que você procurava"
	TextSorryES         = "Lo sentimos, no pudimos encontrar lo que buscaba"
	TextDeniedES        = "Acceso denegado"
	TextSorryFR         = "Désolé, nous n'avons pas trouvé ce que vous cherchiez"
	TextDeniedFR        = "Vous n'êtes pas autorisé à voir cette page"
	TextSorryDE         = "Leider konnten wir nicht finden, wonach Sie gesucht haben"
	TextDeniedDE        = "Zugriff verweigert"
	// TextSorryIT is in a language no client knows: only its markup (an
	// error region on a page with no PO markers) says "not found".
	TextSorryIT          = "Spiacenti, non abbiamo trovato quello che cercavi"
	textInvalidSignIn    = "Invalid email or password."
	textNoAttachments    = "No attachments"
	defaultErrorText     = TextOops
	defaultUser          = "operator@example.com"
	defaultPassword      = "coupa-sim"
	sessionCookieName    = "_coupa_session"
	workerHeader         = "Coupatui-Worker"
	signInPath           = "/sessions/new"
	defaultInsertDelayMS = 400 // upper bound of the seeded default insertion delay
)

// ErrorTexts lists every not-found/no-access text: English, Portuguese,
// Spanish, French, German, then one in Italian.
var ErrorTexts = []string{TextOops, TextNotAuthorized, TextAccessDenied,
	TextDoesNotExist, TextOopsPT, TextNotAuthorizedPT, TextSorryPT, TextSorryES, TextDeniedES,
	TextSorryFR, TextDeniedFR, TextSorryDE, TextDeniedDE, TextSorryIT}

// NoAttachmentsText is what an attachment container shows once the script
// has run and the list is empty.
const NoAttachmentsText = textNoAttachments

// PO is one purchase order page.
type PO struct {
	ID             string       // digits
	Supplier       string       // "" = no supplier markup on the page
	SupplierMarkup int          // SupplierDataName … SupplierDataTestID
	Attachments    []Attachment // in page order
	Requisition    string       // linked requisition id ("" = none): <a href="/requisition_headers/<id>">
	NotFound       int          // 0 = exists; 200, 403, 404 or 410 = an error page with that HTTP status
	ErrorText      string       // the error page's text, one of ErrorTexts; "" = TextOops
	ErrorMarkup    int          // ErrorFlashUnderscore … ErrorRoleAlert (addition to the contract)
	Layout         Layout       // how the attachments section looks (LayoutList by default)
	Language       string       // the page's language, one of Languages; "" = "en" (non-English pages use no English class or id for the section)
	FloatingBar    bool         // a toolbar floats over the whole page, as on Coupa's order pages: a click aimed by position lands on it
	FirstTry5xx    bool         // the first request for this page answers 503
	LongPoll       bool         // the page keeps a never-ending request open (network never idle)
	// InsertDelay is how long after the load event the script inserts the
	// attachments (or the empty-list text); 0 = a seeded 0–400 ms.
	InsertDelay time.Duration
	Hang        bool         // the page's script loops forever after load (renderer hung)
	AllocMB     int          // the page's script allocates and holds this many MB
	Want        vocab.Status // the outcome a correct client reaches
}

// Requisition is one requisition page, reached from a PO for the PR fallback.
type Requisition struct {
	ID          string
	Attachments []Attachment
	Denied      bool // the requisition page answers "You are not authorized"
}

// Options configures a Server.
type Options struct {
	Seed    int64
	Latency time.Duration // added to every HTML page response
	Jitter  time.Duration // ± uniformly around Latency, deterministic from Seed
	// DownloadLatency (± DownloadJitter) holds every download before its
	// first byte, as a slow server does; 0 = none.
	DownloadLatency, DownloadJitter time.Duration
	SignIn                          bool   // pages and downloads need a signed-in session
	SessionCookie                   bool   // the session cookie has no expiry (a browser-session cookie)
	User, Password                  string // sign-in credentials; defaults operator@example.com / coupa-sim
	POs                             []PO
	Requisitions                    []Requisition
	NoAssets                        bool      // leave out the heavy image/font/video references (on by default)
	Throttle                        *Throttle // push back with 429 and Retry-After beyond a request rate; nil = never
	Logger                          *slog.Logger
}

// File is one file a correct client ends with.
type File struct {
	AttachmentID string
	Name         string // Attachment.Name as shown on the page (unsanitised; also sent unless NoFilename)
	Size         int
	SHA256       string // hex
}

// Stats counts what the server saw. Stats() returns a copy.
type Stats struct {
	Requests       int
	Pages          map[string]int // PO id → page loads (order_headers/<id> served with 200 or the error page)
	Requisitions   map[string]int // requisition id → page loads (200 or error page)
	Downloads      map[string]int // attachment id → complete downloads (counted as the last byte is handed over)
	DownloadStarts map[string]int // attachment id → download attempts (503 and cut ones included)
	Assets         int            // heavy image/font/media requests served
	SignInWalls    int            // requests answered with the sign-in redirect
	SignIns        int            // successful sign-ins
	// MaxConcurrentPerPO is the most clients ever seen in overlapping visits
	// of one PO (1 for a correct pool; see the package doc for "visit" and
	// "client").
	MaxConcurrentPerPO     int
	ConcurrentPOViolations []string // PO ids ever visited by two clients at once, sorted
	InFlight               int      // requests in flight now
	// With Options.Throttle: page and file requests answered 429, pauses
	// begun, and requests that came during a pause after its grace.
	Throttled, Pauses, TooEarly int
}
