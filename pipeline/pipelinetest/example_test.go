package pipelinetest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/loomml/loom/pipeline"
	"github.com/loomml/loom/pipeline/pipelinetest"
	"github.com/loomml/loom/stage"
)

// A whole pipeline written as a Go test: Collect fails the test with the
// stage name and cause if anything goes wrong, and the Recorder keeps the
// run record for assertions.
func TestNormalizeNames(t *testing.T) {
	var runs pipelinetest.Recorder
	trim := stage.Map("trim", strings.TrimSpace)
	lower := stage.Map("lower", strings.ToLower)
	p := pipeline.Then(pipeline.New("normalize", trim, pipeline.WithObserver(&runs)), lower)

	got := pipelinetest.Collect(t, p, func(yield func(string) bool) {
		for _, s := range []string{"  Ada ", "GRACE", " Barbara"} {
			if !yield(s) {
				return
			}
		}
	})
	if strings.Join(got, ",") != "ada,grace,barbara" {
		t.Fatalf("got %q", got)
	}
	if s := pipelinetest.Stage(t, runs.Last(t), "lower"); s.ItemsOut != 3 {
		t.Fatalf("lower emitted %d items; want 3", s.ItemsOut)
	}
}

// Recorder keeps the records of runs for later assertions.
func ExampleRecorder() {
	var runs pipelinetest.Recorder
	upper := stage.Map("upper", strings.ToUpper)
	p := pipeline.New("shout", upper, pipeline.WithObserver(&runs))
	p.Run(context.Background(), "hello")
	p.Run(context.Background(), "loom")
	for _, rec := range runs.Records() {
		fmt.Println(rec.Pipeline, rec.Status, rec.Stages[0].Name, rec.Stages[0].ItemsOut)
	}
	// Output:
	// shout ok upper 1
	// shout ok upper 1
}
