package lightgbm_test

import (
	"fmt"
	"os"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/lightgbm"
)

// A LightGBM text model (Booster.save_model("model.txt")) becomes a Loom
// classifier; it encodes for the registry like any Loom model.
func Example() {
	f, err := os.Open("testdata/dart_breast_cancer.model.txt")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	b, err := lightgbm.Read(f, nil)
	if err != nil {
		panic(err)
	}
	m, err := b.Model("")
	if err != nil {
		panic(err)
	}
	fmt.Println(b.Objective(), len(b.FeatureNames()), "features,", m.Info().Kind)

	// The first test row of the fixture; LightGBM predicts 0.27922938.
	x := []float64{13.4, 20.52, 88.64, 556.7, 0.1106, 0.1469, 0.1445, 0.08172, 0.2116, 0.07325,
		0.3906, 0.9306, 3.093, 33.67, 0.005414, 0.02265, 0.03452, 0.01334, 0.01705, 0.004005,
		16.41, 29.66, 113.3, 844.4, 0.1574, 0.3856, 0.5106, 0.2051, 0.3585, 0.1109}
	p := m.(train.Classifier).PredictProba(make([]float64, 2), x)
	fmt.Printf("P(1) = %.8f\n", p[1])

	enc, err := train.Encode(m)
	if err != nil {
		panic(err)
	}
	back, err := train.Decode(enc)
	if err != nil {
		panic(err)
	}
	fmt.Println("decoded:", back.Predict(x) == m.Predict(x))
	// Output:
	// binary sigmoid:1 30 features, tree_ensemble
	// P(1) = 0.27922938
	// decoded: true
}
