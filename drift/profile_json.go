package drift

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/loomml/loom/internal/sketch"
)

// ProfileVersion is the version written by Profile.MarshalJSON.
// UnmarshalJSON also reads version 1, whose histogram edges were NumPy's
// "inverted_cdf" quantiles: it decodes them with Quantile =
// QuantileInvertedCDF.
const ProfileVersion = 2

type wireProfile struct {
	Version int            `json:"version"`
	Rows    uint64         `json:"rows"`
	Options ProfileOptions `json:"options"`
	Columns []wireColumn   `json:"columns"`
}

type wireColumn struct {
	Name       string     `json:"name"`
	Kind       string     `json:"kind"`
	Count      uint64     `json:"count"`
	Missing    uint64     `json:"missing"`
	Mean       *float64   `json:"mean,omitempty"`
	M2         *float64   `json:"m2,omitempty"`
	Min        *float64   `json:"min,omitempty"`
	Max        *float64   `json:"max,omitempty"`
	Edges      []float64  `json:"edges,omitempty"`
	Hist       []uint64   `json:"hist,omitempty"`
	Sketch     []byte     `json:"sketch,omitempty"`
	Categories []Category `json:"categories,omitempty"`
	Other      uint64     `json:"other,omitempty"`
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// MarshalJSON encodes the profile as versioned JSON (ProfileVersion); the
// numeric sketches travel as base64 of their binary encoding.
func (p *Profile) MarshalJSON() ([]byte, error) {
	w := wireProfile{Version: ProfileVersion, Rows: p.Rows, Options: p.opts, Columns: make([]wireColumn, len(p.Columns))}
	for i, c := range p.Columns {
		wc := wireColumn{Name: c.Name, Kind: c.Kind.String(), Count: c.Count, Missing: c.Missing}
		if c.Kind == Numeric {
			wc.Mean, wc.M2, wc.Min, wc.Max = finite(c.Mean), finite(c.m2), finite(c.Min), finite(c.Max)
			wc.Edges, wc.Hist = c.Edges, c.Hist
			b, err := c.sketch.MarshalBinary()
			if err != nil {
				return nil, err
			}
			wc.Sketch = b
		} else {
			wc.Categories, wc.Other = c.Categories, c.Other
		}
		w.Columns[i] = wc
	}
	return json.Marshal(w)
}

func bad(col, format string, args ...any) error {
	return &ColumnError{Column: col, Err: fmt.Errorf("%w: %s", ErrBadProfile, fmt.Sprintf(format, args...))}
}

// UnmarshalJSON decodes a profile written by MarshalJSON, checking it
// thoroughly: a malformed profile returns an error wrapping ErrBadProfile
// (or ErrProfileVersion) that names the column.
func (p *Profile) UnmarshalJSON(data []byte) error {
	var w wireProfile
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("%w: %v", ErrBadProfile, err)
	}
	o := w.Options
	switch w.Version {
	case 1:
		if o.Quantile != "" || o.LeftClosed {
			return fmt.Errorf("%w: version 1 with options of version 2: %+v", ErrBadProfile, o)
		}
		o.Quantile = QuantileInvertedCDF
	case ProfileVersion:
	default:
		return fmt.Errorf("%w: version %d, want 1 or %d", ErrProfileVersion, w.Version, ProfileVersion)
	}
	if o.SketchK < 8 || o.SketchK > 1<<16 || o.Bins < 2 || o.Bins > 10000 || o.MaxCategories < 1 || o.Quantile == "" || !o.Quantile.valid() {
		return fmt.Errorf("%w: options %+v", ErrBadProfile, o)
	}
	np := &Profile{Rows: w.Rows, opts: o, index: make(map[string]int, len(w.Columns))}
	for i, wc := range w.Columns {
		if wc.Name == "" {
			return bad("", "column %d has no name", i)
		}
		if _, dup := np.index[wc.Name]; dup {
			return bad(wc.Name, "duplicate column")
		}
		if wc.Count > w.Rows || wc.Missing > w.Rows-wc.Count {
			return bad(wc.Name, "count %d + missing %d exceed rows %d", wc.Count, wc.Missing, w.Rows)
		}
		np.index[wc.Name] = i
		c := &ColumnProfile{Name: wc.Name, Count: wc.Count, Missing: wc.Missing}
		switch wc.Kind {
		case "numeric":
			c.Kind = Numeric
			c.sketch = new(sketch.KLL)
			if err := c.sketch.UnmarshalBinary(wc.Sketch); err != nil {
				return bad(wc.Name, "sketch: %v", err)
			}
			if c.sketch.K() != o.SketchK {
				return bad(wc.Name, "sketch k = %d, options say %d", c.sketch.K(), o.SketchK)
			}
			if c.sketch.Count() != wc.Count {
				return bad(wc.Name, "sketch holds %d values, count is %d", c.sketch.Count(), wc.Count)
			}
			if wc.Count > 0 && (wc.Mean == nil || wc.M2 == nil || *wc.M2 < 0) {
				return bad(wc.Name, "mean or m2 missing or negative")
			}
			if wc.Mean != nil {
				c.Mean = *wc.Mean
			}
			if wc.M2 != nil {
				c.m2 = *wc.M2
			}
			c.finish(o)
			if wc.Count > 0 && (c.Mean < c.Min || c.Mean > c.Max) {
				return bad(wc.Name, "mean %v outside [%v, %v]", c.Mean, c.Min, c.Max)
			}
			if !slices.Equal(c.Edges, wc.Edges) || !slices.Equal(c.Hist, wc.Hist) {
				return bad(wc.Name, "histogram does not match the sketch")
			}
		case "categorical":
			c.Kind = Categorical
			if len(wc.Categories) > o.MaxCategories {
				return bad(wc.Name, "%d categories, cap is %d", len(wc.Categories), o.MaxCategories)
			}
			var total uint64
			seen := make(map[string]bool, len(wc.Categories))
			for _, cat := range wc.Categories {
				if seen[cat.Value] {
					return bad(wc.Name, "category %q twice", cat.Value)
				}
				seen[cat.Value] = true
				total += cat.Count
				if total < cat.Count {
					return bad(wc.Name, "category counts overflow")
				}
			}
			if total+wc.Other != wc.Count || total+wc.Other < total {
				return bad(wc.Name, "categories sum to %d + other %d, count is %d", total, wc.Other, wc.Count)
			}
			c.Categories, c.Other = wc.Categories, wc.Other
			c.finish(o)
		default:
			return bad(wc.Name, "kind %q", wc.Kind)
		}
		np.Columns = append(np.Columns, c)
	}
	for name, m := range o.Methods {
		if _, ok := np.index[name]; !ok || m == "" {
			return bad(name, "method %q for a column the profile does not have", m)
		}
	}
	*p = *np
	return nil
}
