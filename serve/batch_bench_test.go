package serve

import (
	"context"
	"strconv"
	"testing"

	"github.com/loomml/loom/internal/cputime"
	"github.com/loomml/loom/train"
)

// validRows returns n rows that pass the test contract, cycling through
// the fixture's valid rows.
func validRows(tb testing.TB, n int) []customer {
	tb.Helper()
	rows, b := fixture(tb)
	var valid []customer
	for i := range rows {
		if b.CheckRow(&rows[i]) == nil {
			valid = append(valid, rows[i])
		}
	}
	out := make([]customer, n)
	for i := range out {
		out[i] = valid[i%len(valid)]
	}
	return out
}

// BenchmarkBatch compares, side by side on the same rows, Scorer.ScoreBatch
// (path=batch: contract check, features and model) with the matrix path it
// should cost about as much as (path=matrix: feature.Fitted.Matrix then
// train.PredictProbaBatch, no contract check), and with the contract check
// alone (path=checkrow: the bundle's CheckRow per row; path=checkrows: its
// block form CheckRows, over blocks of 256 rows as ScoreBatch calls it). ScoreBatch
// allocates its result, so this benchmark is not among the zero-allocation
// ones named Score.
// ns/row is wall time per row; cpu-ns/row is the process's CPU time (user
// and system, all goroutines) per row, the figure of the issue-18 target
// "ScoreBatch within 1.3x the matrix path's CPU".
func BenchmarkBatch(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		rows := validRows(b, n)
		s := newTestScorer(b, 1)
		_, bundle := fixture(b)
		clf := bundle.Model().(train.Classifier)
		ctx := context.Background()
		errs := make([]error, 256)
		paths := []struct {
			name string
			run  func() error
		}{
			{"batch", func() error { _, err := s.ScoreBatch(ctx, rows); return err }},
			{"matrix", func() error {
				X, err := bundle.Features().Matrix(ctx, rows)
				if err == nil {
					train.PredictProbaBatch(nil, clf, X)
				}
				return err
			}},
			{"checkrow", func() error {
				for i := range rows {
					if err := bundle.CheckRow(&rows[i]); err != nil {
						return err
					}
				}
				return nil
			}},
			{"checkrows", func() error {
				for lo := 0; lo < len(rows); lo += len(errs) {
					blk := rows[lo:min(lo+len(errs), len(rows))]
					if bundle.CheckRows(blk, errs) != 0 {
						return errs[0]
					}
				}
				return nil
			}},
		}
		for _, p := range paths {
			b.Run("rows="+strconv.Itoa(n)+"/path="+p.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := cputime.Process()
				for b.Loop() {
					if err := p.run(); err != nil {
						b.Fatal(err)
					}
				}
				cpu := cputime.Process() - cpu0
				total := float64(b.N) * float64(n)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/row")
				b.ReportMetric(float64(cpu.Nanoseconds())/total, "cpu-ns/row")
			})
		}
	}
}
