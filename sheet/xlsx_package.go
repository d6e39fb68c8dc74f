package sheet

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// xlsxBook is an opened .xlsx package: its parts and what the workbook,
// relationship and style parts say about them. Used by one goroutine.
type xlsxBook struct {
	zr       *zip.ReadCloser
	parts    map[string]*zip.File // by lower-case name: part names are case-insensitive
	sheets   []bookSheet          // worksheets, in workbook order
	date1904 bool
	sst      string // shared strings part, "" when none
	styles   string // styles part, "" when none
}

type bookSheet struct {
	name   string
	part   string
	hidden bool
}

// relationship types, matched by suffix so both the transitional and the
// strict OOXML namespaces work.
const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
	relSharedStrings  = "/sharedStrings"
	relStyles         = "/styles"
)

type relsXML struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
		Mode   string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

type workbookXML struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string     `xml:"name,attr"`
		State string     `xml:"state,attr"`
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

func openBook(path string) (*xlsxBook, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	b := &xlsxBook{zr: zr, parts: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		b.parts[strings.ToLower(f.Name)] = f
	}
	if err := b.load(); err != nil {
		_ = zr.Close()
		return nil, err
	}
	return b, nil
}

func (b *xlsxBook) Close() error { return b.zr.Close() }

func (b *xlsxBook) load() error {
	var root relsXML
	if err := b.decode("_rels/.rels", &root); err != nil {
		return err
	}
	wbPart := ""
	for _, r := range root.Rels {
		if strings.HasSuffix(r.Type, relOfficeDocument) {
			wbPart = resolvePart("", r.Target)
		}
	}
	if wbPart == "" {
		return fmt.Errorf("no workbook part in the package")
	}
	var rels relsXML
	if err := b.decode(path.Join(path.Dir(wbPart), "_rels", path.Base(wbPart)+".rels"), &rels); err != nil {
		return err
	}
	targets := make(map[string]string)
	for _, r := range rels.Rels {
		if strings.EqualFold(r.Mode, "External") {
			continue
		}
		target := resolvePart(path.Dir(wbPart), r.Target)
		switch {
		case strings.HasSuffix(r.Type, relWorksheet):
			targets[r.ID] = target
		case strings.HasSuffix(r.Type, relSharedStrings):
			b.sst = target
		case strings.HasSuffix(r.Type, relStyles):
			b.styles = target
		}
	}
	var wb workbookXML
	if err := b.decode(wbPart, &wb); err != nil {
		return err
	}
	b.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	for _, s := range wb.Sheets {
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && a.Name.Space != "" {
				if part, ok := targets[a.Value]; ok { // chart sheets have no worksheet relationship
					b.sheets = append(b.sheets, bookSheet{name: s.Name, part: part, hidden: s.State == "hidden" || s.State == "veryHidden"})
				}
			}
		}
	}
	return nil
}

// resolvePart turns a relationship target into a part name.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Join(dir, target)
}

func (b *xlsxBook) open(part string) (io.ReadCloser, error) {
	f, ok := b.parts[strings.ToLower(part)]
	if !ok {
		return nil, fmt.Errorf("part %s is missing", part)
	}
	return f.Open()
}

func (b *xlsxBook) decode(part string, v any) error {
	rc, err := b.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("part %s: %w", part, err)
	}
	return nil
}

// pick returns the sheet to read: DataSheet (in any case), else the first
// visible sheet, else the first one.
func (b *xlsxBook) pick() (bookSheet, bool) {
	for _, exact := range []bool{true, false} {
		for _, s := range b.sheets {
			if s.name == DataSheet || (!exact && strings.EqualFold(s.name, DataSheet)) {
				return s, true
			}
		}
	}
	for _, s := range b.sheets {
		if !s.hidden {
			return s, true
		}
	}
	if len(b.sheets) > 0 {
		return b.sheets[0], true
	}
	return bookSheet{}, false
}

type stylesXML struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	Xfs []struct {
		NumFmtID int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

// numberFormats reads, for each cell style, its number format.
func (b *xlsxBook) numberFormats() (*numberFormatter, error) {
	nf := &numberFormatter{date1904: b.date1904, custom: make(map[int]string)}
	if b.styles == "" {
		return nf, nil
	}
	var st stylesXML
	if err := b.decode(b.styles, &st); err != nil {
		return nil, err
	}
	for _, f := range st.NumFmts {
		nf.custom[f.ID] = f.Code
	}
	nf.xfNumFmt = make([]int, len(st.Xfs))
	for i, xf := range st.Xfs {
		nf.xfNumFmt[i] = xf.NumFmtID
	}
	return nf, nil
}

// sharedStrings reads the shared string table.
func (b *xlsxBook) sharedStrings() ([]string, error) {
	if b.sst == "" {
		return nil, nil
	}
	rc, err := b.open(b.sst)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	var out []string
	var cur []byte
	inSI, inPhonetic := false, false
	for {
		err := s.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("part %s: %w", b.sst, err)
		}
		switch {
		case s.isStart("si"):
			inSI, cur = true, cur[:0]
			if s.selfClosing {
				out, inSI = append(out, ""), false
			}
		case s.isEnd("si"):
			out, inSI = append(out, unescapeOOXML(string(cur))), false
		case s.isStart("rPh"):
			inPhonetic = !s.selfClosing
		case s.isEnd("rPh"):
			inPhonetic = false
		case s.isEnd("t") && inSI && !inPhonetic:
			cur = append(cur, s.text...)
		}
	}
}

// unescapeOOXML undoes the _xHHHH_ escapes OOXML uses for characters XML
// cannot hold (ECMA-376 Part 1, 22.9.2.19); "_x005F_" is a literal "_".
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if r, ok := hex4(s[i+2 : i+6]); ok && s[i+6] == '_' {
			b.WriteRune(r)
			s = s[i+7:]
			continue
		}
		b.WriteString("_x")
		s = s[i+2:]
	}
}

func hex4(s string) (rune, bool) {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
