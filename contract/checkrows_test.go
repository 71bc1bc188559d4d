package contract

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// sameAsCheckRow fails t unless CheckRows gives, for every row, what
// CheckRow gives, and counts the failed rows.
func sameAsCheckRow[T any](t *testing.T, bd *Bound[T], rows []T) int {
	t.Helper()
	errs := make([]error, len(rows)+3)
	for i := range errs {
		errs[i] = ErrInvalid // stale values: CheckRows must overwrite them
	}
	failed := bd.CheckRows(rows, errs)
	want := 0
	for i := range rows {
		w := bd.CheckRow(&rows[i])
		if w != nil {
			want++
		}
		if !reflect.DeepEqual(errs[i], w) {
			t.Fatalf("row %d: CheckRows gives %v; CheckRow gives %v", i, errs[i], w)
		}
	}
	if failed != want {
		t.Fatalf("CheckRows = %d failed rows; CheckRow fails %d", failed, want)
	}
	for i := len(rows); i < len(errs); i++ {
		if errs[i] != ErrInvalid {
			t.Fatalf("CheckRows wrote errs[%d] past the %d rows", i, len(rows))
		}
	}
	return failed
}

// CheckRows gives CheckRow's verdict and reasons row by row, on valid and
// invalid rows of every field kind, with and without a custom predicate,
// over block boundaries and for slices of any length.
func TestCheckRowsSameAsCheckRow(t *testing.T) {
	for _, tc := range eqCases {
		for _, custom := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/custom=%v", tc.name, custom), func(t *testing.T) {
				bd := eqBound(t, tc.examples, custom)
				rows := eqRows(uint64(len(tc.name))+7, tc.n, tc.p)
				failed := sameAsCheckRow(t, bd, rows)
				if tc.p > 0 && failed == 0 {
					t.Fatal("test data has no failed rows")
				}
				for _, n := range []int{0, 1, 2, 511, 512, 513, 1025} {
					if n <= len(rows) {
						sameAsCheckRow(t, bd, rows[len(rows)-n:])
					}
				}
			})
		}
	}
	t.Run("cust", func(t *testing.T) {
		bd := bound(t)
		rows := make([]cust, 700)
		for i := range rows {
			rows[i] = goodRow(i)
			switch i % 7 {
			case 1:
				rows[i].Age = -1
			case 2:
				rows[i].Segment, rows[i].Email = "", "x" // the length warning is ignored
			case 3:
				rows[i].Target, rows[i].Age = 1, 19 // the custom predicate
			case 4:
				rows[i].ID = 1 // unique and monotonic checks are not CheckRow's
			case 5:
				rows[i].Active = false
			}
		}
		if sameAsCheckRow(t, bd, rows) != 400 {
			t.Error("want 400 failed rows")
		}
	})
}

// CheckRows allocates nothing on valid rows once its scratch is pooled.
func TestCheckRowsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	bd := eqBound(t, 5, true)
	var rows []eqRow
	for _, r := range eqRows(3, 6000, 0) {
		if bd.CheckRow(&r) == nil {
			rows = append(rows, r)
		}
	}
	if len(rows) < 1000 {
		t.Fatalf("only %d valid rows", len(rows))
	}
	errs := make([]error, len(rows))
	if bd.CheckRows(rows, errs) != 0 {
		t.Fatal("clean rows failed")
	}
	if a := testing.AllocsPerRun(20, func() { bd.CheckRows(rows, errs) }); a != 0 {
		t.Errorf("CheckRows allocates %v times on %d valid rows; want 0", a, len(rows))
	}
}

// CheckRows is safe for concurrent use (run with -race).
func TestCheckRowsConcurrent(t *testing.T) {
	bd := eqBound(t, 5, true)
	rows := eqRows(11, 1500, 0.2)
	want := make([]error, len(rows))
	wantN := bd.CheckRows(rows, want)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			errs := make([]error, len(rows))
			for range 5 {
				if n := bd.CheckRows(rows[g:], errs); n > wantN || !reflect.DeepEqual(errs[:len(rows)-g], want[g:]) {
					t.Errorf("goroutine %d: CheckRows differs from the first call", g)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestCheckRowsShortErrsPanics(t *testing.T) {
	bd := eqBound(t, 5, false)
	defer func() {
		if recover() == nil {
			t.Error("CheckRows with fewer error slots than rows did not panic")
		}
	}()
	bd.CheckRows(make([]eqRow, 3), make([]error, 2))
}

// fuzzMaxRows bounds the rows of one fuzz input: past a block (512 rows)
// longer inputs find nothing new and slow the fuzzer down.
const fuzzMaxRows = 600

// fuzzRows decodes rows of eqRow from data, 16 bytes a row: each byte
// picks one field's value among values that pass or fail its checks, or
// null; strings may come from data itself.
func fuzzRows(data []byte) []eqRow {
	floats := []float64{0, 1, -1, 5, 9.999, 10, 59.9, 60, 61, -50, -100, 100, -120, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1e300}
	ints := []int64{0, 1, 2, 3, 70, 50, -1, 1 << 40, math.MinInt64, math.MaxInt64}
	word := func(b byte, at int) string {
		if int(b) < len(eqWords) {
			return eqWords[b]
		}
		// A string of data itself: any bytes, also invalid UTF-8.
		n := int(b) % 5
		if at+n > len(data) {
			return ""
		}
		return string(data[at : at+n])
	}
	var rows []eqRow
	for at := 0; at+16 <= len(data) && len(rows) < fuzzMaxRows; at += 16 {
		d := data[at : at+16]
		var r eqRow
		r.F = floats[int(d[0])%len(floats)]
		if d[1] < 200 {
			r.FP = ptr(floats[int(d[1])%len(floats)])
		}
		r.F32 = float32(floats[int(d[2])%len(floats)] / 50)
		r.I = ints[int(d[3])%len(ints)]
		if d[4] < 200 {
			r.IP = ptr(int32(ints[int(d[4])%len(ints)]))
		}
		r.S = word(d[5], at+16)
		if d[6] < 200 {
			r.SP = ptr(word(d[6], at+8))
		}
		if d[7] < 200 {
			r.SN = sql.NullString{String: word(d[7], at+4), Valid: true}
		}
		if d[8] < 200 {
			r.B = ptr(d[8]&1 == 1)
		}
		if d[9] < 200 {
			r.T = ptr(eqStart.Add(time.Duration(binary.LittleEndian.Uint16(d[10:12])) * time.Millisecond))
		}
		if d[12] < 200 {
			r.D = ptr(word(d[12]%30, at))
		}
		r.X = int8(d[13])
		rows = append(rows, r)
	}
	return rows
}

// FuzzCheckRows: on any rows, CheckRows gives what CheckRow gives row by
// row.
func FuzzCheckRows(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 16*40))
	seed := make([]byte, 16*600)
	for i := range seed {
		seed[i] = byte(i * 37 % 251)
	}
	f.Add(seed)
	bds := []*Bound[eqRow]{eqBound(f, 5, false), eqBound(f, 5, true)}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows := fuzzRows(data)
		for _, bd := range bds {
			sameAsCheckRow(t, bd, rows)
		}
	})
}

// The regex memo gives the regexp's verdict for every value: values that
// share a slot, long values it does not keep, repeats in any order, and
// nothing once reset.
func TestRegexMemo(t *testing.T) {
	re := regexp.MustCompile(`^(?:ch[0-9]{2})$`)
	var vals []string
	for i := range 300 {
		vals = append(vals, fmt.Sprintf("ch%02d", i%120), fmt.Sprintf("c%d", i), strings.Repeat("ch01", i%12))
	}
	var m reMemo
	for round := range 3 {
		for k := range vals {
			s := vals[(k*7+round*13)%len(vals)]
			if got, want := m.match(re, s), re.MatchString(s); got != want {
				t.Fatalf("round %d: memo match(%q) = %v; regexp says %v", round, s, got, want)
			}
		}
		m.reset()
		for i := range m.val {
			if m.used[i] || m.val[i] != "" {
				t.Fatal("reset kept a value")
			}
		}
	}
}
