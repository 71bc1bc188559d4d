package stage

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"time"
)

// Batch groups the items of seq into slices of size items, in order. With
// maxWait > 0 a batch is also closed when maxWait has passed since its first
// item arrived, so a slow trickle of items is not held back; with maxWait
// zero, only the last batch may be short.
//
// Each yielded slice is new and belongs to the consumer. With maxWait > 0,
// seq is read by one goroutine, which stops and is waited for when the
// consumer stops early or ctx is done; with maxWait zero, no goroutine is
// used and ctx is checked between items. The result is a single-use
// iterator when seq is. Batch panics if size is less than 1.
func Batch[T any](ctx context.Context, seq iter.Seq[T], size int, maxWait time.Duration) iter.Seq[[]T] {
	if size < 1 {
		panic(fmt.Sprintf("stage: batch size must be at least 1, got %d", size))
	}
	if maxWait < 0 {
		panic(fmt.Sprintf("stage: batch wait must not be negative, got %v", maxWait))
	}
	if maxWait == 0 {
		return func(yield func([]T) bool) {
			batch := make([]T, 0, size)
			for v := range seq {
				if ctx.Err() != nil {
					return
				}
				if batch = append(batch, v); len(batch) == size {
					if !yield(batch) {
						return
					}
					batch = make([]T, 0, size)
				}
			}
			if len(batch) > 0 && ctx.Err() == nil {
				yield(batch)
			}
		}
	}
	return func(yield func([]T) bool) {
		ctx, cancel := context.WithCancel(ctx)
		items := make(chan T, size)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		wg.Go(func() {
			defer close(items)
			for v := range seq {
				select {
				case items <- v:
				case <-ctx.Done():
					return
				}
			}
		})
		timer := time.NewTimer(maxWait)
		timer.Stop()
		defer timer.Stop()
		var batch []T
		for {
			var deadline <-chan time.Time
			if len(batch) > 0 {
				deadline = timer.C
			}
			select {
			case v, ok := <-items:
				if !ok {
					if len(batch) > 0 && ctx.Err() == nil {
						yield(batch)
					}
					return
				}
				if len(batch) == 0 {
					batch = make([]T, 0, size)
					timer.Reset(maxWait)
				}
				if batch = append(batch, v); len(batch) == size {
					timer.Stop()
					if !yield(batch) {
						return
					}
					batch = nil
				}
			case <-deadline:
				if !yield(batch) {
					return
				}
				batch = nil
			case <-ctx.Done():
				return
			}
		}
	}
}
