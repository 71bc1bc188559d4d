package source

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var update = flag.Bool("update", false, "rewrite the IPC files in testdata")

// ipcBytes writes rows as an Arrow IPC file and an IPC stream, in batches of
// batch rows.
func ipcBytes(t testing.TB, rows []rec, batch int) (file, stream []byte) {
	t.Helper()
	schema, err := Schema[rec]()
	if err != nil {
		t.Fatal(err)
	}
	var fb, sb bytes.Buffer
	fw, err := ipc.NewFileWriter(&fb, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	sw := ipc.NewWriter(&sb, ipc.WithSchema(schema))
	for lo := 0; lo < len(rows); lo += batch {
		r, err := Record(memory.DefaultAllocator, rows[lo:min(lo+batch, len(rows))])
		if err != nil {
			t.Fatal(err)
		}
		if err := fw.Write(r); err != nil {
			t.Fatal(err)
		}
		if err := sw.Write(r); err != nil {
			t.Fatal(err)
		}
		r.Release()
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	return fb.Bytes(), sb.Bytes()
}

// ipcTestdata returns testdata/rows.arrow and testdata/rows.arrows (12 rows
// of every column kind in batches of 5), rewriting them with -update.
func ipcTestdata(t testing.TB) (file, stream []byte) {
	t.Helper()
	paths := [2]string{filepath.Join("testdata", "rows.arrow"), filepath.Join("testdata", "rows.arrows")}
	if *update {
		f, s := ipcBytes(t, sampleRecs(12), 5)
		for i, b := range [2][]byte{f, s} {
			if err := os.WriteFile(paths[i], b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out [2][]byte
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out[0], out[1]
}

// checkIPCErrors reads data as an IPC file (when file is true) or stream
// into rec: it must not panic, and every error must say where (a
// *source.Error).
func checkIPCErrors(t *testing.T, data []byte, file bool) {
	t.Helper()
	// Not a checked allocator: on some damaged files arrow-go's file reader
	// itself drops a message buffer when it fails (left to the GC).
	mem := memory.DefaultAllocator
	seq := ReadIPCStream[rec](context.Background(), "x.arrows", bytes.NewReader(data), mem)
	if file {
		seq = ReadIPCFile[rec](context.Background(), "x.arrow", bytes.NewReader(data), mem)
	}
	for _, err := range seq {
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not a *source.Error", err, err)
		}
	}
}

// TestIPCCorruptBytes damages the IPC file and stream in testdata one to
// four bytes at a time, at seeded random places, and reads them: no read
// may panic (an earlier version panicked in about a third of them, slicing
// string columns by offsets it trusted), and every error says where.
func TestIPCCorruptBytes(t *testing.T) {
	file, stream := ipcTestdata(t)
	rng := rand.New(rand.NewPCG(19, 3))
	trials := 300
	if testing.Short() {
		trials = 60
	}
	for i, orig := range [][]byte{file, stream} {
		for range trials {
			data := bytes.Clone(orig)
			for range 1 + rng.IntN(4) {
				data[rng.IntN(len(data))] = byte(rng.Uint32())
			}
			checkIPCErrors(t, data, i == 0)
		}
	}
}

// FuzzReadIPCFile reads any bytes as an Arrow IPC file and as an IPC
// stream into rec: never a panic, and every error a *source.Error.
func FuzzReadIPCFile(f *testing.F) {
	file, stream := ipcTestdata(f)
	f.Add(file)
	f.Add(stream)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkIPCErrors(t, data, true)
		checkIPCErrors(t, data, false)
	})
}
