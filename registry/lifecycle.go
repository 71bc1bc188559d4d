package registry

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Archive hides version number of model from Latest and from Versions
// (unless the filter asks for archived versions) and records it with
// reason, which is required. Nothing is deleted; Unarchive reverses it.
func (r *Registry) Archive(ctx context.Context, model string, number int, reason string) error {
	return r.setArchived(ctx, model, number, reason, true)
}

// Unarchive reverses Archive, recording it with reason, which is required.
func (r *Registry) Unarchive(ctx context.Context, model string, number int, reason string) error {
	return r.setArchived(ctx, model, number, reason, false)
}

func (r *Registry) setArchived(ctx context.Context, model string, number int, reason string, archived bool) error {
	kind := ActionArchive
	if !archived {
		kind = ActionUnarchive
	}
	if reason == "" {
		return fmt.Errorf("registry: %s %s v%d: %w", kind, model, number, ErrReasonRequired)
	}
	if err := checkText("reason", reason); err != nil {
		return err
	}
	return r.update(ctx, Action{Kind: kind, Model: model, Version: number}, func(h *Head, _ bool, _ *Commit) ([]Entry, error) {
		i := h.find(number)
		if i < 0 {
			return nil, &NotFoundError{Model: model, Version: number}
		}
		before, after := state(h.Versions[i].Archived), state(archived)
		h.Versions[i].Archived = archived
		return []Entry{{Action: kind, Version: number, Reason: reason, Before: before, After: after}}, nil
	})
}

func state(archived bool) string {
	if archived {
		return "archived"
	}
	return "active"
}

// Delete removes version number of model and its parts (those no other
// version shares), recording it with reason, which is required. A version an
// alias points at cannot be deleted (ErrInUse). Its number is never reused.
func (r *Registry) Delete(ctx context.Context, model string, number int, reason string) error {
	if reason == "" {
		return fmt.Errorf("registry: delete %s v%d: %w", model, number, ErrReasonRequired)
	}
	if err := checkText("reason", reason); err != nil {
		return err
	}
	return r.update(ctx, Action{Kind: ActionDelete, Model: model, Version: number}, func(h *Head, _ bool, c *Commit) ([]Entry, error) {
		i := h.find(number)
		if i < 0 {
			return nil, &NotFoundError{Model: model, Version: number}
		}
		for a, t := range h.Aliases {
			if t.Version == number {
				return nil, fmt.Errorf("registry: delete %s v%d: alias %q: %w", model, number, a, ErrInUse)
			}
		}
		gone := h.Versions[i]
		h.Versions = slices.Delete(h.Versions, i, i+1)
		keep := map[string]bool{}
		for _, hv := range h.Versions {
			keep[hv.Manifest] = true
			m, err := r.manifest(ctx, model, hv.Manifest)
			if err != nil {
				return nil, err
			}
			for _, p := range m.Parts {
				keep[p.SHA256] = true
			}
		}
		m, err := r.manifest(ctx, model, gone.Manifest)
		if err != nil {
			return nil, err
		}
		for _, hash := range append([]string{gone.Manifest}, partHashes(m)...) {
			if !keep[hash] {
				c.Garbage = append(c.Garbage, hash)
				keep[hash] = true
			}
		}
		for a, t := range h.Aliases {
			t.History = slices.DeleteFunc(t.History, func(n int) bool { return n == number })
			h.Aliases[a] = t
		}
		return []Entry{{Action: ActionDelete, Version: number, Reason: reason, Before: gone.Manifest}}, nil
	})
}

func partHashes(m *manifest) []string {
	out := make([]string, len(m.Parts))
	for i, p := range m.Parts {
		out[i] = p.SHA256
	}
	return out
}

// SetTag sets tag key to value on version number of model, recording the
// change and reason (optional) in the audit log.
func (r *Registry) SetTag(ctx context.Context, model string, number int, key, value, reason string) error {
	if err := ValidateName("tag", key); err != nil {
		return err
	}
	if err := checkText("tag "+key+" value", value); err != nil {
		return err
	}
	if err := checkText("reason", reason); err != nil {
		return err
	}
	return r.update(ctx, Action{Kind: ActionSetTag, Model: model, Version: number}, func(h *Head, _ bool, _ *Commit) ([]Entry, error) {
		i := h.find(number)
		if i < 0 {
			return nil, &NotFoundError{Model: model, Version: number}
		}
		before := tagString(h.Versions[i].Tags)
		tags := maps.Clone(h.Versions[i].Tags) // shared with the old head
		if tags == nil {
			tags = map[string]string{}
		}
		tags[key] = value
		h.Versions[i].Tags = tags
		return []Entry{{Action: ActionSetTag, Version: number, Reason: reason, Before: before, After: tagString(h.Versions[i].Tags)}}, nil
	})
}

// DeleteTag removes tag key from version number of model, recording the
// change and reason (optional) in the audit log.
func (r *Registry) DeleteTag(ctx context.Context, model string, number int, key, reason string) error {
	if err := ValidateName("tag", key); err != nil {
		return err
	}
	if err := checkText("reason", reason); err != nil {
		return err
	}
	return r.update(ctx, Action{Kind: ActionDeleteTag, Model: model, Version: number}, func(h *Head, _ bool, _ *Commit) ([]Entry, error) {
		i := h.find(number)
		if i < 0 {
			return nil, &NotFoundError{Model: model, Version: number}
		}
		if _, ok := h.Versions[i].Tags[key]; !ok {
			return nil, fmt.Errorf("registry: %s v%d tag %q: %w", model, number, key, ErrNotFound)
		}
		before := tagString(h.Versions[i].Tags)
		tags := maps.Clone(h.Versions[i].Tags) // shared with the old head
		delete(tags, key)
		h.Versions[i].Tags = tags
		return []Entry{{Action: ActionDeleteTag, Version: number, Reason: reason, Before: before, After: tagString(h.Versions[i].Tags)}}, nil
	})
}

// tagString renders tags as "k1=v1,k2=v2", sorted by key.
func tagString(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + tags[k])
	}
	return b.String()
}
