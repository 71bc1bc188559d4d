package serve

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestReadBody: readBody reads a body of any length up to the limit, known
// or not in advance and however the reads are cut, and refuses one byte
// more with an *http.MaxBytesError.
func TestReadBody(t *testing.T) {
	const limit = 100
	boom := errors.New("connection reset")
	for _, tc := range []struct {
		name    string
		size    int
		known   bool                      // Content-Length given
		wrap    func(io.Reader) io.Reader // how the reads are cut
		wantErr error                     // nil, or the error's type by example
	}{
		{"empty", 0, true, nil, nil},
		{"small", 10, true, nil, nil},
		{"at the limit", limit, true, nil, nil},
		{"at the limit, length unknown", limit, false, nil, nil},
		{"at the limit, one byte per read", limit, false, iotest.OneByteReader, nil},
		{"one past the limit, length unknown", limit + 1, false, nil, &http.MaxBytesError{}},
		{"one past the limit, one byte per read", limit + 1, false, iotest.OneByteReader, &http.MaxBytesError{}},
		{"far past the limit, length unknown", 10 * limit, false, iotest.HalfReader, &http.MaxBytesError{}},
		{"past the limit, length given", limit + 1, true, nil, &http.MaxBytesError{}},
		{"read error", 50, false, func(r io.Reader) io.Reader { return io.MultiReader(r, iotest.ErrReader(boom)) }, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Repeat("x", tc.size)
			var r io.Reader = strings.NewReader(body)
			if tc.wrap != nil {
				r = tc.wrap(r)
			}
			req := httptest.NewRequest(http.MethodPost, "/predict", r)
			req.ContentLength = -1
			if tc.known {
				req.ContentLength = int64(tc.size)
			}
			if tc.size == 0 {
				req.Body = http.NoBody
			}
			var buf bytes.Buffer
			got, err := readBody(httptest.NewRecorder(), req, limit, &buf, time.Now().Add(time.Second))
			switch want := tc.wantErr.(type) {
			case nil:
				if err != nil || string(got) != body {
					t.Fatalf("readBody = %d bytes, %v; want the %d bytes", len(got), err, tc.size)
				}
			case *http.MaxBytesError:
				var mbe *http.MaxBytesError
				if !errors.As(err, &mbe) || mbe.Limit != limit {
					t.Fatalf("readBody of %d bytes = %v; want an *http.MaxBytesError with limit %d", tc.size, err, limit)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("readBody = %v; want %v", err, want)
				}
			}
		})
	}
}
