package train_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/loomml/loom/train"
)

func ExampleEncode() {
	d := hoursPassed()
	d.FeatureFingerprint = "features:v1"
	m, err := train.LogisticRegression{}.Fit(context.Background(), d)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := train.Encode(m) // save b anywhere: a file, a registry
	if err != nil {
		fmt.Println(err)
		return
	}
	// Another program that imports package train decodes it.
	back, err := train.Decode(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{4, 7}
	fmt.Printf("%d bytes, kind %s, same prediction: %v\n", len(b), back.Info().Kind, back.Predict(x) == m.Predict(x))
	fmt.Println("verify:", train.Verify(back, 2, "features:v1"))
	fmt.Println("verify:", train.Verify(back, 2, "features:v2"))

	b[len(b)/2] ^= 0xff
	_, err = train.Decode(b)
	fmt.Println("corrupt:", errors.Is(err, train.ErrCorrupt))
	// Output:
	// 93 bytes, kind logistic, same prediction: true
	// verify: <nil>
	// verify: train: feature fingerprint mismatch: logistic model expects fingerprint "features:v1", got "features:v2"
	// corrupt: true
}

// constant is a toy model kind: it predicts the same value for any row.
type constant struct{ value float64 }

func (c constant) Info() train.Info          { return train.Info{Kind: "constant", Features: 1} }
func (c constant) Predict([]float64) float64 { return c.value }
func (c constant) MarshalBinary() ([]byte, error) {
	return []byte(strconv.FormatFloat(c.value, 'g', -1, 64)), nil
}

func decodeConstant(_ train.Info, payload []byte) (train.Model, error) {
	v, err := strconv.ParseFloat(string(payload), 64)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", train.ErrCorrupt, err)
	}
	return constant{v}, nil
}

func ExampleRegister() {
	b, err := train.Encode(constant{42})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Before the kind is registered (its package not imported):
	_, err = train.Decode(b)
	fmt.Println(err)

	// The package defining a kind registers it in its init function.
	if !slices.Contains(train.Kinds(), "constant") {
		train.Register("constant", decodeConstant)
	}
	m, err := train.Decode(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("decoded:", m.Predict([]float64{0}))
	// Output:
	// train: unknown model kind "constant" (forgotten import?)
	// decoded: 42
}
