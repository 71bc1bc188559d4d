package retrain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loomml/loom/registry"
)

// The loop keeps its state in the registry, in a companion model named
// "<model>.retrain": its lowest version tagged kind=state (the anchor)
// holds the state as JSON in the tag "state", changed only by
// Registry.SwapTag, so every transition is one atomic, audited commit;
// every other version is a finished Record (tag kind=run).
const (
	companionSuffix = ".retrain"
	tagKind         = "kind"
	tagState        = "state"
	tagRun          = "run"
	tagOutcome      = "outcome"
	kindState       = "state"
	kindRun         = "run"
	partRecord      = "record"
	partLoop        = "loop"
)

// Tags the loop sets on the model's versions.
const (
	TagRun           = "retrain_run"            // the run that registered the version
	TagTrigger       = "retrain_trigger"        // the kind of its trigger
	TagStatus        = "retrain_status"         // its outcome: promoted, canary, awaiting-approval, rejected, canary-failed, rolled-back
	TagCanaryPercent = "retrain_canary_percent" // the canary's share of traffic, in percent
	TagParent        = "retrain_parent"         // the champion it was compared with ("0" for none)
)

// Phase is a step boundary of a run: the run in flight records the phase
// it is in before each change of the store, so that a loop resuming after
// a kill knows what may have happened.
type Phase string

// The phases of a run, in order. Fetching, validating, fitting and
// evaluating happen in memory during PhaseStart: a run interrupted there
// has changed nothing but its state, and is abandoned and run again.
const (
	PhaseStart    Phase = "start"    // lease taken: fetch, validate, fit, evaluate in memory
	PhaseRegister Phase = "register" // evaluated: registering the challenger, then the policy decides
	PhaseCanary   Phase = "canary"   // moving the canary alias
	PhaseSoak     Phase = "soak"     // the canary takes traffic until SoakUntil; the lease is released
	PhaseAbort    Phase = "abort"    // removing a canary that breached
	PhasePromote  Phase = "promote"  // moving the champion alias
	PhaseFinish   Phase = "finish"   // the outcome is final: tagging the challenger, storing the record
)

// state is the loop's persistent state.
type state struct {
	Lease        lease       `json:"lease"`
	Seq          int         `json:"seq"` // runs and rollbacks started so far
	Run          *runState   `json:"run,omitempty"`
	Watch        *watchState `json:"watch,omitempty"`
	LastSchedule time.Time   `json:"last_schedule,omitzero"`
	DataVersion  string      `json:"data_version,omitempty"`
}

type lease struct {
	Owner string    `json:"owner,omitempty"`
	Until time.Time `json:"until,omitzero"`
}

// runState is the run in flight.
type runState struct {
	Phase        Phase  `json:"phase"`
	Record       Record `json:"record"`
	LatestBefore int    `json:"latest_before,omitempty"` // the model's latest version number before registering
	Breach       string `json:"breach,omitempty"`        // a live breach of the canary
}

// watchState is the watch window of a newly promoted champion.
type watchState struct {
	Version  int       `json:"version"`
	Previous int       `json:"previous"`
	Until    time.Time `json:"until"`
	Run      string    `json:"run"`
	Kind     Kind      `json:"kind,omitempty"`     // the breach's kind, once a rollback is under way
	Rollback string    `json:"rollback,omitempty"` // the reason, once a rollback is under way
	ID       string    `json:"id,omitempty"`       // the rollback record's id
}

// errLeaseLost reports that another replica holds the lease.
var errLeaseLost = errors.New("retrain: the lease is held by another replica")

// stateStore reads and swaps the state of one loop.
type stateStore struct {
	reg    *registry.Registry
	model  string // the companion model
	anchor int
}

// open finds or makes the anchor version.
func (s *stateStore) open(ctx context.Context) error {
	if s.anchor != 0 {
		return nil
	}
	find := func() (int, error) {
		vs, err := s.reg.Versions(ctx, s.model, registry.Filter{Tags: map[string]string{tagKind: kindState}})
		if err != nil && !errors.Is(err, registry.ErrNotFound) {
			return 0, err
		}
		if len(vs) == 0 {
			return 0, nil
		}
		return vs[0].Number, nil
	}
	n, err := find()
	if err != nil || n != 0 {
		s.anchor = n
		return err
	}
	// Two replicas may both register an anchor: both then use the lowest.
	doc, _ := json.Marshal(map[string]string{"model": s.model})
	if _, err := s.reg.Register(ctx, s.model, map[string][]byte{partLoop: doc}, registry.Metadata{
		Tags: map[string]string{tagKind: kindState}, Description: "state of the retraining loop"}); err != nil {
		return err
	}
	s.anchor, err = find()
	return err
}

// load returns the state and its raw tag value.
func (s *stateStore) load(ctx context.Context) (state, string, error) {
	if err := s.open(ctx); err != nil {
		return state{}, "", err
	}
	v, err := s.reg.Get(ctx, s.model, s.anchor)
	if err != nil {
		return state{}, "", err
	}
	raw := v.Metadata.Tags[tagState]
	st, err := decodeState(raw)
	if err != nil {
		return state{}, "", fmt.Errorf("retrain: the state of %s (version %d, tag %q): %w", s.model, s.anchor, tagState, err)
	}
	return st, raw, nil
}

// decodeState reads the state from its tag value ("" is the initial
// state) and checks what the loop relies on.
func decodeState(raw string) (state, error) {
	var st state
	if raw == "" {
		return st, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return state{}, err
	}
	if dec.More() {
		return state{}, errors.New("data after the state")
	}
	if st.Seq < 0 {
		return state{}, fmt.Errorf("run sequence %d", st.Seq)
	}
	if r := st.Run; r != nil {
		switch r.Phase {
		case PhaseStart, PhaseRegister, PhaseCanary, PhaseSoak, PhaseAbort, PhasePromote, PhaseFinish:
		default:
			return state{}, fmt.Errorf("run %q: unknown phase %q", r.Record.ID, r.Phase)
		}
		if r.Record.ID == "" {
			return state{}, errors.New("a run in flight without an id")
		}
		if r.Record.Challenger < 0 || r.Record.Champion < 0 || r.LatestBefore < 0 {
			return state{}, fmt.Errorf("run %q: negative version number", r.Record.ID)
		}
	}
	if w := st.Watch; w != nil && (w.Version <= 0 || w.Previous < 0) {
		return state{}, fmt.Errorf("watch of version %d (previous %d)", w.Version, w.Previous)
	}
	return st, nil
}

// update applies fn to the current state and swaps it in, retrying when
// another writer changed the state meanwhile. fn returning errNoChange
// commits nothing.
func (s *stateStore) update(ctx context.Context, reason string, fn func(st *state) error) (state, error) {
	for try := 0; ; try++ {
		st, raw, err := s.load(ctx)
		if err != nil {
			return state{}, err
		}
		if err := fn(&st); err != nil {
			if errors.Is(err, errNoChange) {
				return st, nil
			}
			return st, err
		}
		b, err := json.Marshal(st)
		if err != nil {
			return st, err
		}
		if string(b) == raw {
			return st, nil
		}
		err = s.reg.SwapTag(ctx, s.model, s.anchor, tagState, raw, string(b), reason)
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, registry.ErrConflict) || try >= 20 {
			return st, err
		}
	}
}

var errNoChange = errors.New("retrain: no change")

// records returns the stored run records, oldest first.
func (s *stateStore) records(ctx context.Context) ([]Record, error) {
	vs, err := s.reg.Versions(ctx, s.model, registry.Filter{Tags: map[string]string{tagKind: kindRun}})
	if errors.Is(err, registry.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(vs))
	for _, v := range vs {
		b, err := s.reg.ReadPart(ctx, v, partRecord)
		if err != nil {
			return nil, err
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("retrain: record of %s version %d: %w", s.model, v.Number, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// saveRecord stores r as a version of the companion model, unless a record
// of the same id is stored already (a resumed finish).
func (s *stateStore) saveRecord(ctx context.Context, r *Record) error {
	vs, err := s.reg.Versions(ctx, s.model, registry.Filter{Tags: map[string]string{tagKind: kindRun, tagRun: r.ID}})
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	md := registry.Metadata{
		Tags:            map[string]string{tagKind: kindRun, tagRun: r.ID, tagOutcome: string(r.Outcome), TagTrigger: string(r.Trigger.Kind)},
		DataFingerprint: r.DataFingerprint,
		ParentRun:       r.ID,
		Description:     describe(r),
	}
	if r.Challenger != 0 {
		md.Params = map[string]string{"challenger": strconv.Itoa(r.Challenger), "champion": strconv.Itoa(r.Champion)}
	}
	_, err = s.reg.Register(ctx, s.model, map[string][]byte{partRecord: b}, md)
	return err
}

// describe is a one-line summary of a record.
func describe(r *Record) string {
	s := fmt.Sprintf("%s: %s, trigger %s", r.ID, r.Outcome, r.Trigger)
	if len(r.Reasons) > 0 {
		s += ": " + r.Reasons[0]
		if n := len(r.Reasons) - 1; n > 0 {
			s += fmt.Sprintf(" (and %d more)", n)
		}
	}
	return s
}

// held reports whether owner may act as the lease holder at now.
func (l lease) held(owner string, now time.Time) bool {
	return l.Owner == "" || l.Owner == owner || !now.Before(l.Until)
}

func cloneRecord(r Record) Record {
	r.Steps = slices.Clone(r.Steps)
	r.Reasons = slices.Clone(r.Reasons)
	return r
}
