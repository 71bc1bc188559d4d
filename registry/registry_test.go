package registry_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/loomml/loom/registry"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"churn", true},
		{"churn-v2.model_x", true},
		{"0day", true},
		{strings.Repeat("a", registry.MaxNameLen), true},
		{strings.Repeat("a", registry.MaxNameLen+1), false},
		{"", false},
		{".", false},
		{"..", false},
		{".hidden", false},
		{"-flag", false},
		{"a/b", false},
		{`a\b`, false},
		{"../etc", false},
		{"Churn", false},
		{"a b", false},
		{"café", false},
		{"a\x00", false},
	}
	for _, tc := range tests {
		err := registry.ValidateName("model", tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateName(%q) = %v; want ok=%v", tc.name, err, tc.ok)
		}
		var ne *registry.NameError
		if err != nil && (!errors.As(err, &ne) || ne.Kind != "model" || ne.Name != tc.name || !errors.Is(err, registry.ErrInvalidName)) {
			t.Errorf("ValidateName(%q) = %#v; want a *NameError wrapping ErrInvalidName", tc.name, err)
		}
	}
}

// TestCacheTTL checks that a Registry with a cache TTL sees its own writes
// at once and another process's writes after the TTL, and one without sees
// them at once.
func TestCacheTTL(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	writer, _ := registry.Open(dir)
	for range 2 {
		if _, err := writer.Register(ctx, "m", map[string][]byte{"model": {1}}, registry.Metadata{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := writer.Promote(ctx, "m", "champion", 1, "first", nil); err != nil {
		t.Fatal(err)
	}
	strict, _ := registry.Open(dir)
	cached, _ := registry.Open(dir, registry.WithCacheTTL(time.Hour))
	short, _ := registry.Open(dir, registry.WithCacheTTL(20*time.Millisecond))
	for _, r := range []*registry.Registry{strict, cached, short} {
		if v, err := r.Resolve(ctx, "m", "champion"); err != nil || v.Number != 1 {
			t.Fatalf("Resolve = %d, %v; want 1", v.Number, err)
		}
	}
	if err := writer.Promote(ctx, "m", "champion", 2, "second", nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := strict.Resolve(ctx, "m", "champion"); v.Number != 2 {
		t.Fatalf("strict Resolve after another writer's move = %d; want 2", v.Number)
	}
	if v, _ := cached.Resolve(ctx, "m", "champion"); v.Number != 1 {
		t.Fatalf("cached Resolve within the TTL = %d; want the cached 1", v.Number)
	}
	time.Sleep(50 * time.Millisecond)
	if v, _ := short.Resolve(ctx, "m", "champion"); v.Number != 2 {
		t.Fatalf("cached Resolve after the TTL = %d; want 2", v.Number)
	}
	if err := cached.Promote(ctx, "m", "champion", 1, "own write", nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := cached.Resolve(ctx, "m", "champion"); v.Number != 1 {
		t.Fatalf("cached Resolve after its own write = %d; want 1", v.Number)
	}
}

func TestWatchStopsWithContext(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r, _ := registry.Open(t.TempDir(), registry.WithPollInterval(10*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := r.Watch(ctx, "not-yet", "champion")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Register(ctx, "not-yet", map[string][]byte{"model": {1}}, registry.Metadata{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Promote(ctx, "not-yet", "champion", 1, "first", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-ch:
		if c.Version != 1 || c.Previous != 0 {
			t.Fatalf("Watch of a model created later delivered %+v; want version 1", c)
		}
	case <-time.After(time.Second):
		t.Fatal("no change delivered within 1s")
	}
	cancel()
	for range ch {
	}
	if _, err := r.Watch(ctx, "../x", "champion"); !errors.Is(err, registry.ErrInvalidName) {
		t.Fatalf("Watch(bad name) = %v; want ErrInvalidName", err)
	}
}

func TestProgrammerMistakesPanic(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"nil store", func() { registry.New(nil) }, "registry: New needs a Store, got nil"},
		{"nil authorizer", func() { registry.WithAuthorizer(nil) }, "registry: WithAuthorizer needs an Authorizer, got nil"},
		{"zero poll", func() { registry.WithPollInterval(0) }, "registry: poll interval must be positive, got 0s"},
		{"negative ttl", func() { registry.WithCacheTTL(-1) }, "registry: cache TTL must not be negative, got -1ns"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if got := recover(); got != tc.want {
					t.Fatalf("panic = %v; want %q", got, tc.want)
				}
			}()
			tc.fn()
		})
	}
}

func TestPrincipal(t *testing.T) {
	if got := registry.Principal(context.Background()); got != "anonymous" {
		t.Errorf("Principal(empty ctx) = %q; want anonymous", got)
	}
	if got := registry.Principal(registry.WithPrincipal(context.Background(), "ci-bot")); got != "ci-bot" {
		t.Errorf("Principal = %q; want ci-bot", got)
	}
}

// TestAlternatingWriters has two Registries (as two processes would) take
// turns moving an alias between two versions, which rewrites head.json with
// the same size each time, and checks that each sees the other's last move
// and that no write is lost: caches keyed by the head file's stamp must
// never mistake one head for another.
func TestAlternatingWriters(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	a, _ := registry.Open(dir)
	b, _ := registry.Open(dir)
	for range 2 {
		if _, err := a.Register(ctx, "m", map[string][]byte{"model": {1}}, registry.Metadata{}); err != nil {
			t.Fatal(err)
		}
	}
	const moves = 200
	for i := range moves {
		w, r := a, b
		if i%2 == 1 {
			w, r = b, a
		}
		target := 1 + i%2
		if err := w.Promote(ctx, "m", "champion", target, "toggle", nil); err != nil {
			t.Fatal(err)
		}
		if v, err := r.Resolve(ctx, "m", "champion"); err != nil || v.Number != target {
			t.Fatalf("move %d: other Registry resolves %d, %v; want %d", i, v.Number, err, target)
		}
	}
	es, err := b.Audit(ctx, "m")
	if err != nil || len(es) != 2+moves {
		t.Fatalf("Audit() = %d entries, %v; want %d", len(es), err, 2+moves)
	}
}

func TestFailedWriteLeavesNoModelDirectory(t *testing.T) {
	dir := t.TempDir()
	r, _ := registry.Open(dir)
	ctx := context.Background()
	if err := r.Promote(ctx, "typo", "champion", 1, "oops", nil); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Promote(missing model) = %v; want ErrNotFound", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "models", "typo")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a failed write on a missing model created its directory (stat: %v)", err)
	}
	if ms, _ := r.Models(ctx); len(ms) != 0 {
		t.Fatalf("Models() = %v; want none", ms)
	}
}
