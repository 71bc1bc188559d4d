package source

import (
	"bytes"
	"encoding/csv"
	"io"
)

// csvScanner splits CSV text into records with the grammar and the error
// recovery of encoding/csv (FieldsPerRecord -1, no comment character, no
// lazy quotes, no trimming): "\r\n" reads as "\n", empty lines are
// skipped, a bare quote in an unquoted field or a stray quote after a
// quoted field is a syntax error that costs the rest of its line, and an
// unterminated quoted field runs to the end of the input. Unlike
// encoding/csv it does not allocate per record: fields are byte slices of
// its window, valid until the next call, and quoted fields are unescaped
// in place. A field longer than its limit is skipped while reading, without
// buffering the rest of it.
type csvScanner struct {
	r        io.Reader
	buf      []byte // window; buf[pos:end] is unread input
	pos, end int
	eof      bool  // r is exhausted
	comma    byte  // an ASCII delimiter
	line     int64 // line number of buf[pos], 1-based
	maxRaw   int   // longest raw field buffered before ErrTooLong
	maxRec   int   // longest raw record buffered before ErrTooLong

	fields  []csvField // fields of the last record
	recLine int64      // line of the last record's start
}

// csvField is one field of a record: buf[start:end], starting on line.
type csvField struct {
	start, end int
	line       int64
}

// csvSyntaxError is a malformed record; the scanner has skipped it.
type csvSyntaxError struct {
	line int64
	err  error // csv.ErrQuote or csv.ErrBareQuote
}

func (e *csvSyntaxError) Error() string { return e.err.Error() }

// csvTooLongError is a record with a field longer than the limit; the
// scanner has skipped it. field is the 0-based index of the field, prefix
// the start of its text.
type csvTooLongError struct {
	line   int64
	field  int
	prefix string
}

func (e *csvTooLongError) Error() string { return "field too long" }

const csvWindow = 256 << 10

func newCSVScanner(r io.Reader, comma byte, maxField int) *csvScanner {
	maxRaw := 2*maxField + 2 // a raw quoted field is at most twice its text plus quotes
	return &csvScanner{
		r: r, buf: make([]byte, csvWindow), comma: comma, line: 1,
		maxRaw: maxRaw, maxRec: max(64*maxRaw, 4<<20),
	}
}

// field returns the bytes of field i of the last record.
func (s *csvScanner) field(i int) []byte {
	f := &s.fields[i]
	return s.buf[f.start:f.end]
}

// fill reads more input after compacting the window so that the unread
// part starts at 0, growing the window when it is full. It reports a read
// error other than io.EOF.
func (s *csvScanner) fill() error {
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}

// next reads the next record into s.fields. It returns nil, io.EOF at the
// end, a *csvSyntaxError or *csvTooLongError for a skipped record (reading
// may go on), or a read error.
func (s *csvScanner) next() error {
	for {
		if s.fastLine() {
			return nil
		}
		res, n, lines := s.parse(s.buf[s.pos:s.end], s.eof)
		switch res.kind {
		case resRecord:
			s.unescape()
			s.pos += n
			s.line += lines
			return nil
		case resEOF:
			s.pos += n
			s.line += lines
			return io.EOF
		case resSyntax:
			s.pos += n
			s.line += lines
			return &csvSyntaxError{line: res.line, err: res.err}
		}
		// resMore: the record does not end in the window.
		if res.fieldLen > s.maxRaw || s.end-s.pos > s.maxRec {
			return s.skipLong(res)
		}
		if err := s.fill(); err != nil {
			return err
		}
	}
}

// fastLine reads a complete record that is one line without quotes, the
// common case, splitting it at the delimiters. It reports false, having
// done nothing, for anything else.
func (s *csvScanner) fastLine() bool {
	d := s.buf[s.pos:s.end]
	if len(d) == 0 || d[0] == '\n' || d[0] == '\r' {
		return false
	}
	le := bytes.IndexByte(d, '\n')
	if le < 0 {
		return false
	}
	ln := d[:le]
	if bytes.IndexByte(ln, '"') >= 0 {
		return false
	}
	if ln[len(ln)-1] == '\r' {
		ln = ln[:len(ln)-1]
	}
	s.fields = s.fields[:0]
	s.recLine = s.line
	start := 0
	for {
		i := bytes.IndexByte(ln[start:], s.comma)
		if i < 0 {
			break
		}
		s.fields = append(s.fields, csvField{start: s.pos + start, end: s.pos + start + i, line: s.line})
		start += i + 1
	}
	s.fields = append(s.fields, csvField{start: s.pos + start, end: s.pos + len(ln), line: s.line})
	s.pos += le + 1
	s.line++
	return true
}

type resKind uint8

const (
	resRecord resKind = iota
	resEOF
	resSyntax
	resMore
)

// parseResult is what parse found at the start of its input.
type parseResult struct {
	kind     resKind
	line     int64 // resSyntax: the line of the error
	err      error // resSyntax: csv.ErrQuote or csv.ErrBareQuote
	field    int   // resMore: index of the field in progress
	fieldLen int   // resMore: its raw length so far
	recStart int   // resMore: offset of the record's start
	recLine  int64 // resMore: line of the record's start
}

// parse reads one record (after any empty lines) from d, which holds all
// the remaining input when atEOF. It fills s.fields with offsets relative
// to s.pos (flagging fields to unescape with a negative line) and returns
// what it found, the bytes consumed and the lines passed; it consumes
// nothing when it needs more input.
func (s *csvScanner) parse(d []byte, atEOF bool) (parseResult, int, int64) {
	var lines int64
	p := 0
	// Skip empty lines.
	for {
		if p == len(d) {
			if atEOF {
				return parseResult{kind: resEOF}, p, lines
			}
			return parseResult{kind: resMore, recStart: p}, 0, 0
		}
		if d[p] == '\n' {
			p++
			lines++
			continue
		}
		if d[p] == '\r' {
			if p+1 < len(d) {
				if d[p+1] == '\n' {
					p += 2
					lines++
					continue
				}
			} else if atEOF {
				p++ // a trailing \r before EOF is dropped
				continue
			} else {
				return parseResult{kind: resMore, recStart: p}, 0, 0
			}
		}
		break
	}
	recStart, recLine := p, s.line+lines
	more := func(field, fieldStart int) (parseResult, int, int64) {
		return parseResult{kind: resMore, field: field, fieldLen: len(d) - fieldStart, recStart: recStart, recLine: recLine}, 0, 0
	}
	// syntax skips to the end of the line at q after an error there.
	syntax := func(q int, err error) (parseResult, int, int64) {
		errLine := s.line + lines
		j := bytes.IndexByte(d[q:], '\n')
		if j < 0 {
			if !atEOF {
				return more(len(s.fields), q)
			}
			return parseResult{kind: resSyntax, line: errLine, err: err}, len(d), lines
		}
		return parseResult{kind: resSyntax, line: errLine, err: err}, q + j + 1, lines + 1
	}
	s.fields = s.fields[:0]
	s.recLine = recLine
	for {
		fieldStart, fieldLine := p, s.line+lines
		if p < len(d) && d[p] == '"' {
			p++
			esc := false
			for {
				i := bytes.IndexByte(d[p:], '"')
				if i < 0 {
					if !atEOF {
						return more(len(s.fields), fieldStart)
					}
					// Unterminated quoted field, reported (as encoding/csv
					// does) on the last line that is not empty.
					k := int64(bytes.Count(d[p:], nl))
					errLine := s.line + lines + k
					// The last line does not count when it is empty, or
					// only the \r that encoding/csv drops before EOF.
					if last := d[bytes.LastIndexByte(d, '\n')+1:]; k > 0 && (len(last) == 0 || string(last) == "\r") {
						errLine--
					}
					return parseResult{kind: resSyntax, line: errLine, err: csv.ErrQuote}, len(d), lines + k
				}
				if k := int64(bytes.Count(d[p:p+i], nl)); k > 0 {
					lines += k
					esc = true
				}
				p += i + 1
				f := csvField{start: fieldStart + 1, end: p - 1, line: fieldLine}
				if esc {
					f.line = -fieldLine
				}
				if p == len(d) {
					if !atEOF {
						return more(len(s.fields), fieldStart)
					}
					s.fields = append(s.fields, f)
					return parseResult{kind: resRecord}, p, lines
				}
				switch c := d[p]; {
				case c == '"':
					p++
					esc = true
					continue
				case c == s.comma:
					p++
					s.fields = append(s.fields, f)
				case c == '\n':
					s.fields = append(s.fields, f)
					return parseResult{kind: resRecord}, p + 1, lines + 1
				case c == '\r' && p+1 < len(d) && d[p+1] == '\n':
					s.fields = append(s.fields, f)
					return parseResult{kind: resRecord}, p + 2, lines + 1
				case c == '\r' && p+1 == len(d):
					if !atEOF {
						return more(len(s.fields), fieldStart)
					}
					s.fields = append(s.fields, f)
					return parseResult{kind: resRecord}, p + 1, lines
				default:
					return syntax(p, csv.ErrQuote)
				}
				break
			}
			continue
		}
		// Unquoted field: up to the delimiter or the end of the line.
		rest := d[p:]
		le := bytes.IndexByte(rest, '\n')
		if le < 0 {
			if i := bytes.IndexByte(rest, s.comma); i >= 0 {
				// The field ends in the window though its line does not.
				if bytes.IndexByte(rest[:i], '"') >= 0 {
					return syntax(p, csv.ErrBareQuote)
				}
				s.fields = append(s.fields, csvField{start: p, end: p + i, line: fieldLine})
				p += i + 1
				continue
			}
			if !atEOF {
				return more(len(s.fields), fieldStart)
			}
			le = len(rest)
		}
		ln := rest[:le]
		i := bytes.IndexByte(ln, s.comma)
		field := ln
		if i >= 0 {
			field = ln[:i]
		} else if len(field) > 0 && field[len(field)-1] == '\r' && (le < len(rest) || atEOF) {
			field = field[:len(field)-1]
		}
		if bytes.IndexByte(field, '"') >= 0 {
			return syntax(p, csv.ErrBareQuote)
		}
		s.fields = append(s.fields, csvField{start: p, end: p + len(field), line: fieldLine})
		if i >= 0 {
			p += i + 1
			continue
		}
		if le == len(rest) {
			return parseResult{kind: resRecord}, len(d), lines
		}
		return parseResult{kind: resRecord}, p + le + 1, lines + 1
	}
}

var nl = []byte{'\n'}

// unescape makes the fields of a record parse just read absolute and
// unescapes flagged quoted fields in place: `""` becomes `"` and "\r\n"
// becomes "\n".
func (s *csvScanner) unescape() {
	for k := range s.fields {
		f := &s.fields[k]
		f.start += s.pos
		f.end += s.pos
		if f.line >= 0 {
			continue
		}
		f.line = -f.line
		b := s.buf
		w := f.start
		for r := f.start; r < f.end; {
			c := b[r]
			switch {
			case c == '"':
				r++ // the first of a pair
			case c == '\r' && r+1 < f.end && b[r+1] == '\n':
				r++
				continue
			}
			b[w] = b[r]
			w++
			r++
		}
		f.end = w
	}
}

// skipLong skips a record that has a field too long to buffer, reading on
// without keeping the input, and reports it.
func (s *csvScanner) skipLong(res parseResult) error {
	e := &csvTooLongError{line: res.recLine, field: res.field}
	s.pos += res.recStart
	s.line = res.recLine
	if res.fieldLen > s.maxRaw {
		start := s.end - res.fieldLen
		if s.buf[start] == '"' {
			start++
		}
		e.prefix = string(s.buf[start:min(start+64, s.end)])
	} else {
		e.field = -1
	}
	st := stField
	for {
		d := s.buf[s.pos:s.end]
		n, lines, done := skipRecord(d, &st, s.comma)
		s.pos += n
		s.line += lines
		if done {
			return e
		}
		if s.eof {
			return e
		}
		s.pos, s.end = 0, 0
		if err := s.fill(); err != nil {
			return err
		}
	}
}

type skipState uint8

const (
	stField    skipState = iota // at the start of a field
	stUnquoted                  // in an unquoted field
	stLine                      // skipping to the end of the line after an error
	stQuoted                    // in a quoted field
	stQuote                     // after a quote in a quoted field
	stQuoteCR                   // after a quote and a \r
)

// skipRecord advances the record grammar over d from state *st. It returns
// the bytes consumed, the newlines among them and whether the record ended
// (its terminating newline consumed).
func skipRecord(d []byte, st *skipState, comma byte) (int, int64, bool) {
	var lines int64
	for p := 0; p < len(d); p++ {
		c := d[p]
		switch *st {
		case stField, stUnquoted:
			switch {
			case c == '"' && *st == stField:
				*st = stQuoted
			case c == '"':
				*st = stLine // a bare quote
			case c == comma:
				*st = stField
			case c == '\n':
				return p + 1, lines + 1, true
			default:
				*st = stUnquoted
			}
		case stLine:
			j := bytes.IndexByte(d[p:], '\n')
			if j < 0 {
				return len(d), lines, false
			}
			return p + j + 1, lines + 1, true
		case stQuoted:
			j := bytes.IndexByte(d[p:], '"')
			if j < 0 {
				return len(d), lines + int64(bytes.Count(d[p:], nl)), false
			}
			lines += int64(bytes.Count(d[p:p+j], nl))
			p += j
			*st = stQuote
		case stQuote:
			switch {
			case c == '"':
				*st = stQuoted
			case c == comma:
				*st = stField
			case c == '\n':
				return p + 1, lines + 1, true
			case c == '\r':
				*st = stQuoteCR
			default:
				*st = stLine // a stray quote
			}
		case stQuoteCR:
			if c == '\n' {
				return p + 1, lines + 1, true
			}
			*st = stLine
		}
	}
	return len(d), lines, false
}
