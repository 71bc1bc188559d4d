package retrain_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/retrain"
)

// The helper process: the test binary run again with these variables set
// runs helperProcess instead of the tests.
const (
	helperEnv      = "LOOM_RETRAIN_HELPER" // the registry directory
	helperOwnerEnv = "LOOM_RETRAIN_OWNER"
	helperLogEnv   = "LOOM_RETRAIN_LOG"
	helperRuns     = 4
)

// helperProcess triggers and steps a loop helperRuns times on the shared
// registry; its fetch function writes "enter" and "exit" lines around a
// pause to the shared log, so overlapping runs would interleave them.
func helperProcess() int {
	dir, owner, logPath := os.Getenv(helperEnv), os.Getenv(helperOwnerEnv), os.Getenv(helperLogEnv)
	reg, err := registry.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer reg.Close()
	logf := func(what string) error {
		f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(f, "%s %s\n", what, owner)
		return errorsJoin(err, f.Close())
	}
	rows := accounts(600, 1, 0, false)
	fetch := retrain.FetchSlice(func(ctx context.Context, _ retrain.Trigger) ([]account, error) {
		if err := logf("enter"); err != nil {
			return nil, err
		}
		time.Sleep(30 * time.Millisecond) // a real process doing real work
		return rows, logf("exit")
	})
	o := &retrain.Options{Owner: owner, LeaseTTL: 30 * time.Second, Bootstrap: testOptions(nil).Bootstrap}
	l := retrain.New(reg, accountSpec(), fetch, o)
	for range helperRuns {
		l.Trigger(retrain.Trigger{Reason: owner})
		if _, err := l.Step(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, owner, err)
			return 1
		}
		time.Sleep(10 * time.Millisecond) // let the other process take a turn
	}
	return 0
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func TestLeaseTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes")
	}
	dir := testDir(t)
	logPath := filepath.Join(t.TempDir(), "runs.log")
	var cmds []*exec.Cmd
	for _, owner := range []string{"proc-a", "proc-b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+dir, helperOwnerEnv+"="+owner, helperLogEnv+"="+logPath)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("%s output:\n%s", owner, out.String())
			}
		})
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper process: %v", err)
		}
	}
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var inside string
	enters := map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		what, owner, _ := strings.Cut(sc.Text(), " ")
		switch {
		case what == "enter" && inside == "":
			inside = owner
			enters[owner]++
		case what == "exit" && inside == owner:
			inside = ""
		default:
			t.Fatalf("line %d %q: runs overlap (inside a run of %q)", line, sc.Text(), inside)
		}
	}
	// A trigger arriving while the other process runs is coalesced into
	// its run, so there are from 1 to 2*helperRuns runs.
	total := enters["proc-a"] + enters["proc-b"]
	if total < 1 || total > 2*helperRuns {
		t.Fatalf("%d runs (%v); want between 1 and %d", total, enters, 2*helperRuns)
	}
	reg := openReg(t, dir, retrain.NewManualClock(time.Now()))
	l := retrain.New(reg, accountSpec(), (&world{}).fetch(), nil)
	recs, err := l.Records(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range recs {
		if ids[r.ID] {
			t.Errorf("run id %s used twice", r.ID)
		}
		ids[r.ID] = true
	}
	if len(recs) != total {
		t.Errorf("%d records for %d runs", len(recs), total)
	}
	t.Logf("runs per process: %v", enters)
}
