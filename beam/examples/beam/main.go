// Command beam runs the quickstart's steps on Apache Beam: ingest CSV
// files, validate them with the churn model's data contract (valid rows,
// rejected rows with reasons, and the merged report), fit the features and
// build the drift profile as combines, score every row with a bundle
// from the registry into sharded Parquet files, and materialise the
// feature matrix of the valid rows for a trainer. Training stays on one
// machine, as in TFX: the program first fits and registers the bundle
// with model.Fit, as the quickstart does, unless -registry already holds
// one; after the pipeline it reads the materialised matrix back
// (loombeam.ReadMatrix) and trains the declaration's trainer on it.
//
// On Prism, in process (the default runner), from the beam/ directory:
//
//	go run ./examples/beam
//
// On Dataflow (not run here), with the input and output on Cloud Storage
// and the registry on a volume every worker mounts:
//
//	go run ./examples/beam --runner=dataflow --project=PROJECT --region=REGION \
//	    --staging_location=gs://BUCKET/staging --input='gs://BUCKET/in/*.csv' \
//	    --out=gs://BUCKET/out --registry=/mnt/registry
//
// On Flink through the portable runner (a job server at localhost:8099):
//
//	go run ./examples/beam --runner=flink --endpoint=localhost:8099 \
//	    --environment_type=LOOPBACK --input='/data/in/*.csv' --out=/data/out
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	loombeam "github.com/loomml/loom/beam"
	"github.com/loomml/loom/examples/churn"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/pipeline/source"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/train"
)

// The declaration is registered by name: Beam workers run this binary and
// look it up; the pipeline carries only the name.
func init() { loombeam.Register("churn", churn.Spec) }

func main() {
	input := flag.String("input", "", "glob of the CSV files to read (default: the shipped data, written as 4 files under -out)")
	out := flag.String("out", filepath.Join(os.TempDir(), "loom-beam"), "directory (or gs:// prefix) for the outputs")
	regDir := flag.String("registry", "", "registry directory every worker can read (default: -out/registry, trained here if empty)")
	flag.Parse()
	beam.Init()
	if err := run(context.Background(), os.Stdout, *input, *out, *regDir); err != nil {
		log.Fatal("beam example: ", err)
	}
}

func run(ctx context.Context, w io.Writer, input, out, regDir string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if input == "" {
		var err error
		if input, err = shipShards(out, 4); err != nil {
			return err
		}
	}
	if regDir == "" {
		regDir = filepath.Join(out, "registry")
	}
	version, err := trainOnOneMachine(ctx, w, regDir)
	if err != nil {
		return err
	}

	p, s := beam.NewPipelineWithRoot()
	rows, undecodable, err := loombeam.ReadFiles[churn.Customer](s, input, loombeam.CSV)
	if err != nil {
		return err
	}
	v, err := loombeam.Validate[churn.Customer](s, "churn", rows)
	if err != nil {
		return err
	}
	features, err := loombeam.FitFeatures[churn.Customer](s, "churn", v.Valid)
	if err != nil {
		return err
	}
	profile, err := loombeam.BuildProfile[churn.Customer](s, "churn", v.Valid)
	if err != nil {
		return err
	}
	scored, unscored, err := loombeam.Score[churn.Customer](s, "churn", loombeam.BundleRef{Registry: regDir, Version: version}, rows)
	if err != nil {
		return err
	}
	if err := loombeam.WriteParquet[churn.Customer](s, filepath.Join(out, "predictions"), 4, scored); err != nil {
		return err
	}
	if err := loombeam.Materialize[churn.Customer](s, "churn", features, v.Valid, filepath.Join(out, "matrix"), 4); err != nil {
		return err
	}
	loombeam.WriteFile(s, filepath.Join(out, "report.json"), v.Report)
	loombeam.WriteFile(s, filepath.Join(out, "features.json"), features)
	loombeam.WriteFile(s, filepath.Join(out, "profile.json"), profile)
	_, _ = undecodable, unscored // a real job would write them out for inspection
	if err := beamx.Run(ctx, p); err != nil {
		return err
	}

	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		return err
	}
	rep, err := loombeam.DecodeReport(data)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "validated on Beam: %d rows = %d valid + %d rejected (%s)\n", rep.Rows, rep.Valid, rep.Rejected, rep.Verdict)
	if data, err = os.ReadFile(filepath.Join(out, "features.json")); err != nil {
		return err
	}
	fitted, err := loombeam.DecodeFeatures[churn.Customer]("churn", data)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "features fitted on Beam: %d columns\n", fitted.Width())
	files, _ := filepath.Glob(filepath.Join(out, "predictions-*.parquet"))
	fmt.Fprintf(w, "predictions written to %d Parquet files under %s\n", len(files), out)

	// Training on one machine, from the materialised matrix (it must fit
	// in memory: ReadMatrix refuses more than its limit of rows).
	d, names, err := loombeam.ReadMatrix(ctx, filepath.Join(out, "matrix-*.parquet"), 10_000_000)
	if err != nil {
		return err
	}
	d.FeatureFingerprint = fitted.Fingerprint()
	m, err := train.LogisticRegression{C: 1}.Fit(ctx, d)
	if err != nil {
		return err
	}
	r, c := d.X.Dims()
	fmt.Fprintf(w, "trained %s on the materialised matrix: %d rows x %d features (%s ... %s)\n", m.Info().Kind, r, c, names[0], names[len(names)-1])
	return nil
}

// trainOnOneMachine fits the bundle on the shipped data and registers it,
// unless the registry already has a version; it returns the version.
func trainOnOneMachine(ctx context.Context, w io.Writer, dir string) (int, error) {
	reg, err := registry.Open(dir)
	if err != nil {
		return 0, err
	}
	defer reg.Close()
	if v, err := reg.Latest(ctx, "churn"); err == nil {
		return v.Number, nil
	}
	rows, err := source.ReadCSVAll[churn.Customer](ctx, bytes.NewReader(churn.CSV), nil)
	if err != nil {
		return 0, err
	}
	spec := churn.Spec()
	b, err := model.Fit(ctx, spec, spec.Bind().Quarantine(rows).Valid)
	if err != nil {
		return 0, err
	}
	v, err := model.Register(ctx, reg, b, nil)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "trained on one machine and registered churn version %d\n", v.Number)
	return v.Number, nil
}

// shipShards writes the shipped data as n CSV files under dir and returns
// their glob.
func shipShards(dir string, n int) (string, error) {
	rows, err := source.ReadCSVAll[churn.Customer](context.Background(), bytes.NewReader(churn.CSV), nil)
	if err != nil {
		return "", err
	}
	in := filepath.Join(dir, "input")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return "", err
	}
	per := (len(rows) + n - 1) / n
	for i := range n {
		var buf bytes.Buffer
		if err := source.WriteCSV(&buf, slices.Values(rows[i*per:min((i+1)*per, len(rows))]), nil); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("part-%05d-of-%05d.csv", i, n)), buf.Bytes(), 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(in, "*.csv"), nil
}
