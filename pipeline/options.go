package pipeline

import (
	"fmt"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// An Option configures a Pipeline; pass options to New.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	observer        RunObserver
	tracerProvider  trace.TracerProvider // nil: the global provider
	meterProvider   metric.MeterProvider // nil: the global provider
	buffer          int
	chunk           int
	continueOnError bool
}

// WithObserver hands the record of every run to o.
func WithObserver(o RunObserver) Option {
	return optionFunc(func(c *config) { c.observer = o })
}

// WithTracerProvider makes the pipeline trace through tp instead of the
// global provider (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) { c.tracerProvider = tp })
}

// WithMeterProvider makes the pipeline record metrics through mp instead of
// the global provider (otel.GetMeterProvider).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.meterProvider = mp })
}

// WithBuffer sets how many chunks may wait between two stages of a stream
// (default 4). Together with WithChunkSize it bounds the memory of a stream:
// at most about (stages+1)·(buffer+2)·chunk items are alive at once.
func WithBuffer(chunks int) Option {
	if chunks < 0 {
		panic(fmt.Sprintf("pipeline: buffer must not be negative, got %d", chunks))
	}
	return optionFunc(func(c *config) { c.buffer = chunks })
}

// WithChunkSize sets how many items a stream hands from stage to stage at
// once (default 256). Chunks amortise the cost of passing items between
// goroutines; a chunk leaves the source when it is full or the source ends,
// so use 1 for a slow, latency-sensitive source.
func WithChunkSize(items int) Option {
	if items < 1 {
		panic(fmt.Sprintf("pipeline: chunk size must be at least 1, got %d", items))
	}
	return optionFunc(func(c *config) { c.chunk = items })
}

// ContinueOnError makes a stream go on after an item fails: the failed item
// is dropped, its error is yielded in its place and counted in the record,
// and the run ends with StatusFailed. By default the first failure ends the
// stream.
func ContinueOnError() Option {
	return optionFunc(func(c *config) { c.continueOnError = true })
}

// A RunOption configures one run; pass run options to Run and Stream.
type RunOption interface{ applyRun(*runConfig) }

type runOptionFunc func(*runConfig)

func (f runOptionFunc) applyRun(c *runConfig) { f(c) }

type runConfig struct {
	params map[string]string
	record *Record
}

// WithParams attaches caller-supplied parameters (a seed, a data set
// version, a git commit) to the run record. The map is copied.
func WithParams(params map[string]string) RunOption {
	cp := make(map[string]string, len(params))
	for k, v := range params {
		cp[k] = v
	}
	return runOptionFunc(func(c *runConfig) { c.params = cp })
}

// WithRecord copies the run record into *dst when the run ends, for callers
// that want it without installing an observer. For a stream, *dst is filled
// when the iteration ends.
func WithRecord(dst *Record) RunOption {
	if dst == nil {
		panic("pipeline: WithRecord called with a nil record")
	}
	return runOptionFunc(func(c *runConfig) { c.record = dst })
}
