package beam

import (
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/loomml/loom/drift"
)

// profileBlock is the number of rows a worker profiles at a time.
const profileBlock = 4096

// BuildProfile builds the reference drift profile of rows (a
// PCollection<T> or PCollection<Block[T]>) over the drift
// columns of the model registered as name (model.Spec.DriftColumns), as
// a combine: each worker profiles its rows in blocks of 4,096
// (drift.BuildProfile) merged into one profile per bundle, and the
// profiles merge in a Beam combine (drift.Profile.Merge). The result
// holds one element: the profile as JSON, as model.Fit stores it (decode
// it with json.Unmarshal into a drift.Profile).
//
// Counts, missing counts, minima and maxima equal the single-machine
// profile's exactly; means and standard deviations to rounding; the
// quantile sketches, and so the histogram edges and counts, within the
// sketches' rank error (drift.ProfileOptions.SketchK). A categorical
// column keeps its 100 most frequent values per merged profile, the rest
// counted as Other, so with more distinct values than that the kept
// frequencies may differ from the single-machine profile's. A worker
// holds a block of rows and one profile.
func BuildProfile[T any](s beam.Scope, name string, rows beam.PCollection) (beam.PCollection, error) {
	if _, err := lookup[T](name); err != nil {
		return beam.PCollection{}, err
	}
	s = s.Scope("loom.BuildProfile")
	rows, _, err := blocksOf[T](s, rows)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("beam: BuildProfile of %q: %w", name, err)
	}
	partials := beam.ParDo(s, &profileFn[T]{Name: name}, rows)
	return beam.ParDo(s, extractProfile, beam.Combine(s, &mergeProfileFn{}, partials)), nil
}

// profileFn profiles the rows of a bundle.
type profileFn[T any] struct {
	Name string

	cols []drift.Column[T]
	buf  []T
	prof *drift.Profile
}

func (fn *profileFn[T]) Setup() error {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	fn.cols = spec.DriftColumns()
	return nil
}

func (fn *profileFn[T]) ProcessElement(b Block[T], _ func([]byte)) error {
	rows := b.Rows
	if len(fn.buf) == 0 && len(rows) >= profileBlock {
		return fn.add(rows) // a whole block: no copy
	}
	for len(rows) > 0 {
		k := min(profileBlock-len(fn.buf), len(rows))
		fn.buf, rows = append(fn.buf, rows[:k]...), rows[k:]
		if len(fn.buf) == profileBlock {
			if err := fn.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush profiles the buffered rows into the bundle's profile.
func (fn *profileFn[T]) flush() error {
	if len(fn.buf) == 0 {
		return nil
	}
	err := fn.add(fn.buf)
	clear(fn.buf)
	fn.buf = fn.buf[:0]
	return err
}

// add profiles rows into the bundle's profile.
func (fn *profileFn[T]) add(rows []T) error {
	p := drift.BuildProfile(rows, fn.cols, nil)
	if fn.prof == nil {
		fn.prof = p
		return nil
	}
	return fn.prof.Merge(p)
}

// FinishBundle emits the bundle's profile.
func (fn *profileFn[T]) FinishBundle(emit func([]byte)) error {
	if err := fn.flush(); err != nil {
		return err
	}
	if fn.prof == nil {
		return nil
	}
	data, err := json.Marshal(fn.prof)
	fn.prof = nil
	if err != nil {
		return err
	}
	emit(data)
	return nil
}

// profAcc is the accumulator of mergeProfileFn: a profile, nil when empty.
type profAcc struct {
	p *drift.Profile
}

func encodeProfAcc(a *profAcc) ([]byte, error) {
	if a.p == nil {
		return nil, nil
	}
	return json.Marshal(a.p)
}

func decodeProfAcc(data []byte) (*profAcc, error) {
	if len(data) == 0 {
		return &profAcc{}, nil
	}
	p := new(drift.Profile)
	if err := json.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("beam: decoding a partial profile: %w", err)
	}
	return &profAcc{p: p}, nil
}

// mergeProfileFn merges profiles.
type mergeProfileFn struct{}

func (fn *mergeProfileFn) CreateAccumulator() *profAcc { return &profAcc{} }

func (fn *mergeProfileFn) AddInput(a *profAcc, in []byte) (*profAcc, error) {
	b, err := decodeProfAcc(in)
	if err != nil {
		return nil, err
	}
	return fn.MergeAccumulators(a, b)
}

func (fn *mergeProfileFn) MergeAccumulators(a, b *profAcc) (*profAcc, error) {
	switch {
	case b.p == nil:
		return a, nil
	case a.p == nil:
		return b, nil
	}
	if err := a.p.Merge(b.p); err != nil {
		return nil, fmt.Errorf("beam: merging profiles: %w", err)
	}
	return a, nil
}

func (fn *mergeProfileFn) ExtractOutput(a *profAcc) ([]byte, error) {
	if a.p == nil {
		return nil, nil
	}
	return json.Marshal(a.p)
}

// extractProfile fails on an empty profile: no rows.
func extractProfile(data []byte, emit func([]byte)) error {
	if len(data) == 0 {
		return fmt.Errorf("beam: building a profile: no rows")
	}
	emit(data)
	return nil
}
