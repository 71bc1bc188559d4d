package source

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// scanResult is one outcome of reading a record: its fields and their
// lines, or the class of its error.
type scanResult struct {
	fields []string
	lines  []int64
	err    string
}

func (r scanResult) String() string {
	if r.err != "" {
		return "error " + r.err
	}
	return fmt.Sprintf("%q@%v", r.fields, r.lines)
}

// stdRecords reads in with encoding/csv configured as the scanner's grammar.
func stdRecords(in string, comma rune) []scanResult {
	cr := csv.NewReader(strings.NewReader(in))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	var out []scanResult
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			out = append(out, scanResult{err: pe.Err.Error()})
			continue
		}
		if err != nil {
			return append(out, scanResult{err: err.Error()})
		}
		r := scanResult{fields: rec}
		for i := range rec {
			l, _ := cr.FieldPos(i)
			r.lines = append(r.lines, int64(l))
		}
		out = append(out, r)
	}
}

// scanRecords reads in with csvScanner through r and a window of the given
// size.
func scanRecords(r io.Reader, comma byte, window int) []scanResult {
	s := newCSVScanner(r, comma, 1<<20)
	s.buf = make([]byte, window)
	var out []scanResult
	for {
		err := s.next()
		if err == io.EOF {
			return out
		}
		var se *csvSyntaxError
		if errors.As(err, &se) {
			out = append(out, scanResult{err: se.err.Error()})
			continue
		}
		if err != nil {
			return append(out, scanResult{err: err.Error()})
		}
		var res scanResult
		for i := range s.fields {
			res.fields = append(res.fields, string(s.field(i)))
			res.lines = append(res.lines, s.fields[i].line)
		}
		out = append(out, res)
	}
}

func diffRecords(t *testing.T, in string, comma rune, got, want []scanResult) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("input %q (comma %q):\n scanner      %v\n encoding/csv %v", in, comma, got, want)
	}
}

// TestCSVScannerMatchesEncodingCSV reads random inputs made of the
// characters that matter to the grammar with the scanner (through small
// windows and one-byte reads too) and with encoding/csv, and requires the
// same records, field lines and error classes.
func TestCSVScannerMatchesEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []string{"a", "b", ",", ";", "\t", `"`, `"`, "\n", "\n", "\r", "\r\n", " ", "é", "\xff", `""`}
	for iter := range 30000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		in := b.String()
		comma := []rune{',', ';', '\t'}[iter%3]
		want := stdRecords(in, comma)
		diffRecords(t, in, comma, scanRecords(strings.NewReader(in), byte(comma), 1+rng.IntN(64)), want)
		if iter%10 == 0 {
			diffRecords(t, in, comma, scanRecords(iotest.OneByteReader(strings.NewReader(in)), byte(comma), 4), want)
		}
	}
}

func TestCSVScannerCases(t *testing.T) {
	for _, in := range []string{
		"", "\n", "\r\n", "\r", "a", "a\r", "a\r\n", "a,b\r\nc,d\r\n", "\n\na,b\n\n", `"a""b",c` + "\n",
		"\"multi\r\nline\",x\n", "\"a\"\r", "\"a\"\rb\n", "a\"b,c\nd,e\n", "\"a\"b,c\nd\n", "\"open\nno close",
		"a,,\n,\n", "\"\"\n", "\"\",\"\"\n", " \"a\"\n", "a,\"b\nc\"\"\n\"\nz\n", strings.Repeat("x,", 5000) + "\n",
	} {
		diffRecords(t, in, ',', scanRecords(strings.NewReader(in), ',', 3), stdRecords(in, ','))
		diffRecords(t, in, ',', scanRecords(strings.NewReader(in), ',', csvWindow), stdRecords(in, ','))
	}
}

// TestCSVScannerSkipsLongFields checks that a field over the limit is
// reported while reading, without buffering it, and that reading resumes at
// the next record, whatever the field's quoting.
func TestCSVScannerSkipsLongFields(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for _, tt := range []struct{ name, long string }{
		{"unquoted", big},
		{"quoted", `"` + big + `"`},
		{"quotedNewlines", `"` + strings.Repeat("x\n\"\"", 1<<18) + `"`},
		{"quotedThenStray", `"` + big + `"zz`},
	} {
		in := "h1,h2\n1,2\n3," + tt.long + ",4\n5,6\n"
		s := newCSVScanner(strings.NewReader(in), ',', 1000)
		var got []string
		for {
			err := s.next()
			if err == io.EOF {
				break
			}
			var tl *csvTooLongError
			if errors.As(err, &tl) {
				got = append(got, fmt.Sprintf("long field %d line %d", tl.field, tl.line))
				if !strings.HasPrefix(strings.TrimPrefix(tt.long, `"`), tl.prefix) || len(tl.prefix) != 64 {
					t.Errorf("%s: prefix %q", tt.name, tl.prefix)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			got = append(got, fmt.Sprintf("%s|%s line %d", s.field(0), s.field(len(s.fields)-1), s.recLine))
		}
		lines := int64(3 + strings.Count(tt.long, "\n"))
		want := fmt.Sprintf("[h1|h2 line 1 1|2 line 2 long field 1 line 3 5|6 line %d]", lines+1)
		if fmt.Sprint(got) != want {
			t.Errorf("%s: got %v; want %v", tt.name, got, want)
		}
		if len(s.buf) > csvWindow {
			t.Errorf("%s: window grew to %d bytes for a field limit of 1000", tt.name, len(s.buf))
		}
	}
}

func FuzzCSVScanner(f *testing.F) {
	for _, s := range []string{"a,b\n", "\"a\"\"b\",c\r\n", "\"x\ny\",z", "a\"b\n", "\"a\"b\n"} {
		f.Add([]byte(s), uint8(5))
	}
	f.Fuzz(func(t *testing.T, data []byte, window uint8) {
		in := string(data)
		diffRecords(t, in, ',', scanRecords(bytes.NewReader(data), ',', 1+int(window)), stdRecords(in, ','))
	})
}
