package emailpdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"coupatui/emailpdf/internal/mapi"
)

// Property values and limits the reader needs beyond mapi's names.
const (
	attachEmbedded    = 5 // PR_ATTACH_METHOD: an Outlook message inside this one
	attachMHTMLRef    = 4 // PR_ATTACH_FLAGS: referenced from the HTML body
	maxEmbeddedLevels = 8
)

// ParseMSG reads an Outlook message (.msg): a compound file whose
// properties are streams named __substg1.0_<tag><type>. A message
// attached inside it (forwarded as an item) becomes an .eml part.
func ParseMSG(data []byte) (*Message, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not an Outlook message (not a compound file): %w", err)
	}
	f := msgFile{streams: map[string][]byte{}, storages: map[string]bool{}}
	for {
		e, err := doc.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a readable Outlook message: %w", err)
		}
		key := strings.Join(append(slices.Clone(e.Path), e.Name), "/")
		if e.FileInfo().IsDir() {
			f.storages[key] = true
			continue
		}
		b, err := io.ReadAll(e)
		if err != nil {
			return nil, fmt.Errorf("not a readable Outlook message: stream %s: %w", key, err)
		}
		f.streams[key] = b
	}
	if _, ok := f.streams["__properties_version1.0"]; !ok {
		return nil, errors.New("not an Outlook message: a compound file without message properties (a Word or Excel file renamed?)")
	}
	return f.message("", 32, 0)
}

// msgFile is a compound file read into memory: streams and storages by
// their path ("a/b/name").
type msgFile struct {
	streams  map[string][]byte
	storages map[string]bool
}

// store is one property storage of a msgFile: the message, a recipient,
// an attachment or an embedded message.
type store struct {
	f      *msgFile
	prefix string            // "" or "path/"
	props  map[uint32][]byte // fixed-length values by tag, from the properties stream
	cpid   int               // code page of 8-bit strings and of the HTML body, 0 when unknown
}

func (f *msgFile) store(prefix string, headerLen int) *store {
	s := &store{f: f, prefix: prefix, props: map[uint32][]byte{}}
	b := f.streams[prefix+"__properties_version1.0"]
	for off := headerLen; off+16 <= len(b); off += 16 {
		s.props[binary.LittleEndian.Uint32(b[off:])] = b[off+8 : off+16]
	}
	s.cpid = int(s.int32(mapi.TagInternetCPID))
	if s.cpid == 0 {
		s.cpid = int(s.int32(mapi.TagMessageCPID))
	}
	return s
}

func (s *store) int32(id uint16) int32 {
	v, ok := s.props[uint32(id)<<16|mapi.PtInt32]
	if !ok {
		return 0
	}
	return int32(binary.LittleEndian.Uint32(v))
}

func (s *store) bool(id uint16) bool {
	v, ok := s.props[uint32(id)<<16|mapi.PtBool]
	return ok && v[0] != 0
}

// time reads a PT_SYSTIME (FILETIME: 100 ns since 1601 UTC).
func (s *store) time(id uint16) time.Time {
	v, ok := s.props[uint32(id)<<16|mapi.PtSysTime]
	if !ok {
		return time.Time{}
	}
	ft := binary.LittleEndian.Uint64(v)
	if ft == 0 {
		return time.Time{}
	}
	const epochDiff = 116444736000000000 // 1601 → 1970, in 100 ns
	t := int64(ft) - epochDiff
	return time.Unix(t/10_000_000, t%10_000_000*100).UTC()
}

func (s *store) bin(id uint16) ([]byte, bool) {
	b, ok := s.f.streams[fmt.Sprintf("%s__substg1.0_%04X%04X", s.prefix, id, mapi.PtBinary)]
	return b, ok
}

// str reads a string property, Unicode or 8-bit.
func (s *store) str(id uint16) string {
	if b, ok := s.f.streams[fmt.Sprintf("%s__substg1.0_%04X%04X", s.prefix, id, mapi.PtUnicode)]; ok {
		return strings.TrimRight(decodeUTF16(b), "\x00")
	}
	if b, ok := s.f.streams[fmt.Sprintf("%s__substg1.0_%04X%04X", s.prefix, id, mapi.PtString8)]; ok {
		return strings.TrimRight(decodeCodePage(b, s.cpid), "\x00")
	}
	return ""
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// decodeCodePage decodes 8-bit text in a Windows code page; bytes that are
// valid UTF-8 in an unknown code page are taken as UTF-8, others as
// Windows-1252, the code page Outlook uses most.
func decodeCodePage(b []byte, cpid int) string {
	var enc encoding.Encoding
	switch {
	case cpid == 65001 || cpid == 20127:
		return strings.ToValidUTF8(string(b), "\uFFFD")
	case cpid >= 1250 && cpid <= 1258:
		enc = []encoding.Encoding{charmap.Windows1250, charmap.Windows1251, charmap.Windows1252,
			charmap.Windows1253, charmap.Windows1254, charmap.Windows1255, charmap.Windows1256,
			charmap.Windows1257, charmap.Windows1258}[cpid-1250]
	case cpid == 28591:
		enc = charmap.ISO8859_1
	case cpid == 28605:
		enc = charmap.ISO8859_15
	case utf8.Valid(b):
		return string(b)
	default:
		enc = charmap.Windows1252
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// message reads the message whose properties are under prefix.
func (f *msgFile) message(prefix string, headerLen, level int) (*Message, error) {
	s := f.store(prefix, headerLen)
	m := &Message{Subject: s.str(mapi.TagSubject), Text: s.str(mapi.TagBody)}
	m.From = mailbox(firstOf(s.str(mapi.TagSenderName), s.str(mapi.TagSentRepName)),
		firstOf(emailLike(s.str(mapi.TagSenderSMTP)), emailLike(s.str(mapi.TagSenderEmail)), emailLike(s.str(mapi.TagSentRepEmail))))
	if html, ok := s.bin(mapi.TagHTML); ok {
		m.HTML = decodeCodePage(html, s.cpid)
	} else {
		m.HTML = s.str(mapi.TagHTML)
	}
	m.Date = s.time(mapi.TagSubmitTime)
	if m.Date.IsZero() {
		m.Date = s.time(mapi.TagDeliveryTime)
	}
	if m.Date.IsZero() {
		m.Date = headerDate(s.str(mapi.TagHeaders))
	}

	var recips, attachs []string
	for name := range f.storages {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || strings.Contains(rest, "/") {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "__recip_version1.0_#"):
			recips = append(recips, name)
		case strings.HasPrefix(rest, "__attach_version1.0_#"):
			attachs = append(attachs, name)
		}
	}
	slices.Sort(recips)
	slices.Sort(attachs)
	for _, name := range recips {
		r := f.store(name+"/", 8)
		box := mailbox(r.str(mapi.TagDisplayName), firstOf(emailLike(r.str(mapi.TagSMTPAddress)), emailLike(r.str(mapi.TagEmailAddress))))
		switch r.int32(mapi.TagRecipientType) {
		case 1:
			m.To = append(m.To, box)
		case 2:
			m.Cc = append(m.Cc, box)
		}
	}
	if len(m.To) == 0 {
		m.To = splitDisplay(s.str(mapi.TagDisplayTo))
	}
	if len(m.Cc) == 0 {
		m.Cc = splitDisplay(s.str(mapi.TagDisplayCc))
	}
	for _, name := range attachs {
		a := f.store(name+"/", 8)
		p := Part{
			Name:        firstOf(a.str(mapi.TagAttachLong), a.str(mapi.TagAttachShort), a.str(mapi.TagDisplayName)),
			ContentType: a.str(mapi.TagAttachMIME),
			ContentID:   strings.Trim(a.str(mapi.TagAttachCID), "<> "),
		}
		p.Inline = a.bool(mapi.TagHidden) || p.ContentID != "" && a.int32(mapi.TagAttachFlags)&attachMHTMLRef != 0
		if a.int32(mapi.TagAttachMethod) == attachEmbedded {
			nested := name + fmt.Sprintf("/__substg1.0_%04X%04X", mapi.TagAttachData, mapi.PtObject)
			if !f.storages[nested] || level >= maxEmbeddedLevels {
				continue
			}
			inner, err := f.message(nested+"/", 24, level+1)
			if err != nil {
				return nil, err
			}
			eml, err := EncodeEML(inner)
			if err != nil {
				return nil, fmt.Errorf("attached message %q: %w", p.Name, err)
			}
			p.Name = firstOf(a.str(mapi.TagDisplayName), inner.Subject, "message") + ".eml"
			p.ContentType, p.Data, p.Inline = "message/rfc822", eml, false
			m.Parts = append(m.Parts, p)
			continue
		}
		data, ok := a.bin(mapi.TagAttachData)
		if !ok {
			continue // a link to a file elsewhere, or an OLE object: nothing to extract
		}
		p.Data = data
		m.Parts = append(m.Parts, p)
	}
	if level == 0 && m.Subject == "" && m.From == "" && len(m.To) == 0 && m.Text == "" && m.HTML == "" {
		return nil, errors.New("not an Outlook message: no subject, sender, recipient or body")
	}
	return m, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// emailLike keeps an address that looks like an Internet one; Exchange's
// own ("/O=EXCHANGELABS/OU=...") tells a reader nothing.
func emailLike(s string) string {
	if strings.Contains(s, "@") && !strings.HasPrefix(s, "/") {
		return s
	}
	return ""
}

// splitDisplay splits Outlook's display list ("A; B").
func splitDisplay(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// headerDate reads the Date of Internet headers kept in the message.
func headerDate(headers string) time.Time {
	if headers == "" {
		return time.Time{}
	}
	msg, err := mail.ReadMessage(strings.NewReader(strings.TrimLeft(headers, "\r\n") + "\r\n\r\n"))
	if err != nil {
		return time.Time{}
	}
	d, err := msg.Header.Date()
	if err != nil {
		return time.Time{}
	}
	return d
}
