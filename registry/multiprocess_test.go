package registry_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/loomml/loom/registry"
)

const (
	procs       = 2 // child processes
	goroutines  = 8 // writers in each
	perRoutine  = 5 // registrations by each writer, each followed by a promotion
	childPrefix = "proc-"
)

// concurrentChild runs 8 goroutines, each registering versions and
// promoting them.
func concurrentChild(t *testing.T, r *registry.Registry, seed uint64) {
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perRoutine)
	for g := range goroutines {
		wg.Go(func() {
			ctx := registry.WithPrincipal(context.Background(), fmt.Sprintf("%s%d/%d", childPrefix, seed, g))
			for i := range perRoutine {
				v, err := r.Register(ctx, "m", map[string][]byte{"model": fmt.Appendf(nil, "%d/%d/%d", seed, g, i)}, registry.Metadata{})
				if err == nil {
					err = r.Promote(ctx, "m", "champion", v.Number, "newest", nil)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestTwoProcesses runs two processes of 8 goroutines each against one
// store directory: version numbers must be unique and dense, no write lost,
// every action audited.
func TestTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	watcher, err := registry.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes, err := watcher.Watch(wctx, "m", "champion")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	outs := make([]bytes.Buffer, procs)
	for p := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envChildMode+"=concurrent", envChildDir+"="+dir, envChildSeed+"="+strconv.Itoa(p))
		cmd.Stdout, cmd.Stderr = &outs[p], &outs[p]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for p, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", p, err, outs[p].String())
		}
	}
	r, err := registry.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The other processes' last move reaches this process's Watch within 1s.
	final, err := r.Resolve(ctx, "m", "champion")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(time.Second)
	for seen := 0; seen != final.Number; {
		select {
		case c := <-changes:
			seen = c.Version
		case <-deadline:
			t.Fatalf("Watch saw champion at %d, not the other processes' final %d, within 1s", seen, final.Number)
		}
	}
	const total = procs * goroutines * perRoutine
	vs, err := r.Versions(ctx, "m", registry.Filter{})
	if err != nil || len(vs) != total {
		t.Fatalf("Versions() = %d, %v; want %d", len(vs), err, total)
	}
	seen := map[string]bool{}
	for i, v := range vs {
		if v.Number != i+1 {
			t.Fatalf("version #%d numbered %d; want dense numbers", i+1, v.Number)
		}
		b, err := r.ReadPart(ctx, v, "model")
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(b)] {
			t.Fatalf("payload %q registered twice", b)
		}
		seen[string(b)] = true
	}
	es, err := r.Audit(ctx, "m")
	if err != nil || len(es) != 2*total {
		t.Fatalf("Audit() = %d entries, %v; want %d", len(es), err, 2*total)
	}
	byPrincipal := map[string]int{}
	for _, e := range es {
		byPrincipal[e.Principal]++
	}
	if len(byPrincipal) != procs*goroutines {
		t.Fatalf("audit names %d principals; want %d", len(byPrincipal), procs*goroutines)
	}
	for p, n := range byPrincipal {
		if n != 2*perRoutine {
			t.Errorf("principal %s has %d entries; want %d", p, n, 2*perRoutine)
		}
	}
}
