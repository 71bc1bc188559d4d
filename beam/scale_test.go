package beam_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	loombeam "github.com/loomml/loom/beam"
	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/examples/churn"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/pipeline/source"
	"github.com/loomml/loom/registry"
)

// TestScale times LOOM_BEAM_ROWS rows (the shipped data repeated, in 8
// CSV files) read, validated, featurised (fitted), profiled, scored and
// written to Parquet, on Prism and on one machine, and reports the peak
// heap of each. It is skipped unless LOOM_BEAM_ROWS is set:
//
//	LOOM_BEAM_ROWS=1000000 go test -run TestScale -v .
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("LOOM_BEAM_ROWS"))
	if n <= 0 {
		t.Skip("set LOOM_BEAM_ROWS to run")
	}
	ctx := context.Background()
	in, out := t.TempDir(), t.TempDir()
	base := shippedRows(t)
	rows := make([]Customer, n)
	for i := range rows {
		rows[i] = base[i%len(base)]
	}
	writeShards(t, in, rows, 8)
	rows, base = nil, nil

	spec := churn.Spec()
	shipped := shippedRows(t)
	b, err := model.Fit(ctx, spec, spec.Bind().Quarantine(shipped).Valid)
	if err != nil {
		t.Fatal(err)
	}
	regDir := filepath.Join(out, "registry")
	reg, err := registry.Open(regDir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := model.Register(ctx, reg, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()

	// One machine: the same steps, in one process.
	runtime.GC()
	peak := watchHeap()
	start := time.Now()
	files, _ := filepath.Glob(filepath.Join(in, "*.csv"))
	var all []Customer
	for _, f := range files {
		part, err := source.ReadCSVFileAll[Customer](ctx, f, nil)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, part...)
	}
	split := spec.Bind().Quarantine(all)
	if _, err := spec.FeatureSet().Fit(ctx, split.Valid); err != nil {
		t.Fatal(err)
	}
	drift.BuildProfile(split.Valid, spec.DriftColumns(), nil)
	var ok []Customer
	for i := range all {
		if b.CheckRow(&all[i]) == nil {
			ok = append(ok, all[i])
		}
	}
	pred, err := b.Predict(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	proba, err := b.PredictProba(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	scored := make([]scoredRow, len(ok))
	for i, c := range ok {
		scored[i] = scoredRow{Age: c.Age, Income: c.Income, HoursPerWeek: c.HoursPerWeek, Score: c.Score, Balance: c.Balance, TenureYears: c.TenureYears,
			Segment: c.Segment, Region: c.Region, Channel: c.Channel, Target: c.Target, Prediction: pred[i], P0: proba.At(i, 0), P1: proba.At(i, 1)}
	}
	f, err := os.Create(filepath.Join(out, "single.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := source.WriteParquet(f, scored, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	single := time.Since(start)
	singlePeak := peak()
	all, ok, scored = nil, nil, nil
	_ = split

	// Beam on Prism.
	runtime.GC()
	peak = watchHeap()
	start = time.Now()
	p, s := beam.NewPipelineWithRoot()
	read, _, err := loombeam.ReadFiles[Customer](s, filepath.Join(in, "*.csv"), loombeam.CSV)
	if err != nil {
		t.Fatal(err)
	}
	val, err := loombeam.Validate[Customer](s, "churn", read)
	if err != nil {
		t.Fatal(err)
	}
	feats, err := loombeam.FitFeatures[Customer](s, "churn", val.Valid)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := loombeam.BuildProfile[Customer](s, "churn", val.Valid)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, err := loombeam.Score[Customer](s, "churn", loombeam.BundleRef{Registry: regDir, Version: v.Number}, read)
	if err != nil {
		t.Fatal(err)
	}
	if err := loombeam.WriteParquet[Customer](s, filepath.Join(out, "pred"), 8, sc); err != nil {
		t.Fatal(err)
	}
	loombeam.WriteFile(s, filepath.Join(out, "report.json"), val.Report)
	loombeam.WriteFile(s, filepath.Join(out, "features.json"), feats)
	loombeam.WriteFile(s, filepath.Join(out, "profile.json"), prof)
	if _, err := prism.Execute(ctx, p); err != nil {
		t.Fatal(err)
	}
	onBeam := time.Since(start)
	beamPeak := peak()
	t.Logf("%d rows on %d CPUs: one machine %v (peak heap %d MiB), Beam on Prism %v (peak heap %d MiB, the runner and all workers in this process): %.2fx",
		n, runtime.GOMAXPROCS(0), single.Round(time.Millisecond), singlePeak>>20, onBeam.Round(time.Millisecond), beamPeak>>20, onBeam.Seconds()/single.Seconds())
}

// watchHeap samples the live heap every 10 ms until the returned function
// is called, which returns the largest sample.
func watchHeap() func() uint64 {
	var (
		mu   sync.Mutex
		max  uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			max = maxU(max, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return max
	}
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
