// Package registrytest is a conformance suite for registry.Store
// implementations, in the manner of testing/slogtest: any Store, wrapped in a
// registry.Registry, must pass Run.
//
//	func TestMyStore(t *testing.T) {
//		registrytest.Run(t, func(t *testing.T) registry.Store { return newMyStore(t) })
//	}
//
// Each subtest gets a fresh, empty store from newStore (the export subtest
// asks for two). The suite covers registration and reads, dense numbering
// under concurrent writers, aliases with gates and rollback, archive and
// delete, tags and filters, authorization (a denied write changes nothing),
// the audit chain, Watch, and export and import between two stores.
package registrytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/loomml/loom/registry"
)

// Run runs the conformance suite against stores made by newStore, each in
// its own subtest.
func Run(t *testing.T, newStore func(t *testing.T) registry.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, newStore func(t *testing.T) registry.Store)
	}{
		{"RegisterAndRead", testRegisterAndRead},
		{"InvalidInput", testInvalidInput},
		{"InvalidUTF8", testInvalidUTF8},
		{"ArchiveAndLatest", testArchiveAndLatest},
		{"PromoteGateRollback", testPromoteGateRollback},
		{"Delete", testDelete},
		{"TagsAndFilters", testTagsAndFilters},
		{"SwapTag", testSwapTag},
		{"AuditChain", testAuditChain},
		{"DeniedChangesNothing", testDenied},
		{"FailedUpdateChangesNothing", testFailedUpdate},
		{"ConcurrentWriters", testConcurrent},
		{"Watch", testWatch},
		{"ExportImport", testExportImport},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore) })
	}
}

func ctxAs(p string) context.Context {
	return registry.WithPrincipal(context.Background(), p)
}

func parts(i int) map[string][]byte {
	return map[string][]byte{
		"model":    []byte(fmt.Sprintf("model bytes %d", i)),
		"contract": []byte("shared contract"),
	}
}

func mustRegister(t *testing.T, r *registry.Registry, model string, i int, md registry.Metadata) registry.Version {
	t.Helper()
	v, err := r.Register(ctxAs("alice"), model, parts(i), md)
	if err != nil {
		t.Fatalf("Register(%s, %d) = %v", model, i, err)
	}
	return v
}

func testRegisterAndRead(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	ctx := ctxAs("alice")
	md := registry.Metadata{
		Metrics:         map[string]float64{"auc": 0.91},
		Params:          map[string]string{"depth": "4"},
		Tags:            map[string]string{"team": "risk"},
		DataFingerprint: "sha256:abc",
		ParentRun:       "run-7",
		SourceVersion:   "v1.2.3",
		Description:     "first",
	}
	for i := 1; i <= 3; i++ {
		v := mustRegister(t, r, "churn", i, md)
		if v.Number != i {
			t.Fatalf("Register #%d numbered %d; want %d", i, v.Number, i)
		}
		if v.CreatedBy != "alice" || v.Hash == "" || len(v.Parts) != 2 {
			t.Fatalf("Register #%d = %+v; want created by alice, a hash and 2 parts", i, v)
		}
	}
	mustRegister(t, r, "fraud", 1, registry.Metadata{})
	models, err := r.Models(ctx)
	if err != nil || !slices.Equal(models, []string{"churn", "fraud"}) {
		t.Fatalf("Models() = %v, %v; want [churn fraud]", models, err)
	}
	v, err := r.Get(ctx, "churn", 2)
	if err != nil {
		t.Fatalf("Get(churn, 2) = %v", err)
	}
	if v.Metadata.Metrics["auc"] != 0.91 || v.Metadata.Params["depth"] != "4" || v.Metadata.Tags["team"] != "risk" ||
		v.Metadata.DataFingerprint != "sha256:abc" || v.Metadata.ParentRun != "run-7" || v.Metadata.SourceVersion != "v1.2.3" ||
		v.Metadata.Description != "first" {
		t.Fatalf("Get(churn, 2).Metadata = %+v; want %+v", v.Metadata, md)
	}
	got, err := r.ReadParts(ctx, v)
	if err != nil {
		t.Fatalf("ReadParts(v2) = %v", err)
	}
	for name, want := range parts(2) {
		if !bytes.Equal(got[name], want) {
			t.Fatalf("ReadParts(v2)[%q] = %q; want %q", name, got[name], want)
		}
	}
	v.Metadata.Metrics["auc"] = 0 // a copy: must not change what is stored
	again, _ := r.Get(ctx, "churn", 2)
	if again.Metadata.Metrics["auc"] != 0.91 {
		t.Fatalf("changing a returned Version changed the stored one")
	}
	latest, err := r.Latest(ctx, "churn")
	if err != nil || latest.Number != 3 {
		t.Fatalf("Latest(churn) = %d, %v; want 3", latest.Number, err)
	}
	if _, err := r.Get(ctx, "churn", 9); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Get(churn, 9) = %v; want ErrNotFound", err)
	}
	if _, err := r.Get(ctx, "nosuch", 1); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Get(nosuch, 1) = %v; want ErrNotFound", err)
	}
	if _, err := r.ReadPart(ctx, v, "nosuch"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("ReadPart(nosuch) = %v; want ErrNotFound", err)
	}
}

func testInvalidInput(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	ctx := ctxAs("alice")
	for _, name := range []string{"", "..", "a/b", "../x", "Upper", "-x", "x y", string(make([]byte, 65))} {
		if _, err := r.Register(ctx, name, parts(1), registry.Metadata{}); !errors.Is(err, registry.ErrInvalidName) {
			t.Errorf("Register(%q) = %v; want ErrInvalidName", name, err)
		}
		if _, err := r.Register(ctx, "m", map[string][]byte{name: nil}, registry.Metadata{}); !errors.Is(err, registry.ErrInvalidName) {
			t.Errorf("Register(part %q) = %v; want ErrInvalidName", name, err)
		}
	}
	nan := registry.Metadata{Metrics: map[string]float64{"auc": nan()}}
	if _, err := r.Register(ctx, "m", parts(1), nan); !errors.Is(err, registry.ErrInvalidMetadata) {
		t.Errorf("Register(NaN metric) = %v; want ErrInvalidMetadata", err)
	}
	if _, err := r.Models(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Latest(ctx, "m"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("after rejected registrations, Latest(m) = %v; want ErrNotFound", err)
	}
}

func nan() float64 { z := 0.0; return z / z }

// testInvalidUTF8 tries every way free text enters the audit log or a
// manifest with bytes that are not valid UTF-8: each write must be refused
// with ErrInvalidText, and the log must still verify, export and import.
// Valid non-ASCII text must be kept exactly.
func testInvalidUTF8(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	ctx := ctxAs("alice")
	const bad, good = "caf\xe9 \xff", "café ✓ 🚀 \u2028 <&>"
	mustRegister(t, r, "m", 1, registry.Metadata{Description: good, Tags: map[string]string{"team": good}, Params: map[string]string{good: good}})
	mustRegister(t, r, "m", 2, registry.Metadata{})
	if err := r.Promote(ctx, "m", "champion", 1, good, nil); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name string
		err  error
	}{
		{"Register(description)", errOf(r.Register(ctx, "m", parts(3), registry.Metadata{Description: bad}))},
		{"Register(tag value)", errOf(r.Register(ctx, "m", parts(3), registry.Metadata{Tags: map[string]string{"team": bad}}))},
		{"Register(param value)", errOf(r.Register(ctx, "m", parts(3), registry.Metadata{Params: map[string]string{"depth": bad}}))},
		{"Register(param name)", errOf(r.Register(ctx, "m", parts(3), registry.Metadata{Params: map[string]string{bad: "4"}}))},
		{"Register(metric name)", errOf(r.Register(ctx, "m", parts(3), registry.Metadata{Metrics: map[string]float64{bad: 1}}))},
		{"Register(fingerprint)", errOf(r.Register(ctx, "m", parts(3), registry.Metadata{DataFingerprint: bad}))},
		{"Register(principal)", errOf(r.Register(ctxAs(bad), "m", parts(3), registry.Metadata{}))},
		{"Promote(reason)", r.Promote(ctx, "m", "champion", 2, bad, nil)},
		{"Promote(principal)", r.Promote(ctxAs(bad), "m", "champion", 2, "ok", nil)},
		{"Rollback(reason)", errOf(r.Rollback(ctx, "m", "champion", bad))},
		{"SetTag(value)", r.SetTag(ctx, "m", 2, "team", bad, "ok")},
		{"SetTag(reason)", r.SetTag(ctx, "m", 2, "team", "x", bad)},
		{"DeleteTag(reason)", r.DeleteTag(ctx, "m", 1, "team", bad)},
		{"Archive(reason)", r.Archive(ctx, "m", 2, bad)},
		{"Delete(reason)", r.Delete(ctx, "m", 2, bad)},
		{"DeleteAlias(reason)", r.DeleteAlias(ctx, "m", "champion", bad)},
	}
	for _, w := range writes {
		if !errors.Is(w.err, registry.ErrInvalidText) {
			t.Errorf("%s with invalid UTF-8 = %v; want ErrInvalidText", w.name, w.err)
		}
	}
	es, err := r.Audit(ctx, "m")
	if err != nil {
		t.Fatalf("Audit() after refused writes = %v", err)
	}
	if len(es) != 3 || es[0].Reason != good || es[2].Reason != good {
		t.Fatalf("Audit() = %+v; want 2 registrations and 1 promotion with reason %q", es, good)
	}
	v, err := r.Get(ctx, "m", 1)
	if err != nil || v.Metadata.Description != good || v.Metadata.Tags["team"] != good || v.Metadata.Params[good] != good {
		t.Fatalf("Get(m, 1) = %+v, %v; want metadata %q kept exactly", v.Metadata, err, good)
	}
	if vs, _ := r.Versions(ctx, "m", registry.Filter{Archived: true}); len(vs) != 2 {
		t.Fatalf("Versions() = %d; want 2 (refused registrations stored nothing)", len(vs))
	}
	var buf bytes.Buffer
	if err := r.Export(ctx, "m", &buf); err != nil {
		t.Fatalf("Export() = %v", err)
	}
	if _, err := registry.New(newStore(t)).Import(ctx, &buf); err != nil {
		t.Fatalf("Import() = %v", err)
	}
}

// errOf drops the value of a (value, error) pair.
func errOf[V any](_ V, err error) error { return err }

func testArchiveAndLatest(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	ctx := ctxAs("alice")
	for i := 1; i <= 3; i++ {
		mustRegister(t, r, "m", i, registry.Metadata{})
	}
	if err := r.Archive(ctx, "m", 3, ""); !errors.Is(err, registry.ErrReasonRequired) {
		t.Fatalf("Archive without reason = %v; want ErrReasonRequired", err)
	}
	if err := r.Archive(ctx, "m", 3, "bad calibration"); err != nil {
		t.Fatal(err)
	}
	if v, err := r.Latest(ctx, "m"); err != nil || v.Number != 2 {
		t.Fatalf("Latest after archiving 3 = %d, %v; want 2", v.Number, err)
	}
	vs, _ := r.Versions(ctx, "m", registry.Filter{})
	if len(vs) != 2 {
		t.Fatalf("Versions() = %d versions; want 2 (archived hidden)", len(vs))
	}
	vs, _ = r.Versions(ctx, "m", registry.Filter{Archived: true})
	if len(vs) != 3 || !vs[2].Archived {
		t.Fatalf("Versions(Archived) = %d versions; want 3 with the last archived", len(vs))
	}
	if err := r.Promote(ctx, "m", "champion", 3, "try", nil); !errors.Is(err, registry.ErrArchived) {
		t.Fatalf("Promote(archived) = %v; want ErrArchived", err)
	}
	if err := r.Unarchive(ctx, "m", 3, "recalibrated"); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Latest(ctx, "m"); v.Number != 3 {
		t.Fatalf("Latest after Unarchive = %d; want 3", v.Number)
	}
}

func testPromoteGateRollback(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	ctx := ctxAs("alice")
	for i := 1; i <= 3; i++ {
		mustRegister(t, r, "m", i, registry.Metadata{Metrics: map[string]float64{"auc": 0.7 + float64(i)/100}})
	}
	if _, err := r.Resolve(ctx, "m", "champion"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Resolve(unset alias) = %v; want ErrNotFound", err)
	}
	if err := r.Promote(ctx, "m", "champion", 1, "", nil); !errors.Is(err, registry.ErrReasonRequired) {
		t.Fatalf("Promote without reason = %v; want ErrReasonRequired", err)
	}
	if err := r.Promote(ctx, "m", "champion", 1, "first model", nil); err != nil {
		t.Fatal(err)
	}
	better := registry.GateFunc(func(_ context.Context, cand registry.Version, inc *registry.Version) error {
		if inc != nil && cand.Metadata.Metrics["auc"] <= inc.Metadata.Metrics["auc"] {
			return fmt.Errorf("auc %.2f does not beat %.2f", cand.Metadata.Metrics["auc"], inc.Metadata.Metrics["auc"])
		}
		return nil
	})
	if err := r.Promote(ctx, "m", "champion", 3, "better auc", better); err != nil {
		t.Fatalf("Promote(v3, gate) = %v", err)
	}
	err := r.Promote(ctx, "m", "champion", 2, "worse", better)
	var ge *registry.GateError
	if !errors.As(err, &ge) || !errors.Is(err, registry.ErrGateFailed) || ge.Version != 2 {
		t.Fatalf("Promote(v2, failing gate) = %v; want *GateError for v2", err)
	}
	if v, _ := r.Resolve(ctx, "m", "champion"); v.Number != 3 {
		t.Fatalf("after refused promotion champion = %d; want 3", v.Number)
	}
	if err := r.Promote(ctx, "m", "champion", 9, "missing", nil); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Promote(v9) = %v; want ErrNotFound", err)
	}
	if err := r.Promote(ctx, "m", "staging", 2, "test it", nil); err != nil {
		t.Fatal(err)
	}
	aliases, _ := r.Aliases(ctx, "m")
	if aliases["champion"] != 3 || aliases["staging"] != 2 || len(aliases) != 2 {
		t.Fatalf("Aliases() = %v; want champion:3 staging:2", aliases)
	}
	if _, err := r.Rollback(ctx, "m", "champion", ""); !errors.Is(err, registry.ErrReasonRequired) {
		t.Fatalf("Rollback without reason = %v; want ErrReasonRequired", err)
	}
	v, err := r.Rollback(ctx, "m", "champion", "latency regression")
	if err != nil || v.Number != 1 {
		t.Fatalf("Rollback = %d, %v; want 1", v.Number, err)
	}
	if v, _ := r.Resolve(ctx, "m", "champion"); v.Number != 1 {
		t.Fatalf("Resolve after rollback = %d; want 1", v.Number)
	}
	if _, err := r.Rollback(ctx, "m", "champion", "again"); !errors.Is(err, registry.ErrNoPrevious) {
		t.Fatalf("second Rollback = %v; want ErrNoPrevious", err)
	}
	if err := r.DeleteAlias(ctx, "m", "staging", "done"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(ctx, "m", "staging"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Resolve(deleted alias) = %v; want ErrNotFound", err)
	}
}

func testDelete(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	ctx := ctxAs("alice")
	for i := 1; i <= 3; i++ {
		mustRegister(t, r, "m", i, registry.Metadata{})
	}
	if err := r.Promote(ctx, "m", "champion", 3, "best", nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Delete(ctx, "m", 3, "cleanup"); !errors.Is(err, registry.ErrInUse) {
		t.Fatalf("Delete(alias target) = %v; want ErrInUse", err)
	}
	if err := r.Delete(ctx, "m", 2, ""); !errors.Is(err, registry.ErrReasonRequired) {
		t.Fatalf("Delete without reason = %v; want ErrReasonRequired", err)
	}
	v2, _ := r.Get(ctx, "m", 2)
	if err := r.Delete(ctx, "m", 2, "leaked test data"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(ctx, "m", 2); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Get(deleted) = %v; want ErrNotFound", err)
	}
	if _, err := r.ReadPart(ctx, v2, "model"); err == nil {
		t.Fatalf("ReadPart(deleted version's own part) succeeded; want an error")
	}
	// The shared part is still there for the others.
	v1, _ := r.Get(ctx, "m", 1)
	if b, err := r.ReadPart(ctx, v1, "contract"); err != nil || string(b) != "shared contract" {
		t.Fatalf("ReadPart(v1 shared part) = %q, %v", b, err)
	}
	v4 := mustRegister(t, r, "m", 4, registry.Metadata{})
	if v4.Number != 4 {
		t.Fatalf("Register after Delete numbered %d; want 4 (numbers never reused)", v4.Number)
	}
}

func testTagsAndFilters(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	ctx := ctxAs("alice")
	for i := 1; i <= 4; i++ {
		mustRegister(t, r, "m", i, registry.Metadata{
			Metrics: map[string]float64{"auc": 0.6 + float64(i)/10, "logloss": 1 - float64(i)/10},
			Tags:    map[string]string{"parity": []string{"even", "odd"}[i%2]},
		})
	}
	mustRegister(t, r, "other", 1, registry.Metadata{Tags: map[string]string{"parity": "odd"}})
	if err := r.SetTag(ctx, "m", 2, "approved", "yes", "reviewed"); err != nil {
		t.Fatal(err)
	}
	if err := r.SetTag(ctx, "m", 1, "Bad Key", "x", ""); !errors.Is(err, registry.ErrInvalidName) {
		t.Fatalf("SetTag(bad key) = %v; want ErrInvalidName", err)
	}
	numbers := func(vs []registry.Version) []int {
		var out []int
		for _, v := range vs {
			out = append(out, v.Number)
		}
		return out
	}
	tests := []struct {
		f    registry.Filter
		want []int
	}{
		{registry.Filter{}, []int{1, 2, 3, 4}},
		{registry.Filter{Tags: map[string]string{"parity": "odd"}}, []int{1, 3}},
		{registry.Filter{Tags: map[string]string{"approved": ""}}, []int{2}},
		{registry.Filter{MinMetrics: map[string]float64{"auc": 0.85}}, []int{3, 4}},
		{registry.Filter{MaxMetrics: map[string]float64{"logloss": 0.75}}, []int{3, 4}},
		{registry.Filter{MinMetrics: map[string]float64{"auc": 0.75}, Tags: map[string]string{"parity": "even"}}, []int{2, 4}},
		{registry.Filter{MinMetrics: map[string]float64{"nosuch": 0}}, nil},
	}
	for _, tc := range tests {
		vs, err := r.Versions(ctx, "m", tc.f)
		if err != nil || !slices.Equal(numbers(vs), tc.want) {
			t.Errorf("Versions(%+v) = %v, %v; want %v", tc.f, numbers(vs), err, tc.want)
		}
	}
	found, err := r.FindByTag(ctx, "parity", "odd")
	if err != nil || len(found) != 3 || found[2].Model != "other" {
		t.Fatalf("FindByTag(parity=odd) = %d versions, %v; want m/1, m/3, other/1", len(found), err)
	}
	if err := r.DeleteTag(ctx, "m", 2, "approved", "revoked"); err != nil {
		t.Fatal(err)
	}
	if vs, _ := r.Versions(ctx, "m", registry.Filter{Tags: map[string]string{"approved": ""}}); len(vs) != 0 {
		t.Fatalf("after DeleteTag, %d versions still tagged", len(vs))
	}
	if err := r.DeleteTag(ctx, "m", 2, "approved", ""); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("DeleteTag(missing) = %v; want ErrNotFound", err)
	}
}

func testAuditChain(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	alice, bob := ctxAs("alice"), ctxAs("bob")
	mustRegister(t, r, "m", 1, registry.Metadata{Description: "baseline"})
	if _, err := r.Register(bob, "m", parts(2), registry.Metadata{}); err != nil {
		t.Fatal(err)
	}
	steps := []error{
		r.Promote(bob, "m", "champion", 1, "baseline", nil),
		r.Promote(alice, "m", "champion", 2, "better", nil),
		r.SetTag(alice, "m", 2, "approved", "yes", "review"),
	}
	_, err := r.Rollback(bob, "m", "champion", "incident 42")
	steps = append(steps, err, r.Archive(alice, "m", 2, "superseded"), r.Delete(alice, "m", 2, "cleanup"))
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	es, err := r.Audit(alice, "m")
	if err != nil {
		t.Fatalf("Audit() = %v", err)
	}
	want := []struct{ action, principal, before, after string }{
		{registry.ActionRegister, "alice", "", ""},
		{registry.ActionRegister, "bob", "", ""},
		{registry.ActionPromote, "bob", "", "1"},
		{registry.ActionPromote, "alice", "1", "2"},
		{registry.ActionSetTag, "alice", "", "approved=yes"},
		{registry.ActionRollback, "bob", "2", "1"},
		{registry.ActionArchive, "alice", "active", "archived"},
		{registry.ActionDelete, "alice", "", ""},
	}
	if len(es) != len(want) {
		t.Fatalf("Audit() has %d entries; want %d", len(es), len(want))
	}
	prev := ""
	for i, w := range want {
		e := es[i]
		if e.Seq != i+1 || e.Action != w.action || e.Principal != w.principal || e.Prev != prev || e.Hash == "" || e.Time.IsZero() {
			t.Errorf("entry %d = %+v; want seq %d, %s by %s, chained", i+1, e, i+1, w.action, w.principal)
		}
		if w.action != registry.ActionRegister && w.action != registry.ActionDelete && (e.Before != w.before || e.After != w.after) {
			t.Errorf("entry %d before/after = %q/%q; want %q/%q", i+1, e.Before, e.After, w.before, w.after)
		}
		prev = e.Hash
	}
	if es[5].Reason != "incident 42" {
		t.Errorf("rollback reason = %q; want %q", es[5].Reason, "incident 42")
	}
}

func testDenied(t *testing.T, newStore func(t *testing.T) registry.Store) {
	s := newStore(t)
	open := registry.New(s)
	mustRegister(t, open, "m", 1, registry.Metadata{})
	guarded := registry.New(s, registry.WithAuthorizer(registry.AuthorizerFunc(
		func(_ context.Context, p string, a registry.Action) error {
			if p != "admin" && a.Kind != registry.ActionRegister {
				return errors.New("only admin may " + a.Kind)
			}
			return nil
		})))
	ctx := ctxAs("mallory")
	before, _ := s.Head(ctx, "m")
	for name, err := range map[string]error{
		"promote": guarded.Promote(ctx, "m", "champion", 1, "mine", nil),
		"archive": guarded.Archive(ctx, "m", 1, "mine"),
		"delete":  guarded.Delete(ctx, "m", 1, "mine"),
		"tag":     guarded.SetTag(ctx, "m", 1, "k", "v", ""),
	} {
		var de *registry.DeniedError
		if !errors.As(err, &de) || !errors.Is(err, registry.ErrDenied) || de.Principal != "mallory" {
			t.Errorf("%s by mallory = %v; want *DeniedError", name, err)
		}
	}
	after, _ := s.Head(ctx, "m")
	if after.Gen != before.Gen || after.AuditCount != before.AuditCount {
		t.Fatalf("denied writes changed the head: gen %d → %d, audit %d → %d", before.Gen, after.Gen, before.AuditCount, after.AuditCount)
	}
	if err := guarded.Promote(ctxAs("admin"), "m", "champion", 1, "ok", nil); err != nil {
		t.Fatalf("Promote by admin = %v", err)
	}
}

func testFailedUpdate(t *testing.T, newStore func(t *testing.T) registry.Store) {
	s := newStore(t)
	r := registry.New(s)
	mustRegister(t, r, "m", 1, registry.Metadata{})
	ctx := context.Background()
	before, _ := s.Head(ctx, "m")
	boom := errors.New("boom")
	err := s.Update(ctx, "m", func(cur registry.Head, exists bool) (*registry.Commit, error) {
		if !exists || cur.Gen != before.Gen {
			t.Errorf("Update saw exists=%v gen=%d; want true, %d", exists, cur.Gen, before.Gen)
		}
		return nil, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returning an error = %v; want it passed through", err)
	}
	if err := s.Update(ctx, "m", func(registry.Head, bool) (*registry.Commit, error) { return nil, nil }); err != nil {
		t.Fatalf("Update committing nothing = %v", err)
	}
	after, _ := s.Head(ctx, "m")
	if after.Gen != before.Gen {
		t.Fatalf("failed Update changed gen %d → %d", before.Gen, after.Gen)
	}
	if _, err := s.Head(ctx, "nosuch"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Head(nosuch) = %v; want ErrNotFound", err)
	}
}

func testConcurrent(t *testing.T, newStore func(t *testing.T) registry.Store) {
	r := registry.New(newStore(t))
	const workers, each = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Go(func() {
			ctx := ctxAs(fmt.Sprintf("worker-%d", w))
			for i := range each {
				v, err := r.Register(ctx, "m", parts(w*100+i), registry.Metadata{})
				if err != nil {
					errs <- err
					continue
				}
				errs <- r.Promote(ctx, "m", "champion", v.Number, "newest", nil)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	vs, err := r.Versions(ctx, "m", registry.Filter{})
	if err != nil || len(vs) != workers*each {
		t.Fatalf("Versions() = %d, %v; want %d", len(vs), err, workers*each)
	}
	for i, v := range vs {
		if v.Number != i+1 {
			t.Fatalf("version #%d numbered %d; numbers must be dense", i+1, v.Number)
		}
	}
	es, err := r.Audit(ctx, "m")
	if err != nil || len(es) != 2*workers*each {
		t.Fatalf("Audit() = %d entries, %v; want %d", len(es), err, 2*workers*each)
	}
}

func testWatch(t *testing.T, newStore func(t *testing.T) registry.Store) {
	s := newStore(t)
	r := registry.New(s, registry.WithPollInterval(50*time.Millisecond))
	other := registry.New(s) // another Registry on the same store, like another process
	ctx, cancel := context.WithCancel(ctxAs("alice"))
	defer cancel()
	for i := 1; i <= 3; i++ {
		mustRegister(t, r, "m", i, registry.Metadata{})
	}
	if err := r.Promote(ctx, "m", "champion", 1, "first", nil); err != nil {
		t.Fatal(err)
	}
	ch, err := r.Watch(ctx, "m", "champion")
	if err != nil {
		t.Fatal(err)
	}
	next := func(want, prev int) {
		t.Helper()
		select {
		case c := <-ch:
			if c.Version != want || c.Previous != prev || c.Alias != "champion" || c.Model != "m" {
				t.Fatalf("Watch delivered %+v; want %d (from %d)", c, want, prev)
			}
		case <-time.After(time.Second):
			t.Fatalf("Watch delivered nothing within 1s; want %d", want)
		}
	}
	next(1, 0)
	if err := r.Promote(ctx, "m", "champion", 2, "local", nil); err != nil {
		t.Fatal(err)
	}
	next(2, 1)
	if err := other.Promote(ctx, "m", "champion", 3, "from elsewhere", nil); err != nil {
		t.Fatal(err)
	}
	next(3, 2)
	cancel()
	for range ch { // must be closed after cancel
	}
}

func testExportImport(t *testing.T, newStore func(t *testing.T) registry.Store) {
	src := registry.New(newStore(t))
	ctx := ctxAs("alice")
	for i := 1; i <= 3; i++ {
		mustRegister(t, src, "m", i, registry.Metadata{Metrics: map[string]float64{"auc": float64(i) / 10}})
	}
	steps := []error{
		src.Promote(ctx, "m", "champion", 1, "first", nil),
		src.Promote(ctx, "m", "champion", 3, "better", nil),
		src.Archive(ctx, "m", 2, "bad"),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := src.Export(ctx, "m", &buf); err != nil {
		t.Fatalf("Export() = %v", err)
	}
	dst := registry.New(newStore(t))
	name, err := dst.Import(ctxAs("bob"), bytes.NewReader(buf.Bytes()))
	if err != nil || name != "m" {
		t.Fatalf("Import() = %q, %v; want m", name, err)
	}
	for n := 1; n <= 3; n++ {
		a, _ := src.Get(ctx, "m", n)
		b, err := dst.Get(ctx, "m", n)
		if err != nil || a.Hash != b.Hash || a.Archived != b.Archived {
			t.Fatalf("imported v%d = %+v, %v; want %+v", n, b, err, a)
		}
		pa, _ := src.ReadParts(ctx, a)
		pb, err := dst.ReadParts(ctx, b)
		if err != nil || !bytes.Equal(pa["model"], pb["model"]) {
			t.Fatalf("imported parts of v%d differ (%v)", n, err)
		}
	}
	if v, err := dst.Resolve(ctx, "m", "champion"); err != nil || v.Number != 3 {
		t.Fatalf("imported champion = %d, %v; want 3", v.Number, err)
	}
	if v, err := dst.Rollback(ctx, "m", "champion", "history kept"); err != nil || v.Number != 1 {
		t.Fatalf("Rollback after import = %d, %v; want 1 (alias history kept)", v.Number, err)
	}
	ea, _ := src.Audit(ctx, "m")
	eb, err := dst.Audit(ctx, "m")
	if err != nil || len(eb) != len(ea)+2 || eb[len(ea)-1].Hash != ea[len(ea)-1].Hash ||
		eb[len(ea)].Action != registry.ActionImport || eb[len(ea)].Principal != "bob" {
		t.Fatalf("imported audit = %d entries, %v; want the %d exported, then import and rollback", len(eb), err, len(ea))
	}
	if v := mustRegister(t, dst, "m", 4, registry.Metadata{}); v.Number != 4 {
		t.Fatalf("Register after import numbered %d; want 4", v.Number)
	}
	if _, err := dst.Import(ctx, bytes.NewReader(buf.Bytes())); !errors.Is(err, registry.ErrExists) {
		t.Fatalf("second Import() = %v; want ErrExists", err)
	}
	bad := bytes.Clone(buf.Bytes())
	i := bytes.Index(bad, []byte("model bytes 2"))
	bad[i] ^= 1
	if _, err := registry.New(newStore(t)).Import(ctx, bytes.NewReader(bad)); !errors.Is(err, registry.ErrCorrupt) {
		t.Fatalf("Import(flipped byte) = %v; want ErrCorrupt", err)
	}
}
