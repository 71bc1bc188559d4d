package beam_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	loombeam "github.com/loomml/loom/beam"
	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/examples/churn"
	"github.com/loomml/loom/pipeline/source"
)

type Customer = churn.Customer

// shipped returns the shipped rows, and writes them as n CSV files in dir.
func shipped(t *testing.T, dir string, n int) []Customer {
	t.Helper()
	rows, err := source.ReadCSVAll[Customer](context.Background(), bytes.NewReader(churn.CSV), nil)
	if err != nil {
		t.Fatal(err)
	}
	per := (len(rows) + n - 1) / n
	for i := range n {
		var buf bytes.Buffer
		part := rows[i*per : min((i+1)*per, len(rows))]
		if err := source.WriteCSV(&buf, func(yield func(Customer) bool) {
			for _, r := range part {
				if !yield(r) {
					return
				}
			}
		}, nil); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "part-"+string(rune('a'+i))+".csv"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return rows
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestPipeline(t *testing.T) {
	ctx := context.Background()
	in, out := t.TempDir(), t.TempDir()
	rows := shipped(t, in, 4)

	p, s := beam.NewPipelineWithRoot()
	read, bad, err := loombeam.ReadFiles[Customer](s, filepath.Join(in, "*.csv"), loombeam.CSV)
	if err != nil {
		t.Fatal(err)
	}
	_ = bad
	v, err := loombeam.Validate[Customer](s, "churn", read)
	if err != nil {
		t.Fatal(err)
	}
	loombeam.WriteFile(s, filepath.Join(out, "report.json"), v.Report)
	feats, err := loombeam.FitFeatures[Customer](s, "churn", v.Valid)
	if err != nil {
		t.Fatal(err)
	}
	loombeam.WriteFile(s, filepath.Join(out, "features.json"), feats)
	prof, err := loombeam.BuildProfile[Customer](s, "churn", v.Valid)
	if err != nil {
		t.Fatal(err)
	}
	loombeam.WriteFile(s, filepath.Join(out, "profile.json"), prof)

	start := time.Now()
	if _, err := prism.Execute(ctx, p); err != nil {
		t.Fatal(err)
	}
	t.Logf("pipeline ran in %v", time.Since(start))

	split := churn.Spec().Bind().Quarantine(rows)
	repData, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := loombeam.DecodeReport(repData)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != split.Report.Rows || rep.Rejected != split.Report.Rejected {
		t.Errorf("report: %d rows, %d rejected; single machine %d, %d", rep.Rows, rep.Rejected, split.Report.Rows, split.Report.Rejected)
	}
	_ = contract.Pass
	fdata, err := os.ReadFile(filepath.Join(out, "features.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := loombeam.DecodeFeatures[Customer]("churn", fdata)
	if err != nil {
		t.Fatal(err)
	}
	want, err := churn.Spec().FeatureSet().Fit(ctx, split.Valid)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	json.Unmarshal(fdata, &g)
	wd, _ := want.MarshalJSON()
	json.Unmarshal(wd, &w)
	t.Logf("fingerprints %s %s", got.Fingerprint(), want.Fingerprint())
}
