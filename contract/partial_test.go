package contract

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type shardRow struct {
	ID    string    `loom:"id"`
	Age   *float64  `loom:"age"`
	Seg   string    `loom:"seg"`
	Seq   int       `loom:"seq"`
	Taken time.Time `loom:"taken"`
}

func shardContract() *Bound[shardRow] {
	c := New("shards",
		StringField("id", Unique()),
		FloatField("age", Range(18, 90), NotNullRatio(0.5)).Optional(),
		CategoryField("seg", OneOf("a", "b")),
		IntField("seq", AtLeast(0)),
		TimestampField("taken"),
	).With(RowCount(10, -1), MeanWithin("age", 20, 80), StdWithin("age", 0, 40), Fresh("taken", 1e6*time.Hour))
	return MustBind[shardRow](c)
}

func shardRows(n int) []shardRow {
	rows := make([]shardRow, n)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		r := &rows[i]
		r.ID = "id" + strconv.Itoa(i%(n-7)) // a few duplicates, across shards
		if i%5 != 0 {
			a := 1e6 + float64(i%97) // a large offset: the sums must rebase stably
			if i%11 == 0 {
				a = 10 // out of range
			}
			a -= 1e6 - 20
			r.Age = &a
		}
		r.Seg = []string{"a", "b", "c"}[i%3]
		r.Seq = i%13 - 1
		r.Taken = base.Add(time.Duration(i) * time.Minute)
	}
	return rows
}

// TestPartialMerge checks that validating in shards and merging the
// partial reports gives one Validator's report, whatever the shards.
func TestPartialMerge(t *testing.T) {
	b := shardContract()
	rows := shardRows(1000)
	whole := b.Validate(rows)
	for _, tc := range []struct {
		name   string
		shards []int // shard sizes
	}{
		{"one", []int{1000}},
		{"two", []int{500, 500}},
		{"uneven", []int{1, 333, 0, 600, 66}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var merged *Partial
			lo := 0
			for _, n := range tc.shards {
				v := b.NewValidator()
				v.Rows(rows[lo : lo+n])
				lo += n
				// Through JSON, as between machines.
				data, err := json.Marshal(v.Partial())
				if err != nil {
					t.Fatal(err)
				}
				var p Partial
				if err := json.Unmarshal(data, &p); err != nil {
					t.Fatal(err)
				}
				if merged == nil {
					merged = &p
				} else if err := merged.Merge(&p); err != nil {
					t.Fatal(err)
				}
			}
			got, err := b.ReportOf(merged)
			if err != nil {
				t.Fatal(err)
			}
			want := *whole
			// Rows are accepted or rejected by their shard.
			want.Rejected, lo = 0, 0
			for _, n := range tc.shards {
				want.Rejected += b.Validate(rows[lo : lo+n]).Rejected
				lo += n
			}
			want.Valid = want.Rows - want.Rejected
			opts := []cmp.Option{
				cmpopts.IgnoreFields(CheckResult{}, "Examples"),
				cmpopts.IgnoreFields(DatasetResult{}, "Detail"),
				cmpopts.EquateApprox(1e-12, 0),
				// Freshness is an age: it grows between the two reports.
				cmp.FilterPath(func(p cmp.Path) bool { return strings.HasSuffix(p.GoString(), "[4].Observed") }, cmp.Ignore()),
			}
			if d := cmp.Diff(&want, got, opts...); d != "" {
				t.Errorf("merged report differs from one validator's (-whole +merged):\n%s", d)
			}
			for i, c := range got.Checks {
				if len(c.Examples) > b.examples || (c.Failed > 0 && len(c.Examples) == 0 && !strings.Contains(c.Check, "unique")) {
					t.Errorf("check %s: %d examples for %d failures", c.Check, len(c.Examples), whole.Checks[i].Failed)
				}
			}
		})
	}
}

func TestPartialErrors(t *testing.T) {
	b := shardContract()
	v := b.NewValidator()
	v.Rows(shardRows(20))
	other := MustBind[shardRow](New("other", StringField("id")))
	ov := other.NewValidator()
	ov.Rows(shardRows(20))
	for _, tc := range []struct {
		name string
		fn   func() error
		want string
	}{
		{"merge other contract", func() error { return v.Partial().Merge(ov.Partial()) }, `contract "other" into one of "shards"`},
		{"merge other shape", func() error {
			p := ov.Partial()
			p.Contract = "shards"
			return v.Partial().Merge(p)
		}, "checks"},
		{"report of other contract", func() error { _, err := b.ReportOf(ov.Partial()); return err }, `contract "other" given to contract "shards"`},
		{"bad counts", func() error {
			p := v.Partial()
			p.Rejected = p.Rows + 1
			_, err := b.ReportOf(p)
			return err
		}, "rejected of"},
		{"bad failures", func() error {
			p := v.Partial()
			p.Failed[0] = -1
			_, err := b.ReportOf(p)
			return err
		}, "failures of check"},
		{"bad sums", func() error {
			p := v.Partial()
			p.Sum[1] = math.NaN()
			_, err := b.ReportOf(p)
			return err
		}, `field "age"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.fn()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// FuzzPartial feeds partial reports as they arrive from other machines
// (JSON) to Merge and ReportOf: errors, never panics.
func FuzzPartial(f *testing.F) {
	b := shardContract()
	v := b.NewValidator()
	v.Rows(shardRows(30))
	seed, err := json.Marshal(v.Partial())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"contract":"shards","rows":1,"failed":[1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Partial
		if json.Unmarshal(data, &p) != nil {
			return
		}
		if rep, err := b.ReportOf(&p); err == nil && rep.Rows != p.Rows {
			t.Fatalf("report of %d rows from a partial of %d", rep.Rows, p.Rows)
		}
		mine := v.Partial()
		if mine.Merge(&p) == nil {
			_, _ = b.ReportOf(mine)
		}
	})
}
