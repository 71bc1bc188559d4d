package serve

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/stage"
	"github.com/loomml/loom/train"
)

// sameAsScore fails unless preds and err are what Score gives row by row:
// the same value, class and probabilities (bit for bit) for every good row,
// the zero Prediction for every bad one, and one *stage.ItemError per bad
// row, in row order, with Score's error.
func sameAsScore(t *testing.T, s *Scorer[customer], rows []customer, preds []Prediction, err error) {
	t.Helper()
	var items []error
	if err != nil {
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("ScoreBatch error %v is not a joined error", err)
		}
		items = joined.Unwrap()
	}
	if len(preds) != len(rows) {
		t.Fatalf("ScoreBatch gave %d predictions for %d rows", len(preds), len(rows))
	}
	for i := range rows {
		want, werr := s.Score(context.Background(), &rows[i])
		got := preds[i]
		if werr != nil {
			var item *stage.ItemError
			if len(items) == 0 || !errors.As(items[0], &item) || item.Index != i || item.Err.Error() != werr.Error() {
				t.Fatalf("row %d: Score fails with %q; ScoreBatch's next error is %v", i, werr, items)
			}
			items = items[1:]
			if got.Class != -1 || got.Value != 0 || got.Probabilities() != nil {
				t.Fatalf("row %d failed, yet ScoreBatch gives %+v", i, got)
			}
			continue
		}
		if math.Float64bits(got.Value) != math.Float64bits(want.Value) || got.Class != want.Class || len(got.Probabilities()) != len(want.Probabilities()) {
			t.Fatalf("ScoreBatch row %d = %+v; Score = %+v", i, got, want)
		}
		for j, v := range want.Probabilities() {
			if math.Float64bits(got.Probabilities()[j]) != math.Float64bits(v) {
				t.Fatalf("ScoreBatch row %d probability %d = %v; Score = %v", i, j, got.Probabilities()[j], v)
			}
		}
	}
	if len(items) > 0 {
		t.Fatalf("ScoreBatch has %d errors more than Score: %v", len(items), items)
	}
}

func TestScoreBatch(t *testing.T) {
	rows, _ := fixture(t)
	s := newTestScorer(t, 1)
	// rowwise checks the contract row by row (a scorer whose contract has
	// no block form): the same predictions and errors.
	rowwise := newTestScorer(t, 1)
	rowwise.contractRows = nil
	inf := math.Inf(1)
	// breakContract puts a row outside the contract (age in [16, 100]);
	// breakFeature gives a value with no defined output (+Inf balance,
	// standardized) that the contract does not check.
	breakContract := func(c *customer) { c.Age = 200 }
	breakFeature := func(c *customer) { c.Balance = &inf }
	for _, tc := range []struct {
		name  string
		n     int
		bad   map[int]func(*customer)
		nerrs int
	}{
		{"all rows", len(rows), nil, 0},
		{"one row", 1, nil, 0},
		{"one block", batchRows, nil, 0},
		{"a block and a row", batchRows + 1, nil, 0},
		{"contract errors", 1000, map[int]func(*customer){0: breakContract, 255: breakContract, 256: breakContract, 999: breakContract}, 4},
		{"feature errors", 1000, map[int]func(*customer){3: breakFeature, 300: breakFeature, 301: breakFeature, 700: breakFeature}, 4},
		{"both in one block", 600, map[int]func(*customer){260: breakFeature, 261: breakContract, 262: func(c *customer) { breakContract(c); breakFeature(c) }}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]customer(nil), rows[:tc.n]...)
			for i, f := range tc.bad {
				f(&in[i])
			}
			for _, sc := range []*Scorer[customer]{s, rowwise} {
				preds, err := sc.ScoreBatch(context.Background(), in)
				if n := countItems(err); n != tc.nerrs {
					t.Fatalf("ScoreBatch gave %d row errors (%v); want %d", n, err, tc.nerrs)
				}
				sameAsScore(t, s, in, preds, err)
			}
		})
	}
	// The errors keep their types: a contract's RowError, feature's
	// ValueError.
	in := append([]customer(nil), rows[:10]...)
	breakContract(&in[2])
	breakFeature(&in[5])
	_, err := s.ScoreBatch(context.Background(), in)
	var re *contract.RowError
	var ve *feature.ValueError
	if !errors.As(err, &re) || !errors.As(err, &ve) || !strings.Contains(err.Error(), "item 2") || !strings.Contains(err.Error(), "item 5") {
		t.Fatalf("ScoreBatch error %v; want a RowError at 2 and a ValueError at 5", err)
	}
}

func countItems(err error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return 1
}

func TestScoreBatchEmptyAndCancelled(t *testing.T) {
	s := newTestScorer(t, 1)
	if preds, err := s.ScoreBatch(context.Background(), nil); err != nil || len(preds) != 0 {
		t.Fatalf("ScoreBatch(nil) = %v, %v", preds, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rows, _ := fixture(t)
	if _, err := s.ScoreBatch(ctx, rows); !errors.Is(err, context.Canceled) {
		t.Fatalf("ScoreBatch with a cancelled context = %v; want context.Canceled", err)
	}
}

// TestScoreBatchRegressor: a regressor's batch goes through
// train.PredictBatch, equal to Score's Predict row by row.
func TestScoreBatchRegressor(t *testing.T) {
	rows, b := fixture(t)
	ctx := context.Background()
	X, err := b.Features().Matrix(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(rows))
	for i := range rows {
		y[i] = rows[i].Score
	}
	m, err := train.Ridge{Alpha: 1}.Fit(ctx, train.Dataset{X: X, Y: y, FeatureFingerprint: b.Features().Fingerprint()})
	if err != nil {
		t.Fatal(err)
	}
	p := testParts(t)
	p.Model, p.Contract = m, b.CheckRow
	s, err := newScorer(p)
	if err != nil {
		t.Fatal(err)
	}
	in := append([]customer(nil), rows[:700]...)
	in[400].Age = 5
	preds, err := s.ScoreBatch(ctx, in)
	if countItems(err) != 1 {
		t.Fatalf("ScoreBatch error %v; want one row error", err)
	}
	sameAsScore(t, s, in, preds, err)
	if preds[0].Class != -1 || preds[0].Probabilities() != nil {
		t.Fatalf("a regressor's prediction %+v has a class", preds[0])
	}
}
