package source

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

type rec struct {
	Age     float64    `loom:"age"`
	Income  *float64   `loom:"income"`
	N       int        `loom:"n"`
	Segment string     `loom:"segment"`
	Channel *string    `loom:"channel"`
	OK      bool       `loom:"ok"`
	When    *time.Time `loom:"when"`
}

type small struct {
	Age     float64  `loom:"age"`
	N       int      `loom:"n"`
	Segment string   `loom:"segment"`
	Income  *float64 `loom:"income"`
}

func collect[T any](seq func(func(T, error) bool)) ([]T, []error) {
	var rows []T
	var errs []error
	for r, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rows = append(rows, r)
	}
	return rows, errs
}

func TestReadCSV(t *testing.T) {
	in := "segment,age,extra,income,n,channel,ok,when\n" +
		"mid,41.5,x,1000,3,web,true,2026-01-02T03:04:05Z\n" +
		"\"high, quoted\",22,y,,4,,false,\n" +
		"low,abc,z,5,5,app,true,\n" + // bad float
		"low,30,z,5,99999999999999999999,app,true,\n" + // int out of range
		"low,31,z,5,6,app,maybe,\n" + // bad bool
		"low,,z,5,7,app,true,\n" + // null in non-nullable
		"\"multi\nline\",32,z,5,8,app,true,2026-01-02\n"
	rows, errs := collect(ReadCSV[rec](context.Background(), strings.NewReader(in), &CSVOptions{Name: "in.csv"}))
	if len(rows) != 3 || len(errs) != 4 {
		t.Fatalf("got %d rows and errors %v; want 3 rows, 4 errors", len(rows), errs)
	}
	if rows[0].Age != 41.5 || *rows[0].Income != 1000 || rows[0].N != 3 || rows[0].Segment != "mid" || *rows[0].Channel != "web" ||
		!rows[0].OK || !rows[0].When.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("row 0 = %+v", rows[0])
	}
	if rows[1].Segment != "high, quoted" || rows[1].Income != nil || rows[1].Channel != nil || rows[1].When != nil {
		t.Errorf("row 1 = %+v", rows[1])
	}
	if rows[2].Segment != "multi\nline" || rows[2].N != 8 {
		t.Errorf("row 2 = %+v", rows[2])
	}
	want := []struct {
		line, row int64
		col, val  string
		err       error
	}{
		{4, 2, "age", "abc", ErrType},
		{5, 3, "n", "99999999999999999999", ErrRange},
		{6, 4, "ok", "maybe", ErrType},
		{7, 5, "age", "", ErrNull},
	}
	for i, w := range want {
		var e *Error
		if !errors.As(errs[i], &e) || e.File != "in.csv" || e.Line != w.line || e.Row != w.row || e.Column != w.col || e.Value != w.val || !errors.Is(errs[i], w.err) {
			t.Errorf("error %d = %v; want in.csv line %d row %d column %s value %q: %v", i, errs[i], w.line, w.row, w.col, w.val, w.err)
		}
	}
	if !strings.Contains(errs[0].Error(), `source: in.csv: line 4, row 2, column "age", value "abc": source: wrong type`) {
		t.Errorf("error text %q", errs[0])
	}
}

func TestReadCSVOptions(t *testing.T) {
	in := "age;n;segment;income\n1;2;a;NA\n3;4;b;\\N\n5;6;c;7\n"
	rows, errs := collect(ReadCSV[small](context.Background(), strings.NewReader(in), &CSVOptions{Comma: ';', NullTokens: []string{"NA", `\N`}}))
	if len(errs) != 0 || len(rows) != 3 || rows[0].Income != nil || rows[1].Income != nil || *rows[2].Income != 7 {
		t.Fatalf("rows %+v errs %v", rows, errs)
	}
}

func TestReadCSVBadInput(t *testing.T) {
	big := strings.Repeat("x", 10<<20)
	tests := []struct {
		name  string
		in    string
		rows  int
		err   error
		col   string
		stops bool
	}{
		{"missingColumn", "segment,n\na,1\n", 0, ErrMissingColumn, "age", true},
		{"nonUTF8", "age,n,segment\n1,2,ok\n1,2,bad\xff\n3,4,fine\n", 2, ErrEncoding, "segment", false},
		{"tenMB", "age,n,segment\n1,2," + big + "\n3,4,fine\n", 1, ErrTooLong, "segment", false},
		{"badQuote", "age,n,segment\n1,2,a\n1,2,\"unterminated\n", 1, ErrSyntax, "", false},
		{"empty", "", 0, ErrSyntax, "", true},
		{"shortRecord", "age,n,segment\n1\n", 0, ErrNull, "n", false},
	}
	for _, tt := range tests {
		rows, errs := collect(ReadCSV[small](context.Background(), strings.NewReader(tt.in), nil))
		if len(rows) != tt.rows || len(errs) == 0 || !errors.Is(errs[0], tt.err) {
			t.Errorf("%s: %d rows, errors %v; want %d rows and %v", tt.name, len(rows), errs, tt.rows, tt.err)
			continue
		}
		var e *Error
		if errors.As(errs[0], &e) && e.Column != tt.col {
			t.Errorf("%s: error column %q; want %q", tt.name, e.Column, tt.col)
		}
	}
}

func TestReadCSVEarlyStopAndCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString("age,n,segment\n")
	for range 5000 {
		b.WriteString("1,2,x\n")
	}
	n := 0
	for _, err := range ReadCSV[small](context.Background(), strings.NewReader(b.String()), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 10 {
			break
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, errs := collect(ReadCSV[small](ctx, strings.NewReader(b.String()), nil))
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("cancelled read errors %v", errs)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	inc := 12.25
	ch := "a,b \"q\""
	when := time.Date(2026, 3, 4, 5, 6, 7, 890, time.UTC)
	rows := []rec{
		{Age: 0.1, Income: &inc, N: -3, Segment: "x", Channel: &ch, OK: true, When: &when},
		{Age: 1e-300, N: 0, Segment: "ünï"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, slices.Values(rows), nil); err != nil {
		t.Fatal(err)
	}
	back, errs := collect(ReadCSV[rec](context.Background(), &buf, nil))
	if len(errs) != 0 || len(back) != 2 {
		t.Fatalf("read back %d rows, %v", len(back), errs)
	}
	if back[0].Age != 0.1 || *back[0].Income != inc || *back[0].Channel != ch || !back[0].When.Equal(when) || back[1].Age != 1e-300 || back[1].Segment != "ünï" || back[1].Income != nil {
		t.Errorf("round trip gave %+v / %+v", back[0], back[1])
	}
}

type mixedRow struct {
	Age          float64  `loom:"age"`
	Income       *float64 `loom:"income"`
	HoursPerWeek *float64 `loom:"hours_per_week"`
	Score        float64  `loom:"score"`
	Balance      *float64 `loom:"balance"`
	TenureYears  *float64 `loom:"tenure_years"`
	Segment      string   `loom:"segment"`
	Region       string   `loom:"region"`
	Channel      *string  `loom:"channel"`
	Target       int      `loom:"target"`
}

func TestReadCSVFileMixed(t *testing.T) {
	rows, errs := collect(ReadCSVFile[mixedRow](context.Background(), "testdata/mixed_head.csv", nil))
	if len(errs) != 0 || len(rows) != 200 {
		t.Fatalf("%d rows, %v", len(rows), errs)
	}
	if rows[0].Age != 46 || *rows[0].Income != 44755.6 || rows[0].Segment != "high" || *rows[0].Channel != "ch01" || rows[0].Target != 1 {
		t.Errorf("row 0 = %+v", rows[0])
	}
	_, errs = collect(ReadCSVFile[mixedRow](context.Background(), "testdata/nope.csv", nil))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "testdata/nope.csv") {
		t.Errorf("missing file errors %v", errs)
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"age,n,segment\n1,2,a\n",
		"segment,age,extra,income,n,channel,ok,when\nmid,41.5,x,1000,3,web,true,2026-01-02T03:04:05Z\n",
		"age,n,segment\n\"1\n\",2,\"a\"\"b\"\n",
		"age,n\n1e309,-0\n",
		"segment,age,n,ok\n\"a\"b,1,2,true\nx,1,2,\"t\"\"\"\n\r\n\"\nq\",2,3,false\r\n",
	} {
		f.Add([]byte(s))
	}
	if head, err := readFile("testdata/mixed_head.csv"); err == nil {
		f.Add(head[:min(len(head), 2000)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The scanner and encoding/csv agree on every row and every error
		// (the header's errors aside, which the scanner wraps in ErrSyntax),
		// a leading BOM included, which both drop.
		o := &CSVOptions{MaxFieldBytes: 64}
		got := outcomes(ReadCSV[rec](context.Background(), bytes.NewReader(data), o))
		want := outcomes(readCSVStd[rec](context.Background(), bytes.NewReader(data), o.norm()))
		if !(len(got) == 1 && len(want) == 1 && strings.Contains(got[0], "row -1")) &&
			strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("scanner:\n%s\nencoding/csv:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// Read into a slice (decoded in place into a first slice of 2 rows
		// and collected after), the same rows and errors.
		all := allOutcomes(readCSVAll[rec](context.Background(), bytes.NewReader(data), o.norm(), 2))
		if stream := sortedOutcomes(ReadCSV[rec](context.Background(), bytes.NewReader(data), o)); strings.Join(all, "\n") != strings.Join(stream, "\n") {
			t.Fatalf("into a slice:\n%s\nstreamed:\n%s", strings.Join(all, "\n"), strings.Join(stream, "\n"))
		}
		for r, err := range ReadCSV[small](context.Background(), bytes.NewReader(data), o) {
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v is not an *Error", err)
				}
				continue
			}
			if len(r.Segment) > 64 {
				t.Fatalf("field longer than the limit: %d", len(r.Segment))
			}
		}
	})
}
