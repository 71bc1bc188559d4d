package datasets_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/loomml/loom/internal/datasets"
)

func TestLoad(t *testing.T) {
	tab, err := datasets.Load("testdata", "tiny", math.NaN())
	if err != nil {
		t.Fatal(err)
	}
	if tab.N != 4 || tab.P != 2 {
		t.Fatalf("N, P = %d, %d; want 4, 2", tab.N, tab.P)
	}
	want := []float64{1.5, 1, math.NaN(), 0, 3, math.NaN(), 2, 1}
	for i, v := range want {
		if got := tab.X[i]; got != v && !(math.IsNaN(got) && math.IsNaN(v)) {
			t.Errorf("X[%d] = %v, want %v", i, got, v)
		}
	}
	if !slices.Equal(tab.Y, []float64{0, 1, 1, 0}) {
		t.Errorf("Y = %v", tab.Y)
	}
	if !slices.Equal(tab.Categorical, []bool{false, true}) {
		t.Errorf("Categorical = %v", tab.Categorical)
	}
	tab, err = datasets.Load("testdata", "tiny", -1)
	if err != nil || tab.X[2] != -1 {
		t.Errorf("missing = -1: X[2] = %v, err %v", tab.X[2], err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"badtarget", `row 2: target "x"`},
		{"absent", "no such file"},
	} {
		if _, err := datasets.Load("testdata", tc.name, 0); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s) = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := datasets.Split("testdata", "badtarget", "train"); err == nil {
		t.Error("Split of a missing file gave no error")
	}
}

func ExampleLoad() {
	tab, err := datasets.Load("testdata", "tiny", math.NaN())
	if err != nil {
		fmt.Println(err)
		return
	}
	train, err := datasets.Split("testdata", "tiny", "train")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tab.Names, tab.N, "rows; categorical:", tab.Categorical)
	fmt.Println("row 0:", tab.X[:tab.P], "target", tab.Y[0], "; train rows", train)
	// Output:
	// [size colour label] 4 rows; categorical: [false true]
	// row 0: [1.5 1] target 0 ; train rows [0 2 3]
}
