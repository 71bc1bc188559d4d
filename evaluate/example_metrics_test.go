package evaluate_test

import (
	"fmt"

	"github.com/loomml/loom/evaluate"
)

func ExampleROCAUC() {
	labels := []int{0, 0, 1, 1, 0, 1}
	scores := []float64{0.1, 0.4, 0.35, 0.8, 0.5, 0.5} // a tie between a positive and a negative counts one half
	auc, err := evaluate.ROCAUC(labels, scores, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("AUC %.4f\n", auc)

	_, err = evaluate.ROCAUC([]int{1, 1, 1}, []float64{0.2, 0.5, 0.9}, nil)
	fmt.Println(err)
	// Output:
	// AUC 0.7222
	// evaluate: only one class present
}

func ExampleConfusionMatrix() {
	yTrue := []int{0, 1, 2, 2, 1, 0, 2}
	yPred := []int{0, 2, 2, 2, 1, 0, 1}
	cm, err := evaluate.ConfusionMatrix(yTrue, yPred, 3, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("counts", cm.Counts)
	fmt.Printf("accuracy %.4f\n", cm.Accuracy())
	fmt.Printf("macro F1 %.4f\n", cm.F1(evaluate.Macro, 0))
	fmt.Printf("weighted precision %.4f\n", cm.Precision(evaluate.Weighted, 0))
	fmt.Printf("MCC %.4f\n", cm.MCC())
	// Output:
	// counts [2 0 0 0 1 1 0 1 2]
	// accuracy 0.7143
	// macro F1 0.7222
	// weighted precision 0.7143
	// MCC 0.5625
}

func ExampleLogLoss() {
	labels := []int{1, 0, 1, 1}
	p := []float64{0.9, 0.2, 0.6, 0} // the last one is a confident mistake
	ll, err := evaluate.LogLoss(labels, p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Probabilities are clipped to [2^-52, 1-2^-52], as scikit-learn 1.2
	// does, so the loss is large but finite.
	fmt.Printf("log loss %.4f\n", ll)
	// Output:
	// log loss 9.2207
}

func ExampleThresholdForPrecision() {
	labels := []int{0, 0, 1, 0, 1, 1, 0, 1}
	scores := []float64{0.1, 0.3, 0.35, 0.4, 0.6, 0.7, 0.75, 0.9}
	op, err := evaluate.ThresholdForPrecision(labels, scores, nil, 0.75)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("threshold %.2f: precision %.2f, recall %.2f\n", op.Threshold, op.Precision, op.Recall)
	// Output:
	// threshold 0.60: precision 0.75, recall 0.75
}

func ExampleR2() {
	yTrue := []float64{3, -0.5, 2, 7}
	yPred := []float64{2.5, 0, 2, 8}
	r2, _ := evaluate.R2(yTrue, yPred, nil)
	mae, _ := evaluate.MAE(yTrue, yPred, nil)
	fmt.Printf("R² %.4f, MAE %.3f\n", r2, mae)
	// Output:
	// R² 0.9486, MAE 0.500
}
