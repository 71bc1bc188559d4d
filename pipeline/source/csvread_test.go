package source

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// outcome renders what a CSV reader yielded, field by field for errors.
func outcomes(seq func(func(rec, error) bool)) []string {
	var out []string
	for r, err := range seq {
		if err == nil {
			out = append(out, fmt.Sprintf("row %v %v %d %q %v %v %v", r.Age, deref(r.Income), r.N, r.Segment, deref(r.Channel), r.OK, deref(r.When)))
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			out = append(out, "error "+err.Error())
			continue
		}
		out = append(out, fmt.Sprintf("error %s line %d row %d column %q value %q: %v", e.File, e.Line, e.Row, e.Column, e.Value, e.Err))
	}
	return out
}

func deref[V any](p *V) any {
	if p == nil {
		return "null"
	}
	return *p
}

// randomCSV returns CSV text for rec with good and bad cells, quoted
// fields with delimiters, quotes and newlines, CRLF line ends, empty
// lines and malformed quoting.
func randomCSV(rng *rand.Rand, rows int) string {
	cells := [][]string{
		{"41.5", "-0", "1e3", "abc", "", "1e400", `"7"`, "0x10", " 3"},                         // age
		{"1000", "", "NA", "-2.5", "x"},                                                        // income
		{"3", "-9", "99999999999999999999", "1.5", "", `"4"`},                                  // n
		{"mid", `"high, quoted"`, "\"multi\nline\"", `"a ""q"" b"`, "bad\xff", "", "ünï", "é"}, // segment
		{"web", "", `"app"`, "\"x\r\ny\""},                                                     // channel
		{"true", "false", "1", "maybe", ""},                                                    // ok
		{"2026-01-02T03:04:05Z", "", "2026-01-02", "2026-13-01", "2026-01-02 10:11:12.5"},      // when
	}
	var b strings.Builder
	b.WriteString("segment,age,extra,income,n,channel,ok,when\r\n")
	order := []int{3, 0, -1, 1, 2, 4, 5, 6}
	for range rows {
		switch rng.IntN(40) {
		case 0:
			b.WriteString("\n") // empty line
		case 1:
			b.WriteString("x,1,\"bad\"quote,2,3,,true,\n")
			continue
		case 2:
			b.WriteString("a\"b,1,x,2,3,,true,\n")
			continue
		case 3:
			b.WriteString("short,5\n")
			continue
		}
		for k, c := range order {
			if k > 0 {
				b.WriteByte(',')
			}
			if c < 0 {
				b.WriteString("extra")
				continue
			}
			v := cells[c][0]
			if rng.IntN(3) == 0 {
				v = cells[c][rng.IntN(len(cells[c]))]
			}
			b.WriteString(v)
		}
		if rng.IntN(5) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestReadCSVMatchesEncodingCSV reads random CSV with the scanner (with
// and without decoding workers, across block boundaries) and with the
// encoding/csv reader, and requires the same rows and the same errors, each
// naming the same line, row, column and value.
func TestReadCSVMatchesEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ctx := context.Background()
	for iter := range 12 {
		in := randomCSV(rng, []int{5, 300, 2500}[iter%3])
		o := &CSVOptions{Name: "r.csv", MaxFieldBytes: 8}
		if iter%2 == 1 {
			o.NullTokens = []string{"", "NA"}
		}
		want := outcomes(readCSVStd[rec](ctx, strings.NewReader(in), o.norm()))
		for _, procs := range []int{1, 2, 4} {
			prev := runtime.GOMAXPROCS(procs)
			got := outcomes(ReadCSV[rec](ctx, strings.NewReader(in), o))
			runtime.GOMAXPROCS(prev)
			if len(got) != len(want) {
				t.Fatalf("iteration %d, GOMAXPROCS %d: %d outcomes; encoding/csv gives %d", iter, procs, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("iteration %d, GOMAXPROCS %d, outcome %d:\n got  %s\n want %s", iter, procs, i, got[i], want[i])
				}
			}
		}
	}
}

// TestReadCSVEarlyStopAcrossBlocks stops in the middle of the second block
// and after an error: no worker is left running (TestMain checks for
// leaks) and the rows seen are the first ones in order.
func TestReadCSVEarlyStopAcrossBlocks(t *testing.T) {
	var b strings.Builder
	b.WriteString("age,n,segment\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "%d,%d,s%d\n", i, i, i)
	}
	for _, stop := range []int{1, 1500, 9999} {
		n := 0
		for r, err := range ReadCSV[small](context.Background(), strings.NewReader(b.String()), nil) {
			if err != nil {
				t.Fatal(err)
			}
			if r.N != n || r.Segment != fmt.Sprintf("s%d", n) {
				t.Fatalf("row %d = %+v", n, r)
			}
			if n++; n == stop {
				break
			}
		}
		if n != stop {
			t.Fatalf("stopped after %d rows; want %d", n, stop)
		}
	}
}

// TestReadCSVIOErrorKeepsRows checks that rows read before an I/O error
// are yielded, then the error, then nothing.
func TestReadCSVIOErrorKeepsRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("age,n,segment\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "%d,%d,x\n", i, i)
	}
	boom := errors.New("disk on fire")
	r := &failingReader{data: []byte(b.String()), after: len(b.String()) - 10, err: boom}
	rows, errs := collect(ReadCSV[small](context.Background(), r, nil))
	if len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Fatalf("errors %v; want one wrapping %v", errs, boom)
	}
	if len(rows) != 2999 || rows[2998].N != 2998 {
		t.Fatalf("%d rows before the I/O error; want 2999", len(rows))
	}
}

type failingReader struct {
	data  []byte
	after int
	err   error
	off   int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.off >= f.after {
		return 0, f.err
	}
	n := copy(p, f.data[f.off:f.after])
	f.off += n
	return n, nil
}

// TestReadCSVHeader reads headers through both readers (the scanner for
// an ASCII delimiter, encoding/csv otherwise): a leading BOM is dropped by
// both (encoding/csv kept it, so the first column, "\uFEFFage", went
// missing), and a field's column named twice is an error naming it (the
// first copy used to win silently).
func TestReadCSVHeader(t *testing.T) {
	tests := []struct {
		name  string
		comma rune
		in    string
		want  string // the error, "" for one row with age 1
	}{
		{"BOM, comma", ',', "\uFEFFage,n,segment\n1,2,a\n", ""},
		{"BOM, semicolon", ';', "\uFEFFage;n;segment\n1;2;a\n", ""},
		{"BOM, non-ASCII delimiter", '¦', "\uFEFFage¦n¦segment\n1¦2¦a\n", ""},
		{"BOM inside the first name, non-ASCII delimiter", '¦', "a\uFEFFge¦age¦n¦segment\n0¦1¦2¦a\n", ""},
		{"duplicated column, comma", ',', "age,n,age,segment\n1,2,3,a\n",
			`source: h.csv: line 1, column "age", source: malformed input: the header names column "age" twice, at positions 1 and 3`},
		{"duplicated column, non-ASCII delimiter", '¦', "segment¦age¦n¦age\na¦1¦2¦3\n",
			`source: h.csv: line 1, column "age", source: malformed input: the header names column "age" twice, at positions 2 and 4`},
		{"duplicated unused column", ',', "x,age,n,x,segment\n,1,2,,a\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := collect(ReadCSV[small](context.Background(), strings.NewReader(tc.in), &CSVOptions{Name: "h.csv", Comma: tc.comma}))
			if tc.want == "" {
				if len(errs) != 0 || len(rows) != 1 || rows[0].Age != 1 || rows[0].N != 2 || rows[0].Segment != "a" {
					t.Fatalf("rows %+v errors %v; want one row with age 1", rows, errs)
				}
				return
			}
			if len(rows) != 0 || len(errs) != 1 || errs[0].Error() != tc.want || !errors.Is(errs[0], ErrSyntax) {
				t.Fatalf("rows %+v errors %v; want %s", rows, errs, tc.want)
			}
		})
	}
}

// TestReadCSVAll checks that the slice reader gives the streamed rows in
// order and joins the errors of the bad ones.
func TestReadCSVAll(t *testing.T) {
	var b strings.Builder
	b.WriteString(randomCSV(rand.New(rand.NewPCG(13, 14)), 3000))
	for i := range 20000 {
		fmt.Fprintf(&b, "s%d,%d,x,%d,%d,,true,\n", i, i, i, i)
	}
	in := b.String()
	o := &CSVOptions{Name: "all.csv", MaxFieldBytes: 8}
	got, err := ReadCSVAll[rec](context.Background(), strings.NewReader(in), o)
	rows, errs := collect(ReadCSV[rec](context.Background(), strings.NewReader(in), o))
	if len(got) != len(rows) || len(rows) < 10000 {
		t.Fatalf("%d rows; streamed %d", len(got), len(rows))
	}
	for i := range rows {
		if fmt.Sprint(got[i].Age, deref(got[i].Income), got[i].Segment) != fmt.Sprint(rows[i].Age, deref(rows[i].Income), rows[i].Segment) {
			t.Fatalf("row %d = %+v; streamed %+v", i, got[i], rows[i])
		}
	}
	var joined []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		joined = j.Unwrap()
	}
	if len(joined) != len(errs) || len(errs) == 0 || joined[len(errs)-1].Error() != errs[len(errs)-1].Error() {
		t.Fatalf("%d joined errors; streamed %d", len(joined), len(errs))
	}
	if _, err := ReadCSVFileAll[rec](context.Background(), "testdata/nope.csv", nil); err == nil || !strings.Contains(err.Error(), "nope.csv") {
		t.Fatalf("missing file: %v", err)
	}
}

// allOutcomes is outcomes of readCSVAll's rows followed by its joined
// errors: with rows and errors apart, what outcomes gives for the stream
// once its rows and errors are separated (see sortedOutcomes).
func allOutcomes(rows []rec, err error) []string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("row %v %v %d %q %v %v %v", r.Age, deref(r.Income), r.N, r.Segment, deref(r.Channel), r.OK, deref(r.When)))
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	return append(out, outcomes(func(yield func(rec, error) bool) {
		for _, e := range errs {
			if !yield(rec{}, e) {
				return
			}
		}
	})...)
}

// sortedOutcomes is outcomes of a stream with its rows first, then its
// errors, each in order.
func sortedOutcomes(seq func(func(rec, error) bool)) []string {
	var rows, errs []string
	for _, o := range outcomes(seq) {
		if strings.HasPrefix(o, "row ") {
			rows = append(rows, o)
		} else {
			errs = append(errs, o)
		}
	}
	return append(rows, errs...)
}

// TestReadCSVAllInPlace: decoding blocks in place into the first slice,
// whatever its size against the rows (none, too small, right, too large),
// with rows of errors among them squeezed out, gives the streamed rows and
// errors in order.
func TestReadCSVAllInPlace(t *testing.T) {
	var b strings.Builder
	b.WriteString(randomCSV(rand.New(rand.NewPCG(15, 16)), 5000))
	for i := range 3000 {
		fmt.Fprintf(&b, "s%d,%d,x,%d,%d,,true,\n", i, i, i, i)
	}
	in := b.String()
	o := CSVOptions{Name: "place.csv", MaxFieldBytes: 8}
	want := sortedOutcomes(ReadCSV[rec](context.Background(), strings.NewReader(in), &o))
	for _, hint := range []int{0, 1, 2500, 7000, 20000} {
		got := allOutcomes(readCSVAll[rec](context.Background(), strings.NewReader(in), o.norm(), hint))
		if len(got) != len(want) {
			t.Fatalf("hint %d: %d outcomes; streamed %d", hint, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("hint %d: outcome %d = %s; streamed %s", hint, i, got[i], want[i])
			}
		}
	}
}

// TestReadCSVFileAllEstimate: the file reader sizes its slice from the
// first lines; whether that estimate is right, too high (short lines first)
// or too low (long lines first), or the file is shorter than the sample,
// every row arrives in order and the slice is not left much too large.
func TestReadCSVFileAllEstimate(t *testing.T) {
	line := func(b *strings.Builder, i int, pad int) {
		fmt.Fprintf(b, "%d,%d,%s\n", i, i, strings.Repeat("x", pad))
	}
	cases := []struct {
		name             string
		n, split         int
		padHead, padTail int
	}{
		{"even", 30000, 0, 3, 3},
		{"too high", 30000, 8000, 1, 40},
		{"too low", 30000, 8000, 60, 1},
		{"within the sample", 50, 0, 3, 3},
		{"header only", 0, 0, 3, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("age,n,segment\n")
			for i := range c.n {
				pad := c.padTail
				if i < c.split || c.split == 0 {
					pad = c.padHead
				}
				line(&b, i, pad)
			}
			path := filepath.Join(t.TempDir(), "rows.csv")
			if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadCSVFileAll[small](context.Background(), path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.n {
				t.Fatalf("%d rows; want %d", len(got), c.n)
			}
			for i := range got {
				if got[i].Age != float64(i) || got[i].N != i {
					t.Fatalf("row %d = %+v; want age and n %d", i, got[i], i)
				}
			}
			if c.n > 0 && cap(got) > c.n*4/3+16 {
				t.Errorf("cap %d for %d rows: an estimate too high was not trimmed", cap(got), c.n)
			}
		})
	}
}
