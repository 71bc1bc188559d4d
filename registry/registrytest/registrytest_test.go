package registrytest_test

import (
	"testing"

	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/registry/registrytest"
)

// TestRun runs the suite on the filesystem store, the way a Store
// implementation's own tests use it.
func TestRun(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registry.Store {
		s, err := registry.OpenFileStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
