package registry_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/loomml/loom/registry"
)

// Watching an alias to hot-swap the served model: the current target comes
// first, then every move, also those made by other processes sharing the
// directory.
func ExampleRegistry_Watch() {
	dir, _ := os.MkdirTemp("", "registry-example")
	defer os.RemoveAll(dir)
	reg, _ := registry.Open(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range 2 {
		if _, err := reg.Register(ctx, "churn", map[string][]byte{"model": {byte(i)}}, registry.Metadata{}); err != nil {
			log.Fatal(err)
		}
	}
	if err := reg.Promote(ctx, "churn", "champion", 1, "first release", nil); err != nil {
		log.Fatal(err)
	}

	changes, err := reg.Watch(ctx, "churn", "champion")
	if err != nil {
		log.Fatal(err)
	}
	c := <-changes
	fmt.Printf("serving version %d\n", c.Version)

	// Another process (here another Registry on the same directory) promotes.
	other, _ := registry.Open(dir)
	if err := other.Promote(ctx, "churn", "champion", 2, "retrained", nil); err != nil {
		log.Fatal(err)
	}
	c = <-changes // within the poll interval, 200ms by default
	fmt.Printf("swap %d -> %d\n", c.Previous, c.Version)
	// Output:
	// serving version 1
	// swap 1 -> 2
}
