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

// Property types and tags of Outlook's message format (MS-OXMSG, MS-OXPROPS).
const (
	ptInt32   = 0x0003
	ptBool    = 0x000B
	ptSysTime = 0x0040
	ptUnicode = 0x001F
	ptBinary  = 0x0102

	tagMessageClass  = 0x001A
	tagSubject       = 0x0037
	tagSubmitTime    = 0x0039
	tagSenderName    = 0x0C1A
	tagSenderEmail   = 0x0C1F
	tagDisplayCc     = 0x0E03
	tagDisplayTo     = 0x0E04
	tagDeliveryTime  = 0x0E06
	tagBody          = 0x1000
	tagHTML          = 0x1013
	tagInternetCPID  = 0x3FDE
	tagSenderSMTP    = 0x5D01
	tagRecipientType = 0x0C15
	tagDisplayName   = 0x3001
	tagEmailAddress  = 0x3003
	tagSMTPAddress   = 0x39FE
	tagAttachData    = 0x3701
	tagAttachShort   = 0x3704
	tagAttachMethod  = 0x3705
	tagAttachLong    = 0x3707
	tagAttachMIME    = 0x370E
	tagAttachCID     = 0x3712
	tagAttachFlags   = 0x3714
	tagHidden        = 0x7FFE
)

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
	p.streams = append(p.streams, stream(fmt.Sprintf("__substg1.0_%04X%04X", id, ptUnicode), b))
	p.entry(id, ptUnicode, binary.LittleEndian.AppendUint32(nil, uint32(len(b)+2)))
}

func (p *props) bin(id uint16, b []byte) {
	p.streams = append(p.streams, stream(fmt.Sprintf("__substg1.0_%04X%04X", id, ptBinary), b))
	p.entry(id, ptBinary, binary.LittleEndian.AppendUint32(nil, uint32(len(b))))
}

func (p *props) int32(id uint16, v int32) {
	p.entry(id, ptInt32, binary.LittleEndian.AppendUint32(nil, uint32(v)))
}

func (p *props) bool(id uint16, v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	p.entry(id, ptBool, []byte{b})
}

func (p *props) time(id uint16, t time.Time) {
	// FILETIME: 100 ns since 1601-01-01 UTC.
	const epochDiff = 116444736000000000 // 1601 → 1970, in 100 ns
	ft := uint64(t.Unix())*10_000_000 + uint64(t.Nanosecond()/100) + epochDiff
	p.entry(id, ptSysTime, binary.LittleEndian.AppendUint64(nil, ft))
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
	msg.str(tagMessageClass, "IPM.Note")
	msg.str(tagSubject, m.Subject)
	msg.str(tagSenderName, m.From.Name)
	msg.str(tagSenderEmail, m.From.Email)
	msg.str(tagSenderSMTP, m.From.Email)
	msg.str(tagDisplayTo, names(m.To))
	msg.str(tagDisplayCc, names(m.Cc))
	msg.str(tagBody, m.Text)
	if m.HTML != "" {
		msg.bin(tagHTML, []byte(m.HTML))
		msg.int32(tagInternetCPID, 65001) // the HTML bytes are UTF-8
	}
	if !m.Date.IsZero() {
		msg.time(tagSubmitTime, m.Date)
		msg.time(tagDeliveryTime, m.Date)
	}

	root := storage("Root Entry")
	root.add(storage("__nameid_version1.0",
		stream("__substg1.0_00020102", nil), stream("__substg1.0_00030102", nil), stream("__substg1.0_00040102", nil)))
	recips := 0
	addRecip := func(a Addr, kind int32) {
		var r props
		r.int32(tagRecipientType, kind)
		r.str(tagDisplayName, a.Name)
		r.str(tagEmailAddress, a.Email)
		r.str(tagSMTPAddress, a.Email)
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
		a.int32(tagAttachMethod, 1) // by value
		a.bin(tagAttachData, f.Data)
		a.str(tagAttachLong, f.Name)
		a.str(tagAttachShort, f.Name)
		a.str(tagDisplayName, f.Name)
		a.str(tagAttachMIME, f.ContentType)
		if inline {
			a.str(tagAttachCID, f.ContentID)
			a.int32(tagAttachFlags, 4) // ATT_MHTML_REF
			a.bool(tagHidden, true)
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
