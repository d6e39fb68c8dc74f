package sim

import (
	"strings"
	"time"

	"coupatui/emailpdf/mailtest"
	"coupatui/vocab"
)

// Demo is the catalogue `coupatui demo` runs: 63 POs (4500001001…4500001063)
// and 6 requisitions covering every page behaviour docs/ARCHITECTURE.md lists and the
// page shapes of the field (bound clicks, title- and text-only items, other
// languages, tables, collapsed panels, frames, popups, unknown items, no
// section), each PO with the Want a correct client reaches; 300 ms ± 200 ms
// page latency, no sign-in. It has no Hang and no AllocMB PO: those are for
// specific tests.
// Its e-mails (the .eml of 4500001003, the .msg of 4500001038 and
// 4500001042) are real ones, so the demo shows their PDFs.
func Demo(seed int64) Options {
	const kb = 1 << 10
	at := func(name string, size int, shape Shape) Attachment {
		return Attachment{Name: name, Size: size, Shape: shape}
	}
	on := func(a Attachment, event string) Attachment { a.Event = event; return a }
	email := func(name string, content []byte, shape Shape) Attachment {
		return Attachment{Name: name, Content: content, Shape: shape}
	}
	long := strings.Repeat("Very long scanned purchase agreement name ", 8)[:296] + ".pdf" // 300 characters
	pos := []PO{
		// Normal POs: every shape, every supplier markup.
		{ID: "4500001001", Supplier: "Acme Industrial Supply", SupplierMarkup: SupplierDataName, Want: vocab.Completed,
			Attachments: []Attachment{at("Quote 2024-118.pdf", 48*kb, ShapeAttachmentLink), at("Signed contract.pdf", 120*kb, ShapeDownloadLink)}},
		{ID: "4500001002", Supplier: "Böhm & Söhne GmbH", SupplierMarkup: SupplierClassName, Want: vocab.Completed,
			Attachments: []Attachment{at("Invoice INV-88812.pdf", 64*kb, ShapeDownloadAttr), at("Delivery note.pdf", 22*kb, ShapeTitled), at("Specs rev B.docx", 90*kb, ShapeButton)}},
		{ID: "4500001003", Supplier: "Northwind Traders", SupplierMarkup: SupplierInfoSpan, Want: vocab.Completed,
			Attachments: []Attachment{at("Scope of work.pdf", 35*kb, ShapeButton), email("Approval email.eml", mailtest.MustEML(mailtest.Sample("4500001003")), ShapeScriptRedirect)}},
		{ID: "4500001004", Supplier: "Globex Corporation", SupplierMarkup: SupplierDataTestID, Want: vocab.Completed,
			Attachments: []Attachment{at("Purchase terms.pdf", 80*kb, ShapeScriptRedirect)}},
		{ID: "4500001005", Supplier: "Initech LLC", SupplierMarkup: SupplierDataName, Want: vocab.Completed,
			Attachments: []Attachment{at("Quote Q-7741.pdf", 30*kb, ShapeTitled), at("Price sheet.xlsx", 18*kb, ShapeDownloadLink), at("NDA signed.pdf", 55*kb, ShapeDownloadAttr)}},
		// No attachments.
		{ID: "4500001006", Supplier: "Umbrella Facilities", SupplierMarkup: SupplierClassName, Want: vocab.NoAttachments},
		{ID: "4500001007", Want: vocab.NoAttachments},
		// Not found and no access: both status codes, every text, every markup.
		{ID: "4500001008", NotFound: 404, ErrorMarkup: ErrorFlashUnderscore, Want: vocab.NotFound},
		{ID: "4500001009", NotFound: 200, ErrorText: TextNotAuthorized, ErrorMarkup: ErrorFlashDash, Want: vocab.NotFound},
		{ID: "4500001010", NotFound: 200, ErrorText: TextAccessDenied, ErrorMarkup: ErrorExplanation, Want: vocab.NotFound},
		{ID: "4500001011", NotFound: 404, ErrorText: TextDoesNotExist, ErrorMarkup: ErrorFlashDash, Want: vocab.NotFound},
		{ID: "4500001012", NotFound: 200, ErrorText: TextOopsPT, ErrorMarkup: ErrorExplanation, Want: vocab.NotFound},
		{ID: "4500001013", NotFound: 404, ErrorText: TextNotAuthorizedPT, ErrorMarkup: ErrorFlashUnderscore, Want: vocab.NotFound},
		// PR fallback: no PDF on the PO, a requisition with PDFs.
		{ID: "4500001014", Supplier: "Stark Logistics", SupplierMarkup: SupplierInfoSpan, Requisition: "2100001", Want: vocab.Completed,
			Attachments: []Attachment{at("Price list.xlsx", 26*kb, ShapeAttachmentLink)}},
		{ID: "4500001015", Supplier: "Wayne Office Supplies", SupplierMarkup: SupplierDataTestID, Requisition: "2100002", Want: vocab.Completed},
		// PR fallback needed, requisition refused.
		{ID: "4500001016", Supplier: "Cyberdyne Systems", SupplierMarkup: SupplierDataName, Requisition: "2100003", Want: vocab.PRNotAccessible,
			Attachments: []Attachment{at("Rate card.xlsx", 14*kb, ShapeDownloadLink)}},
		{ID: "4500001017", Supplier: "Tyrell Components", SupplierMarkup: SupplierClassName, Requisition: "2100004", Want: vocab.PRNotAccessible},
		// A requisition link that must not be followed: the PO has a PDF.
		{ID: "4500001018", Supplier: "Soylent Catering", SupplierMarkup: SupplierInfoSpan, Requisition: "2100005", Want: vocab.Completed,
			Attachments: []Attachment{at("Catering order.pdf", 40*kb, ShapeAttachmentLink)}},
		// Transient faults that recover on retry.
		{ID: "4500001019", Supplier: "Hooli Cloud", SupplierMarkup: SupplierDataTestID, FirstTry5xx: true, Want: vocab.Completed,
			Attachments: []Attachment{at("Subscription order.pdf", 28*kb, ShapeDownloadLink)}},
		{ID: "4500001020", Supplier: "Vandelay Industries", SupplierMarkup: SupplierDataName, Want: vocab.Completed,
			Attachments: []Attachment{{Name: "Latex shipment invoice.pdf", Size: 400 * kb, Shape: ShapeAttachmentLink, CutOnce: true}}},
		{ID: "4500001021", Supplier: "Pied Piper", SupplierMarkup: SupplierClassName, Want: vocab.Completed,
			Attachments: []Attachment{{Name: "Compression licence.pdf", Size: 60 * kb, Shape: ShapeDownloadAttr, Fail5xxOnce: true}}},
		{ID: "4500001022", Supplier: "Massive Dynamic", SupplierMarkup: SupplierInfoSpan, Want: vocab.Completed,
			Attachments: []Attachment{{Name: "Site survey scan.pdf", Size: 2 << 20, Shape: ShapeDownloadLink, Slow: true}}},
		// Hostile names.
		{ID: "4500001023", Supplier: "Evil Corp", SupplierMarkup: SupplierDataTestID, Want: vocab.Completed,
			Attachments: []Attachment{at("../../etc/passwd", 3*kb, ShapeAttachmentLink), at(`..\..\win.ini`, 2*kb, ShapeDownloadLink)}},
		{ID: "4500001024", Supplier: "Evil Corp", SupplierMarkup: SupplierDataTestID, Want: vocab.Completed,
			Attachments: []Attachment{at("CON.txt", 1*kb, ShapeDownloadAttr), at("a/b/c.pdf", 9*kb, ShapeAttachmentLink)}},
		{ID: "4500001025", Supplier: "Evil Corp", SupplierMarkup: SupplierDataTestID, Want: vocab.Completed,
			Attachments: []Attachment{at("report\x07\x1b[31m red\tcopy.pdf", 7*kb, ShapeDownloadLink), at(long, 11*kb, ShapeTitled)}},
		{ID: "4500001026", Supplier: "Evil Corp", SupplierMarkup: SupplierDataTestID, Want: vocab.Completed,
			Attachments: []Attachment{at(".", 1*kb, ShapeAttachmentLink), at("..", 1*kb, ShapeDownloadLink)}},
		// Duplicate names with different contents.
		{ID: "4500001027", Supplier: "Duplicate Dynamics", SupplierMarkup: SupplierDataName, Want: vocab.Completed,
			Attachments: []Attachment{at("invoice.pdf", 21*kb, ShapeAttachmentLink), at("invoice.pdf", 34*kb, ShapeDownloadLink)}},
		// RFC 5987 names.
		{ID: "4500001028", Supplier: "Construtora São João", SupplierMarkup: SupplierClassName, Want: vocab.Completed,
			Attachments: []Attachment{{Name: "Orçamento nº 5 – final.pdf", Size: 44 * kb, Shape: ShapeAttachmentLink, RFC5987: true},
				{Name: "見積書.pdf", Size: 16 * kb, Shape: ShapeDownloadAttr, RFC5987: true}}},
		// No file name in the header.
		{ID: "4500001029", Supplier: "Anonymous Files Ltd", SupplierMarkup: SupplierInfoSpan, Want: vocab.Completed,
			Attachments: []Attachment{{Name: "Receipt.pdf", Size: 8 * kb, Shape: ShapeDownloadLink, NoFilename: true}}},
		// Long-polls: network never idle.
		{ID: "4500001030", Supplier: "Realtime Metrics", SupplierMarkup: SupplierDataTestID, LongPoll: true, Want: vocab.Completed,
			Attachments: []Attachment{at("Dashboard export.pdf", 25*kb, ShapeAttachmentLink)}},
		{ID: "4500001031", Supplier: "Realtime Metrics", SupplierMarkup: SupplierDataTestID, LongPoll: true, Want: vocab.NoAttachments},
		// Late insertion.
		{ID: "4500001032", Supplier: "Slowpoke Shipping", SupplierMarkup: SupplierDataName, InsertDelay: 800 * time.Millisecond, Want: vocab.Completed,
			Attachments: []Attachment{at("Bill of lading.pdf", 19*kb, ShapeDownloadAttr), at("Customs form.pdf", 23*kb, ShapeButton)}},
		{ID: "4500001033", Supplier: "Slowpoke Shipping", SupplierMarkup: SupplierDataName, InsertDelay: 800 * time.Millisecond, Want: vocab.NoAttachments},
		// Combinations.
		{ID: "4500001034", Supplier: "Combo Holdings", SupplierMarkup: SupplierClassName, LongPoll: true, InsertDelay: 800 * time.Millisecond, Want: vocab.Completed,
			Attachments: []Attachment{{Name: "Framework agreement.pdf", Size: 70 * kb, Shape: ShapeTitled, Fail5xxOnce: true}}},
		{ID: "4500001035", Supplier: "Indústria Açores", SupplierMarkup: SupplierDataTestID, Want: vocab.Completed,
			Attachments: []Attachment{{Name: "Contrato de serviço.pdf", Size: 150 * kb, Shape: ShapeButton, RFC5987: true, CutOnce: true}}},
		{ID: "4500001036", NotFound: 200, ErrorText: TextOops, ErrorMarkup: ErrorFlashDash, Want: vocab.NotFound},
		{ID: "4500001037", Supplier: "Duplicate Dynamics", SupplierMarkup: SupplierInfoSpan, Want: vocab.Completed,
			Attachments: []Attachment{at("invoice.pdf", 12*kb, ShapeDownloadAttr), at("invoice.pdf", 13*kb, ShapeTitled),
				{Name: "invoice.pdf", Size: 14 * kb, Shape: ShapeScriptRedirect, NoFilename: true}}},
		// Non-PDF attachments only and no requisition: nothing to fall back to.
		{ID: "4500001038", Supplier: "Spreadsheet Partners", SupplierMarkup: SupplierDataName, Want: vocab.Completed,
			Attachments: []Attachment{at("Budget 2025.xlsx", 33*kb, ShapeAttachmentLink), email("Kick-off meeting.msg", mailtest.MSG(mailtest.Sample("4500001038")), ShapeDownloadLink), at("Drawings.zip", 240*kb, ShapeDownloadAttr)}},
		{ID: "4500001039", Supplier: "Acme Industrial Supply", SupplierMarkup: SupplierDataName, Want: vocab.Completed,
			Attachments: []Attachment{at("Quote 2025-004.pdf", 52*kb, ShapeDownloadLink), at("Quote 2025-004 rev1.pdf", 53*kb, ShapeDownloadLink), at("Award letter.pdf", 31*kb, ShapeAttachmentLink)}},
		// PR fallback with no PO attachment, requisition files in the harder shapes.
		{ID: "4500001040", Supplier: "Globex Corporation", SupplierMarkup: SupplierDataTestID, Requisition: "2100006", Want: vocab.Completed},

		// Field shapes: no URL and no marker in the markup, clicks bound by
		// script to click, mousedown or pointerdown.
		{ID: "4500001041", Supplier: "Titled Goods Inc", SupplierMarkup: SupplierDataName, Want: vocab.Completed,
			Attachments: []Attachment{on(at("Signed quote.pdf", 21*kb, ShapeTitleOnly), "click"), on(at("Meeting notes.docx", 17*kb, ShapeTextOnly), "mousedown")}},
		{ID: "4500001042", Supplier: "Floating Toolbar GmbH", SupplierMarkup: SupplierLabel, FloatingBar: true, Want: vocab.Completed,
			Attachments: []Attachment{on(at("Delivery schedule.pdf", 19*kb, ShapeAriaFile), "pointerdown"),
				at("Inspection report.pdf", 23*kb, ShapeAriaButton), on(email("Customer e-mail.msg", mailtest.MSG(mailtest.Sample("4500001042")), ShapeAssociated), "mousedown")}},
		// Pages in other languages: the section found by its heading, the
		// supplier by its label.
		{ID: "4500001043", Supplier: "Ribeiro & Filhos Lda", SupplierMarkup: SupplierLabel, Language: "pt", Want: vocab.Completed,
			Attachments: []Attachment{at("Nota fiscal 3391.pdf", 26*kb, ShapeTextOnly), at("Especificação técnica.docx", 31*kb, ShapeRowButton)}},
		{ID: "4500001044", Supplier: "Suministros Ñandú SL", SupplierMarkup: SupplierLabel, Language: "es", Layout: LayoutTable, Want: vocab.Completed,
			Attachments: []Attachment{at("Factura F-2025-77.pdf", 22*kb, ShapeTitleOnly), at("Albarán.pdf", 12*kb, ShapeDownloadLink),
				on(at("Pedido firmado.pdf", 18*kb, ShapeRowButton), "pointerdown")}},
		{ID: "4500001045", Supplier: "Fournitures Lefèvre", SupplierMarkup: SupplierDataTestID, Language: "fr", Layout: LayoutCollapsed, Want: vocab.Completed,
			Attachments: []Attachment{at("Bon de commande.pdf", 27*kb, ShapeAssociated), at("Conditions générales.pdf", 33*kb, ShapeDownloadAttr)}},
		{ID: "4500001046", Supplier: "Schäfer Maschinenbau", SupplierMarkup: SupplierInfoSpan, Language: "de", Layout: LayoutFrame, Want: vocab.Completed,
			Attachments: []Attachment{at("Angebot 4471.pdf", 24*kb, ShapeTextOnly), at("Lieferschein.pdf", 14*kb, ShapeButton)}},
		// A popup the download starts in.
		{ID: "4500001047", Supplier: "Popup Printing Co", SupplierMarkup: SupplierClassName, Want: vocab.Completed,
			Attachments: []Attachment{at("Print proof.pdf", 29*kb, ShapePopup), at("Artwork.zip", 64*kb, ShapeAttachmentLink)}},
		// Pages a correct client does not guess at.
		{ID: "4500001048", Supplier: "Tile Gallery Ltd", SupplierMarkup: SupplierDataName, Layout: LayoutUnknown, Want: vocab.Unrecognised,
			Attachments: []Attachment{at("Scan 1.pdf", 11*kb, ShapeTextOnly), at("Scan 2.pdf", 12*kb, ShapeTextOnly)}},
		{ID: "4500001049", Supplier: "Sectionless Services", SupplierMarkup: SupplierClassName, Layout: LayoutNone, Want: vocab.Unrecognised},
		// Empty lists with evidence: a bare list that says it finished, the
		// empty text in Portuguese and in a German table.
		{ID: "4500001050", Supplier: "Quiet Supplies", SupplierMarkup: SupplierInfoSpan, Layout: LayoutBare, Want: vocab.NoAttachments},
		{ID: "4500001051", Supplier: "Vazio Comércio", SupplierMarkup: SupplierLabel, Language: "pt", Want: vocab.NoAttachments},
		{ID: "4500001052", Supplier: "Leere Lager AG", SupplierMarkup: SupplierLabel, Language: "de", Layout: LayoutTable, Want: vocab.NoAttachments},
		// A not-found text as a file name on a normal PO.
		{ID: "4500001053", Supplier: "Legal Letters LLP", SupplierMarkup: SupplierDataTestID, Want: vocab.Completed,
			Attachments: []Attachment{at("Access denied letter.pdf", 9*kb, ShapeTitleOnly), at("You are not authorized - appeal.pdf", 8*kb, ShapeAttachmentLink)}},
		// Not-found pages in Portuguese, Spanish, French, German and a
		// language no client knows, at 200 and at 403/404/410.
		{ID: "4500001054", NotFound: 200, ErrorText: TextSorryPT, ErrorMarkup: ErrorFlashUnderscore, Want: vocab.NotFound},
		{ID: "4500001055", NotFound: 404, ErrorText: TextSorryES, ErrorMarkup: ErrorRoleAlert, Want: vocab.NotFound},
		{ID: "4500001056", NotFound: 403, ErrorText: TextDeniedFR, ErrorMarkup: ErrorFlashDash, Want: vocab.NotFound},
		{ID: "4500001057", NotFound: 410, ErrorText: TextSorryDE, ErrorMarkup: ErrorExplanation, Want: vocab.NotFound},
		{ID: "4500001058", NotFound: 200, ErrorText: TextDeniedDE, ErrorMarkup: ErrorRoleAlert, Want: vocab.NotFound},
		{ID: "4500001059", NotFound: 200, ErrorText: TextSorryIT, ErrorMarkup: ErrorFlashUnderscore, Want: vocab.NotFound},
		{ID: "4500001060", NotFound: 404, ErrorText: TextSorryFR, ErrorMarkup: ErrorExplanation, Want: vocab.NotFound},
		{ID: "4500001061", NotFound: 200, ErrorText: TextDeniedES, ErrorMarkup: ErrorFlashDash, Want: vocab.NotFound},
		// Field shapes inserted late on a long-polling page, and in a
		// collapsed English panel.
		{ID: "4500001062", Supplier: "Realtime Metrics", SupplierMarkup: SupplierDataTestID, LongPoll: true, InsertDelay: 800 * time.Millisecond, Want: vocab.Completed,
			Attachments: []Attachment{on(at("Live export.pdf", 20*kb, ShapeAriaButton), "mousedown")}},
		{ID: "4500001063", Supplier: "Folded Panels Inc", SupplierMarkup: SupplierLabel, Layout: LayoutCollapsed, Want: vocab.Completed,
			Attachments: []Attachment{on(at("Panel drawing.pdf", 25*kb, ShapeTextOnly), "pointerdown"), at("Panel BOM.xlsx", 13*kb, ShapeTitleOnly)}},
	}
	reqs := []Requisition{
		{ID: "2100001", Attachments: []Attachment{at("Supplier quote.pdf", 36*kb, ShapeAttachmentLink), at("Budget approval.pdf", 17*kb, ShapeDownloadLink)}},
		{ID: "2100002", Attachments: []Attachment{at("Requisition justification.pdf", 29*kb, ShapeDownloadAttr)}},
		{ID: "2100003", Denied: true, Attachments: []Attachment{at("Confidential quote.pdf", 20*kb, ShapeAttachmentLink)}},
		{ID: "2100004", Denied: true},
		{ID: "2100005", Attachments: []Attachment{at("Not needed.pdf", 10*kb, ShapeAttachmentLink)}},
		{ID: "2100006", Attachments: []Attachment{at("Vendor proposal.pdf", 41*kb, ShapeButton), at("Manager approval.pdf", 15*kb, ShapeScriptRedirect), at("Quote comparison.pdf", 24*kb, ShapeTitled)}},
	}
	return Options{
		Seed:         seed,
		Latency:      300 * time.Millisecond,
		Jitter:       200 * time.Millisecond,
		POs:          pos,
		Requisitions: reqs,
	}
}
