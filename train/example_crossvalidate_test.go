package train_test

import (
	"context"
	"fmt"

	"github.com/loomml/loom/train"
)

func ExampleCrossValidate() {
	d := hoursPassed()
	res, err := train.CrossValidate(context.Background(), train.LogisticRegression{C: 10}, d, &train.CVOptions{
		Splitter: train.StratifiedKFold{K: 3, Shuffle: true, Seed: 1},
		Scorer:   train.Accuracy,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Folds {
		fmt.Printf("fold %d: %d train, %d test rows, accuracy %.2f\n", f.Fold, f.TrainRows, f.TestRows, f.Score)
	}
	fmt.Printf("mean %.3f ± %.3f\n", res.Mean, res.Std)
	// Output:
	// fold 0: 8 train, 4 test rows, accuracy 0.75
	// fold 1: 8 train, 4 test rows, accuracy 0.75
	// fold 2: 8 train, 4 test rows, accuracy 1.00
	// mean 0.833 ± 0.118
}

func ExampleKFold() {
	folds, err := train.KFold{K: 3}.Split(hoursPassed().Subset([]int{0, 1, 2, 3, 4, 5, 6}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range folds {
		fmt.Println("train", f.Train, "test", f.Test)
	}
	// Output:
	// train [3 4 5 6] test [0 1 2]
	// train [0 1 2 5 6] test [3 4]
	// train [0 1 2 3 4] test [5 6]
}

func ExampleTimeSeriesSplit() {
	folds, err := train.TimeSeriesSplit{K: 3, Gap: 1}.Split(hoursPassed())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range folds {
		fmt.Println("train", f.Train, "test", f.Test)
	}
	// Output:
	// train [0 1] test [3 4 5]
	// train [0 1 2 3 4] test [6 7 8]
	// train [0 1 2 3 4 5 6 7] test [9 10 11]
}

func ExampleTrainTestSplit() {
	f := train.TrainTestSplit(10, 0.3, 42)
	fmt.Println("train", f.Train, "test", f.Test)
	// Output:
	// train [0 2 3 4 5 6 8] test [1 7 9]
}
