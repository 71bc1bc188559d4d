package beam_test

import (
	"log/slog"
	"os"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	loombeam "github.com/loomml/loom/beam"
	"github.com/loomml/loom/examples/churn"
)

func init() {
	loombeam.Register("churn", churn.Spec)
}

func TestMain(m *testing.M) {
	// Prism logs every job's progress at the info level.
	slog.SetLogLoggerLevel(slog.LevelWarn)
	beam.Init()
	os.Exit(m.Run())
}
