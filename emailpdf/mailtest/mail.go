// Package mailtest writes e-mail files from known content, for tests and
// for the simulated Coupa: Outlook .msg files (a compound file in
// Outlook's property-stream layout, written by a small CFB writer of its
// own, since the reader the product uses only reads) and MIME .eml files.
// Production code reads e-mails; only tests and the simulator write them.
package mailtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/mail"
	"time"
	"unicode/utf16"

	"github.com/jhillyerd/enmime/v2"

	"coupatui/emailpdf/internal/mapi"
)

// Mail is the content of one e-mail.
type Mail struct {
	From    Addr
	To, Cc  []Addr
	Date    time.Time
	Subject string
	Text    string // plain-text body ("" = none)
	HTML    string // HTML body ("" = none); inline images as cid:<ContentID>
	Inline  []File // parts the HTML shows (Content-ID set)
	Files   []File // attachments
}

// Addr is one mailbox.
type Addr struct{ Name, Email string }

// File is one attached or inline part.
type File struct {
	Name        string
	ContentType string
	ContentID   string // without angle brackets
	Data        []byte
}

func (a Addr) String() string { return (&mail.Address{Name: a.Name, Address: a.Email}).String() }

// EML is m as a MIME message (multipart as its parts need), with
// deterministic boundaries.
func EML(m Mail) ([]byte, error) {
	b := enmime.Builder().RandSeed(1).From(m.From.Name, m.From.Email).Subject(m.Subject)
	for _, a := range m.To {
		b = b.To(a.Name, a.Email)
	}
	for _, a := range m.Cc {
		b = b.CC(a.Name, a.Email)
	}
	if !m.Date.IsZero() {
		b = b.Date(m.Date)
	}
	if m.Text != "" || m.HTML == "" {
		b = b.Text([]byte(m.Text))
	}
	if m.HTML != "" {
		b = b.HTML([]byte(m.HTML))
	}
	for _, f := range m.Inline {
		b = b.AddInline(f.Data, f.ContentType, f.Name, f.ContentID)
	}
	for _, f := range m.Files {
		b = b.AddAttachment(f.Data, f.ContentType, f.Name)
	}
	root, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("mailtest: build %q: %w", m.Subject, err)
	}
	var buf bytes.Buffer
	if err := root.Encode(&buf); err != nil {
		return nil, fmt.Errorf("mailtest: encode %q: %w", m.Subject, err)
	}
	return buf.Bytes(), nil
}

// MustEML is EML for content known to build (a sender and a recipient
// given), like regexp.MustCompile: it panics otherwise.
func MustEML(m Mail) []byte {
	b, err := EML(m)
	if err != nil {
		panic(err)
	}
	return b
}

// props collects one storage's properties: variable-length ones become
// __substg1.0_ streams, and every one gets an entry in the storage's
// __properties_version1.0 stream.
type props struct {
	streams []*node
	entries []byte
}

func (p *props) entry(id, typ uint16, value []byte) {
	e := make([]byte, 16)
	binary.LittleEndian.PutUint32(e, uint32(id)<<16|uint32(typ))
	binary.LittleEndian.PutUint32(e[4:], 6) // readable, writable
	copy(e[8:], value)
	p.entries = append(p.entries, e...)
}

func (p *props) str(id uint16, s string) {
	if s == "" {
		return
	}
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	p.streams = append(p.streams, stream(fmt.Sprintf("__substg1.0_%04X%04X", id, mapi.PtUnicode), b))
	p.entry(id, mapi.PtUnicode, binary.LittleEndian.AppendUint32(nil, uint32(len(b)+2)))
}

func (p *props) bin(id uint16, b []byte) {
	p.streams = append(p.streams, stream(fmt.Sprintf("__substg1.0_%04X%04X", id, mapi.PtBinary), b))
	p.entry(id, mapi.PtBinary, binary.LittleEndian.AppendUint32(nil, uint32(len(b))))
}

func (p *props) int32(id uint16, v int32) {
	p.entry(id, mapi.PtInt32, binary.LittleEndian.AppendUint32(nil, uint32(v)))
}

func (p *props) bool(id uint16, v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	p.entry(id, mapi.PtBool, []byte{b})
}

func (p *props) time(id uint16, t time.Time) {
	// FILETIME: 100 ns since 1601-01-01 UTC.
	const epochDiff = 116444736000000000 // 1601 → 1970, in 100 ns
	ft := uint64(t.Unix())*10_000_000 + uint64(t.Nanosecond()/100) + epochDiff
	p.entry(id, mapi.PtSysTime, binary.LittleEndian.AppendUint64(nil, ft))
}

// storage is the property storage: its streams and the properties stream
// after a header of headerLen bytes (32 for the message, 8 for recipients
// and attachments).
func (p *props) nodes(header []byte) []*node {
	return append(p.streams, stream("__properties_version1.0", append(header, p.entries...)))
}

// MSG is m as an Outlook .msg file.
func MSG(m Mail) []byte {
	var msg props
	msg.str(mapi.TagMessageClass, "IPM.Note")
	msg.str(mapi.TagSubject, m.Subject)
	msg.str(mapi.TagSenderName, m.From.Name)
	msg.str(mapi.TagSenderEmail, m.From.Email)
	msg.str(mapi.TagSenderSMTP, m.From.Email)
	msg.str(mapi.TagDisplayTo, names(m.To))
	msg.str(mapi.TagDisplayCc, names(m.Cc))
	msg.str(mapi.TagBody, m.Text)
	if m.HTML != "" {
		msg.bin(mapi.TagHTML, []byte(m.HTML))
		msg.int32(mapi.TagInternetCPID, 65001) // the HTML bytes are UTF-8
	}
	if !m.Date.IsZero() {
		msg.time(mapi.TagSubmitTime, m.Date)
		msg.time(mapi.TagDeliveryTime, m.Date)
	}

	root := storage("Root Entry")
	root.add(storage("__nameid_version1.0",
		stream("__substg1.0_00020102", nil), stream("__substg1.0_00030102", nil), stream("__substg1.0_00040102", nil)))
	recips := 0
	addRecip := func(a Addr, kind int32) {
		var r props
		r.int32(mapi.TagRecipientType, kind)
		r.str(mapi.TagDisplayName, a.Name)
		r.str(mapi.TagEmailAddress, a.Email)
		r.str(mapi.TagSMTPAddress, a.Email)
		root.add(storage(fmt.Sprintf("__recip_version1.0_#%08X", recips), r.nodes(make([]byte, 8))...))
		recips++
	}
	for _, a := range m.To {
		addRecip(a, 1)
	}
	for _, a := range m.Cc {
		addRecip(a, 2)
	}
	atts := 0
	addAttach := func(f File, inline bool) {
		var a props
		a.int32(mapi.TagAttachMethod, 1) // by value
		a.bin(mapi.TagAttachData, f.Data)
		a.str(mapi.TagAttachLong, f.Name)
		a.str(mapi.TagAttachShort, f.Name)
		a.str(mapi.TagDisplayName, f.Name)
		a.str(mapi.TagAttachMIME, f.ContentType)
		if inline {
			a.str(mapi.TagAttachCID, f.ContentID)
			a.int32(mapi.TagAttachFlags, 4) // ATT_MHTML_REF
			a.bool(mapi.TagHidden, true)
		}
		root.add(storage(fmt.Sprintf("__attach_version1.0_#%08X", atts), a.nodes(make([]byte, 8))...))
		atts++
	}
	for _, f := range m.Inline {
		addAttach(f, true)
	}
	for _, f := range m.Files {
		addAttach(f, false)
	}
	header := make([]byte, 32)
	binary.LittleEndian.PutUint32(header[8:], uint32(recips))
	binary.LittleEndian.PutUint32(header[12:], uint32(atts))
	binary.LittleEndian.PutUint32(header[16:], uint32(recips))
	binary.LittleEndian.PutUint32(header[20:], uint32(atts))
	root.add(msg.nodes(header)...)
	return compoundFile(root)
}

func names(as []Addr) string {
	var b bytes.Buffer
	for i, a := range as {
		if i > 0 {
			b.WriteString("; ")
		}
		if a.Name != "" {
			b.WriteString(a.Name)
		} else {
			b.WriteString(a.Email)
		}
	}
	return b.String()
}

// PNG is a w×h image of one colour, as a PNG file: an inline image whose
// size a test can find again in the PDF.
func PNG(w, h int, c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	return buf.Bytes()
}

// Sample is an e-mail with every part a conversion shows: an HTML body
// (and its text), an inline image (37×23 pixels) the HTML shows by cid,
// two recipients and a Cc, and two attachments (a PDF and a text file).
// tag makes its subject and body unique.
func Sample(tag string) Mail {
	return Mail{
		From:    Addr{Name: "Ana Souza", Email: "ana.souza@supplier.example"},
		To:      []Addr{{Name: "Procurement Team", Email: "procurement@buyer.example"}, {Email: "ap@buyer.example"}},
		Cc:      []Addr{{Name: "Jörg Müller", Email: "joerg@buyer.example"}},
		Date:    time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC),
		Subject: "RE: Order " + tag + " confirmed",
		Text:    "Hello,\n\nWe confirm order " + tag + ". Delivery in 3 weeks.\n\nAna",
		HTML: `<html><head><style>p { color: #123456 }</style></head><body>` +
			`<p>Hello,</p><p>We confirm order <b>` + tag + `</b>. Delivery in 3 weeks.</p>` +
			`<p><img src="cid:logo@supplier" alt="Supplier logo"></p><p>Ana</p></body></html>`,
		Inline: []File{{Name: "logo.png", ContentType: "image/png", ContentID: "logo@supplier", Data: PNG(37, 23, color.RGBA{200, 30, 30, 255})}},
		Files: []File{
			{Name: "Order " + tag + " confirmation.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n% order " + tag + "\n%%EOF\n")},
			{Name: "delivery notes.txt", ContentType: "text/plain", Data: []byte("Deliver to dock 4, order " + tag + ".\n")},
		},
	}
}
