// Package datasets reads the shared data sets that tests and benchmarks
// copy into their testdata directories: NAME.csv (a header, then one row
// per sample whose last column is the target) with its fixed split in
// NAME.train_idx.txt and NAME.test_idx.txt (row indices separated by
// white space).
//
// A column whose every non-empty cell parses as a float is numeric; any
// other column is categorical and coded by the rank of its value among the
// column's distinct values in sorted order. An empty cell is missing.
package datasets

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Table is a data set read by Load.
type Table struct {
	// Names are the feature columns' names, then the target's.
	Names []string
	// N and P are the number of rows and of feature columns.
	N, P int
	// X holds the features row-major: row i is X[i*P : (i+1)*P].
	X []float64
	// Y is the target column.
	Y []float64
	// Categorical marks the feature columns coded by rank.
	Categorical []bool
}

// Load reads dir/name.csv, writing missing for an empty feature cell.
func Load(dir, name string, missing float64) (*Table, error) {
	path := filepath.Join(dir, name+".csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 2 || len(recs[0]) < 2 {
		return nil, fmt.Errorf("%s: want a header and rows of at least two columns", path)
	}
	header, recs := recs[0], recs[1:]
	n, p := len(recs), len(header)-1
	t := &Table{Names: header, N: n, P: p, X: make([]float64, n*p), Y: make([]float64, n), Categorical: make([]bool, p)}
	for j := range p {
		numeric := true
		for _, r := range recs {
			if r[j] == "" {
				continue
			}
			if _, err := strconv.ParseFloat(r[j], 64); err != nil {
				numeric = false
				break
			}
		}
		var levels []string
		if !numeric {
			t.Categorical[j] = true
			for _, r := range recs {
				if r[j] != "" {
					levels = append(levels, r[j])
				}
			}
			slices.Sort(levels)
			levels = slices.Compact(levels)
		}
		for i, r := range recs {
			v := missing
			switch {
			case r[j] == "":
			case numeric:
				v, _ = strconv.ParseFloat(r[j], 64)
			default:
				k, _ := slices.BinarySearch(levels, r[j])
				v = float64(k)
			}
			t.X[i*p+j] = v
		}
	}
	for i, r := range recs {
		if t.Y[i], err = strconv.ParseFloat(r[p], 64); err != nil {
			return nil, fmt.Errorf("%s: row %d: target %q: %w", path, i+2, r[p], err)
		}
	}
	return t, nil
}

// Split reads dir/name.kind_idx.txt, kind "train" or "test".
func Split(dir, name, kind string) ([]int, error) {
	path := filepath.Join(dir, name+"."+kind+"_idx.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, s := range strings.Fields(string(b)) {
		i, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, i)
	}
	return out, nil
}

// LoadSplit is Load with the fixed split: the table and the row indices of
// its training and test parts.
func LoadSplit(dir, name string, missing float64) (t *Table, train, test []int, err error) {
	if t, err = Load(dir, name, missing); err != nil {
		return nil, nil, nil, err
	}
	if train, err = Split(dir, name, "train"); err != nil {
		return nil, nil, nil, err
	}
	if test, err = Split(dir, name, "test"); err != nil {
		return nil, nil, nil, err
	}
	return t, train, test, nil
}
