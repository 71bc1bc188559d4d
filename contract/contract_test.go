package contract

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

type cust struct {
	ID      int64     `loom:"id"`
	Age     float64   `loom:"age"`
	Income  *float64  `loom:"income"`
	Segment string    `loom:"segment"`
	Email   string    `loom:"email"`
	Channel *string   `loom:"channel"`
	Seen    time.Time `loom:"seen"`
	Active  bool      `loom:"active"`
	Target  int       `loom:"target"`
}

func ptr[V any](v V) *V { return &v }

func custContract() *Contract {
	return New("customers",
		IntField("id", Unique(), Increasing(true)),
		FloatField("age", Range(18, 100)),
		FloatField("income", AtLeast(0), NotNullRatio(0.5)).Optional(),
		CategoryField("segment", OneOf("low", "mid", "high")),
		StringField("email", Match(`[a-z]+@[a-z]+\.com`), Length(5, 40).Warn()),
		CategoryField("channel", Length(1, 10)).Optional(),
		TimestampField("seen"),
		BoolField("active", OneOf("true")),
		IntField("target", OneOf("0", "1"), Custom("adult_target")),
	).With(
		RowCount(2, 1000),
		Fresh("seen", 48*time.Hour).Warn(),
		Complete("channel", 0.5),
		MeanWithin("age", 20, 80),
		StdWithin("age", 0, 50).Warn(),
	)
}

func adultTarget(c *cust) bool { return c.Target == 0 || c.Age >= 21 }

// now is the time the test rows are stamped with: the wall clock, since
// ValidateSeq judges freshness by it.
var now = time.Now().UTC().Truncate(time.Second)

func goodRow(i int) cust {
	return cust{ID: int64(i + 1), Age: 30 + float64(i%10), Income: ptr(1000.0 * float64(i)), Segment: "mid",
		Email: "ann@ex.com", Channel: ptr("web"), Seen: now.Add(-time.Hour), Active: true, Target: i % 2}
}

func TestGoldenRoundTrip(t *testing.T) {
	c := custContract()
	got, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "customers.contract.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("Marshal differs from %s (run with -update):\n%s", golden, got)
	}
	back, err := Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Fatalf("Parse(Marshal(c)) differs (-want +got):\n%s", diff)
	}
	again, _ := back.Marshal()
	if string(again) != string(want) {
		t.Fatal("Marshal(Parse(json)) is not byte-identical")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"notJSON", `{`, "unexpected EOF"},
		{"version", `{"version":2,"name":"x","fields":[]}`, "version 2"},
		{"unknownKey", `{"version":1,"name":"x","fields":[],"extra":1}`, "unknown field"},
		{"unknownType", `{"version":1,"name":"x","fields":[{"name":"a","type":"decimal"}]}`, "unknown type"},
		{"rangeOnString", `{"version":1,"name":"x","fields":[{"name":"a","type":"string","checks":[{"kind":"range","severity":"error","min":1}]}]}`, "needs an int or float"},
		{"badRegex", `{"version":1,"name":"x","fields":[{"name":"a","type":"string","checks":[{"kind":"regex","severity":"error","pattern":"("}]}]}`, "missing closing"},
		{"badSeverity", `{"version":1,"name":"x","fields":[{"name":"a","type":"string","checks":[{"kind":"unique","severity":"fatal"}]}]}`, "unknown severity"},
		{"minMax", `{"version":1,"name":"x","fields":[{"name":"a","type":"int","checks":[{"kind":"range","severity":"error","min":3,"max":1}]}]}`, "min 3 > max 1"},
		{"dupField", `{"version":1,"name":"x","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}`, "duplicate field"},
		{"intSet", `{"version":1,"name":"x","fields":[{"name":"a","type":"int","checks":[{"kind":"set","severity":"error","values":["x"]}]}]}`, "not an integer"},
		{"dsField", `{"version":1,"name":"x","fields":[],"dataset":[{"kind":"mean","severity":"error","field":"z","min":1}]}`, "unknown field \"z\""},
		{"dsDuration", `{"version":1,"name":"x","fields":[{"name":"t","type":"timestamp"}],"dataset":[{"kind":"freshness","severity":"error","field":"t","max_age":"soon"}]}`, "duration"},
		{"trailing", `{"version":1,"name":"x","fields":[]} {}`, "trailing"},
		{"ratio", `{"version":1,"name":"x","fields":[{"name":"a","type":"int","checks":[{"kind":"not_null_ratio","severity":"error","ratio":2}]}]}`, "ratio must be"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse = %v; want ErrInvalid containing %q", tt.name, err, tt.want)
		}
	}
}

func TestBindErrors(t *testing.T) {
	type wrong struct {
		Age string   `loom:"age"`
		X   *float64 `loom:"x"`
	}
	tests := []struct {
		name string
		c    *Contract
		want string
	}{
		{"missing", New("x", FloatField("nope")), `field "nope" has no struct field`},
		{"type", New("x", FloatField("age")), `field "age" is float in the contract but contract.wrong.Age is string`},
		{"custom", New("x", FloatField("x", Custom("p"))), `custom check "p" has no predicate`},
	}
	for _, tt := range tests {
		_, err := Bind[wrong](tt.c)
		if !errors.Is(err, ErrBind) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Bind = %v; want ErrBind containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := Bind[int](New("x", IntField("a"))); !errors.Is(err, ErrBind) {
		t.Errorf("Bind[int] = %v; want ErrBind", err)
	}
}

func bound(t testing.TB) *Bound[cust] {
	b, err := Bind(custContract(), Pred("adult_target", adultTarget))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestValidate(t *testing.T) {
	b := bound(t)
	rows := []cust{goodRow(0), goodRow(1), goodRow(2), goodRow(3), goodRow(4)}
	rows[1].Age = 150                   // range
	rows[2].Segment = "vip"             // set
	rows[2].Email = "NOT AN EMAIL"      // regex + length pass -> warn only
	rows[3].ID = 1                      // unique + monotonic
	rows[4].Income = nil                // nullable: fine
	rows[4].Channel = ptr("")           // length 1..10 fails
	rows[0].Age, rows[0].Target = 19, 1 // custom fails
	v := b.NewValidator()
	v.now = func() time.Time { return now }
	v.Rows(rows)
	rep := v.Report()
	if rep.Rows != 5 || rep.Valid != 0 || rep.Rejected != 5 || rep.Verdict != Fail {
		t.Fatalf("report %d rows, %d valid, %d rejected, %v:\n%s", rep.Rows, rep.Valid, rep.Rejected, rep.Verdict, rep)
	}
	failed := map[string]int64{}
	for _, c := range rep.Checks {
		failed[c.Field+" "+c.Check] = c.Failed
		if c.Passed+c.Failed != rep.Rows {
			t.Errorf("%s %s: passed %d + failed %d != rows %d", c.Field, c.Check, c.Passed, c.Failed, rep.Rows)
		}
	}
	want := map[string]int64{
		"id unique": 1, "id strictly increasing": 1, "age range [18, 100]": 1, "segment set {low, mid, high}": 1,
		`email regex "[a-z]+@[a-z]+\\.com"`: 1, "channel length [1, 10]": 1, "target custom adult_target": 1,
		"income range [0, +inf)": 0, "age not null": 0,
	}
	for k, w := range want {
		if failed[k] != w {
			t.Errorf("check %q failed %d; want %d (have %v)", k, failed[k], w, failed)
		}
	}
	ds := map[string]bool{}
	for _, d := range rep.Dataset {
		ds[d.Check] = d.OK
	}
	for k, w := range map[string]bool{
		"row_count in [2, 1000]": true, "freshness of seen ≤ 48h0m0s": true, "completeness of channel ≥ 0.5": true,
		"mean of age in [20, 80]": true, "std of age in [0, 50]": false, "not_null_ratio of income ≥ 0.5": true,
	} {
		if got, ok := ds[k]; !ok || got != w {
			t.Errorf("dataset %q ok=%v (present %v); want %v; all %v", k, got, ok, w, ds)
		}
	}
	if err := rep.Err(); !errors.Is(err, ErrViolation) {
		t.Errorf("Report.Err() = %v; want ErrViolation", err)
	}
	text := rep.String()
	for _, s := range []string{"FAIL", "age", `row 1="150"`, "warn"} {
		if !strings.Contains(text, s) {
			t.Errorf("report text lacks %q:\n%s", s, text)
		}
	}
}

func TestValidateSeqAndDataset(t *testing.T) {
	b := bound(t)
	seq := func(yield func(cust, error) bool) {
		for i := range 100 {
			if !yield(goodRow(i), nil) {
				return
			}
		}
	}
	rep, err := b.ValidateSeq(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != Pass || rep.Valid != 100 {
		t.Fatalf("ValidateSeq: %v", rep)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.ValidateSeq(ctx, seq); !errors.Is(err, context.Canceled) {
		t.Errorf("ValidateSeq(cancelled) = %v", err)
	}
	// A stream error stops validation and is returned with the rows before it.
	broken := errors.New("disk on fire")
	rep, err = b.ValidateSeq(context.Background(), func(yield func(cust, error) bool) {
		_ = yield(goodRow(0), nil) && yield(goodRow(1), nil) && yield(cust{}, broken)
	})
	if !errors.Is(err, broken) || rep.Rows != 2 {
		t.Errorf("ValidateSeq(broken stream) = %d rows, %v; want 2 rows, %v", rep.Rows, err, broken)
	}
	// Too few rows and stale data.
	v := b.NewValidator()
	v.now = func() time.Time { return now.Add(72 * time.Hour) }
	r := goodRow(0)
	v.Row(&r)
	rep = v.Report()
	okOf := map[string]bool{}
	for _, d := range rep.Dataset {
		okOf[d.Check] = d.OK
	}
	if rep.Verdict != Fail || okOf["row_count in [2, 1000]"] || okOf["freshness of seen ≤ 48h0m0s"] {
		t.Fatalf("want row_count and freshness failures:\n%s", rep)
	}
}

func TestCheckRow(t *testing.T) {
	b := bound(t)
	r := goodRow(3)
	if err := b.CheckRow(&r); err != nil {
		t.Fatalf("CheckRow(good) = %v", err)
	}
	allocs := testing.AllocsPerRun(200, func() {
		if b.CheckRow(&r) != nil {
			panic("unexpected")
		}
	})
	if allocs != 0 {
		t.Errorf("CheckRow allocates %v times per valid row; want 0", allocs)
	}
	bad := r
	bad.Age, bad.Segment, bad.Email = -1, "", "x"
	err := b.CheckRow(&bad)
	var re *RowError
	if !errors.As(err, &re) || len(re.Reasons) != 4 || !errors.Is(err, ErrViolation) {
		t.Fatalf("CheckRow(bad) = %v; want 4 reasons (the length warning ignored)", err)
	}
	if got := err.Error(); !strings.Contains(got, `field "age" value "-1": range [18, 100]`) || !strings.Contains(got, `field "segment"`) {
		t.Errorf("CheckRow error text %q", got)
	}
}

func TestQuarantineInvariant(t *testing.T) {
	b := bound(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := rng.IntN(200)
		rows := make([]cust, n)
		for i := range rows {
			rows[i] = goodRow(i)
			switch rng.IntN(6) {
			case 0:
				rows[i].Age = rng.Float64() * 200
			case 1:
				rows[i].Segment = []string{"low", "vip", ""}[rng.IntN(3)]
			case 2:
				rows[i].ID = int64(rng.IntN(n + 1))
			case 3:
				rows[i].Email = "bad"
			}
		}
		s := b.Quarantine(rows)
		if len(s.Valid)+len(s.Rejected) != n || s.Report.Rows != int64(n) || s.Report.Valid != int64(len(s.Valid)) {
			t.Fatalf("trial %d: %d in, %d valid + %d rejected, report %d/%d", trial, n, len(s.Valid), len(s.Rejected), s.Report.Rows, s.Report.Valid)
		}
		for _, rj := range s.Rejected {
			if len(rj.Reasons) == 0 || rows[rj.Row] != rj.Value {
				t.Fatalf("trial %d: rejected row %d has no reasons or a wrong value", trial, rj.Row)
			}
		}
	}
}

type rowErr struct{ row int64 }

func (e *rowErr) Error() string    { return "bad row" }
func (e *rowErr) RowNumber() int64 { return e.row }

func TestQuarantineSeq(t *testing.T) {
	b := bound(t)
	seq := func(yield func(cust, error) bool) {
		for i := range 10 {
			if i == 4 {
				if !yield(cust{}, &rowErr{4}) {
					return
				}
				continue
			}
			r := goodRow(i)
			if i == 7 {
				r.Age = 5
			}
			if !yield(r, nil) {
				return
			}
		}
	}
	s, err := b.QuarantineSeq(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Valid) != 8 || len(s.Rejected) != 2 || s.Rejected[0].Row != 4 || s.Rejected[1].Row != 7 || s.Report.Rows != 10 {
		t.Fatalf("QuarantineSeq: %d valid, rejected %+v", len(s.Valid), s.Rejected)
	}
	ioErr := errors.New("disk gone")
	_, err = b.QuarantineSeq(context.Background(), func(yield func(cust, error) bool) { yield(cust{}, ioErr) })
	if !errors.Is(err, ioErr) {
		t.Errorf("QuarantineSeq(io error) = %v", err)
	}
}

func TestStages(t *testing.T) {
	b := bound(t)
	ctx := context.Background()
	rows := []cust{goodRow(0), goodRow(1), goodRow(2)}
	if out, err := b.Enforce("enforce").Process(ctx, rows); err != nil || len(out) != 3 {
		t.Fatalf("Enforce(good) = %d, %v", len(out), err)
	}
	rows[1].Age = 0
	_, err := b.Enforce("enforce").Process(ctx, rows)
	var ve *ViolationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "age: range [18, 100] (1 rows)") {
		t.Fatalf("Enforce(bad) = %v", err)
	}
	s, err := b.QuarantineStage("q").Process(ctx, rows)
	if err != nil || len(s.Valid) != 2 || len(s.Rejected) != 1 {
		t.Fatalf("QuarantineStage = %+v, %v", s, err)
	}
	if _, err := b.Check("check").Process(ctx, rows[1]); !errors.Is(err, ErrViolation) {
		t.Fatalf("Check(bad) = %v", err)
	}
}

func TestInfer(t *testing.T) {
	rows := make([]cust, 100)
	for i := range rows {
		rows[i] = goodRow(i)
		rows[i].Segment = []string{"low", "mid", "high"}[i%3]
		if i%10 == 0 {
			rows[i].Income = nil
		}
	}
	c, err := Infer("customers", rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	age := c.Field("age")
	if age.Type != Float || *age.Checks[0].Min != 30-0.9 || *age.Checks[0].Max != 39+0.9 {
		t.Errorf("inferred age %+v", age)
	}
	seg := c.Field("segment")
	if seg.Type != Category || !slices.Equal(seg.Checks[0].Values, []string{"high", "low", "mid"}) {
		t.Errorf("inferred segment %+v", seg)
	}
	inc := c.Field("income")
	if !inc.Nullable || inc.Checks[1].Kind != KindNotNullRatio || inc.Checks[1].Ratio != 0.88 || inc.Checks[1].Severity != Warn {
		t.Errorf("inferred income %+v", inc)
	}
	id := c.Field("id")
	if *id.Checks[0].Min != -9 || *id.Checks[0].Max != 110 {
		t.Errorf("inferred id range [%v, %v]; want [-9, 110]", *id.Checks[0].Min, *id.Checks[0].Max)
	}
	b, err := Bind[cust](c)
	if err != nil {
		t.Fatal(err)
	}
	if rep := b.Validate(rows); rep.Verdict != Pass {
		t.Errorf("sample fails its inferred contract:\n%s", rep)
	}
	if _, err := Infer[cust]("x", nil, nil); err == nil {
		t.Error("Infer(empty) = nil error")
	}
}

func TestCompare(t *testing.T) {
	base := func() *Contract {
		return New("c", FloatField("a", Range(0, 10)), CategoryField("s", OneOf("x", "y")), IntField("n").Optional(), StringField("gone"))
	}
	tests := []struct {
		name     string
		edit     func(c *Contract)
		breaking bool
		detail   string
	}{
		{"same", func(c *Contract) {}, false, ""},
		{"removed", func(c *Contract) { c.Fields = c.Fields[:3] }, true, "field removed"},
		{"widerRange", func(c *Contract) { c.Fields[0] = FloatField("a", Range(-1, 20)) }, false, "range [0, 10] → range [-1, 20]"},
		{"tighterRange", func(c *Contract) { c.Fields[0] = FloatField("a", Range(1, 10)) }, true, "range [0, 10] → range [1, 10]"},
		{"exclusive", func(c *Contract) { c.Fields[0].Checks[0].MinExclusive = true }, true, "range (0, 10]"},
		{"smallerSet", func(c *Contract) { c.Fields[1] = CategoryField("s", OneOf("x")) }, true, "set {x, y} → set {x}"},
		{"biggerSet", func(c *Contract) { c.Fields[1] = CategoryField("s", OneOf("x", "y", "z")) }, false, "set {x, y, z}"},
		{"required", func(c *Contract) { c.Fields[2].Nullable = false }, true, "nullable → required"},
		{"nowNullable", func(c *Contract) { c.Fields[0].Nullable = true }, false, "now nullable"},
		{"narrowType", func(c *Contract) { c.Fields[0].Type = Int }, true, "type float → int"},
		{"widenType", func(c *Contract) { c.Fields[2].Type = Float }, false, "type int → float"},
		{"catToString", func(c *Contract) { c.Fields[1].Type = String }, false, "type category → string"},
		{"addRequired", func(c *Contract) { c.Fields = append(c.Fields, IntField("new")) }, true, "field added"},
		{"addOptional", func(c *Contract) { c.Fields = append(c.Fields, IntField("new").Optional()) }, false, "field added"},
		{"addCheck", func(c *Contract) { c.Fields[3].Checks = append(c.Fields[3].Checks, Unique()) }, true, "check added: unique"},
		{"addWarn", func(c *Contract) { c.Fields[3].Checks = append(c.Fields[3].Checks, Unique().Warn()) }, false, "check added: unique"},
		{"dropCheck", func(c *Contract) { c.Fields[0].Checks = nil }, false, "check removed"},
		{"toWarn", func(c *Contract) {
			c.Fields[0].Checks[len(c.Fields[0].Checks)-1] = c.Fields[0].Checks[len(c.Fields[0].Checks)-1].Warn()
		}, false, "severity error → warn"},
		{"rowCount", func(c *Contract) { c.With(RowCount(10, -1)) }, true, "dataset check added"},
	}
	for _, tt := range tests {
		n := base()
		tt.edit(n)
		d := Compare(base(), n)
		if d.Breaking() != tt.breaking || (tt.detail == "" && len(d) != 0) || !strings.Contains(d.String(), tt.detail) {
			t.Errorf("%s: Compare = %q (breaking %v); want breaking %v with %q", tt.name, d.String(), d.Breaking(), tt.breaking, tt.detail)
		}
	}
}

func TestFieldCopiesItsChecks(t *testing.T) {
	checks := []Check{Range(0, 1), OneOf("a")}
	f := FloatField("a", checks...)
	checks[0] = Unique()
	if f.Checks[0].Kind != KindRange || len(f.Checks) != 2 {
		t.Errorf("FloatField shares its checks slice: %+v", f.Checks)
	}
	if w := Range(0, 1).Warn(); w.Severity != Warn || w.Kind != KindRange {
		t.Errorf("Range(0, 1).Warn() = %+v", w)
	}
}

// FuzzParse: Parse never panics, and what it accepts round-trips exactly
// and binds or fails to bind with an error.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "customers.contract.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"version":1,"name":"x","fields":[{"name":"age","type":"float","checks":[{"kind":"range","severity":"warn","min":-1e308}]}]}`))
	f.Add([]byte(`{"version":1,"name":"","fields":[{"name":"segment","type":"category","nullable":true,"checks":[{"kind":"regex","severity":"error","pattern":"a|b*"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse error %v does not wrap ErrInvalid", err)
			}
			return
		}
		out, err := c.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed contract: %v", err)
		}
		c2, err := Parse(out)
		if err != nil {
			t.Fatalf("re-Parse: %v\n%s", err, out)
		}
		if diff := cmp.Diff(c, c2); diff != "" {
			t.Fatalf("round trip differs:\n%s", diff)
		}
		b, err := Bind(c, Pred("adult_target", adultTarget))
		if err != nil {
			if !errors.Is(err, ErrBind) {
				t.Fatalf("Bind error %v does not wrap ErrBind", err)
			}
			return
		}
		r := goodRow(1)
		_ = b.CheckRow(&r)
		_ = b.Validate([]cust{r, goodRow(2)})
	})
}
