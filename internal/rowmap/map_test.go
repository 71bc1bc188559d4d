package rowmap

import (
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type Base struct {
	ID int64 `loom:"id"`
}

type row struct {
	Base
	Age     float64         `loom:"age"`
	Income  *float64        `loom:"income"`
	Count   int32           `loom:"count"`
	Small   *int8           `loom:"small"`
	Seg     string          `loom:"segment,category"`
	Channel *string         `loom:"channel"`
	OK      bool            `loom:"ok"`
	When    time.Time       `loom:"when"`
	Score   sql.NullFloat64 `loom:"score"`
	Name    sql.NullString  `loom:"name"`
	Gen     sql.Null[int64] `loom:"gen"`
	Ignored int
	Skip    float64 `loom:"-"`
}

func TestOfFields(t *testing.T) {
	m, err := Of[row]()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name     string
		typ      Type
		kind     Kind
		nullable bool
	}{
		{"id", Int, KindInt, false},
		{"age", Float, KindFloat, false},
		{"income", Float, KindFloat, true},
		{"count", Int, KindInt, false},
		{"small", Int, KindInt, true},
		{"segment", Category, KindString, false},
		{"channel", String, KindString, true},
		{"ok", Bool, KindBool, false},
		{"when", Timestamp, KindTime, false},
		{"score", Float, KindFloat, true},
		{"name", String, KindString, true},
		{"gen", Int, KindInt, true},
	}
	if m.Len() != len(want) {
		t.Fatalf("Len() = %d; want %d (%v)", m.Len(), len(want), m.Names())
	}
	for i, w := range want {
		f := m.Field(i)
		if f.Name != w.name || f.Type != w.typ || f.Kind != w.kind || f.Nullable != w.nullable {
			t.Errorf("Field(%d) = %s %v %v nullable=%v; want %s %v %v %v", i, f.Name, f.Type, f.Kind, f.Nullable, w.name, w.typ, w.kind, w.nullable)
		}
		if m.Index(w.name) != i {
			t.Errorf("Index(%q) = %d; want %d", w.name, m.Index(w.name), i)
		}
	}
	if m.Index("nope") != -1 {
		t.Errorf("Index(nope) = %d; want -1", m.Index("nope"))
	}
	if m2 := MustOf[row](); m2 != m {
		t.Error("Of is not cached")
	}
}

func TestOfErrors(t *testing.T) {
	type dup struct {
		A int `loom:"a"`
		B int `loom:"a"`
	}
	type unsupported struct {
		A []int `loom:"a"`
	}
	type unexported struct {
		a int `loom:"a"`
	}
	type none struct{ A int }
	type badOpt struct {
		A int `loom:"a,category"`
	}
	type unknownOpt struct {
		A string `loom:"a,weird"`
	}
	type empty struct {
		A string `loom:""`
	}
	_ = unexported{}.a
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dup", errOf[dup](), "duplicate"},
		{"unsupported", errOf[unsupported](), "unsupported type"},
		{"unexported", errOf[unexported](), "unexported"},
		{"none", errOf[none](), "no field"},
		{"notStruct", errOf[int](), "must be a struct"},
		{"badOpt", errOf[badOpt](), "category needs a string"},
		{"unknownOpt", errOf[unknownOpt](), "unknown loom tag option"},
		{"empty", errOf[empty](), "empty loom tag"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: Of error = %v; want it to contain %q", tt.name, tt.err, tt.want)
		}
	}
	// Errors are cached too.
	if errOf[dup]() == nil {
		t.Error("second Of[dup] returned no error")
	}
}

func errOf[T any]() error { _, err := Of[T](); return err }

func TestGetSet(t *testing.T) {
	m := MustOf[row]()
	var r row
	ix := m.Index
	if !m.IsNull(&r, ix("income")) || !m.IsNull(&r, ix("score")) || m.IsNull(&r, ix("age")) {
		t.Fatal("IsNull on zero row is wrong")
	}
	mustNil(t, m.SetFloat(&r, ix("age"), 41.5))
	mustNil(t, m.SetFloat(&r, ix("income"), 1000))
	mustNil(t, m.SetInt(&r, ix("count"), 7))
	mustNil(t, m.SetInt(&r, ix("small"), -3))
	mustNil(t, m.SetInt(&r, ix("id"), 99))
	mustNil(t, m.SetFloat(&r, ix("score"), 0.5))
	mustNil(t, m.SetInt(&r, ix("gen"), 12))
	m.SetStr(&r, ix("segment"), "mid")
	m.SetStr(&r, ix("channel"), "ch01")
	m.SetStr(&r, ix("name"), "ann")
	m.SetBool(&r, ix("ok"), true)
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m.SetTime(&r, ix("when"), ts)
	if r.Age != 41.5 || *r.Income != 1000 || r.Count != 7 || *r.Small != -3 || r.ID != 99 || r.Seg != "mid" ||
		*r.Channel != "ch01" || !r.OK || !r.When.Equal(ts) || r.Score != (sql.NullFloat64{Float64: 0.5, Valid: true}) ||
		r.Name.String != "ann" || !r.Name.Valid || r.Gen.V != 12 || !r.Gen.Valid {
		t.Fatalf("setters gave %+v", r)
	}
	if v, ok := m.Float(&r, ix("count")); !ok || v != 7 {
		t.Errorf("Float(count) = %v, %v; want 7, true", v, ok)
	}
	if v, ok := m.Int(&r, ix("small")); !ok || v != -3 {
		t.Errorf("Int(small) = %v, %v; want -3, true", v, ok)
	}
	if v, ok := m.Str(&r, ix("name")); !ok || v != "ann" {
		t.Errorf("Str(name) = %v, %v", v, ok)
	}
	if v, ok := m.Bool(&r, ix("ok")); !ok || !v {
		t.Errorf("Bool(ok) = %v, %v", v, ok)
	}
	if v, ok := m.Time(&r, ix("when")); !ok || !v.Equal(ts) {
		t.Errorf("Time(when) = %v, %v", v, ok)
	}
	if v, ok := m.Float(&r, ix("score")); !ok || v != 0.5 {
		t.Errorf("Float(score) = %v, %v", v, ok)
	}
	if err := m.SetInt(&r, ix("small"), 300); !errors.Is(err, ErrRange) {
		t.Errorf("SetInt(small, 300) = %v; want ErrRange", err)
	}
	for _, name := range []string{"income", "small", "channel", "score", "name", "gen"} {
		m.SetNull(&r, ix(name))
		if !m.IsNull(&r, ix(name)) {
			t.Errorf("after SetNull(%s) IsNull = false", name)
		}
	}
	if _, ok := m.Float(&r, ix("income")); ok {
		t.Error("Float(income) present after SetNull")
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestKindPanics(t *testing.T) {
	m := MustOf[row]()
	var r row
	tests := []struct {
		name string
		fn   func()
	}{
		{"Str on float", func() { m.Str(&r, m.Index("age")) }},
		{"Int on float", func() { m.Int(&r, m.Index("age")) }},
		{"Float on string", func() { m.Float(&r, m.Index("segment")) }},
		{"SetFloat on int", func() { _ = m.SetFloat(&r, m.Index("count"), 1) }},
		{"SetNull on non-nullable", func() { m.SetNull(&r, m.Index("age")) }},
		{"SetBool on time", func() { m.SetBool(&r, m.Index("when"), true) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				v := recover()
				if s, _ := v.(string); !strings.HasPrefix(s, "rowmap: ") {
					t.Errorf("%s: panic %v; want a rowmap: panic", tt.name, v)
				}
			}()
			tt.fn()
		}()
	}
}

func TestSetText(t *testing.T) {
	m := MustOf[row]()
	tests := []struct {
		field, text string
		err         error
		check       func(r *row) bool
	}{
		{"age", "41.25", nil, func(r *row) bool { return r.Age == 41.25 }},
		{"age", "abc", ErrType, nil},
		{"age", "1e400", ErrRange, nil},
		{"income", "5", nil, func(r *row) bool { return *r.Income == 5 }},
		{"count", "12", nil, func(r *row) bool { return r.Count == 12 }},
		{"count", "1.5", ErrType, nil},
		{"count", "99999999999", ErrRange, nil},
		{"small", "-128", nil, func(r *row) bool { return *r.Small == -128 }},
		{"small", "128", ErrRange, nil},
		{"ok", "true", nil, func(r *row) bool { return r.OK }},
		{"ok", "yes", ErrType, nil},
		{"when", "2026-01-02", nil, func(r *row) bool { return r.When.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) }},
		{"when", "2026-01-02T03:04:05Z", nil, func(r *row) bool { return r.When.Hour() == 3 }},
		{"when", "2026-01-02 03:04:05", nil, func(r *row) bool { return r.When.Second() == 5 }},
		{"when", "yesterday", ErrType, nil},
		{"channel", "", nil, func(r *row) bool { return r.Channel != nil && *r.Channel == "" }},
		{"gen", "4", nil, func(r *row) bool { return r.Gen.Valid && r.Gen.V == 4 }},
	}
	var a Arena
	for _, tt := range tests {
		var r row
		err := m.SetText(&r, m.Index(tt.field), tt.text, &a)
		if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
			t.Errorf("SetText(%s, %q) = %v; want %v", tt.field, tt.text, err, tt.err)
			continue
		}
		if tt.check != nil && !tt.check(&r) {
			t.Errorf("SetText(%s, %q) gave %+v", tt.field, tt.text, r)
		}
	}
}

func TestArenaPointeesDistinct(t *testing.T) {
	m := MustOf[row]()
	var a Arena
	rows := make([]row, 3000)
	for i := range rows {
		mustNil(t, m.SetText(&rows[i], m.Index("income"), "1", &a))
		*rows[i].Income = float64(i)
	}
	for i := range rows {
		if *rows[i].Income != float64(i) {
			t.Fatalf("row %d income %v: pointees shared", i, *rows[i].Income)
		}
	}
}

func TestGetterAllocs(t *testing.T) {
	m := MustOf[row]()
	inc := 3.0
	r := row{Age: 1, Income: &inc, Seg: "x"}
	age, income, seg := m.Index("age"), m.Index("income"), m.Index("segment")
	var sink float64
	n := testing.AllocsPerRun(100, func() {
		a, _ := m.Float(&r, age)
		b, _ := m.Float(&r, income)
		s, _ := m.Str(&r, seg)
		sink += a + b + float64(len(s))
		_ = m.SetFloat(&r, age, a+1)
	})
	if n != 0 {
		t.Errorf("getters allocate %v times per run; want 0", n)
	}
	_ = sink
}

func TestClip(t *testing.T) {
	if got := Clip("abc", 5); got != "abc" {
		t.Errorf("Clip(abc, 5) = %q", got)
	}
	got := Clip(strings.Repeat("é", 10), 5)
	if !strings.HasPrefix(got, "éé…") {
		t.Errorf("Clip(é×10, 5) = %q; want a cut at a rune boundary", got)
	}
}

// FuzzTags builds struct types with fuzzed loom tags and checks that
// analysing them returns fields or an error, never a panic, and that the
// fields found are consistent.
func FuzzTags(f *testing.F) {
	f.Add("age", "income,category", "-")
	f.Add("a", "a", "b")
	f.Add("", ",", "x,category")
	f.Add("segment,category", "when", "ok,,")
	f.Fuzz(func(t *testing.T, t1, t2, t3 string) {
		tags := []string{t1, t2, t3}
		types := []reflect.Type{reflect.TypeFor[float64](), reflect.TypeFor[*string](), reflect.TypeFor[sql.NullInt64]()}
		var sf []reflect.StructField
		for i, tg := range tags {
			tag := reflect.StructTag(`loom:"` + strings.NewReplacer(`"`, ``, `\`, ``).Replace(tg) + `"`)
			sf = append(sf, reflect.StructField{Name: "F" + string(rune('A'+i)), Type: types[i], Tag: tag})
		}
		fields, index, err := analyze(reflect.StructOf(sf))
		if err != nil {
			return
		}
		for i, fd := range fields {
			if index[fd.Name] != i || fd.Name == "" || fd.Kind == 0 || fd.Type == 0 {
				t.Fatalf("inconsistent field %d: %+v", i, fd)
			}
		}
	})
}
