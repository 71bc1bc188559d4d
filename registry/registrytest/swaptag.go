package registrytest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/loomml/loom/registry"
)

// testSwapTag checks Registry.SwapTag on the store: a swap from the
// current value succeeds and is audited, one from another value changes
// nothing, and of many concurrent swaps from the same value (through two
// Registries sharing the store) exactly one wins.
func testSwapTag(t *testing.T, newStore func(t *testing.T) registry.Store) {
	s := newStore(t)
	r1, r2 := registry.New(s), registry.New(s)
	ctx := ctxAs("alice")
	v := mustRegister(t, r1, "lease", 1, registry.Metadata{})
	before, err := r1.Audit(ctx, "lease")
	if err != nil {
		t.Fatal(err)
	}

	if err := r1.SwapTag(ctx, "lease", v.Number, "holder", "", "a", "take"); err != nil {
		t.Fatalf("SwapTag from absent = %v", err)
	}
	if err := r2.SwapTag(ctx, "lease", v.Number, "holder", "", "b", "take"); !errors.Is(err, registry.ErrConflict) {
		t.Fatalf("SwapTag from a stale value = %v; want ErrConflict", err)
	}
	got, err := r2.Get(ctx, "lease", v.Number)
	if err != nil || got.Metadata.Tags["holder"] != "a" {
		t.Fatalf("after a refused swap: tags %v, %v; want holder=a", got.Metadata.Tags, err)
	}
	after, err := r1.Audit(ctx, "lease")
	if err != nil || len(after) != len(before)+1 || after[len(after)-1].Action != registry.ActionSetTag || after[len(after)-1].Reason != "take" {
		t.Fatalf("audit after one swap and one refusal: %d entries (was %d), %v", len(after), len(before), err)
	}
	if err := r1.SwapTag(ctx, "lease", 99, "holder", "", "a", ""); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("SwapTag of a missing version = %v; want ErrNotFound", err)
	}
	if err := r1.SwapTag(ctx, "lease", v.Number, "Bad Tag", "", "a", ""); !errors.Is(err, registry.ErrInvalidName) {
		t.Fatalf("SwapTag with a bad key = %v; want ErrInvalidName", err)
	}

	// Many writers race from the same value: exactly one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := r1
			if i%2 == 1 {
				r = r2
			}
			err := r.SwapTag(ctx, "lease", v.Number, "holder", "a", string(rune('c'+i)), "race")
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, registry.ErrConflict):
				t.Errorf("racing SwapTag = %v", err)
			}
		}()
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Fatalf("%d racing swaps from the same value succeeded; want 1", n)
	}

	// "" removes the tag, audited as a delete-tag.
	cur, _ := r1.Get(ctx, "lease", v.Number)
	if err := r1.SwapTag(ctx, "lease", v.Number, "holder", cur.Metadata.Tags["holder"], "", "release"); err != nil {
		t.Fatal(err)
	}
	cur, _ = r2.Get(ctx, "lease", v.Number)
	if _, ok := cur.Metadata.Tags["holder"]; ok {
		t.Fatalf("tag still set after swapping to \"\": %v", cur.Metadata.Tags)
	}
	es, _ := r1.Audit(ctx, "lease")
	if last := es[len(es)-1]; last.Action != registry.ActionDeleteTag {
		t.Fatalf("last audit action %q; want %q", last.Action, registry.ActionDeleteTag)
	}
}
