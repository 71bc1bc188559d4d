package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickstart runs the whole example and checks each step reported what
// it should.
func TestQuickstart(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(context.Background(), &out, dir); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"20000 rows read, 20000 out", "20000 rows = 19162 valid + 838 quarantined",
		"features:", "cross-validated accuracy",
		"roc_auc", "gates: pass=true",
		"registered churn v1", "promoted to champion",
		"POST /predict -> 200", "POST /predict -> 400", "breaks the contract: range [16, 100]", "in process: test row 0",
		"held-out rows: dataset drift false", "shifted copy:", "income",
		"importance (drop of roc_auc", "   logistic ", "   trees ", "why test row 0 (logistic): log-odds", "why test row 0 (trees): log-odds", `"explanation":{`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, f := range []string{"evaluation.html", "evaluation-trees.html", "drift.html", "registry", "quarantine.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	if t.Failed() {
		t.Log(out.String())
	}
}

// TestQuickstartNeverDeletesUserFiles: a directory of the user's is
// refused and left as it was (issue: -out DIR used to empty DIR).
func TestQuickstartNeverDeletesUserFiles(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "thesis.tex")
	if err := os.WriteFile(mine, []byte("years of work"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), io.Discard, dir)
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("run into a user's directory = %v; want a refusal", err)
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "years of work" {
		t.Fatalf("the user's file is gone or changed: %q, %v", b, err)
	}
}
