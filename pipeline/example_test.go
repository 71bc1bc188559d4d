package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/loomml/loom/pipeline"
	"github.com/loomml/loom/stage"
)

// A pipeline is built from typed stages; each run yields a record.
func Example() {
	parse := stage.Func("parse", func(_ context.Context, s string) (float64, error) {
		return strconv.ParseFloat(strings.TrimSpace(s), 64)
	})
	celsius := stage.Map("to-celsius", func(f float64) float64 { return (f - 32) * 5 / 9 })
	p := pipeline.Then(pipeline.New("temperatures", parse), celsius)

	var rec pipeline.Record
	c, err := p.Run(context.Background(), " 212 ", pipeline.WithParams(map[string]string{"source": "example"}), pipeline.WithRecord(&rec))
	fmt.Println(c, err)
	fmt.Println(rec.Pipeline, rec.Status, p.Stages(), rec.Params["source"])

	_, err = p.Run(context.Background(), "hot")
	var se *stage.Error
	fmt.Println(errors.As(err, &se), se.Stage)
	// Output:
	// 100 <nil>
	// temperatures ok [parse to-celsius] example
	// true parse
}

// Stream runs the stages concurrently over a sequence, in bounded memory,
// and yields outputs in order.
func ExamplePipeline_Stream() {
	words := func(yield func(string) bool) {
		for _, w := range strings.Fields("the quick brown fox jumps over the lazy dog") {
			if !yield(w) {
				return
			}
		}
	}
	p := pipeline.Then(pipeline.New("words", stage.Map("upper", strings.ToUpper)),
		stage.Map("length", func(s string) string { return s + "=" + strconv.Itoa(len(s)) }))
	var rec pipeline.Record
	var out []string
	for v, err := range p.Stream(context.Background(), words, pipeline.WithRecord(&rec)) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		out = append(out, v)
	}
	fmt.Println(strings.Join(out, " "))
	fmt.Println(rec.Status, rec.ItemsIn, rec.ItemsOut)
	// Output:
	// THE=3 QUICK=5 BROWN=5 FOX=3 JUMPS=5 OVER=4 THE=3 LAZY=4 DOG=3
	// ok 9 9
}

// A panicking stage does not crash the process: the run fails with an error
// naming the stage, and the record counts the panic.
func ExamplePipeline_Run_panic() {
	risky := stage.Map("risky", func(xs []int) int { return xs[3] })
	var rec pipeline.Record
	_, err := pipeline.New("safe", risky).Run(context.Background(), []int{1, 2}, pipeline.WithRecord(&rec))
	var pe *stage.PanicError
	fmt.Println(errors.As(err, &pe), pe.Stage, rec.Status, rec.Stages[0].Panics)
	// Output: true risky failed 1
}

// Middleware from package stage wraps a pipeline's stages: here a flaky
// lookup is retried, and ContinueOnError keeps a stream going past bad
// items, yielding their errors.
func ExampleContinueOnError() {
	attempts := map[int]int{}
	lookup := stage.Func("lookup", func(_ context.Context, id int) (string, error) {
		attempts[id]++
		switch {
		case id == 3:
			return "", stage.Permanent(fmt.Errorf("id %d not found", id))
		case attempts[id] < 2:
			return "", errors.New("timeout") // transient: retried
		}
		return "user-" + strconv.Itoa(id), nil
	})
	retried := stage.Retry(lookup, stage.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond})
	p := pipeline.New("users", retried, pipeline.ContinueOnError(), pipeline.WithChunkSize(1))
	for v, err := range p.Stream(context.Background(), func(yield func(int) bool) {
		for id := 1; id <= 4; id++ {
			if !yield(id) {
				return
			}
		}
	}) {
		fmt.Println(v, err)
	}
	// Output:
	// user-1 <nil>
	// user-2 <nil>
	//  stage "lookup": id 3 not found
	// user-4 <nil>
}

// Observers receive every run record, for instance to store lineage.
func ExampleWithObserver() {
	logRuns := pipeline.RunObserverFunc(func(_ context.Context, rec *pipeline.Record) {
		fmt.Printf("run of %s: %s, %d stage(s)\n", rec.Pipeline, rec.Status, len(rec.Stages))
	})
	p := pipeline.New("observed", stage.Map("id", func(x int) int { return x }), pipeline.WithObserver(logRuns))
	p.Run(context.Background(), 1)
	// Output: run of observed: ok, 1 stage(s)
}
