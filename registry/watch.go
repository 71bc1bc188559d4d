package registry

import (
	"context"
	"time"
)

// AliasChange is delivered by Watch when an alias moves.
type AliasChange struct {
	Model    string
	Alias    string
	Version  int // new target; 0 when the alias was removed (or never set)
	Previous int // old target; 0 when the alias was not set
}

// Watch reports changes of alias of model on the returned channel: first
// its current target (if set), then every move, whether made through this
// Registry (delivered at once) or by another Registry or process sharing the
// store (found by polling the store's stamp, see WithPollInterval; within
// 1s by default). Moves in quick succession may be coalesced into one
// change to the latest target. The channel is closed when ctx is done;
// cancel ctx to stop watching. A receiver that does not keep up delays
// later changes, not loses them.
func (r *Registry) Watch(ctx context.Context, model, alias string) (<-chan AliasChange, error) {
	if err := ValidateName("model", model); err != nil {
		return nil, err
	}
	if err := ValidateName("alias", alias); err != nil {
		return nil, err
	}
	ch := make(chan AliasChange, 1)
	go func() {
		defer close(ch)
		tick := time.NewTicker(r.poll)
		defer tick.Stop()
		last := 0
		for {
			r.mu.RLock()
			changed := r.changed
			r.mu.RUnlock()
			cur, ok := r.target(ctx, model, alias)
			if ok && cur != last {
				select {
				case ch <- AliasChange{Model: model, Alias: alias, Version: cur, Previous: last}:
					last = cur
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-changed:
			case <-tick.C:
			}
		}
	}()
	return ch, nil
}

// target returns the current target of alias, 0 when unset, and false when
// the store could not be read (the watcher then tries again later).
func (r *Registry) target(ctx context.Context, model, alias string) (int, bool) {
	s, err := r.snapshotTTL(ctx, model, 0)
	if err != nil {
		return 0, isNotFound(err)
	}
	return s.head.Aliases[alias].Version, true
}
