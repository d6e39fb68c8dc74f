package sheet

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// cells types the raw values excelize read for sheet row n with what
// sheetMeta saw of them, and packs them. A value sheetMeta has no cell for
// stays Untyped.
func (x *xlsxReader) cells(n int, raw []string, meta []cellMeta) (Cells, error) {
	j := 0
	for i, v := range raw {
		if v == "" {
			continue
		}
		if x.text += int64(len(v)); x.text > maxExpanded {
			return Cells{}, x.textTooLarge(n)
		}
		for j < len(meta) && int(meta[j].col) < i+1 {
			j++
		}
		if j == len(meta) || int(meta[j].col) != i+1 {
			x.packer.add(i, v, Untyped, 0)
			continue
		}
		m := meta[j]
		if m.typ == typeShared && x.shared(v, int(m.sst)) {
			x.packer.addShared(i, int(m.sst), Text)
			continue
		}
		c := x.typed(v, m)
		x.packer.add(i, c.Value, c.Kind, x.pool.formatIndex(c.Format))
	}
	return x.packer.done(x.pool), nil
}

// typed makes the cell for value v.
func (x *xlsxReader) typed(v string, m cellMeta) Cell {
	switch m.typ {
	case typeShared, typeString, typeInline:
		return Cell{Value: v, Kind: Text}
	case typeBool:
		if v == "0" || v == "1" {
			return Cell{Value: v, Kind: Bool}
		}
	case typeError:
		return Cell{Value: v, Kind: Error}
	case typeDate:
		return Cell{Value: v, Kind: Date, Format: x.format(int(m.style))}
	case typeNumber:
		if _, err := strconv.ParseFloat(v, 64); err == nil && !strings.Contains(v, "_") {
			return Cell{Value: v, Kind: Number, Format: x.format(int(m.style))}
		}
	}
	return Cell{Value: v, Kind: Text}
}

// shared puts shared string i, whose value excelize gave as v, in the
// pool, so that it is held once however many cells use it (excelize hands
// each cell its own copy). It reports false when v is not that string
// after all, which the cell then keeps itself.
func (x *xlsxReader) shared(v string, i int) bool {
	if i < 0 || i >= len(x.sstLens) {
		return false
	}
	if x.pool.shared == nil {
		x.pool.shared = make([]string, len(x.sstLens))
	}
	switch x.pool.shared[i] {
	case v:
		return true
	case "":
		x.pool.shared[i] = v
		return true
	}
	return false
}

// checkExpansion refuses row n before excelize builds it when the shared
// strings it uses would take the cells' text past maxExpanded.
func (x *xlsxReader) checkExpansion(n int, meta []cellMeta) error {
	more := int64(0)
	for _, m := range meta {
		if m.sst >= 0 && int(m.sst) < len(x.sstLens) {
			more += int64(x.sstLens[m.sst])
		}
	}
	if x.text+more > maxExpanded {
		return x.textTooLarge(n)
	}
	return nil
}

func (x *xlsxReader) textTooLarge(n int) error {
	return tooLarge(x.path, "by row "+itoa(n)+" of sheet "+quote(x.sheet)+" the cells' text expands to more than "+
		expandedText+" (the limit; shared strings count once for every cell that uses them): "+fitAdvice)
}

// metaError turns an error met by sheetMeta into the message for the file.
func (x *xlsxReader) metaError(err error) error {
	switch {
	case errors.Is(err, errBudget):
		return tooLarge(x.path, "sheet "+quote(x.sheet)+" and its shared strings unpack to more than "+expandedText+" (the limit): "+fitAdvice)
	case errors.Is(err, errTooManyMerges):
		return tooLarge(x.path, "sheet "+quote(x.sheet)+" has more than "+groupDigits(maxMerges)+" merged ranges over its hierarchy columns (the limit): unmerge them and fill in every row")
	}
	return inputError(x.path, ErrCorrupt, err, "cannot read sheet "+quote(x.sheet)+" ("+err.Error()+"): open it in Excel and save it again as .xlsx")
}

// format returns the number format of cell style s, nil for General. It
// reads the style sheet excelize decoded, as excelize's formatter does:
// GetStyle would lose the built-in formats it does not list (5 to 8,
// currencies of the reader's locale).
func (x *xlsxReader) format(s int) *NumFormat {
	if s <= 0 {
		return nil
	}
	if nf, ok := x.formats[s]; ok {
		return nf
	}
	var nf *NumFormat
	if st := x.f.Styles; st != nil && st.CellXfs != nil && s < len(st.CellXfs.Xf) && st.CellXfs.Xf[s].NumFmtID != nil {
		id := *st.CellXfs.Xf[s].NumFmtID
		code, custom := "", false
		if st.NumFmts != nil {
			for _, f := range st.NumFmts.NumFmt {
				if f.NumFmtID == id {
					code, custom = cmp.Or(f.FormatCode16, f.FormatCode), true
				}
			}
		}
		switch {
		case custom && code != "" && !strings.EqualFold(code, "General"):
			nf = &NumFormat{Code: code}
		case !custom && id > 0:
			nf = &NumFormat{ID: id}
		}
	}
	x.formats[s] = nf
	return nf
}

// showFormatted reads, through excelize's formatter, the cells that become
// text and whose text this package cannot tell by itself: header, PO and
// hierarchy cells holding a formatted number, a date or an error. Most
// workbooks have none, and the sheet is read only once.
func (x *xlsxReader) showFormatted(b *builder) error {
	need := b.needFormatting()
	if len(need) == 0 {
		return nil
	}
	b.shown = make(map[cellAt]string, len(need))
	left := 0
	for _, cols := range need {
		left += len(cols)
	}
	return x.eachRow(excelize.Options{}, nil, func(n int, cells []string) (bool, error) {
		for _, col := range need[n] {
			if col < len(cells) {
				b.shown[cellAt{n, col}] = cells[col]
			}
			left--
		}
		return left > 0, nil
	})
}

// cellAt is a cell by sheet row (1-based) and column index (0-based).
type cellAt struct{ row, col int }

// workbookParts are the parts of the package the workbook names: the part
// of the sheet read, and that of the shared strings ("" when none).
type workbookParts struct{ sheet, sharedStrings string }

// findParts follows the workbook's relationships as excelize does (its own
// map of them is private).
func findParts(f *excelize.File, sheet string) workbookParts {
	id := ""
	if f.WorkBook != nil {
		for _, s := range f.WorkBook.Sheets.Sheet {
			if s.Name == sheet {
				id = s.ID
			}
		}
	}
	wb := "xl/workbook.xml"
	for _, r := range relsOf(f, "_rels/.rels") {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wb = strings.TrimPrefix(r.Target, "/")
		}
	}
	var parts workbookParts
	for _, r := range relsOf(f, path.Join(path.Dir(wb), "_rels", path.Base(wb)+".rels")) {
		target := strings.ReplaceAll(r.Target, "\\", "/")
		if !strings.HasPrefix(target, "/") {
			target = path.Dir(wb) + "/" + target
		}
		target = strings.TrimPrefix(path.Clean(target), "/")
		switch {
		case r.ID == id:
			parts.sheet = target
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			parts.sharedStrings = target
		}
	}
	return parts
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Target string `xml:"Target,attr"`
	Type   string `xml:"Type,attr"`
}

// relsOf decodes a relationships part excelize holds in memory.
func relsOf(f *excelize.File, part string) []relationship {
	data, ok := f.Pkg.Load(part)
	if !ok {
		return nil
	}
	b, _ := data.([]byte)
	var rels struct {
		Rels []relationship `xml:"Relationship"`
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = f.CharsetReader
	if dec.Decode(&rels) != nil {
		return nil
	}
	return rels.Rels
}
