package serve

import (
	"context"
	"fmt"

	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
)

// Follow keeps w serving the version that alias of spec's model points at:
// it loads the current target (model.LoadAlias) before returning, then
// swaps in every new target as the registry reports it (registry.Watch:
// within a second, even when another process moves the alias), until ctx
// is done or the returned Follower is stopped. Requests in flight finish on
// the scorer they started with. A version that fails to load is reported
// to onError (if set) and the current scorer keeps serving; nothing
// half-loaded is ever served.
//
// Follow starts one goroutine, owned by the returned Follower: Stop ends
// it and waits for it, and the registry's watch it reads from.
func Follow[T any](ctx context.Context, reg *registry.Registry, alias string, spec *model.Spec[T], w *Swap[T], onError func(error)) (*Follower, error) {
	b, err := model.LoadAlias(ctx, reg, alias, spec)
	if err != nil {
		return nil, err
	}
	s, err := NewScorer(b)
	if err != nil {
		return nil, err
	}
	w.Store(s)
	name := spec.Name()
	ctx, cancel := context.WithCancel(ctx)
	changes, err := reg.Watch(ctx, name, alias)
	if err != nil {
		cancel()
		return nil, err
	}
	f := &Follower{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		// Ranging until the channel closes also waits for the watch.
		for c := range changes {
			cur := w.Current()
			if c.Version == 0 || (cur != nil && cur.info.Version == c.Version) {
				continue
			}
			v, err := reg.Get(ctx, name, c.Version)
			if err == nil {
				b, err = model.Load(ctx, reg, v, spec)
			}
			if err == nil {
				s, err = NewScorer(b)
			}
			if err != nil {
				if onError != nil && ctx.Err() == nil {
					onError(fmt.Errorf("serve: following %s@%s to version %d: %w", name, alias, c.Version, err))
				}
				continue
			}
			w.Store(s)
		}
	}()
	return f, nil
}

// Follower is an alias being followed (see Follow).
type Follower struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Stop stops following and waits until the goroutine Follow started has
// returned; the scorer last swapped in keeps serving. Stop is safe to call
// more than once and from several goroutines.
func (f *Follower) Stop() {
	f.cancel()
	<-f.done
}
