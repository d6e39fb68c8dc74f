package emailpdf

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/textproto"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"
)

// ParseEML reads a MIME message (.eml). MIME readers accept nearly any
// bytes, so a file with none of the From, To, Date and Subject headers is
// refused as not an e-mail rather than printed as one.
func ParseEML(data []byte) (*Message, error) {
	env, err := enmime.ReadEnvelope(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a MIME e-mail: %w", err)
	}
	m := &Message{
		From:    addressHeader(env, "From"),
		To:      addressList(env, "To"),
		Cc:      addressList(env, "Cc"),
		Subject: strings.TrimSpace(env.GetHeader("Subject")),
		Text:    env.Text,
		HTML:    env.HTML,
	}
	if d, err := env.Date(); err == nil {
		m.Date = d
	}
	if m.From == "" && len(m.To) == 0 && m.Date.IsZero() && m.Subject == "" {
		return nil, errors.New("not an e-mail: it has no From, To, Date or Subject header")
	}
	seen := map[*enmime.Part]bool{}
	add := func(parts []*enmime.Part, inline bool) {
		for _, p := range parts {
			if seen[p] {
				continue
			}
			seen[p] = true
			m.Parts = append(m.Parts, Part{
				Name: p.FileName, ContentType: p.ContentType, ContentID: strings.Trim(p.ContentID, "<> "),
				Inline: inline || p.ContentID != "" && p.Disposition != "attachment", Data: p.Content,
			})
		}
	}
	add(env.Inlines, true)
	add(env.OtherParts, false)
	add(env.Attachments, false)
	return m, nil
}

// addressHeader is a header's mailboxes joined as the e-mail shows them.
func addressHeader(env *enmime.Envelope, key string) string {
	return strings.Join(addressList(env, key), ", ")
}

// addressList is a header's mailboxes, RFC 2047 names decoded; a header
// that does not parse as addresses is shown as written.
func addressList(env *enmime.Envelope, key string) []string {
	raw := strings.TrimSpace(env.GetHeader(key))
	if raw == "" {
		return nil
	}
	list, err := env.AddressList(key)
	if err != nil || len(list) == 0 {
		return []string{raw}
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, mailbox(a.Name, a.Address))
	}
	return out
}

// mailbox is "Name <address>", or whichever of the two there is.
func mailbox(name, addr string) string {
	name, addr = strings.TrimSpace(name), strings.TrimSpace(addr)
	switch {
	case name == "" || strings.EqualFold(name, addr):
		return addr
	case addr == "":
		return name
	}
	return name + " <" + addr + ">"
}

// EncodeEML writes m as a MIME message: how a message attached inside an
// Outlook message is extracted, so any mail program opens it.
func EncodeEML(m *Message) ([]byte, error) {
	root := enmime.NewPart("multipart/mixed")
	h := root.Header
	if h == nil {
		h = textproto.MIMEHeader{}
		root.Header = h
	}
	set := func(key, value string) {
		if value != "" {
			h.Set(key, mime.QEncoding.Encode("utf-8", value))
		}
	}
	set("From", m.From)
	set("To", strings.Join(m.To, ", "))
	set("Cc", strings.Join(m.Cc, ", "))
	set("Subject", m.Subject)
	if !m.Date.IsZero() {
		h.Set("Date", m.Date.Format(time.RFC1123Z))
	}
	h.Set("MIME-Version", "1.0")
	var body []*enmime.Part
	if m.Text != "" {
		p := enmime.NewPart("text/plain")
		p.Charset, p.Content = "utf-8", []byte(m.Text)
		body = append(body, p)
	}
	if m.HTML != "" || m.Text == "" {
		p := enmime.NewPart("text/html")
		p.Charset, p.Content = "utf-8", []byte(m.HTML)
		body = append(body, p)
	}
	parts := body
	if len(body) == 2 {
		alt := enmime.NewPart("multipart/alternative")
		alt.AddChild(body[0])
		alt.AddChild(body[1])
		parts = []*enmime.Part{alt}
	}
	for _, part := range m.Parts {
		ct := part.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		p := enmime.NewPart(ct)
		p.FileName, p.ContentID, p.Content = part.Name, part.ContentID, part.Data
		p.Disposition = "attachment"
		if part.Inline {
			p.Disposition = "inline"
		}
		parts = append(parts, p)
	}
	for _, p := range parts {
		root.AddChild(p)
	}
	var buf bytes.Buffer
	if err := root.Encode(&buf); err != nil {
		return nil, fmt.Errorf("encode %q: %w", m.Subject, err)
	}
	return buf.Bytes(), nil
}
