package drift

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func init() {
	Register("test-failing", DetectorFunc{Threshold: 0.5, Func: func(c *ColumnData, _ float64) (Detection, error) {
		if c.Kind == Categorical {
			return Detection{}, errors.New("no categories, please")
		}
		return Detection{}, ErrNotEnoughData
	}})
}

// TestDetectorErrors: a detector's error marks its column, never fails
// Compare or panics a monitor; not enough data is its own status.
func TestDetectorErrors(t *testing.T) {
	rows := wideRows(500, 1, 0)
	ref := BuildProfile(rows, wideColumns(), nil)
	opts := &CompareOptions{Methods: map[string]Method{"x00": "test-failing", "c0": "test-failing"}}
	rep, err := Compare(ref, ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Column("x00"); c.Status != StatusNotEnoughData {
		t.Errorf("x00 status = %s; want %s", c.Status, StatusNotEnoughData)
	}
	if c := rep.Column("c0"); c.Status != StatusError || c.Error != "method test-failing: no categories, please" {
		t.Errorf("c0 = %s %q; want %s with the detector's message", c.Status, c.Error, StatusError)
	}
	if rep.Tested != 23 {
		t.Errorf("tested = %d; want 23", rep.Tested)
	}
	var got *Report
	mon, err := NewMonitor(ref, wideColumns(), &MonitorOptions{Window: Window{Rows: 100}, Compare: opts,
		OnReport: func(_ WindowInfo, r *Report) { got = r }})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[:100] {
		mon.Observe(&r)
	}
	if got == nil || got.Column("c0").Status != StatusError {
		t.Errorf("monitor report = %+v; want c0 with status error", got)
	}
	if _, err := Compare(ref, ref, &CompareOptions{Methods: map[string]Method{"x00": "nope"}}); !errors.Is(err, ErrUnknownMethod) {
		t.Errorf("unknown method: err = %v; want ErrUnknownMethod", err)
	}
}

func TestRegisterPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"empty":     func() { Register("", DetectorFunc{}) },
		"nil":       func() { Register("x-nil", nil) },
		"duplicate": func() { Register(KSTest, DetectorFunc{}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Register did not panic", name)
				}
			}()
			f()
		}()
	}
}

// TestProfileMethodsTravel: methods chosen in ProfileOptions survive the
// JSON encoding and are used by Compare unless CompareOptions overrides.
func TestProfileMethodsTravel(t *testing.T) {
	rows := wideRows(300, 1, 0)
	p := BuildProfile(rows, wideColumns(), &ProfileOptions{Methods: map[string]Method{"x00": KSTest, "c0": LInf}})
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q Profile
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	rep, err := Compare(&q, p, &CompareOptions{Methods: map[string]Method{"c0": PSIMethod}})
	if err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]Method{"x00": KSTest, "c0": PSIMethod, "x01": KSTest} {
		if got := rep.Column(col).Method; got != want {
			t.Errorf("column %s: method %s; want %s", col, got, want)
		}
	}
	bad := bytes.Replace(b, []byte(`"x00":"ks"`), []byte(`"nope":"ks"`), 1)
	if err := json.Unmarshal(bad, &q); !errors.Is(err, ErrBadProfile) {
		t.Errorf("methods for an unknown column: err = %v; want ErrBadProfile", err)
	}
}
