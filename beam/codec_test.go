package beam

import (
	"database/sql"
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// kinds has a field of every kind the columnar encoding handles.
type kinds struct {
	F   float64         `loom:"f"`
	F32 float32         `loom:"f32"`
	PF  *float64        `loom:"pf"`
	I   int             `loom:"i"`
	I8  int8            `loom:"i8"`
	U16 uint16          `loom:"u16"`
	PI  *int64          `loom:"pi"`
	S   string          `loom:"s"`
	PS  *string         `loom:"ps"`
	NS  sql.NullString  `loom:"ns"`
	B   bool            `loom:"b"`
	NB  sql.NullBool    `loom:"nb"`
	At  time.Time       `loom:"at"`
	PAt *time.Time      `loom:"pat"`
	NF  sql.NullFloat64 `loom:"nf"`
}

// untagged has an exported field without a loom tag: it travels by gob.
type untagged struct {
	X    float64 `loom:"x"`
	Note string
}

func kindRows() []kinds {
	f, i, s := 2.5, int64(-7), "ptr"
	at := time.Date(2026, 12, 3, 10, 30, 0, 123456789, time.FixedZone("X", 3600))
	return []kinds{
		{F: 1, F32: 1.5, PF: &f, I: -3, I8: -128, U16: 65535, PI: &i, S: "héllo", PS: &s, NS: sql.NullString{String: "n", Valid: true}, B: true,
			NB: sql.NullBool{Bool: true, Valid: true}, At: at, PAt: &at, NF: sql.NullFloat64{Float64: math.Inf(-1), Valid: true}},
		{F: math.NaN(), S: ""},
		{F: math.Copysign(0, -1), F32: math.MaxFloat32, I: math.MinInt64, S: strings.Repeat("x", 300), At: time.Unix(0, 0).UTC()},
	}
}

func TestBlockRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"columnar", func(t *testing.T) { roundTrip(t, kindRows(), codecColumnar) }},
		{"gob", func(t *testing.T) { roundTrip(t, []untagged{{X: 1, Note: "a"}, {X: math.Inf(1)}}, codecGob) }},
		{"empty", func(t *testing.T) { roundTrip(t, []kinds{}, codecColumnar) }},
		{"scored", func(t *testing.T) {
			rows := kindRows()
			in := Block[Scored[kinds]]{Rows: []Scored[kinds]{{Row: rows[0], Prediction: 1, Probabilities: []float64{0.25, 0.75}}, {Row: rows[1], Prediction: 0, Probabilities: []float64{1, 0}}}}
			data, err := encodeScored(in)
			if err != nil {
				t.Fatal(err)
			}
			blk, err := decodeScored[kinds](data)
			if err != nil {
				t.Fatal(err)
			}
			out := blk.Rows
			if len(out) != 2 || out[0].Prediction != 1 || !reflect.DeepEqual(out[1].Probabilities, []float64{1, 0}) || out[0].Row.S != "héllo" {
				t.Fatalf("decoded %+v", out)
			}
			in.Rows[1].Probabilities = []float64{1}
			if _, err := encodeScored(in); err == nil || !strings.Contains(err.Error(), "row 1 has 1 class probabilities") {
				t.Fatalf("ragged probabilities: %v", err)
			}
		}},
	} {
		t.Run(tc.name, tc.run)
	}
}

// roundTrip encodes and decodes rows, checking the encoding used.
func roundTrip[T any](t *testing.T, rows []T, enc byte) {
	t.Helper()
	data, err := encodeBlock(Block[T]{Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	if data[0] != enc {
		t.Fatalf("encoding %d, want %d", data[0], enc)
	}
	blk, err := decodeBlock[T](data)
	if err != nil {
		t.Fatal(err)
	}
	got := blk.Rows
	if len(got) != len(rows) {
		t.Fatalf("%d rows back of %d", len(got), len(rows))
	}
	for i := range rows {
		if !sameRow(got[i], rows[i]) {
			t.Errorf("row %d: %+v, want %+v", i, got[i], rows[i])
		}
	}
}

// sameRow compares rows as their encodings do: NaN equal to NaN, times by
// instant and zone offset.
func sameRow(a, b any) bool {
	ka, ok := a.(kinds)
	if !ok {
		return reflect.DeepEqual(a, b)
	}
	kb := b.(kinds)
	if !(ka.F == kb.F || math.IsNaN(ka.F) && math.IsNaN(kb.F)) || math.Signbit(ka.F) != math.Signbit(kb.F) {
		return false
	}
	if !ka.At.Equal(kb.At) || (ka.PAt == nil) != (kb.PAt == nil) || ka.PAt != nil && !ka.PAt.Equal(*kb.PAt) {
		return false
	}
	_, oa := ka.At.Zone()
	_, ob := kb.At.Zone()
	ka.F, kb.F, ka.At, kb.At, ka.PAt, kb.PAt = 0, 0, time.Time{}, time.Time{}, nil, nil
	return oa == ob && reflect.DeepEqual(ka, kb)
}

func TestBlockDecodeErrors(t *testing.T) {
	good, err := encodeBlock(Block[kinds]{Rows: kindRows()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"unknown encoding", []byte{9}, "unknown encoding 9"},
		{"gob for a tagged type", []byte{codecGob}, "gob-encoded"},
		{"truncated header", []byte{codecColumnar}, "header: truncated"},
		{"too many rows", []byte{codecColumnar, 0xff, 0xff, 0xff, 0x7f, 15}, "rows in"},
		{"other fields", []byte{codecColumnar, 1, 3}, "3 fields, want 15"},
		{"truncated field", good[:len(good)/2], "truncated"},
		{"trailing bytes", append(append([]byte(nil), good...), 0), "1 bytes after its end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeBlock[kinds](tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := decodeBlock[untagged]([]byte{codecColumnar, 0, 1}); err == nil || !strings.Contains(err.Error(), "uses gob") {
		t.Fatalf("columnar block for a gob type: %v", err)
	}
}

// FuzzDecodeBlock feeds arbitrary bytes, as a runner might hand a worker,
// to the block decoders: an error, never a panic, and a block that decodes
// encodes back to a block that decodes to the same rows.
func FuzzDecodeBlock(f *testing.F) {
	good, err := encodeBlock(Block[kinds]{Rows: kindRows()})
	if err != nil {
		f.Fatal(err)
	}
	rows := kindRows()
	scored, err := encodeScored(Block[Scored[kinds]]{Rows: []Scored[kinds]{{Row: rows[0], Prediction: 1, Probabilities: []float64{0.5, 0.5}}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add(scored)
	f.Add([]byte{codecColumnar, 0, 15})
	f.Fuzz(func(t *testing.T, data []byte) {
		if b, err := decodeBlock[kinds](data); err == nil {
			again, err := encodeBlock(b)
			if err != nil {
				t.Fatal(err)
			}
			b2, err := decodeBlock[kinds](again)
			if err != nil || len(b2.Rows) != len(b.Rows) {
				t.Fatalf("re-decoding: %d rows, %v; want %d", len(b2.Rows), err, len(b.Rows))
			}
		}
		_, _ = decodeScored[kinds](data)
	})
}

// TestDecodeScoredHostileCount: a probability count that overflows when
// multiplied by the rows is an error, not a huge allocation.
func TestDecodeScoredHostileCount(t *testing.T) {
	rows := kindRows()[:1]
	good, err := encodeScored(Block[Scored[kinds]]{Rows: []Scored[kinds]{{Row: rows[0], Prediction: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	// good ends with k = 0; replace it by 2^61, whose product with one row
	// and 8 bytes wraps to 0.
	data := append(good[:len(good)-1:len(good)-1], binary.AppendUvarint(nil, 1<<61)...)
	if _, err := decodeScored[kinds](data); err == nil {
		t.Fatal("a count of 2^61 probabilities in 0 bytes decoded")
	}
}
