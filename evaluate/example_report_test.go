package evaluate_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/loomml/loom/evaluate"
)

// scored returns n deterministic examples: labels, the scores of a model
// and of a weaker champion, and a region per example.
func scored(n int) (labels []int, model, champion []float64, region []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	regions := []string{"east", "north", "south", "west"}
	for range n {
		x := rng.NormFloat64()
		y := 0
		if rng.Float64() < 1/(1+math.Exp(-2*x)) {
			y = 1
		}
		labels = append(labels, y)
		model = append(model, 1/(1+math.Exp(-(2*x+0.8*rng.NormFloat64()))))
		champion = append(champion, 1/(1+math.Exp(-(x+1.2*rng.NormFloat64()))))
		region = append(region, regions[rng.IntN(4)])
	}
	return labels, model, champion, region
}

func ExampleNewReport() {
	labels, model, champion, region := scored(2000)
	gates, _ := evaluate.ParseGates([]byte(`[
		{"metric": "roc_auc", "kind": "absolute", "op": ">=", "value": 0.8},
		{"metric": "log_loss", "kind": "relative", "op": "<=", "value": 0},
		{"metric": "recall", "kind": "slice", "op": ">=", "value": 0.7}
	]`))
	r, err := evaluate.NewReport(context.Background(), &evaluate.Predictions{Labels: labels, Scores: model}, &evaluate.ReportOptions{
		Title:     "Churn model",
		Model:     "gbdt-v2",
		Bootstrap: &evaluate.BootstrapOptions{Resamples: 200, Seed: 7},
		Groups:    region,
		GroupName: "region",
		Baseline:  &evaluate.Predictions{Labels: labels, Scores: champion},
		Gates:     gates,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range r.Metrics[:2] {
		fmt.Printf("%s %.3f [%.3f, %.3f]\n", m.Metric, m.Value, m.Interval.Lower, m.Interval.Upper)
	}
	d := r.Comparison.Difference("roc_auc")
	fmt.Printf("AUC gain %+.3f [%+.3f, %+.3f]\n", d.Delta, d.Interval.Lower, d.Interval.Upper)
	fmt.Println("verdict pass:", r.Verdict.Pass)
	// Output:
	// roc_auc 0.820 [0.803, 0.837]
	// average_precision 0.818 [0.793, 0.838]
	// AUC gain +0.105 [+0.088, +0.125]
	// verdict pass: true
}

func ExampleSlices() {
	p := &evaluate.Predictions{
		Labels: []int{1, 0, 1, 1, 0, 1, 0, 0},
		Scores: []float64{0.9, 0.2, 0.4, 0.8, 0.6, 0.7, 0.1, 0.3},
	}
	groups := []string{"a", "a", "a", "a", "b", "b", "b", "b"}
	rep, err := evaluate.Slices(p, groups, []string{"accuracy", "recall"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rep.Slices {
		fmt.Printf("%s: accuracy %.2f, recall %.2f\n", s.Group, s.Value("accuracy"), s.Value("recall"))
	}
	fmt.Printf("demographic parity difference %.2f\n", rep.DemographicParity.Value)
	fmt.Printf("equal opportunity difference %.2f\n", rep.EqualOpportunity.Value)
	// Output:
	// a: accuracy 0.75, recall 0.67
	// b: accuracy 0.75, recall 1.00
	// demographic parity difference 0.00
	// equal opportunity difference 0.33
}

func ExampleBootstrapMetric() {
	labels, model, _, _ := scored(1000)
	p := &evaluate.Predictions{Labels: labels, Scores: model}
	iv, err := evaluate.BootstrapMetric(context.Background(), p, "accuracy", &evaluate.BootstrapOptions{Resamples: 500, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("accuracy %.3f, %.0f%% interval [%.3f, %.3f] from %d resamples\n", iv.Estimate, 100*iv.Level, iv.Lower, iv.Upper, iv.Resamples)
	// Output:
	// accuracy 0.730, 95% interval [0.703, 0.759] from 500 resamples
}

func ExampleMcNemarTest() {
	// The champion alone is right on 5 examples, the challenger alone on
	// 15: too few discordant pairs for the chi-square approximation.
	m := evaluate.McNemarTest(5, 15)
	fmt.Printf("exact %v, p = %.4f\n", m.Exact, m.P)
	// Output:
	// exact true, p = 0.0414
}
