package train_test

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

func ExampleGridSearch() {
	d := hoursPassed()
	space := train.Space{
		train.Values("C", 0.01, 1, 100),
		train.Choices("class_weight", "none", "balanced"),
	}
	build := func(p train.Params) train.Trainer {
		return train.LogisticRegression{C: p.Float("C"), Balanced: p.Str("class_weight") == "balanced"}
	}
	res, err := train.GridSearch(context.Background(), build, d, space, &train.SearchOptions{
		CV: &train.CVOptions{Splitter: train.StratifiedKFold{K: 3}, Scorer: train.NegLogLoss},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Results {
		fmt.Printf("rank %d  %-28v log loss %.3f\n", c.Rank, c.Params, -c.Mean)
	}
	fmt.Println("best:", res.Best, "refitted:", res.Model.Info().Kind)
	// Output:
	// rank 6  C=0.01 class_weight=none     log loss 0.686
	// rank 5  C=0.01 class_weight=balanced log loss 0.664
	// rank 4  C=1 class_weight=none        log loss 0.247
	// rank 3  C=1 class_weight=balanced    log loss 0.238
	// rank 1  C=100 class_weight=none      log loss 0.030
	// rank 2  C=100 class_weight=balanced  log loss 0.031
	// best: C=100 class_weight=none refitted: logistic
}

func ExampleRandomSearch() {
	// y = 1 + 2·x₁ − x₂ + noise, on 200 rows.
	X := mat.NewDense(200, 2, nil)
	y := make([]float64, 200)
	for i := range 200 {
		x1, x2 := math.Sin(float64(i)), math.Cos(float64(3*i))
		X.SetRow(i, []float64{x1, x2})
		y[i] = 1 + 2*x1 - x2 + 0.3*math.Sin(float64(7*i*i))
	}
	d := train.Dataset{X: X, Y: y}
	space := train.Space{train.LogUniform("alpha", 1e-4, 10)}
	res, err := train.RandomSearch(context.Background(), func(p train.Params) train.Trainer {
		return train.Ridge{Alpha: p.Float("alpha")}
	}, d, space, 8, &train.SearchOptions{Seed: 3, CV: &train.CVOptions{Splitter: train.KFold{K: 5, Shuffle: true, Seed: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d candidates, best alpha %.4f with R² %.3f\n", len(res.Results), res.Best.Float("alpha"), res.BestScore)
	// Output:
	// 8 candidates, best alpha 0.0001 with R² 0.983
}
