package train

import (
	"context"
	"errors"
	"maps"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// Record is the experiment record of one fit or search: what was fitted,
// on which data, with which settings and code, how long it took and how
// well it did. It is a plain value with a JSON form.
type Record struct {
	Kind            string                   `json:"kind"`                   // model kind, such as "logistic"
	Search          string                   `json:"search,omitempty"`       // "grid", "random" or "halving" for a search
	Params          Params                   `json:"params,omitempty"`       // hyperparameters (a search's best)
	Seed            uint64                   `json:"seed"`                   // seed given by the caller
	DataFingerprint string                   `json:"data_fingerprint"`       // Fingerprint of the training data
	Rows            int                      `json:"rows"`                   // training rows
	Features        int                      `json:"features"`               // training features
	Metrics         map[string]float64       `json:"metrics,omitempty"`      // caller's metrics
	Iterations      int                      `json:"iterations,omitempty"`   // optimizer iterations, when known
	Converged       bool                     `json:"converged"`              // false after a *NotConvergedError
	Start           time.Time                `json:"start"`                  // when the fit or search began
	Durations       map[string]time.Duration `json:"durations_ns"`           // "fit", "fingerprint", "metrics", "search", "refit"
	GoVersion       string                   `json:"go_version"`             // runtime.Version()
	Module          string                   `json:"module,omitempty"`       // main module of the running binary
	LoomVersion     string                   `json:"loom_version,omitempty"` // version of github.com/loomml/loom in the binary
	Error           string                   `json:"error,omitempty"`        // the fit's error, if any
}

// Observer receives experiment records. Observe may be called from
// several goroutines at once.
type Observer interface {
	Observe(r Record)
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(r Record)

// Observe calls f(r).
func (f ObserverFunc) Observe(r Record) { f(r) }

// FitOptions configures Fit. A nil *FitOptions means no observer and no
// metrics.
type FitOptions struct {
	// Observer, when set, receives the record of the fit.
	Observer Observer
	// Seed is recorded as given; it is the caller's seed for its splits.
	Seed uint64
	// Metrics, when set, computes the caller's metrics of the fitted model
	// (for instance on a test set) for the record.
	Metrics func(m Model) map[string]float64
}

const loomModule = "github.com/loomml/loom"

var buildInfo = sync.OnceValues(func() (module, loom string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", ""
	}
	if bi.Main.Path == loomModule {
		return bi.Main.Path, bi.Main.Version
	}
	for _, dep := range bi.Deps {
		if dep.Path == loomModule {
			return bi.Main.Path, dep.Version
		}
	}
	return bi.Main.Path, ""
})

func newRecord(d Dataset, seed uint64) Record {
	module, loom := buildInfo()
	n, p := d.Dims()
	return Record{Seed: seed, Rows: n, Features: p, Start: time.Now(), GoVersion: runtime.Version(),
		Module: module, LoomVersion: loom, Durations: map[string]time.Duration{}}
}

// Fit fits t to d and returns the model with its experiment record, which
// it also sends to opts.Observer. The record holds the trainer's
// parameters when t implements Parameterized. Errors are Fit's own; a
// *NotConvergedError comes with a usable model, as from the trainer.
func Fit(ctx context.Context, t Trainer, d Dataset, opts *FitOptions) (Model, Record, error) {
	if opts == nil {
		opts = &FitOptions{}
	}
	rec := newRecord(d, opts.Seed)
	if pt, ok := t.(Parameterized); ok {
		rec.Params = sortedParams(pt.Params())
	}
	begin := time.Now()
	m, err := t.Fit(ctx, d)
	rec.Durations["fit"] = time.Since(begin)
	begin = time.Now()
	rec.DataFingerprint = Fingerprint(d)
	rec.Durations["fingerprint"] = time.Since(begin)
	rec.Converged = err == nil
	if err != nil {
		rec.Error = err.Error()
	}
	if m != nil {
		rec.Kind = m.Info().Kind
		if it, ok := m.(interface{ Iterations() int }); ok {
			rec.Iterations = it.Iterations()
		}
		if opts.Metrics != nil {
			begin = time.Now()
			rec.Metrics = maps.Clone(opts.Metrics(m))
			rec.Durations["metrics"] = time.Since(begin)
		}
	}
	if opts.Observer != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		opts.Observer.Observe(rec)
	}
	return m, rec, err
}
