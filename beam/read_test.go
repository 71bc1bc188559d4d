package beam_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	loombeam "github.com/loomml/loom/beam"
	"github.com/loomml/loom/pipeline/source"
)

// TestReadFiles reads the shipped data as two Parquet files, and a CSV
// file with an undecodable record, in one pipeline.
func TestReadFiles(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	rows := shippedRows(t)
	for i, part := range [][]Customer{rows[:12345], rows[12345:]} {
		f, err := os.Create(filepath.Join(in, "part-"+string(rune('a'+i))+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if err := source.WriteParquet(f, part, nil); err != nil { // closes f
			t.Fatal(err)
		}
	}
	csv := "age,income,hours_per_week,score,balance,tenure_years,segment,region,channel,target\n" +
		"46.0,44755.6,35.3,0.2018,-140.62,2.332,high,north,ch01,1\n" +
		"forty,1,1,0.5,1,1,low,north,ch01,0\n"
	if err := os.WriteFile(filepath.Join(in, "bad.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	pq, pqBad, err := loombeam.ReadFiles[Customer](s, filepath.Join(in, "*.parquet"), loombeam.Parquet)
	if err != nil {
		t.Fatal(err)
	}
	cs, csBad, err := loombeam.ReadFiles[Customer](s, filepath.Join(in, "*.csv"), loombeam.CSV)
	if err != nil {
		t.Fatal(err)
	}
	count := func(name string, col beam.PCollection, one any) {
		loombeam.WriteFile(s, filepath.Join(out, name), beam.ParDo(s, formatInt, stats.Sum(s, beam.ParDo(s, one, col))))
	}
	count("parquet", pq, blockLen)
	count("parquet-bad", pqBad, oneRejected)
	count("csv", cs, blockLen)
	loombeam.WriteFile(s, filepath.Join(out, "csv-bad"), beam.ParDo(s, formatRejected, csBad))
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"parquet": "20000", "csv": "1"} {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(got) != want {
			t.Errorf("%s rows: %q, %v; want %s", name, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "parquet-bad")); err == nil {
		t.Error("undecodable Parquet records")
	}
	got, err := os.ReadFile(filepath.Join(out, "csv-bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bad.csv: line 3, row 1", `column "age"`, `"forty"`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("rejected record %q does not name %s", got, want)
		}
	}
}

func formatRejected(r loombeam.Rejected[Customer]) []byte {
	return []byte(r.Where + ": " + strings.Join(r.Reasons, "; "))
}

func init() {
	register.Function1x1(formatRejected)
}
