package emailpdf

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"coupatui/emailpdf/mailtest"
)

func TestParseMSGAndEMLAgree(t *testing.T) {
	mail := mailtest.Sample("4711")
	eml, err := mailtest.EML(mail)
	if err != nil {
		t.Fatal(err)
	}
	for kind, parse := range map[string]func() (*Message, error){
		"msg": func() (*Message, error) { return ParseMSG(mailtest.MSG(mail)) },
		"eml": func() (*Message, error) { return ParseEML(eml) },
	} {
		t.Run(kind, func(t *testing.T) {
			m, err := parse()
			if err != nil {
				t.Fatal(err)
			}
			if m.From != "Ana Souza <ana.souza@supplier.example>" {
				t.Errorf("From %q", m.From)
			}
			if strings.Join(m.To, "|") != "Procurement Team <procurement@buyer.example>|ap@buyer.example" {
				t.Errorf("To %q", m.To)
			}
			if strings.Join(m.Cc, "|") != "Jörg Müller <joerg@buyer.example>" {
				t.Errorf("Cc %q", m.Cc)
			}
			if !m.Date.Equal(mail.Date) {
				t.Errorf("Date %v, want %v", m.Date, mail.Date)
			}
			if m.Subject != mail.Subject {
				t.Errorf("Subject %q", m.Subject)
			}
			if !strings.Contains(m.HTML, "We confirm order <b>4711</b>") || !strings.Contains(m.Text, "We confirm order 4711") {
				t.Errorf("HTML %q\nText %q", m.HTML, m.Text)
			}
			if len(m.Parts) != 3 {
				t.Fatalf("%d parts: %+v", len(m.Parts), m.Parts)
			}
			byName := map[string]Part{}
			for _, p := range m.Parts {
				byName[p.Name] = p
			}
			logo := byName["logo.png"]
			if !logo.Inline || logo.ContentID != "logo@supplier" || !bytes.Equal(logo.Data, mail.Inline[0].Data) {
				t.Errorf("inline part %+v", logo)
			}
			for _, f := range mail.Files {
				if p := byName[f.Name]; p.Inline || !bytes.Equal(p.Data, f.Data) {
					t.Errorf("attachment %s: inline %v, %d bytes", f.Name, p.Inline, len(p.Data))
				}
			}
		})
	}
}

func TestParseRefusesWhatIsNotAnEmail(t *testing.T) {
	cases := map[string]func() error{
		"random bytes as msg": func() error { _, err := ParseMSG([]byte("\xd0\xcf\x11\xe0 not really")); return err },
		"text as msg":         func() error { _, err := ParseMSG([]byte("hello")); return err },
		"binary as eml":       func() error { _, err := ParseEML([]byte{0, 1, 2, 3, 0xff, 0xfe}); return err },
	}
	for name, f := range cases {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), "not") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A message attached inside an Outlook message (forwarded as an item)
// comes out as an .eml part, its own parts kept.
func TestEncodeEMLRoundTrip(t *testing.T) {
	m := &Message{From: "A <a@x.example>", To: []string{"b@x.example"}, Subject: "Inner — ü",
		Date: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Text: "plain", HTML: "<p>rich</p>",
		Parts: []Part{{Name: "n.txt", ContentType: "text/plain", Data: []byte("note")}}}
	b, err := EncodeEML(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseEML(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Subject != m.Subject || back.From != m.From || back.Text != "plain" || !strings.Contains(back.HTML, "rich") ||
		len(back.Parts) != 1 || string(back.Parts[0].Data) != "note" || !back.Date.Equal(m.Date) {
		t.Errorf("back: %+v", back)
	}
}
