package serve

import (
	"sync/atomic"
)

// A Source supplies the scorer that serves a request. Handlers call Current
// once per request and use that scorer to the end of the request, so a swap
// never changes the model under a request in flight.
type Source[T any] interface {
	Current() *Scorer[T]
}

// Current returns s itself: a Scorer is a Source that never changes.
func (s *Scorer[T]) Current() *Scorer[T] { return s }

// Swap is a Source whose scorer can be replaced atomically while requests
// are being served: requests that started on the old scorer finish on it;
// later ones get the new one. The zero value holds no scorer (handlers
// answer 503 until Store is called). It is safe for concurrent use.
type Swap[T any] struct {
	p     atomic.Pointer[Scorer[T]]
	swaps atomic.Int64
}

// NewSwap returns a Swap holding s (which may be nil).
func NewSwap[T any](s *Scorer[T]) *Swap[T] {
	w := &Swap[T]{}
	if s != nil {
		w.p.Store(s)
	}
	return w
}

// Current returns the scorer now in use, or nil before the first Store.
func (w *Swap[T]) Current() *Scorer[T] { return w.p.Load() }

// Store makes s the scorer for every later request and returns the one it
// replaces. Store panics if s is nil.
func (w *Swap[T]) Store(s *Scorer[T]) (old *Scorer[T]) {
	if s == nil {
		panic("serve: Swap.Store called with a nil scorer")
	}
	w.swaps.Add(1)
	return w.p.Swap(s)
}

// Swaps returns how many times Store was called.
func (w *Swap[T]) Swaps() int64 { return w.swaps.Load() }

var _ Source[struct{}] = (*Swap[struct{}])(nil)
