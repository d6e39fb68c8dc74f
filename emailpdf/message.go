// Package emailpdf turns e-mail files (Outlook .msg, MIME .eml) into PDFs
// auditors can read: the headers (From, To, Cc, Date, Subject), the body
// (HTML when there is one, else the text), the inline images, and a list of
// the e-mail's own attachments, which are written beside it into
// "<file>_attachments/". It parses the e-mail into one Message, renders it
// as a self-contained HTML page (everything escaped, no script, nothing
// remote: images come as data: URLs) and has a browser print that page
// (Printer); it starts no browser itself.
package emailpdf

import (
	"path/filepath"
	"strings"
	"time"
)

// Message is one e-mail, whatever file it came from.
type Message struct {
	From    string   // "Name <address>", as the e-mail shows it
	To, Cc  []string // one mailbox each
	Date    time.Time
	Subject string
	Text    string // the plain-text body, "" when none
	HTML    string // the HTML body, "" when none
	Parts   []Part // attachments and inline parts, in the e-mail's order
}

// Part is one attached or inline part of a Message.
type Part struct {
	Name        string // as the e-mail names it (unsanitised), "" when it has none
	ContentType string // "" when unknown
	ContentID   string // without angle brackets, "" when none
	Inline      bool   // the e-mail marks it as shown in the body
	Data        []byte
}

// IsEmail reports whether name is an e-mail file this package converts,
// by its extension (.msg or .eml, any case).
func IsEmail(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".msg", ".eml":
		return true
	}
	return false
}

// PDFName is the PDF made from the e-mail file name: the whole name plus
// ".pdf" ("RE Order.msg" → "RE Order.msg.pdf"), so it never collides with
// an attachment of the same stem.
func PDFName(name string) string { return name + ".pdf" }

// AttachmentsDir is the folder the attachments of the e-mail file name are
// written into: "RE Order.msg" → "RE Order.msg_attachments".
func AttachmentsDir(name string) string { return name + "_attachments" }
