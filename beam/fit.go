package beam

import (
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/loomml/loom/feature"
)

// FitFeatures fits the feature state of the model registered as name on
// rows (a PCollection<T> or PCollection<Block[T]>), as a combine of
// mergeable statistics: each worker accumulates a feature.Pass over its
// bundle, the passes travel encoded
// (feature.Pass.MarshalBinary) and merge in a Beam combine, and the
// merged statistics fit the transforms (feature.Fitting.Apply). A chain
// with several stateful transforms (Impute then Standardize) takes one
// such pass over rows per stateful transform, each worker starting from
// the state of the passes before, as model.Fit does in one process. The
// result holds one element: the fitted state as JSON, exactly as model.Fit
// stores it (decode it with DecodeFeatures).
//
// The fitted state equals the single-machine fit (model.Fit, or
// Spec.FeatureSet().Fit) exactly for counts, vocabularies, minima, maxima
// and exact quantiles (medians, robust scaling, quantile bins), and to
// rounding (about 1e-15 relative) for means and variances, merged by Chan
// et al.'s formula in an order Beam chooses. With feature.Options.SketchK
// set in the declaration, quantiles come from KLL sketches, within their
// documented rank error of 3/SketchK.
//
// Memory: exact quantiles keep every value of the columns that need them
// (8 bytes each, on the worker that merges them, and as the state read by
// the next pass); set SketchK to bound it by the sketch size. Target
// encoding, whose cross-fitting folds depend on the row order that a
// distributed collection lacks, is refused here, when the pipeline is
// built, as is an unregistered name.
func FitFeatures[T any](s beam.Scope, name string, rows beam.PCollection) (beam.PCollection, error) {
	spec, err := lookup[T](name)
	if err != nil {
		return beam.PCollection{}, err
	}
	fz := spec.FeatureSet().Begin()
	if err := checkShardable(spec.FeatureSet()); err != nil {
		return beam.PCollection{}, fmt.Errorf("beam: model %q: %w", name, err)
	}
	s = s.Scope("loom.FitFeatures")
	rows, _, err = blocksOf[T](s, rows)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("beam: FitFeatures of %q: %w", name, err)
	}
	state := beam.Create(s, []byte("[]"))
	for level := range fz.Passes() {
		ps := s.Scope(fmt.Sprintf("pass%d", level+1))
		partials := beam.ParDo(ps, &fitPassFn[T]{Name: name}, rows, beam.SideInput{Input: state})
		total := beam.Combine(ps, &mergePassFn[T]{Name: name}, partials)
		state = beam.ParDo(ps, appendTotal, total, beam.SideInput{Input: state})
	}
	return beam.ParDo(s, &finishFitFn[T]{Name: name}, state), nil
}

// DecodeFeatures decodes the fitted state written by FitFeatures for the
// model registered as name.
func DecodeFeatures[T any](name string, data []byte) (*feature.Fitted[T], error) {
	spec, err := lookup[T](name)
	if err != nil {
		return nil, err
	}
	return spec.FeatureSet().Decode(data)
}

// checkShardable refuses feature sets whose fit depends on row order.
func checkShardable[T any](set *feature.Set[T]) error {
	fz := set.Begin()
	p := fz.NewPass()
	if _, err := p.MarshalBinary(); err != nil {
		return err
	}
	if set.OrderDependent() {
		return fmt.Errorf("target encoding cannot be fitted on Beam: its cross-fitting folds follow the training row order")
	}
	return nil
}

// appendTotal appends one pass's merged statistics to the state of the
// passes before: a JSON list of encoded passes.
func appendTotal(total, state []byte, emit func([]byte)) error {
	var totals [][]byte
	if err := json.Unmarshal(state, &totals); err != nil {
		return fmt.Errorf("beam: decoding the fit state: %w", err)
	}
	data, err := json.Marshal(append(totals, total))
	if err != nil {
		return err
	}
	emit(data)
	return nil
}

// replay rebuilds a Fitting from the merged statistics of its first passes.
func replay[T any](set *feature.Set[T], state []byte) (*feature.Fitting[T], error) {
	var totals [][]byte
	if err := json.Unmarshal(state, &totals); err != nil {
		return nil, fmt.Errorf("beam: decoding the fit state: %w", err)
	}
	fz := set.Begin()
	for _, t := range totals {
		p, err := fz.DecodePass(t)
		if err != nil {
			return nil, err
		}
		if err := fz.Apply(p); err != nil {
			return nil, err
		}
	}
	return fz, nil
}

// fitPassFn accumulates one pass over the rows of a bundle.
type fitPassFn[T any] struct {
	Name string

	set *feature.Set[T]
	fz  *feature.Fitting[T]
	p   *feature.Pass[T]
}

func (fn *fitPassFn[T]) Setup() error {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	fn.set = spec.FeatureSet()
	return nil
}

func (fn *fitPassFn[T]) ProcessElement(b Block[T], state []byte, emit func([]byte)) error {
	rows := b.Rows
	// The state is the side input of this pass's ParDo, one value for the
	// whole pipeline run, which an instance of the DoFn serves: rebuild
	// the Fitting once per instance.
	if fn.fz == nil {
		fz, err := replay(fn.set, state)
		if err != nil {
			return err
		}
		fn.fz = fz
	}
	if fn.p == nil {
		fn.p = fn.fz.NewPass()
	}
	for i := range rows {
		if err := fn.p.Add(&rows[i]); err != nil {
			return fmt.Errorf("beam: fitting the features of %q: %w", fn.Name, err)
		}
	}
	return nil
}

// FinishBundle emits the bundle's statistics.
func (fn *fitPassFn[T]) FinishBundle(_ []byte, emit func([]byte)) error {
	if fn.p == nil {
		return nil
	}
	data, err := fn.p.MarshalBinary()
	fn.p = nil
	if err != nil {
		return err
	}
	emit(data)
	return nil
}

// passAcc is the accumulator of mergePassFn: a decoded Pass, or its
// encoding as it came from another worker, decoded when first merged.
type passAcc struct {
	enc  []byte
	live interface{ MarshalBinary() ([]byte, error) }
}

func encodePassAcc(a *passAcc) ([]byte, error) {
	if a.live != nil {
		return a.live.MarshalBinary()
	}
	return a.enc, nil
}

func decodePassAcc(data []byte) (*passAcc, error) { return &passAcc{enc: data}, nil }

// mergePassFn merges the statistics of one pass.
type mergePassFn[T any] struct {
	Name string

	fz *feature.Fitting[T]
}

func (fn *mergePassFn[T]) Setup() error {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	fn.fz = spec.FeatureSet().Begin()
	return nil
}

// pass returns a's Pass, decoding it; nil for an empty accumulator.
func (fn *mergePassFn[T]) pass(a *passAcc) (*feature.Pass[T], error) {
	if a.live != nil {
		return a.live.(*feature.Pass[T]), nil
	}
	if len(a.enc) == 0 {
		return nil, nil
	}
	p, err := fn.fz.DecodePass(a.enc)
	if err != nil {
		return nil, fmt.Errorf("beam: merging the feature statistics of %q: %w", fn.Name, err)
	}
	a.live, a.enc = p, nil
	return p, nil
}

func (fn *mergePassFn[T]) CreateAccumulator() *passAcc { return &passAcc{} }

func (fn *mergePassFn[T]) AddInput(a *passAcc, in []byte) (*passAcc, error) {
	return fn.MergeAccumulators(a, &passAcc{enc: in})
}

func (fn *mergePassFn[T]) MergeAccumulators(a, b *passAcc) (*passAcc, error) {
	pa, err := fn.pass(a)
	if err != nil {
		return nil, err
	}
	pb, err := fn.pass(b)
	if err != nil {
		return nil, err
	}
	switch {
	case pb == nil:
		return a, nil
	case pa == nil:
		return b, nil
	}
	pa.Merge(pb)
	return a, nil
}

func (fn *mergePassFn[T]) ExtractOutput(a *passAcc) ([]byte, error) {
	p, err := fn.pass(a)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("beam: fitting the features of %q: no training rows", fn.Name)
	}
	return p.MarshalBinary()
}

// finishFitFn applies the merged statistics of every pass and emits the
// fitted state.
type finishFitFn[T any] struct {
	Name string
}

func (fn *finishFitFn[T]) ProcessElement(state []byte, emit func([]byte)) error {
	spec, err := mustLookup[T](fn.Name)
	if err != nil {
		return err
	}
	fz, err := replay(spec.FeatureSet(), state)
	if err != nil {
		return err
	}
	if !fz.Done() {
		return fmt.Errorf("beam: fitting the features of %q: %d passes merged of %d", fn.Name, len(state), fz.Passes())
	}
	data, err := fz.Result().MarshalJSON()
	if err != nil {
		return err
	}
	emit(data)
	return nil
}
