package beam_test

import (
	"fmt"
	"log/slog"
	"os"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"go.uber.org/goleak"

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
	code := m.Run()
	if code == 0 {
		// Every pipeline has stopped its goroutines once it returned,
		// but for Prism's in-process job service and worker harness
		// (started once per process, reused by every job), and gRPC's
		// and glog's long-lived helpers.
		if err := goleak.Find(
			goleak.IgnoreAnyFunction("github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism/internal/jobservices.(*Server).Serve"),
			goleak.IgnoreAnyFunction("google.golang.org/grpc.(*Server).Serve"),
		); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left:", err)
			code = 1
		}
	}
	os.Exit(code)
}
