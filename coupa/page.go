package coupa

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"coupatui/browser"
)

// The built-in markers (docs/ARCHITECTURE.md "What Coupa pages look like", and the
// shapes a public Coupa downloader looks for). Selectors of
// [coupa.selectors] are added to them.
var (
	// attachmentMarkers mark an attachment anywhere on the page.
	attachmentMarkers = []string{
		`a[href*="attachment" i]`, `a[href*="download" i]`, `a[download]`,
		`[aria-label*="attachment" i]`, `[title*="attachment" i]`, `.associated-file`,
		`span[title*=".pdf" i]`, `span[title*=".docx" i]`, `span[title*=".msg" i]`, `span[title*=".eml" i]`,
	}
	// sectionContainers hold a page's attachment list.
	sectionContainers = `#attachments, #attachments_section, .attachments, .attachment-list, .attachments-list, ` +
		`.attachments-panel, .attachments-section, [data-section="attachments" i], [data-testid="attachments" i], ` +
		`[data-testid="attachments-section" i]`
	errorRegions    = []string{`div.flash_error`, `div.flash-error`, `div#error_explanation`, `.flash_error`, `.flash-error`, `#error_explanation`, `[role=alert]`}
	supplierMarkers = []string{`span[data-supplier-name]`, `[class*='supplier-name']`, `.supplier-info span`, `[data-testid*='supplier']`}
	requisitionLink = `a[href*="requisition_headers/"]`
)

// The texts of the page, in English, Portuguese, Spanish, French and
// German. JavaScript regular expressions (flags "iu").
const (
	// notFoundPattern: Coupa's not-found and no-access texts. Matched only
	// in the title, an h1 and error regions: a file may be called "Access
	// denied letter.pdf".
	notFoundPattern = `oops!?\s+we\s+couldn.t\s+find|you\s+are\s+not\s+authori[sz]ed|access\s+denied|` +
		`the\s+page\s+you\s+were\s+looking\s+for\s+doesn.t\s+exist|(page|record|order)\s+(was\s+)?not\s+found|` +
		`(desculpe|ops)!?,?\s+n[ãa]o\s+encontramos|voc[êe]\s+n[ãa]o\s+(tem|est[áa])\s+autoriza|acesso\s+negado|` +
		`a\s+p[áa]gina\s+que\s+voc[êe]\s+procura(va)?\s+n[ãa]o\s+existe|p[áa]gina\s+n[ãa]o\s+encontrada|` +
		`lo\s+sentimos,?\s+no\s+(pudimos\s+encontrar|encontramos)|no\s+est[áa]s?\s+autorizad[oa]|acceso\s+denegado|` +
		`la\s+p[áa]gina\s+que\s+busca(ba)?\s+no\s+existe|p[áa]gina\s+no\s+encontrada|` +
		`d[ée]sol[ée]e?,?\s+nous\s+n.avons\s+pas\s+(pu\s+)?trouv[ée]|vous\s+n.[êe]tes\s+pas\s+autoris[ée]|` +
		`acc[èe]s\s+(refus[ée]|interdit)|la\s+page\s+que\s+vous\s+cherchez\s+n.existe\s+pas|page\s+introuvable|` +
		`leider\s+konnten\s+wir\s+nicht\s+finden|wir\s+konnten\s+(die\s+seite\s+)?nicht\s+finden|` +
		`sie\s+sind\s+nicht\s+(berechtigt|autorisiert)|zugriff\s+verweigert|seite\s+(wurde\s+)?nicht\s+gefunden|` +
		`die\s+(gesuchte\s+)?seite\s+existiert\s+nicht`
	// emptyPattern: the whole text of an empty attachment list.
	emptyPattern = `^\s*(no\s+attachments?(\s+(found|yet|available))?|there\s+are\s+no\s+attachments|no\s+files?(\s+attached)?|` +
		`nothing\s+attached|nenhum\s+anexo(\s+encontrado)?|sem\s+anexos?|n[ãa]o\s+h[áa]\s+anexos|` +
		`sin\s+(archivos\s+)?adjuntos|no\s+hay\s+(archivos\s+)?adjuntos|ning[úu]n\s+(archivo\s+)?adjunto|` +
		`aucune\s+pi[èe]ce\s+jointe|aucun\s+fichier(\s+joint)?|pas\s+de\s+pi[èe]ces?\s+jointes?|` +
		`keine\s+(datei)?anh[äa]nge(\s+vorhanden)?|keine\s+dateien)\s*[.!]?\s*$`
	// sectionPattern: the heading of an attachments section (a count may follow).
	sectionPattern = `^\s*(attachments?|files|attached\s+files|anexos?|arquivos(\s+anexos)?|adjuntos?|archivos(\s+adjuntos)?|` +
		`pi[èe]ces?\s+jointes?|fichiers(\s+joints)?|anh[äa]nge?|dateianh[äa]nge?|dateien)\s*(\(\s*\d+\s*\))?\s*:?\s*$`
	// loadingPattern: a list still loading.
	loadingPattern = `^\s*(loading|carregando|cargando|chargement|wird\s+geladen|laden)\b`
	// filePattern: a file name with a known extension, anywhere in a text.
	filePattern = `[^\s.]\.(pdf|docx?|docm|xlsx?|xlsm|xlsb|csv|tsv|txt|rtf|msg|eml|pptx?|odt|ods|odp|xml|json|zip|rar|7z|gz|tgz|tar|` +
		`jpe?g|png|gif|bmp|tiff?|heic|webp|svg|html?|mht|p7m|p7s|dwg|dxf|mp4|mov|mp3|wav|ics|vcf)(?![\p{L}\p{N}])`
	// fileEndPattern: a text that ends in any extension (no e-mail address).
	fileEndPattern = `^[^@]{0,250}[^\s.]\.\p{L}[\p{L}\p{N}]{1,4}$`
	// wordsPattern: words that say an element is a file.
	wordsPattern = `(^|[^\p{L}])(file|files|attachment|attachments|anexo|anexos|arquivo|arquivos|archivo|archivos|` +
		`fichier|fichiers|anhang|anh[äa]nge|datei|dateien)([^\p{L}]|$)`
	// uploadPattern: controls that add files, never attachments themselves.
	uploadPattern = `^\s*(\+\s*)?(add|upload|attach|new|browse|choose|drop|adicionar|anexar|carregar|enviar|agregar|adjuntar|` +
		`subir|añadir|ajouter|joindre|t[ée]l[ée]verser|d[ée]poser|hinzuf[üu]gen|hochladen|anh[äa]ngen)(?![\p{L}])`
	// downloadPattern: a row's control that fetches its file.
	downloadPattern = `^\s*(download|baixar|descargar|t[ée]l[ée]charger|herunterladen|open|abrir|ouvrir|[öo]ffnen|view|ver|visualizar)(?![\p{L}])`
	// supplierLabelPattern: the label whose neighbour is the supplier.
	supplierLabelPattern = `^\s*(supplier|vendor|fornecedor|proveedor|fournisseur|lieferant)(\s+(name|nome|nombre|nom))?\s*:?\s*$`
	// requisitionTextPattern: a link to the requisition, by its text.
	requisitionTextPattern = `^\s*(requisition|requisi[çc][ãa]o|requisici[óo]n|solicitud(\s+de\s+compra)?|demande\s+d.achat|bestellanforderung)(?![\p{L}])`
)

const (
	// settleAfterReady is how long the DOM must stay quiet, once the page is
	// ready and shows nothing loading, before the page is read as it is.
	settleAfterReady = 500 * time.Millisecond
	// settleAfterFound lets a list that renders row by row finish.
	settleAfterFound = 150 * time.Millisecond
	// The analyser looks again when the page changes, at most once per
	// analyzerMinGap while it keeps changing, when a settle window ends,
	// and every analyzerPoll in any case (for what changes no node).
	analyzerMinGap = 25 * time.Millisecond
	analyzerPoll   = 100 * time.Millisecond
)

//go:embed analyzer.js
var analyzerJS string

// pageState is what the analyser script reports about a page.
type pageState struct {
	Outcome         string     // signin, error, found, empty, settled, timeout, script; early for a first look
	Note            string     // the script's own error, for Outcome "script"
	Ready           bool       // every document is complete
	Password        bool       // a password field is shown
	Title           string     // document.title
	Heading         bool       // the title or a heading names the record's number
	KnownError      string     // a known not-found/no-access text shown
	KnownErrorIn    string     // where: "title", "h1" or "error region"
	ErrorRegion     string     // the text of the first error region shown, "" when none
	Section         string     // how the attachments section was found, "" when none
	Sections        int        // attachment sections found
	SectionInFrame  bool       // a section's list is in a same-origin frame
	SectionFinished bool       // a section showed that it finished loading (aria-busy="false", or its loading sign went)
	Opened          []string   // collapsed attachment panels the analyser opened
	Loading         bool       // something still shows it is loading
	Empty           string     // the empty list's text, "" when none is shown
	Links           []pageLink // attachment elements, deduplicated, in page order
	Unknown         []string   // the first items of a section that name no file
	UnknownCount    int
	Supplier        string  // "" when none shown
	SupplierFrom    string  // the marker, selector or label it came from
	Requisition     string  // absolute URL of the linked requisition, "" when none
	WaitedMS        float64 // how long the script ran, for diagnostics
	DecidedMS       float64 // how long it waited before it could tell what the page shows
}

// pageLink is one attachment element.
type pageLink struct {
	Href  string // absolute URL; "" when the element is not a plain link
	Click string // CSS selector of the element, for a browser-side download
	Text  string // what the page shows for it
	PDF   bool   // its name, title, label or URL says .pdf
	By    string // the rule that found it
	Frame bool   // it is inside a same-origin frame
}

func (l pageLink) link() browser.Link { return browser.Link{URL: l.Href, Click: l.Click, Text: l.Text} }

// errPageHung means the page's script never answered: its renderer is stuck.
var errPageHung = errors.New("the page did not answer (script stuck)")

// analyzerArgs are the analyser's options for a page of the record id;
// early returns as soon as attachments show, before the page settles
// (Outcome "early": a first look, never a verdict).
func (s *Site) analyzerArgs(id string, early bool) ([]byte, error) {
	return json.Marshal(map[string]any{"early": early,
		"id": id, "markers": attachmentMarkers, "attSel": nonNil(s.Selectors.Attachments),
		"containerSel": sectionContainers, "errSel": append(append([]string{}, errorRegions...), s.Selectors.Error...),
		"supSel": nonNil(s.Selectors.Supplier), "supMarkers": supplierMarkers, "emptySel": nonNil(s.Selectors.Empty),
		"reqSel": requisitionLink, "notFound": notFoundPattern, "empty": emptyPattern, "section": sectionPattern,
		"loading": loadingPattern, "file": filePattern, "fileEnd": fileEndPattern, "words": wordsPattern,
		"upload": uploadPattern, "download": downloadPattern, "supplierLabel": supplierLabelPattern,
		"requisitionText": requisitionTextPattern,
		"settleReady":     settleAfterReady.Milliseconds(), "settleFound": settleAfterFound.Milliseconds(),
		"minGapMS": analyzerMinGap.Milliseconds(), "pollMS": analyzerPoll.Milliseconds(),
		"maxMS": s.markerTimeout().Milliseconds(),
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// analyze runs the analyser in the tab for the record id (a PO number or a
// requisition id); early asks for a first look (see analyzerArgs). The
// script bounds itself by MarkerTimeout; a few more seconds without an
// answer mean the renderer is hung, reported as errPageHung wrapping
// context.DeadlineExceeded.
func (s *Site) analyze(ctx context.Context, tab *browser.Tab, id string, early bool) (pageState, error) {
	args, err := s.analyzerArgs(id, early)
	if err != nil {
		return pageState{}, err
	}
	actx, cancel := context.WithTimeout(ctx, s.markerTimeout()+5*time.Second)
	defer cancel()
	var st pageState
	err = tab.Evaluate(actx, "("+analyzerJS+")("+string(args)+")", &st)
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			return st, fmt.Errorf("%w: %w", errPageHung, context.DeadlineExceeded)
		}
		return st, err
	}
	return st, nil
}
