package registry

import (
	"context"
	"fmt"
	"maps"
)

// SwapTag sets tag key of version number of model to value if, and only
// if, its current value is old, atomically: the comparison and the change
// are one commit of the store, so of several writers (goroutines,
// Registries or processes sharing the store) that swap from the same old
// value exactly one succeeds. An absent tag has the value "": old "" swaps
// only an absent or empty tag. A value "" removes the tag.
//
// When the current value is not old, SwapTag changes nothing and returns
// an error wrapping ErrConflict that quotes the current value; re-read it
// (Get) and decide again. A successful swap is audited as a set-tag (or
// delete-tag) entry with reason (optional). It is the building block of
// leases and state machines kept in the registry, such as package
// retrain's.
func (r *Registry) SwapTag(ctx context.Context, model string, number int, key, old, value, reason string) error {
	if err := ValidateName("tag", key); err != nil {
		return err
	}
	kind := ActionSetTag
	if value == "" {
		kind = ActionDeleteTag
	}
	return r.update(ctx, Action{Kind: kind, Model: model, Version: number}, func(h *Head, _ bool, _ *Commit) ([]Entry, error) {
		i := h.find(number)
		if i < 0 {
			return nil, &NotFoundError{Model: model, Version: number}
		}
		if cur := h.Versions[i].Tags[key]; cur != old {
			return nil, fmt.Errorf("registry: swap tag %q of %s v%d: the value is %q, not %q: %w", key, model, number, cur, old, ErrConflict)
		}
		before := tagString(h.Versions[i].Tags)
		tags := maps.Clone(h.Versions[i].Tags) // shared with the old head
		if tags == nil {
			tags = map[string]string{}
		}
		if value == "" {
			delete(tags, key)
		} else {
			tags[key] = value
		}
		h.Versions[i].Tags = tags
		return []Entry{{Action: kind, Version: number, Reason: reason, Before: before, After: tagString(tags)}}, nil
	})
}
