package registry_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/loomml/loom/registry"
)

// Promoting with a gate: the candidate must beat the incumbent's AUC. A
// refused promotion changes nothing; Rollback moves the alias back.
func ExampleRegistry_Promote() {
	dir, _ := os.MkdirTemp("", "registry-example")
	defer os.RemoveAll(dir)
	reg, _ := registry.Open(dir)
	ctx := registry.WithPrincipal(context.Background(), "release-bot")
	for i, auc := range []float64{0.84, 0.89, 0.86} {
		md := registry.Metadata{Metrics: map[string]float64{"auc": auc}}
		if _, err := reg.Register(ctx, "churn", map[string][]byte{"model": {byte(i)}}, md); err != nil {
			log.Fatal(err)
		}
	}
	beatsIncumbent := registry.GateFunc(func(_ context.Context, cand registry.Version, inc *registry.Version) error {
		if inc != nil && cand.Metadata.Metrics["auc"] <= inc.Metadata.Metrics["auc"] {
			return fmt.Errorf("auc %.2f does not beat %.2f", cand.Metadata.Metrics["auc"], inc.Metadata.Metrics["auc"])
		}
		return nil
	})

	for _, n := range []int{1, 2, 3} {
		err := reg.Promote(ctx, "churn", "champion", n, "weekly retrain", beatsIncumbent)
		var refused *registry.GateError
		switch {
		case errors.As(err, &refused):
			fmt.Printf("version %d refused: %v\n", n, refused.Err)
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Printf("version %d promoted\n", n)
		}
	}
	v, _ := reg.Resolve(ctx, "churn", "champion")
	fmt.Println("champion is version", v.Number)

	v, err := reg.Rollback(ctx, "churn", "champion", "latency regression in production")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after rollback, champion is version", v.Number)
	// Output:
	// version 1 promoted
	// version 2 promoted
	// version 3 refused: auc 0.86 does not beat 0.89
	// champion is version 2
	// after rollback, champion is version 1
}

// An Authorizer refuses writes; the error says who and what, and nothing
// changes.
func ExampleWithAuthorizer() {
	dir, _ := os.MkdirTemp("", "registry-example")
	defer os.RemoveAll(dir)
	onlyAdmins := registry.AuthorizerFunc(func(_ context.Context, principal string, a registry.Action) error {
		if a.Kind == registry.ActionPromote && principal != "admin" {
			return errors.New("promotion needs the admin role")
		}
		return nil
	})
	reg, _ := registry.Open(dir, registry.WithAuthorizer(onlyAdmins))
	ctx := registry.WithPrincipal(context.Background(), "intern")
	if _, err := reg.Register(ctx, "churn", map[string][]byte{"model": {1}}, registry.Metadata{}); err != nil {
		log.Fatal(err)
	}
	err := reg.Promote(ctx, "churn", "champion", 1, "yolo", nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, registry.ErrDenied))
	// Output:
	// registry: promote churn v1 alias "champion" denied to "intern": promotion needs the admin role
	// true
}
