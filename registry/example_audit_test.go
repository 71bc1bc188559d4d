package registry_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/loomml/loom/registry"
)

// Reading the audit log: every write with who, what, when, why and the
// state before and after; each entry chained to the previous by its hash.
func ExampleRegistry_Audit() {
	dir, _ := os.MkdirTemp("", "registry-example")
	defer os.RemoveAll(dir)
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	reg, _ := registry.Open(dir, registry.WithClock(func() time.Time { clock = clock.Add(time.Minute); return clock }))
	alice := registry.WithPrincipal(context.Background(), "alice")
	bob := registry.WithPrincipal(context.Background(), "bob")
	for _, ctx := range []context.Context{alice, bob} {
		if _, err := reg.Register(ctx, "churn", map[string][]byte{"model": []byte(registry.Principal(ctx))}, registry.Metadata{}); err != nil {
			log.Fatal(err)
		}
	}
	steps := []error{
		reg.Promote(alice, "churn", "champion", 1, "baseline", nil),
		reg.Promote(bob, "churn", "champion", 2, "auc +0.03", nil),
		reg.SetTag(bob, "churn", 2, "approved", "yes", "model review"),
	}
	_, err := reg.Rollback(alice, "churn", "champion", "incident 4711")
	for _, err := range append(steps, err) {
		if err != nil {
			log.Fatal(err)
		}
	}

	entries, err := reg.Audit(context.Background(), "churn") // verifies the chain
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		if len(e.After) > 12 { // a manifest hash
			e.After = e.After[:12] + "…"
		}
		fmt.Printf("%d %s %-5s %-8s v%d %q %q->%q\n", e.Seq, e.Time.Format("15:04"), e.Principal, e.Action, e.Version, e.Reason, e.Before, e.After)
	}
	fmt.Println("entry 2 chained to entry 1:", entries[1].Prev == entries[0].Hash)
	// Output:
	// 1 09:02 alice register v1 "" ""->"ae4e5b03e846…"
	// 2 09:04 bob   register v2 "" ""->"9914293d1dc2…"
	// 3 09:05 alice promote  v1 "baseline" ""->"1"
	// 4 09:06 bob   promote  v2 "auc +0.03" "1"->"2"
	// 5 09:07 bob   set-tag  v2 "model review" ""->"approved=yes"
	// 6 09:08 alice rollback v1 "incident 4711" "2"->"1"
	// entry 2 chained to entry 1: true
}
