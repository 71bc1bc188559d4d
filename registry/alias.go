package registry

import (
	"context"
	"fmt"
	"strconv"
)

// Gate is the check a promotion must pass, such as an evaluation verdict
// comparing the candidate with the incumbent (nil when the alias is not
// set yet). A non-nil error refuses the promotion.
type Gate interface {
	Check(ctx context.Context, candidate Version, incumbent *Version) error
}

// GateFunc adapts a function to Gate.
type GateFunc func(ctx context.Context, candidate Version, incumbent *Version) error

// Check calls f.
func (f GateFunc) Check(ctx context.Context, candidate Version, incumbent *Version) error {
	return f(ctx, candidate, incumbent)
}

// Promote moves alias of model to version number, atomically, and records
// the move with reason, which is required. When gate is not nil it is run
// first with the candidate and the incumbent; if it fails, Promote returns a
// *GateError and nothing changes. If the alias moved while the gate ran,
// Promote returns an error wrapping ErrConflict and nothing changes. An
// archived version cannot be promoted (ErrArchived). The previous target is
// remembered for Rollback.
func (r *Registry) Promote(ctx context.Context, model, alias string, number int, reason string, gate Gate) error {
	if err := ValidateName("alias", alias); err != nil {
		return err
	}
	if reason == "" {
		return fmt.Errorf("registry: promote %s v%d to %q: %w", model, number, alias, ErrReasonRequired)
	}
	if err := checkText("reason", reason); err != nil {
		return err
	}
	a := Action{Kind: ActionPromote, Model: model, Version: number, Alias: alias}
	if err := r.authorize(ctx, a); err != nil {
		return err
	}
	incumbentNumber := 0
	if gate != nil {
		s, err := r.snapshot(ctx, model)
		if err != nil {
			return err
		}
		cand, ok := s.versions[number]
		if !ok {
			return &NotFoundError{Model: model, Version: number}
		}
		var inc *Version
		if t, ok := s.head.Aliases[alias]; ok {
			iv := s.versions[t.Version].clone()
			inc, incumbentNumber = &iv, t.Version
		}
		if err := gate.Check(ctx, cand.clone(), inc); err != nil {
			return &GateError{Model: model, Alias: alias, Version: number, Err: err}
		}
	}
	return r.update(ctx, a, func(h *Head, exists bool, _ *Commit) ([]Entry, error) {
		i := h.find(number)
		if !exists || i < 0 {
			return nil, &NotFoundError{Model: model, Version: number}
		}
		if h.Versions[i].Archived {
			return nil, fmt.Errorf("registry: promote %s v%d to %q: %w", model, number, alias, ErrArchived)
		}
		t, had := h.Aliases[alias]
		if gate != nil && t.Version != incumbentNumber {
			return nil, fmt.Errorf("registry: promote %s v%d to %q: alias moved to v%d while the gate ran: %w", model, number, alias, t.Version, ErrConflict)
		}
		before := ""
		if had {
			before = strconv.Itoa(t.Version)
			if t.Version != number {
				t.History = append(t.History, t.Version)
			}
		}
		t.Version = number
		h.Aliases[alias] = t
		return []Entry{{Action: ActionPromote, Version: number, Alias: alias, Reason: reason, Before: before, After: strconv.Itoa(number)}}, nil
	})
}

// Rollback moves alias of model back to its previous target (skipping
// targets deleted or archived since), records the move with reason, which is
// required, and returns the version now targeted. With no previous target it
// returns an error wrapping ErrNoPrevious.
func (r *Registry) Rollback(ctx context.Context, model, alias, reason string) (Version, error) {
	if err := ValidateName("alias", alias); err != nil {
		return Version{}, err
	}
	if reason == "" {
		return Version{}, fmt.Errorf("registry: rollback %s alias %q: %w", model, alias, ErrReasonRequired)
	}
	if err := checkText("reason", reason); err != nil {
		return Version{}, err
	}
	to := 0
	err := r.update(ctx, Action{Kind: ActionRollback, Model: model, Alias: alias}, func(h *Head, _ bool, _ *Commit) ([]Entry, error) {
		t, ok := h.Aliases[alias]
		if !ok {
			return nil, &NotFoundError{Model: model, Alias: alias}
		}
		from := t.Version
		for len(t.History) > 0 {
			n := t.History[len(t.History)-1]
			t.History = t.History[:len(t.History)-1]
			if i := h.find(n); i >= 0 && !h.Versions[i].Archived {
				t.Version = n
				break
			}
		}
		if t.Version == from {
			return nil, fmt.Errorf("registry: rollback %s alias %q from v%d: %w", model, alias, from, ErrNoPrevious)
		}
		h.Aliases[alias] = t
		to = t.Version
		return []Entry{{Action: ActionRollback, Version: to, Alias: alias, Reason: reason, Before: strconv.Itoa(from), After: strconv.Itoa(to)}}, nil
	})
	if err != nil {
		return Version{}, err
	}
	return r.Get(ctx, model, to)
}

// DeleteAlias removes alias from model and records it with reason, which is
// required.
func (r *Registry) DeleteAlias(ctx context.Context, model, alias, reason string) error {
	if err := ValidateName("alias", alias); err != nil {
		return err
	}
	if reason == "" {
		return fmt.Errorf("registry: delete alias %q of %s: %w", alias, model, ErrReasonRequired)
	}
	if err := checkText("reason", reason); err != nil {
		return err
	}
	return r.update(ctx, Action{Kind: ActionDeleteAlias, Model: model, Alias: alias}, func(h *Head, _ bool, _ *Commit) ([]Entry, error) {
		t, ok := h.Aliases[alias]
		if !ok {
			return nil, &NotFoundError{Model: model, Alias: alias}
		}
		delete(h.Aliases, alias)
		return []Entry{{Action: ActionDeleteAlias, Version: t.Version, Alias: alias, Reason: reason, Before: strconv.Itoa(t.Version)}}, nil
	})
}
