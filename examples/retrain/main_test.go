package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRetrain runs the whole simulation and checks the timeline tells the
// story: first model, rejected by the margin, drift, canary, promotion,
// corrupted labels rejected by the gates, live drop and rollback.
func TestRetrain(t *testing.T) {
	dir := t.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "loom-retrain-example-"); err == nil {
			dir = d
			t.Cleanup(func() { os.RemoveAll(d) })
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, filepath.Join(dir, "out")); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"run-1       promoted v1",
		"run-2       rejected v2: roc_auc beats the champion by >= 0.01 with confidence",
		"monitor     drift in the live rows of champion v1",
		"run-3       trigger drift",
		"run-3       canary: v3 takes 10% of the traffic until Fri Jan 16 09:00",
		"canary v3: live roc_auc", ": holds",
		"run-3       promoted v3: its canary held through the soak",
		"run-4       rejected v4: roc_auc >= 0.7: got",
		"champion v3: live roc_auc", "below its limit",
		"rollback-5  rolled back v3: the champion is v1 again",
		"Aliases: champion -> v1, canary -> v1\n",
		"rollback     champion  3 -> 1  retrain rollback-5: v3 breached within its watch window",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}
