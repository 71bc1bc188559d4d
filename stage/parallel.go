package stage

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// ParallelOptions configures Parallel and ParallelSeq. The zero value uses
// GOMAXPROCS workers and stops at the first error.
type ParallelOptions struct {
	// Workers bounds how many calls of the stage run at once. Zero means
	// runtime.GOMAXPROCS(0).
	Workers int
	// CollectErrors, when true, processes every item even when some fail and
	// reports all failures, each as an *ItemError, joined with errors.Join.
	// When false, the first failure cancels the remaining work.
	CollectErrors bool
}

func (o ParallelOptions) workers() int {
	if o.Workers < 0 {
		panic(fmt.Sprintf("stage: parallelism must be at least 1, got %d", o.Workers))
	}
	if o.Workers == 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Workers
}

// ItemError reports the failure of one item of a parallel map.
type ItemError struct {
	Index int   // position of the item in the input
	Err   error // the cause
}

// Error implements error.
func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }

// Unwrap returns the cause.
func (e *ItemError) Unwrap() error { return e.Err }

// Parallel returns a Stage that applies s to every element of a slice with at
// most o.Workers calls at once, and returns the outputs in input order.
//
// Without o.CollectErrors, the first failure cancels the context of the
// calls still running and is returned (as an *ItemError naming the index);
// the outputs are then incomplete. With o.CollectErrors, every item is
// processed, the output holds the zero value at failed positions, and the
// error joins one *ItemError per failure.
func Parallel[In, Out any](s Stage[In, Out], o ParallelOptions) Stage[[]In, []Out] {
	if s == nil {
		panic("stage: Parallel called with a nil stage")
	}
	return &parallel[In, Out]{s: s, workers: o.workers(), collect: o.CollectErrors, name: "parallel(" + s.Name() + ")"}
}

type parallel[In, Out any] struct {
	s       Stage[In, Out]
	workers int
	collect bool
	name    string
}

func (p *parallel[In, Out]) Name() string { return p.name }

func (p *parallel[In, Out]) Process(ctx context.Context, in []In) ([]Out, error) {
	out := make([]Out, len(in))
	workers := min(p.workers, len(in))
	var next atomic.Int64
	if p.collect {
		var mu sync.Mutex
		var errs []error
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= len(in) {
						return
					}
					var err error
					if err = ctx.Err(); err == nil {
						out[i], err = p.s.Process(ctx, in[i])
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, &ItemError{Index: i, Err: err})
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		sortItemErrors(errs)
		return out, errors.Join(errs...)
	}
	g, gctx := errgroup.WithContext(ctx)
	for range workers {
		g.Go(func() error {
			for {
				if err := gctx.Err(); err != nil {
					return err
				}
				i := int(next.Add(1) - 1)
				if i >= len(in) {
					return nil
				}
				v, err := p.s.Process(gctx, in[i])
				if err != nil {
					return &ItemError{Index: i, Err: err}
				}
				out[i] = v
			}
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		return out, err
	}
	return out, nil
}

func sortItemErrors(errs []error) {
	// Insertion sort: failures are few and usually nearly ordered.
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].(*ItemError).Index < errs[j-1].(*ItemError).Index; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// ParallelSeq applies s to the items of seq with at most o.Workers calls at
// once and yields the outputs in input order, each with its error (an
// *ItemError naming the item's position) or nil.
//
// At most 2·Workers items are in flight, so a slow consumer slows the
// reading of seq and memory stays bounded. Without o.CollectErrors the
// sequence ends after the first failure is yielded. Stopping the iteration
// early, or cancelling ctx, stops reading seq and waits for every worker to
// return before the loop ends: no goroutine outlives the iteration. The
// result is a single-use iterator.
func ParallelSeq[In, Out any](ctx context.Context, s Stage[In, Out], seq iter.Seq[In], o ParallelOptions) iter.Seq2[Out, error] {
	if s == nil {
		panic("stage: ParallelSeq called with a nil stage")
	}
	workers := o.workers()
	return func(yield func(Out, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		type result struct {
			out Out
			err error
		}
		type job struct {
			index int
			in    In
			res   chan result
		}
		jobs := make(chan job)
		order := make(chan chan result, 2*workers)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		wg.Go(func() { // reads seq in order, hands items to workers
			defer close(order)
			defer close(jobs)
			i := 0
			for v := range seq {
				res := make(chan result, 1)
				select {
				case order <- res:
				case <-ctx.Done():
					return
				}
				select {
				case jobs <- job{index: i, in: v, res: res}:
				case <-ctx.Done():
					return
				}
				i++
			}
		})
		for range workers {
			wg.Go(func() {
				for j := range jobs {
					var r result
					if err := ctx.Err(); err != nil {
						r.err = err
					} else if r.out, r.err = s.Process(ctx, j.in); r.err != nil {
						r.err = &ItemError{Index: j.index, Err: r.err}
					}
					j.res <- r
				}
			})
		}
		for res := range order {
			var r result
			select {
			case r = <-res:
			case <-ctx.Done():
				var zero Out
				yield(zero, ctx.Err())
				return
			}
			if !yield(r.out, r.err) || (r.err != nil && !o.CollectErrors) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			var zero Out
			yield(zero, err)
		}
	}
}

var _ Stage[[]int, []int] = (*parallel[int, int])(nil)
