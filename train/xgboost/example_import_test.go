package xgboost_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/serve"
	"github.com/loomml/loom/train/xgboost"
)

// Patient is a row of the diabetes data set: ten scaled measurements and
// the disease progression a year later, the label.
type Patient struct {
	Age  float64 `loom:"age"`
	Sex  float64 `loom:"sex"`
	BMI  float64 `loom:"bmi"`
	BP   float64 `loom:"bp"`
	S1   float64 `loom:"s1"`
	S2   float64 `loom:"s2"`
	S3   float64 `loom:"s3"`
	S4   float64 `loom:"s4"`
	S5   float64 `loom:"s5"`
	S6   float64 `loom:"s6"`
	Prog float64 `loom:"target"`
}

// patients reads testdata/diabetes.csv.
func patients() []Patient {
	f, err := os.Open("testdata/diabetes.csv")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		panic(err)
	}
	out := make([]Patient, len(recs)-1)
	for i, r := range recs[1:] {
		v := make([]float64, len(r))
		for j := range r {
			if v[j], err = strconv.ParseFloat(r[j], 64); err != nil {
				panic(err)
			}
		}
		out[i] = Patient{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]}
	}
	return out
}

// An XGBoost model trained in Python (Booster.save_model("model.json")) is
// imported, bound to the Go declaration of its features, registered as a
// new version and served: the features must be the model's, in its order.
func Example() {
	ctx := context.Background()
	f, err := os.Open("testdata/diabetes_squarederror.json")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	booster, err := xgboost.Read(f, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(booster.Kind(), booster.Objective(), booster.FeatureNames())

	spec := model.New[Patient]("diabetes").Label("target")
	for _, name := range booster.FeatureNames() {
		spec.Float(name)
	}
	rows := patients()
	b, err := model.Import(ctx, spec, booster, rows) // contract, features and drift profile from the rows
	if err != nil {
		panic(err)
	}

	dir, err := os.MkdirTemp("", "loom-import")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	reg, err := registry.Open(dir)
	if err != nil {
		panic(err)
	}
	v, err := model.Register(ctx, reg, b, nil)
	if err != nil {
		panic(err)
	}
	loaded, err := model.Load(ctx, reg, v, spec)
	if err != nil {
		panic(err)
	}
	sc, err := serve.NewScorer(loaded)
	if err != nil {
		panic(err)
	}
	p, err := sc.Score(ctx, &rows[0])
	if err != nil {
		panic(err)
	}
	fmt.Printf("version %d, kind %s: patient 0 progression %.2f\n", v.Number, v.Metadata.Tags[model.TagModelKind], p.Value)
	// Output:
	// gbtree reg:squarederror [age sex bmi bp s1 s2 s3 s4 s5 s6]
	// version 1, kind tree_ensemble: patient 0 progression 189.62
}
