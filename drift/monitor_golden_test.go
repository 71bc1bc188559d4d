package drift

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/metric/noop"
)

// TestObserveGolden keeps what a monitor accumulates bit for bit: the
// encodings of the numeric columns' sketches, their shifted sums, the
// missing counts and the category counts of each closed window, hashed
// per window and compared with testdata/observe_golden.txt (written by
// LOOM_UPDATE=1). Rows go through Observe and, one in five, through
// ObserveValues; some values are NaN or absent, so the windows include
// missing values of both paths. One goroutine gives the same windows
// whatever the number of shards (its rows all land in one).
func TestObserveGolden(t *testing.T) {
	for _, shards := range []int{1, 2} {
		observeGolden(t, shards)
	}
}

func observeGolden(t *testing.T, shards int) {
	rows := wideRows(4096, 3, 0.25)
	var got []string
	var m *Monitor[wideRow]
	m, err := NewMonitor(wideProfile(2000, 1), wideColumns(), &MonitorOptions{
		Window: Window{Rows: 12_000}, MeterProvider: noop.NewMeterProvider(), Shards: shards,
		OnReport: func(WindowInfo, *Report) { got = append(got, accsHash(t, &m.core.panes[0])) },
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range wideColumns() {
		names = append(names, c.Name())
	}
	for i := range 3 * 12_000 {
		r := rows[i&4095]
		if i%7 == 0 {
			r.Num[3] = math.NaN()
		}
		if i%5 != 0 {
			m.Observe(&r)
			continue
		}
		nums, cats := map[string]float64{}, map[string]string{}
		for j, x := range r.Num {
			if j != 11 {
				nums[names[j]] = x
			}
		}
		for j, v := range r.Cat[:4] {
			cats[names[20+j]] = v
		}
		if err := m.ObserveValues(nums, cats); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join("testdata", "observe_golden.txt")
	text := strings.Join(got, "\n") + "\n"
	if updateGolden && shards == 1 {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if text != string(want) {
		t.Errorf("%d shards: window hashes:\n%s\nwant:\n%s", shards, text, want)
	}
}

// accsHash returns the SHA-256, in hex, of what a set of accumulators holds.
func accsHash(t *testing.T, a *accs) string {
	h := sha256.New()
	for i := range a.num {
		n := &a.num[i]
		b, err := n.sk.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
		h.Write(binary.LittleEndian.AppendUint64(nil, n.missing))
		h.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(n.s1)))
		h.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(n.s2)))
	}
	for i := range a.cat {
		for _, c := range a.cat[i].counts {
			h.Write(binary.LittleEndian.AppendUint64(nil, c))
		}
		h.Write(binary.LittleEndian.AppendUint64(nil, a.cat[i].missing))
	}
	return hex.EncodeToString(h.Sum(nil))
}
