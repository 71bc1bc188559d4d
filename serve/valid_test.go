package serve

import (
	"encoding/json"
	"strings"
	"testing"
)

var validCases = []string{
	goodInstance, `{}`, `[]`, ` { "a" : [ 1 , -2.5e+3 , true , false , null , "x\"\\\/\b\f\n\r\t\u00e9" , { } , [ ] ] } `,
	`0`, `-0`, `1.5`, `1e5`, `1E-5`, `"s"`, `null`, `true`, `{"a":{"b":{"c":[[[]]]}}}`, "\"\xff\xfe\"",
	strings.Repeat("[", 70) + strings.Repeat("]", 70), strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100),
	// invalid
	``, ` `, `{`, `}`, `[`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a" 1}`, `{1:2}`, `01`, `-`, `1.`, `.5`,
	`1e`, `1e+`, `+1`, `tru`, `nul`, `falsey`, `"abc`, `"\x"`, `"\u12"`, `"\u12g4"`, "\"a\x01\"", `{"a":1}}`, `[1]]`,
	`[1}`, `{"a":1]`, `1 2`, `"a" "b"`, `{"a":1 "b":2}`, strings.Repeat("[", 70) + strings.Repeat("]", 69),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), "{\"age\":\x00}", `{"a":-}`, `[-01]`, `[1.e5]`, `NaN`,
}

// TestValidJSON: validJSON agrees with json.Valid.
func TestValidJSON(t *testing.T) {
	for _, c := range validCases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%.60q) = %v; json.Valid = %v", c, got, want)
		}
	}
}

// FuzzValidJSON checks validJSON against json.Valid on any bytes.
func FuzzValidJSON(f *testing.F) {
	for _, c := range validCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := validJSON(data), json.Valid(data); got != want {
			t.Fatalf("validJSON(%q) = %v; json.Valid = %v", data, got, want)
		}
	})
}

// BenchmarkValidJSON compares validJSON with json.Valid on a /predict
// body.
func BenchmarkValidJSON(b *testing.B) {
	body := []byte(goodInstance)
	for _, fn := range []struct {
		name string
		fn   func([]byte) bool
	}{{"validJSON", validJSON}, {"json.Valid", json.Valid}} {
		b.Run(fn.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if !fn.fn(body) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
