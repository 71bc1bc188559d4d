package registry_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/loomml/loom/registry"
)

// Registering a version and reading it back by number, by alias and as the
// latest.
func ExampleRegistry_Register() {
	dir, _ := os.MkdirTemp("", "registry-example")
	defer os.RemoveAll(dir)
	reg, err := registry.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	ctx := registry.WithPrincipal(context.Background(), "alice")

	v, err := reg.Register(ctx, "churn", map[string][]byte{
		"contract": []byte(`{"fields":["age","income"]}`),
		"model":    []byte("model bytes"),
	}, registry.Metadata{
		Metrics:     map[string]float64{"auc": 0.91},
		Tags:        map[string]string{"team": "risk"},
		Description: "logistic regression on 20k customers",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("registered", v.Model, "version", v.Number, "by", v.CreatedBy)
	for _, p := range v.Parts {
		fmt.Printf("  part %-8s %2d bytes sha256 %s…\n", p.Name, p.Size, p.SHA256[:12])
	}

	latest, _ := reg.Latest(ctx, "churn")
	model, err := reg.ReadPart(ctx, latest, "model") // hash checked on every read
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("latest is version %d, model part %q\n", latest.Number, model)
	// Output:
	// registered churn version 1 by alice
	//   part contract 27 bytes sha256 e2041a0214fc…
	//   part model    11 bytes sha256 9cb7487000bc…
	// latest is version 1, model part "model bytes"
}

// Listing versions with a filter on tags and metrics.
func ExampleRegistry_Versions() {
	dir, _ := os.MkdirTemp("", "registry-example")
	defer os.RemoveAll(dir)
	reg, _ := registry.Open(dir)
	ctx := context.Background()
	for i, auc := range []float64{0.81, 0.88, 0.86} {
		md := registry.Metadata{Metrics: map[string]float64{"auc": auc}, Tags: map[string]string{"data": "2026-q3"}}
		if i == 0 {
			md.Tags["data"] = "2026-q2"
		}
		if _, err := reg.Register(ctx, "churn", map[string][]byte{"model": {byte(i)}}, md); err != nil {
			log.Fatal(err)
		}
	}
	vs, _ := reg.Versions(ctx, "churn", registry.Filter{
		Tags:       map[string]string{"data": "2026-q3"},
		MinMetrics: map[string]float64{"auc": 0.85},
	})
	for _, v := range vs {
		fmt.Printf("version %d auc %.2f\n", v.Number, v.Metadata.Metrics["auc"])
	}
	// Output:
	// version 2 auc 0.88
	// version 3 auc 0.86
}
