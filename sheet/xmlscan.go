package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a small streaming XML tokenizer for the parts of an .xlsx
// package that hold the data (worksheets, shared strings). encoding/xml
// costs about a microsecond per token, seconds for a 100,000-row sheet;
// this reads only what a spreadsheet part uses: elements, attributes,
// character data (entities and CDATA decoded), and it skips comments,
// processing instructions and declarations. Element and attribute names
// lose their namespace prefix. It is used by one goroutine.
type xmlScanner struct {
	r *bufio.Reader

	// The last tag read by next.
	end         bool   // an end tag
	selfClosing bool   // a start tag ending in "/>"
	name        []byte // local name
	attrs       []byte // the raw attribute text of a start tag
	text        []byte // decoded character data between the previous tag and this one

	tag []byte // buffer holding the raw tag
	raw []byte // buffer holding raw text that spans buffer refills
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

var errXMLSyntax = errors.New("malformed XML")

// next reads up to and including the next start or end tag. It returns
// io.EOF at the end of the input.
func (s *xmlScanner) next() error {
	s.text = s.text[:0]
	for {
		if err := s.readText(); err != nil {
			return err
		}
		first, err := s.r.ReadByte()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch first {
		case '?':
			if err := s.skipPast("?>"); err != nil {
				return err
			}
			continue
		case '!':
			if err := s.readBang(); err != nil {
				return err
			}
			continue
		}
		if err := s.r.UnreadByte(); err != nil {
			return err
		}
		return s.readTag()
	}
}

// readText appends the character data before the next '<' to s.text and
// consumes the '<'. At the end of the input it returns io.EOF, or
// io.ErrUnexpectedEOF when text trails the last tag.
func (s *xmlScanner) readText() error {
	s.raw = s.raw[:0]
	for {
		chunk, err := s.r.ReadSlice('<')
		switch {
		case err == nil && len(s.raw) == 0:
			s.appendText(chunk[:len(chunk)-1]) // the common case: no copy
			return nil
		case err == nil:
			s.raw = append(s.raw, chunk[:len(chunk)-1]...)
			s.appendText(s.raw)
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			s.raw = append(s.raw, chunk...)
		default:
			s.raw = append(s.raw, chunk...)
			if errors.Is(err, io.EOF) && len(bytes.TrimSpace(s.raw)) > 0 {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
}

// appendText decodes entity references while appending raw character data,
// and normalises line ends as XML requires.
func (s *xmlScanner) appendText(raw []byte) {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		s.text = append(s.text, raw...)
		return
	}
	s.text = appendDecoded(s.text, raw)
}

// appendDecoded appends raw with its entity references (&lt; &#10; ...)
// replaced and "\r\n" turned into "\n". Unknown references stay as written.
func appendDecoded(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexAny(raw, "&\r")
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if raw[0] == '\r' {
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			raw = raw[1:]
			continue
		}
		if r, ok := entity(raw[1:semi]); ok {
			dst = utf8.AppendRune(dst, r)
		} else {
			dst = append(dst, raw[:semi+1]...)
		}
		raw = raw[semi+1:]
	}
	return dst
}

func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if name[1] == 'x' || name[1] == 'X' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

// readBang handles "<!": a comment, a CDATA section (its text is kept) or
// a declaration.
func (s *xmlScanner) readBang() error {
	peek, _ := s.r.Peek(7)
	switch {
	case bytes.HasPrefix(peek, []byte("--")):
		_, _ = s.r.Discard(2)
		return s.skipPast("-->")
	case bytes.Equal(peek, []byte("[CDATA[")):
		_, _ = s.r.Discard(7)
		return s.readUntil("]]>", func(b []byte) { s.text = append(s.text, b...) })
	default:
		return s.skipPast(">")
	}
}

func (s *xmlScanner) skipPast(marker string) error {
	return s.readUntil(marker, func([]byte) {})
}

// readUntil passes the bytes before marker to keep and consumes the marker.
func (s *xmlScanner) readUntil(marker string, keep func([]byte)) error {
	last := marker[len(marker)-1]
	var acc []byte
	for {
		chunk, err := s.r.ReadSlice(last)
		acc = append(acc, chunk...)
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return unexpectedEOF(err)
		}
		if err == nil && bytes.HasSuffix(acc, []byte(marker)) {
			keep(acc[:len(acc)-len(marker)])
			return nil
		}
	}
}

// readTag reads a tag after its '<', respecting quoted attribute values
// that may hold '>'.
func (s *xmlScanner) readTag() error {
	s.tag = s.tag[:0]
	var quote byte
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return unexpectedEOF(err)
		}
		for _, c := range chunk {
			if quote == 0 && (c == '"' || c == '\'') {
				quote = c
			} else if c == quote {
				quote = 0
			}
		}
		s.tag = append(s.tag, chunk...)
		if err == nil && quote == 0 {
			break
		}
		if len(s.tag) > 1<<20 {
			return fmt.Errorf("%w: a tag longer than 1 MB", errXMLSyntax)
		}
	}
	t := s.tag[:len(s.tag)-1] // drop '>'
	s.end, s.selfClosing = false, false
	if len(t) > 0 && t[0] == '/' {
		s.end = true
		t = bytes.TrimSpace(t[1:])
		s.name, s.attrs = localName(t), nil
		return nil
	}
	if len(t) > 0 && t[len(t)-1] == '/' {
		s.selfClosing = true
		t = t[:len(t)-1]
	}
	i := bytes.IndexAny(t, " \t\r\n")
	if i < 0 {
		i = len(t)
	}
	if i == 0 {
		return fmt.Errorf("%w: a tag without a name", errXMLSyntax)
	}
	s.name, s.attrs = localName(t[:i]), t[i:]
	return nil
}

func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// is reports whether the last tag is a start (or self-closing) tag, or an
// end tag, with the given local name.
func (s *xmlScanner) isStart(name string) bool { return !s.end && string(s.name) == name }
func (s *xmlScanner) isEnd(name string) bool   { return s.end && string(s.name) == name }

// attr returns the decoded value of the last start tag's attribute with
// the given local name.
func (s *xmlScanner) attr(name string) (value string, found bool) {
	s.eachAttr(func(key, v []byte) bool {
		if string(key) == name {
			value, found = decodedAttr(v), true
			return false
		}
		return true
	})
	return value, found
}

// eachAttr calls fn with the local name and raw value of each attribute of
// the last start tag until fn returns false.
func (s *xmlScanner) eachAttr(fn func(key, value []byte) bool) {
	a := s.attrs
	for {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return
		}
		key := bytes.TrimSpace(a[:eq])
		a = bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
			return
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return
		}
		value := a[1 : 1+end]
		a = a[end+2:]
		if !fn(localName(key), value) {
			return
		}
	}
}

func decodedAttr(v []byte) string {
	if bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	return string(appendDecoded(nil, v))
}

func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
