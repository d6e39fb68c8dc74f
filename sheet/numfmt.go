package sheet

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// numberFormatter shows a stored number as Excel shows it under the cell's
// number format. General numbers are formatted here (most cells); other
// formats (dates, currency, padding) go through excelize's own formatter on
// an in-memory scratch workbook holding the same number formats, so the
// result is what excelize itself would read. Used by one goroutine.
type numberFormatter struct {
	xfNumFmt []int          // cell style index -> number format id
	custom   map[int]string // custom number format codes by id
	date1904 bool

	scratch *excelize.File // created on first need
	styles  map[int]int    // number format id -> scratch style id, -1 when unusable
	cache   map[formatKey]string
}

type formatKey struct {
	value  string
	numFmt int
}

const scratchSheet = "Sheet1"

// display returns the text Excel shows for the stored number raw in a cell
// with style index xf.
func (nf *numberFormatter) display(raw string, xf int) string {
	numFmt := 0
	if xf > 0 && xf < len(nf.xfNumFmt) {
		numFmt = nf.xfNumFmt[xf]
	}
	if numFmt == 0 {
		return generalNumber(raw)
	}
	key := formatKey{raw, numFmt}
	if v, ok := nf.cache[key]; ok {
		return v
	}
	v := nf.viaExcelize(raw, numFmt)
	if nf.cache == nil {
		nf.cache = make(map[formatKey]string)
	}
	if len(nf.cache) < 100_000 { // dates repeat; unique amounts need not be kept
		nf.cache[key] = v
	}
	return v
}

func (nf *numberFormatter) viaExcelize(raw string, numFmt int) string {
	if nf.scratch == nil {
		nf.scratch = excelize.NewFile()
		nf.styles = make(map[int]int)
		if nf.date1904 {
			yes := true
			_ = nf.scratch.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes})
		}
	}
	style, ok := nf.styles[numFmt]
	if !ok {
		st := &excelize.Style{NumFmt: numFmt}
		if code, custom := nf.custom[numFmt]; custom {
			st = &excelize.Style{CustomNumFmt: &code}
		}
		var err error
		if style, err = nf.scratch.NewStyle(st); err != nil {
			style = -1
		}
		nf.styles[numFmt] = style
	}
	if style < 0 {
		return generalNumber(raw)
	}
	if nf.scratch.SetCellDefault(scratchSheet, "A1", raw) != nil ||
		nf.scratch.SetCellStyle(scratchSheet, "A1", "A1", style) != nil {
		return generalNumber(raw)
	}
	v, err := nf.scratch.GetCellValue(scratchSheet, "A1")
	if err != nil {
		return generalNumber(raw)
	}
	return v
}

func (nf *numberFormatter) Close() error {
	if nf.scratch == nil {
		return nil
	}
	return nf.scratch.Close()
}

// generalNumber is how a number in the General format reads: the shortest
// decimal form, or 15 significant digits past Excel's precision. It
// matches what excelize returns for such cells.
func generalNumber(raw string) string {
	if strings.Contains(raw, "_") {
		return raw
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	plain := strconv.FormatFloat(f, 'f', -1, 64)
	if len(plain)-strings.Count(plain, ".") > 15 && !wholeWithin15Digits(raw) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return plain
}

// wholeWithin15Digits reports an integer written without point or exponent
// whose significant digits fit Excel's precision (trailing zeros aside).
func wholeWithin15Digits(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}
