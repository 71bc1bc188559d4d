package contract

import (
	"fmt"
	"math"
	"slices"

	"github.com/loomml/loom/internal/rowmap"
)

// InferOptions tunes Infer; nil means the defaults.
type InferOptions struct {
	// Margin widens each observed numeric range by this share of its span
	// on both sides; 0 means 0.1. A negative value means no margin.
	Margin float64
	// MaxCategories is the largest number of distinct strings proposed as
	// an allowed set (and the type category); 0 means 20.
	MaxCategories int
}

// Infer proposes a contract named name from a sample of rows, to be
// reviewed and saved: one field per tagged struct field, with its type
// (string fields with at most MaxCategories distinct values become
// category fields with an allowed set), nullable when the Go field can be
// null, a range from the observed minimum and maximum widened by Margin
// (rounded outwards to integers for int fields), and, for fields with
// observed nulls, a warn-severity not-null ratio just below the observed
// one (two points lower, rounded down to a percent, when above zero). It returns an error when T has no tagged fields or the sample is
// empty.
func Infer[T any](name string, sample []T, opts *InferOptions) (*Contract, error) {
	m, err := rowmap.Of[T]()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBind, err)
	}
	if len(sample) == 0 {
		return nil, fmt.Errorf("contract: Infer needs a non-empty sample")
	}
	margin, maxCat := 0.1, 20
	if opts != nil {
		if opts.Margin > 0 {
			margin = opts.Margin
		} else if opts.Margin < 0 {
			margin = 0
		}
		if opts.MaxCategories > 0 {
			maxCat = opts.MaxCategories
		}
	}
	c := New(name)
	for i, rf := range m.Fields() {
		f := Field{Name: rf.Name, Type: Type(rf.Type), Nullable: rf.Nullable}
		nulls := 0
		lo, hi := math.Inf(1), math.Inf(-1)
		seen := map[string]struct{}{}
		for j := range sample {
			p := &sample[j]
			if m.IsNull(p, i) {
				nulls++
				continue
			}
			switch rf.Kind {
			case rowmap.KindFloat, rowmap.KindInt:
				x, _ := m.Float(p, i)
				if !math.IsNaN(x) && !math.IsInf(x, 0) {
					lo, hi = min(lo, x), max(hi, x)
				}
			case rowmap.KindString:
				if len(seen) <= maxCat {
					s, _ := m.Str(p, i)
					seen[s] = struct{}{}
				}
			}
		}
		switch rf.Kind {
		case rowmap.KindFloat, rowmap.KindInt:
			if lo <= hi {
				d := (hi - lo) * margin
				a, b := lo-d, hi+d
				if rf.Kind == rowmap.KindInt {
					a, b = math.Floor(a), math.Ceil(b)
				}
				f.Checks = append(f.Checks, Range(a, b))
			}
		case rowmap.KindString:
			if len(seen) <= maxCat && len(seen) > 0 {
				vals := make([]string, 0, len(seen))
				for s := range seen {
					vals = append(vals, s)
				}
				slices.Sort(vals)
				f.Type = Category
				f.Checks = append(f.Checks, OneOf(vals...))
			}
		}
		if nulls > 0 {
			ratio := float64(len(sample)-nulls) / float64(len(sample))
			if r := math.Floor((ratio-0.02)*100) / 100; r > 0 {
				f.Checks = append(f.Checks, NotNullRatio(r).Warn())
			}
		}
		c.Fields = append(c.Fields, f)
	}
	return c, nil
}
