package sheet

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"coupatui/vocab"
)

// WriteResults writes the results workbook for in: one sheet, PO_Data,
// repeating the input row for row (rows above the header included, sheet
// row HeaderRow+Line for every data row) with the input's own columns and
// cells first, then the ResultColumns.
//
// outcomes maps Row.Line to what became of that row's PO; a valid row with
// no entry is PENDING, an invalid row is INVALID_PO, and a duplicate row
// shows its first row's outcome with "duplicate of row N" in ERROR_MESSAGE.
//
// When the input already has a column named like a result column, that
// column is reused rather than repeated: an input PO_NUMBER column keeps the
// PO cells as written (the normalised number is not written anywhere else
// then), other such columns (STATUS, ... from an earlier run's results) get
// this run's values.
//
// Carried cells keep the type and number format they had in an .xlsx
// input: dates stay dates, amounts stay numbers, texts stay texts, and the
// results use the input's date system (1900 or 1904). Cells of a CSV
// input are written as numbers when their text is a plain number that
// Excel shows the same way (integers of up to 15 digits without leading
// zeros, shortest-form decimals), as text otherwise.
//
// The header row is frozen with filters on, columns are sized to their
// content, STATUS is shaded by outcome and DOWNLOAD_FOLDER and COUPA_URL
// are links (results_look.go).
//
// The file is replaced atomically; on any error an existing results file is
// left as it was. path must end in .xlsx and must not be the input file.
func WriteResults(path string, in *Input, outcomes map[int]Outcome) error {
	if in == nil {
		return fmt.Errorf("write results %q: no input given", path)
	}
	if err := checkResultsPath(path, in.Path); err != nil {
		return err
	}
	cols := planColumns(in)
	f := excelize.NewFile()
	defer f.Close()
	f.ZipWriter = fastZipWriter
	if err := fillResults(f, in, cols, outcomes); err != nil {
		return fmt.Errorf("write results %q: %w (nothing was written)", path, err)
	}
	if err := writeAtomically(path, func(w io.Writer) error { return f.Write(w) }); err != nil {
		return fmt.Errorf("write results %q: %w (the previous results file, if any, is unchanged; "+
			"check the folder exists and has room, and close the file if Excel holds it open)", path, err)
	}
	return nil
}

// fastZipWriter compresses with flate.BestSpeed: much less time than the
// default level for a file a little larger.
func fastZipWriter(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

// checkResultsPath refuses a results path that is not .xlsx or that is the
// input file itself, by name or by identity (links).
func checkResultsPath(path, inputPath string) error {
	if strings.ToLower(filepath.Ext(path)) != ".xlsx" {
		return &fileError{role: "results", path: path, kind: ErrUnsupported, detail: "the results workbook must be an .xlsx file"}
	}
	return checkNotInput(path, inputPath)
}

// checkNotInput refuses a results path that is the input file itself.
func checkNotInput(path, inputPath string) error {
	if sameFile(path, inputPath) {
		return &fileError{role: "results", path: path, kind: ErrSameFile, detail: "the input is never modified: choose another results path"}
	}
	return nil
}

// columnPlan says where each column of the results comes from.
type columnPlan struct {
	header   []string         // results header cells
	result   [resultCount]int // index in header of each ResultColumns entry
	reused   []bool           // per header index: an input column that carries a result
	keepPO   bool             // the input's own PO_NUMBER column keeps its cells
	inputLen int
}

// isResultColumn reports an input header that names a result column: the
// same name up to case and surrounding spaces. Looser variants ("PO Number")
// are the operator's own columns and are kept beside the result columns.
func isResultColumn(header, name string) bool {
	return strings.EqualFold(strings.TrimFunc(header, vocab.IsBlank), name)
}

func planColumns(in *Input) columnPlan {
	p := columnPlan{inputLen: len(in.Columns)}
	p.header = append(p.header, in.Columns...)
	p.reused = make([]bool, len(in.Columns), len(in.Columns)+len(ResultColumns))
	end := len(in.Columns)
	if lay, _ := findLayout(in.Columns); lay.hierarchy >= 0 {
		end = lay.hierarchy // hierarchy levels are the operator's, never reused
	}
	for k, name := range ResultColumns {
		p.result[k] = -1
		for i, h := range in.Columns[:end] {
			if isResultColumn(h, name) && !p.reused[i] {
				p.result[k], p.reused[i] = i, true
				break
			}
		}
		if p.result[k] < 0 {
			p.result[k] = len(p.header)
			p.header = append(p.header, name)
			p.reused = append(p.reused, false)
		} else if name == ColPONumber {
			p.keepPO = true
		}
	}
	return p
}

// resultStyles are the style ids used in the results sheet. Used by one
// goroutine.
type resultStyles struct {
	header, dateTime, integer int

	f       *excelize.File
	formats map[NumFormat]int // carried number formats
	status  map[string]int    // STATUS cells, by shade (results_look.go)
	linkID  int               // links; 0 until the first
}

// numFormat returns the style of a carried number format; General (0)
// when the workbook cannot hold it.
func (s *resultStyles) numFormat(nf NumFormat) int {
	if id, ok := s.formats[nf]; ok {
		return id
	}
	st := &excelize.Style{NumFmt: nf.ID}
	if nf.Code != "" {
		st = &excelize.Style{CustomNumFmt: &nf.Code}
	}
	id, err := s.f.NewStyle(st)
	if err != nil {
		id = 0
	}
	s.formats[nf] = id
	return id
}

func newResultStyles(f *excelize.File) (*resultStyles, error) {
	s := &resultStyles{f: f, formats: make(map[NumFormat]int)}
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
	}); err != nil {
		return s, err
	}
	dateFmt := "yyyy-mm-dd hh:mm:ss"
	if s.dateTime, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return s, err
	}
	s.integer, err = f.NewStyle(&excelize.Style{NumFmt: 1}) // "0": every digit, never 4.5E+09
	return s, err
}

// fillResults writes the results sheet into f.
func fillResults(f *excelize.File, in *Input, p columnPlan, outcomes map[int]Outcome) error {
	if err := f.SetSheetName(f.GetSheetName(0), DataSheet); err != nil {
		return err
	}
	if in.Date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			return err
		}
	}
	st, err := newResultStyles(f)
	if err != nil {
		return err
	}
	headerRow := max(in.HeaderRow, 1) // a hand-made Input may leave it 0
	lastRow := headerRow
	if n := len(in.Rows); n > 0 {
		lastRow = max(lastRow, headerRow+in.Rows[n-1].Line)
	}
	lastCol, err := excelize.ColumnNumberToName(len(p.header))
	if err != nil {
		return err
	}
	if err := f.AutoFilter(DataSheet, "A"+itoa(headerRow)+":"+lastCol+itoa(lastRow), nil); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(DataSheet)
	if err != nil {
		return err
	}
	// Rows are built twice, to size the columns and then to write them,
	// rather than held: a wide sheet's rows would not fit in memory.
	widths := newWidths(p.header)
	for _, r := range in.Rows {
		widths.measure(resultRow(in, p, st, r, outcomes))
	}
	runs := widths.runs()
	for i := len(runs) - 1; i >= 0; i-- { // excelize puts each new range first: set them last to first
		if err := sw.SetColWidth(runs[i].from, runs[i].to, runs[i].width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow,
		TopLeftCell: "A" + itoa(headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for _, pre := range in.Preamble {
		if pre.SheetRow < headerRow {
			if err := sw.SetRow("A"+itoa(pre.SheetRow), carriedValues(pre.Cells, st)); err != nil {
				return err
			}
		}
	}
	header := make([]any, len(p.header))
	for i, h := range p.header {
		header[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A"+itoa(headerRow), header); err != nil {
		return err
	}
	for i, r := range in.Rows {
		if r.Line < 1 {
			return fmt.Errorf("row %d of the input has Line %d: lines start at 1", i, r.Line)
		}
		if err := sw.SetRow("A"+itoa(headerRow+r.Line), st.dress(p, resultRow(in, p, st, r, outcomes))); err != nil {
			return fmt.Errorf("row with Line %d: %w", r.Line, err)
		}
	}
	return sw.Flush()
}

// resultRow builds the cells of one results row.
func resultRow(in *Input, p columnPlan, st *resultStyles, r Row, outcomes map[int]Outcome) []any {
	cells := make([]any, len(p.header))
	for col, c := range r.Cells.All() {
		if col >= p.inputLen {
			break
		}
		cells[col] = carriedValue(c, st)
	}
	for k, v := range resultValues(in, r, outcomes) {
		if k == 0 && p.keepPO {
			continue // the input's own PO_NUMBER cell stays as written
		}
		if t, ok := v.(time.Time); ok {
			v = excelize.Cell{StyleID: st.dateTime, Value: t}
		}
		cells[p.result[k]] = v
	}
	return cells
}

// resultValues are the values of a row's result columns, in ResultColumns
// order: nil for a blank cell, else a string, an int, or a time.Time in
// local time to the second. WriteResults and WriteResultsCSV both show them.
func resultValues(in *Input, r Row, outcomes map[int]Outcome) [resultCount]any {
	o, known, note := outcomeOf(in, r, outcomes)
	po := r.PO
	if r.Invalid {
		po = strings.TrimFunc(r.Raw, vocab.IsBlank)
	}
	v := [resultCount]any{nilIfEmpty(po), string(o.Status), nilIfEmpty(o.Supplier), nil, nil,
		nilIfEmpty(strings.Join(o.Files, filesSeparator)), nil,
		nilIfEmpty(joinNonEmpty("; ", note, o.Error, r.Warning)), nilIfEmpty(o.Folder), nilIfEmpty(o.URL),
		nilIfEmpty(strings.Join(o.Converted, filesSeparator))}
	if known {
		v[3], v[4] = o.Found, o.Downloaded
	}
	if !o.Processed.IsZero() {
		v[6] = o.Processed.Local().Round(time.Second)
	}
	return v
}

// outcomeOf decides the outcome shown for a row: invalid rows are
// INVALID_PO, duplicates show their first row's outcome, rows without one
// are PENDING. known is false when no outcome was recorded; note explains
// invalid and duplicate rows.
func outcomeOf(in *Input, r Row, outcomes map[int]Outcome) (o Outcome, known bool, note string) {
	switch {
	case r.Invalid:
		note = r.Problem
		if note == "" {
			note = vocab.InvalidPOProblem(r.Raw)
		}
		return Outcome{Status: vocab.InvalidPO}, false, note
	case r.DuplicateOf > 0:
		note = "duplicate of row " + itoa(in.SheetRow(r.DuplicateOf)) + " (fetched once)"
		o, known = outcomes[r.DuplicateOf]
	default:
		o, known = outcomes[r.Line]
	}
	if o.Status == "" {
		o.Status = vocab.Pending
	}
	return o, known, note
}
