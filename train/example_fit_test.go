package train_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/loomml/loom/train"
)

// hoursPassed is a small classification data set: hours studied and hours
// slept, and whether the exam was passed.
func hoursPassed() train.Dataset {
	X := mat.NewDense(12, 2, []float64{
		0.5, 8, 1, 5, 1.5, 7, 2, 6, 2.5, 4, 3, 8,
		3.5, 5, 4, 7, 4.5, 6, 5, 8, 5.5, 4, 6, 7,
	})
	y := []float64{0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1}
	return train.Dataset{X: X, Y: y}
}

func ExampleLogisticRegression() {
	d := hoursPassed()
	m, err := train.LogisticRegression{C: 10}.Fit(context.Background(), d)
	if err != nil {
		fmt.Println(err)
		return
	}
	lm := m.(*train.LogisticModel)
	proba := lm.PredictProba(make([]float64, 2), []float64{4, 7})
	fmt.Printf("classes %v, P(pass | 4 h study, 7 h sleep) = %.3f\n", lm.Info().Classes, proba[1])
	fmt.Println("prediction for 1 h study, 6 h sleep:", lm.Predict([]float64{1, 6}))
	// Output:
	// classes [0 1], P(pass | 4 h study, 7 h sleep) = 0.946
	// prediction for 1 h study, 6 h sleep: 0
}

func ExampleLinearRegression() {
	// y = 3 + 2·x₁ − x₂, exactly.
	X := mat.NewDense(5, 2, []float64{1, 0, 2, 1, 3, 5, 4, 2, 5, 3})
	y := []float64{5, 6, 4, 9, 10}
	m, err := train.LinearRegression{}.Fit(context.Background(), train.Dataset{X: X, Y: y})
	if err != nil {
		fmt.Println(err)
		return
	}
	lm := m.(*train.LinearModel)
	fmt.Printf("coef %.3f, intercept %.3f\n", lm.Coef(), lm.Intercept())
	fmt.Printf("predict(10, 1) = %.3f\n", m.Predict([]float64{10, 1}))
	// Output:
	// coef [2.000 -1.000], intercept 3.000
	// predict(10, 1) = 22.000
}

func ExampleFit() {
	d := hoursPassed()
	m, rec, err := train.Fit(context.Background(), train.LogisticRegression{}, d, &train.FitOptions{
		Seed: 1,
		Metrics: func(m train.Model) map[string]float64 {
			acc, _ := train.Accuracy(m, d)
			return map[string]float64{"train_accuracy": acc}
		},
		Observer: train.ObserverFunc(func(r train.Record) {
			fmt.Printf("observed a %s fit of %d rows, converged %v\n", r.Kind, r.Rows, r.Converged)
		}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("params:", rec.Params)
	fmt.Printf("train accuracy %.3f, %d features, data %s…\n", rec.Metrics["train_accuracy"], m.Info().Features, rec.DataFingerprint[:15])
	// Output:
	// observed a logistic fit of 12 rows, converged true
	// params: C=1 class_weight=none max_iter=100 tol=0.0001
	// train accuracy 1.000, 2 features, data sha256:b4047420…
}

func ExampleDataset_badInput() {
	X := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	_, err := train.LinearRegression{}.Fit(context.Background(), train.Dataset{X: X, Y: []float64{1, 2}})
	fmt.Println(err)
	_, err = train.LogisticRegression{}.Fit(context.Background(), train.Dataset{X: X, Y: []float64{1, 1, 1}})
	fmt.Println(err)
	// Output:
	// train: mismatched lengths: X has 3 rows, y has 2 values
	// train: fewer than two classes: every label is 1
}
