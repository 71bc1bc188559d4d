package model_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/lightgbm"
	"github.com/loomml/loom/train/xgboost"
)

// importedRow has the fixture model's column names as tags.
type importedRow struct {
	Age    float64 `loom:"age"`
	Sex    float64 `loom:"sex"`
	BMI    float64 `loom:"bmi"`
	BP     float64 `loom:"bp"`
	S1     float64 `loom:"s1"`
	S2     float64 `loom:"s2"`
	S3     float64 `loom:"s3"`
	S4     float64 `loom:"s4"`
	S5     float64 `loom:"s5"`
	S6     float64 `loom:"s6"`
	Seg    string  `loom:"seg"`
	Target float64 `loom:"target"`
}

func importedRows(n int) []importedRow {
	rows := make([]importedRow, n)
	for i := range rows {
		f := float64(i%17)/100 - 0.08
		rows[i] = importedRow{Age: f, Sex: -f, BMI: f / 2, BP: f * 0.3, S1: f, S2: f, S3: -f, S4: f, S5: f * 0.7, S6: f, Seg: []string{"a", "b"}[i%2], Target: 100 + float64(i%50)}
	}
	return rows
}

func readBooster(t *testing.T) *xgboost.Booster {
	t.Helper()
	data, err := os.ReadFile("../train/xgboost/testdata/diabetes_squarederror.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := xgboost.Parse(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImport binds an imported model when the features match, stamping it
// with their fingerprint, and refuses every mismatch naming the first one.
func TestImport(t *testing.T) {
	ctx := context.Background()
	src := readBooster(t)
	declare := func(names ...string) *model.Spec[importedRow] {
		s := model.New[importedRow]("imported").Label("target")
		for _, n := range names {
			s.Float(n)
		}
		return s
	}
	all := src.FeatureNames()
	b, err := model.Import(ctx, declare(all...), src, importedRows(60))
	if err != nil {
		t.Fatal(err)
	}
	if fp := b.Model().Info().FeatureFingerprint; fp == "" || fp != b.Features().Fingerprint() {
		t.Errorf("model fingerprint %q, features' %q", fp, b.Features().Fingerprint())
	}
	got, err := b.Predict(ctx, importedRows(3))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := src.Model("")
	X, _ := b.Features().TreeMatrix(ctx, importedRows(3))
	for i := range got {
		if want := m.Predict(X.RawRowView(i)); got[i] != want {
			t.Errorf("row %d: bundle predicts %v, the model %v", i, got[i], want)
		}
	}

	swapped := append([]string(nil), all...)
	swapped[2], swapped[3] = swapped[3], swapped[2]
	cases := []struct {
		name  string
		spec  *model.Spec[importedRow]
		index int
	}{
		{"order", declare(swapped...), 2},
		{"fewer", declare(all[:9]...), 9},
		{"more", declare(all...).Category("seg", feature.Ordinal(feature.OrdinalOptions{})), 10},
	}
	for _, c := range cases {
		_, err := model.Import(ctx, c.spec, src, importedRows(60))
		var fm *model.FeatureMismatchError
		if !errors.As(err, &fm) || !errors.Is(err, model.ErrFeatureMismatch) || fm.Index != c.index {
			t.Errorf("%s: Import error %v; want a *FeatureMismatchError at feature %d", c.name, err, c.index)
		}
	}
	if _, err := model.Import(ctx, declare(all...), src, nil); !errors.Is(err, train.ErrEmpty) {
		t.Errorf("Import without rows: %v; want train.ErrEmpty", err)
	}
}

// mixedRow has the columns of the XGBoost fixture with categorical splits.
type mixedRow struct {
	Age     float64 `loom:"age"`
	Income  float64 `loom:"income"`
	Hours   float64 `loom:"hours_per_week"`
	Score   float64 `loom:"score"`
	Balance float64 `loom:"balance"`
	Tenure  float64 `loom:"tenure_years"`
	Segment float64 `loom:"segment"`
	Region  string  `loom:"region"`
	Channel string  `loom:"channel"`
	Target  float64 `loom:"target"`
}

// TestImportCategorical refuses a numeric column where the model reads
// category codes, and accepts Ordinal categories there.
func TestImportCategorical(t *testing.T) {
	data, err := os.ReadFile("../train/xgboost/testdata/mixed_categorical.json")
	if err != nil {
		t.Fatal(err)
	}
	src, err := xgboost.Parse(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]mixedRow, 40)
	for i := range rows {
		rows[i] = mixedRow{Age: float64(20 + i), Segment: float64(i % 3), Region: []string{"east", "north"}[i%2], Channel: []string{"ch01", "ch02"}[i%2], Target: float64(i % 2)}
	}
	spec := model.New[mixedRow]("mixed").Label("target").
		Float("age").Float("income").Float("hours_per_week").Float("score").Float("balance").Float("tenure_years").
		Float("segment").
		Category("region", feature.Ordinal(feature.OrdinalOptions{})).
		Category("channel", feature.Ordinal(feature.OrdinalOptions{}))
	_, err = model.Import(context.Background(), spec, src, rows)
	var fm *model.FeatureMismatchError
	if !errors.As(err, &fm) || fm.Index != 6 || !strings.Contains(err.Error(), "category codes") {
		t.Errorf("Import with a numeric segment: %v; want a *FeatureMismatchError at feature 6 about category codes", err)
	}
}

// Both importers' boosters are Sources.
var (
	_ model.Source = (*xgboost.Booster)(nil)
	_ model.Source = (*lightgbm.Booster)(nil)
)
