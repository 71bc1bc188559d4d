package beam_test

import (
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	loombeam "github.com/loomml/loom/beam"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/train"
)

type other struct {
	X float64 `loom:"x"`
	C string  `loom:"c"`
	Y int     `loom:"y"`
}

func init() {
	loombeam.Register("target-encoded", func() *model.Spec[other] {
		return model.New[other]("target-encoded").Label("y").Float("x").
			Category("c", feature.TargetEncode(feature.TargetOptions{})).Trainer(train.LogisticRegression{C: 1})
	})
	loombeam.Register("misnamed", func() *model.Spec[other] {
		return model.New[other]("other-name").Label("y").Float("x").Trainer(train.LogisticRegression{C: 1})
	})
}

// TestConstructionErrors checks that mistakes are errors when the
// pipeline is built, before any worker runs.
func TestConstructionErrors(t *testing.T) {
	_, s := beam.NewPipelineWithRoot()
	rows := beam.Create(s, Customer{Age: 30})
	for _, tc := range []struct {
		name string
		fn   func() error
		want string
	}{
		{"unregistered", func() error { _, err := loombeam.Validate[Customer](s, "nope", rows); return err }, `no model registered as "nope"`},
		{"other row type", func() error { _, err := loombeam.FitFeatures[other](s, "churn", rows); return err }, "registered for rows of type"},
		{"target encoding", func() error { _, err := loombeam.FitFeatures[other](s, "target-encoded", rows); return err }, "target encoding"},
		{"misnamed spec", func() error { _, err := loombeam.BuildProfile[other](s, "misnamed", rows); return err }, `is named "other-name"`},
		{"no registry", func() error {
			_, _, err := loombeam.Score[Customer](s, "churn", loombeam.BundleRef{Version: 1}, rows)
			return err
		}, "names no registry"},
		{"no version", func() error {
			_, _, err := loombeam.Score[Customer](s, "churn", loombeam.BundleRef{Registry: "/tmp"}, rows)
			return err
		}, "neither a version nor an alias"},
		{"bad format", func() error { _, _, err := loombeam.ReadFiles[Customer](s, "/tmp/x", "json"); return err }, `unknown format "json"`},
		{"unregistered type", func() error {
			_, _, err := loombeam.ReadFiles[struct{ A int }](s, "/tmp/x", loombeam.CSV)
			return err
		}, "not registered"},
		{"not rows", func() error { _, err := loombeam.Validate[Customer](s, "churn", beam.Create(s, 1.5)); return err }, "PCollection<float64> where a PCollection<"},
		{"no shards", func() error { return loombeam.WriteParquet[Customer](s, "/tmp/x", 0, rows) }, "0 shards"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.fn()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "registered twice") {
			t.Fatalf("recovered %v", r)
		}
	}()
	loombeam.Register("churn", func() *model.Spec[Customer] { return nil })
}
