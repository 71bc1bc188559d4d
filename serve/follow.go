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
// is done. Requests in flight finish on the scorer they started with. A
// version that fails to load is reported to onError (if set) and the
// current scorer keeps serving; nothing half-loaded is ever served.
func Follow[T any](ctx context.Context, reg *registry.Registry, alias string, spec *model.Spec[T], w *Swap[T], onError func(error)) error {
	b, err := model.LoadAlias(ctx, reg, alias, spec)
	if err != nil {
		return err
	}
	s, err := NewScorer(b)
	if err != nil {
		return err
	}
	w.Store(s)
	name := spec.Name()
	changes, err := reg.Watch(ctx, name, alias)
	if err != nil {
		return err
	}
	go func() {
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
	return nil
}
