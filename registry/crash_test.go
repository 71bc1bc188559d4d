package registry_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loomml/loom/registry"
)

// The crash and multi-process tests re-run this test binary as a child
// process, selected by these environment variables.
const (
	envChildMode = "LOOM_REGISTRY_CHILD"     // "crash" or "concurrent"
	envChildDir  = "LOOM_REGISTRY_CHILD_DIR" // store directory
	envChildSeed = "LOOM_REGISTRY_CHILD_SEED"
)

// TestChild is the body of the child processes; it does nothing in a normal
// run.
func TestChild(t *testing.T) {
	dir := os.Getenv(envChildDir)
	if dir == "" {
		t.Skip("only runs as a child process of TestCrashSafety or TestTwoProcesses")
	}
	seed, _ := strconv.ParseUint(os.Getenv(envChildSeed), 10, 64)
	r, err := registry.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	switch os.Getenv(envChildMode) {
	case "crash":
		crashChild(t, r, seed)
	case "concurrent":
		concurrentChild(t, r, seed)
	}
}

// crashChild registers versions and moves aliases until it is killed (or 10 s
// pass).
func crashChild(t *testing.T, r *registry.Registry, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	ctx := registry.WithPrincipal(context.Background(), "child-"+strconv.FormatUint(seed, 10))
	fmt.Println("ready")
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		parts := map[string][]byte{}
		for p := range 1 + rng.IntN(3) {
			b := make([]byte, 1+rng.IntN(64<<10))
			for j := range b {
				b[j] = byte(rng.Uint32())
			}
			parts["part-"+strconv.Itoa(p)] = b
		}
		v, err := r.Register(ctx, "m", parts, registry.Metadata{
			Metrics: map[string]float64{"auc": rng.Float64()},
			Tags:    map[string]string{"seed": strconv.FormatUint(seed, 10)},
		})
		if err != nil {
			t.Fatal(err)
		}
		switch i % 4 {
		case 0:
			err = r.Promote(ctx, "m", "champion", v.Number, "crash test", nil)
		case 1:
			if _, err = r.Rollback(ctx, "m", "champion", "crash test"); errors.Is(err, registry.ErrNotFound) || errors.Is(err, registry.ErrNoPrevious) {
				err = nil
			}
		case 2:
			err = r.SetTag(ctx, "m", v.Number, "step", strconv.Itoa(i), "crash test")
		case 3:
			err = r.Archive(ctx, "m", v.Number, "crash test")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestCrashSafety kills a child process 200 times at random points of its
// registrations, then checks that every version is complete and valid, that
// aliases point at valid versions and that the audit chain is intact.
func TestCrashSafety(t *testing.T) {
	kills := 200
	if testing.Short() {
		kills = 20
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 7))
	start := time.Now()
	midWrite := 0 // kills that left a temporary file behind: killed during a write
	for k := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envChildMode+"=crash", envChildDir+"="+dir, envChildSeed+"="+strconv.Itoa(k))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child %d: read %q, %v; want ready", k, line, err)
		}
		time.Sleep(time.Duration(rng.IntN(60_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("child %d ended with %v before it was killed", k, err)
		}
		if leftovers(t, dir) {
			midWrite++
		}
		if (k+1)%50 == 0 || k == kills-1 {
			verifyStore(t, dir)
		}
	}
	n := verifyStore(t, dir)
	t.Logf("%d kills in %v, %d of them during a file write; %d versions survived", kills, time.Since(start).Round(time.Millisecond), midWrite, n)
	if n < 10 {
		t.Fatalf("only %d versions registered in %d runs; the children barely ran", n, kills)
	}
}

// verifyStore opens dir afresh and checks every invariant; it returns the
// number of versions.
func verifyStore(t *testing.T, dir string) int {
	t.Helper()
	r, err := registry.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := r.Models(ctx); err != nil {
		t.Fatal(err)
	}
	vs, err := r.Versions(ctx, "m", registry.Filter{Archived: true})
	if errors.Is(err, registry.ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatalf("Versions after crash: %v", err)
	}
	for i, v := range vs {
		if v.Number != i+1 {
			t.Fatalf("after crash, version #%d numbered %d; want dense numbers", i+1, v.Number)
		}
		ps, err := r.ReadParts(ctx, v)
		if err != nil {
			t.Fatalf("after crash, version %d unreadable: %v", v.Number, err)
		}
		if len(ps) == 0 || len(ps) != len(v.Parts) {
			t.Fatalf("after crash, version %d has %d of %d parts", v.Number, len(ps), len(v.Parts))
		}
	}
	aliases, err := r.Aliases(ctx, "m")
	if err != nil {
		t.Fatal(err)
	}
	for a, n := range aliases {
		if n < 1 || n > len(vs) {
			t.Fatalf("after crash, alias %q points at missing version %d", a, n)
		}
	}
	es, err := r.Audit(ctx, "m")
	if err != nil {
		t.Fatalf("after crash, audit log: %v", err)
	}
	registers := 0
	for _, e := range es {
		if e.Action == registry.ActionRegister {
			registers++
		}
	}
	if registers != len(vs) {
		t.Fatalf("after crash, audit has %d registrations for %d versions", registers, len(vs))
	}
	return len(vs)
}

// leftovers reports whether a temporary file of an interrupted write is in
// the store.
func leftovers(t *testing.T, dir string) bool {
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			found = true
		}
		return nil
	})
	return found
}
