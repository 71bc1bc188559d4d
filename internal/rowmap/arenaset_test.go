package rowmap

import (
	"testing"
	"time"
)

type arenaRow struct {
	F  *float64   `loom:"f"`
	I  *int64     `loom:"i"`
	S  *string    `loom:"s"`
	B  *bool      `loom:"b"`
	T  *time.Time `loom:"t"`
	F8 *int8      `loom:"f8"` // not an arena store: allocated on its own
	V  float64    `loom:"v"`  // not a pointer: no pointee
}

// TestSetIn: the Set…In methods store what the Set methods store, take the
// pointees of pointer fields from the arena (one slab per 1,024 values),
// and never hand a pointee out twice.
func TestSetIn(t *testing.T) {
	m, err := Of[arenaRow]()
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
	var a Arena
	rows := make([]arenaRow, 3000)
	fill := func(r *arenaRow, k int, a *Arena) {
		if err := m.SetFloatIn(r, 0, float64(k), a); err != nil {
			t.Fatal(err)
		}
		if err := m.SetIntIn(r, 1, int64(k), a); err != nil {
			t.Fatal(err)
		}
		m.SetStrIn(r, 2, "x", a)
		m.SetBoolIn(r, 3, k%2 == 0, a)
		m.SetTimeIn(r, 4, when, a)
		if err := m.SetIntIn(r, 5, 7, a); err != nil {
			t.Fatal(err)
		}
		if err := m.SetFloatIn(r, 6, 1.5, a); err != nil {
			t.Fatal(err)
		}
	}
	for k := range rows {
		fill(&rows[k], k, &a)
	}
	seen := map[*float64]bool{}
	for k, r := range rows {
		if *r.F != float64(k) || *r.I != int64(k) || *r.S != "x" || *r.B != (k%2 == 0) || !r.T.Equal(when) || *r.F8 != 7 || r.V != 1.5 {
			t.Fatalf("row %d = %+v", k, r)
		}
		if seen[r.F] {
			t.Fatalf("row %d shares its float pointee", k)
		}
		seen[r.F] = true
	}
	if err := m.SetIntIn(&rows[0], 5, 300, &a); err != ErrRange {
		t.Fatalf("SetIntIn(300) into an int8 = %v; want ErrRange", err)
	}
	// Amortised: 1,024 float values cost one allocation.
	var r arenaRow
	a = Arena{}
	if n := testing.AllocsPerRun(1000, func() { m.SetFloatIn(&r, 0, 1, &a) }); n > 0.01 {
		t.Fatalf("SetFloatIn allocates %v times per value; want about 1/1024", n)
	}
	if n := testing.AllocsPerRun(100, func() { m.SetFloatIn(&r, 0, 1, nil) }); n != 1 {
		t.Fatalf("SetFloatIn with a nil arena allocates %v times; want 1", n)
	}
}
