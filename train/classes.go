package train

import (
	"fmt"
	"math"
	"slices"
)

// Classes returns the distinct labels of y in increasing order, the index
// of each row's label among them, and the number of rows of each class:
// what classifiers need to fit. Fewer than two classes is ErrSingleClass.
func Classes(y []float64) (classes []float64, index []int32, counts []float64, err error) {
	sorted := slices.Clone(y)
	slices.Sort(sorted)
	// A copy of the few labels, so that the model does not keep the
	// sorted copy of every label alive.
	classes = slices.Clone(slices.Compact(sorted))
	if len(classes) < 2 {
		return nil, nil, nil, fmt.Errorf("%w: every label is %v", ErrSingleClass, classes[0])
	}
	index = make([]int32, len(y))
	counts = make([]float64, len(classes))
	for i, v := range y {
		k, _ := slices.BinarySearch(classes, v)
		index[i] = int32(k)
		counts[k]++
	}
	return classes, index, counts, nil
}

// ClassWeights returns the weight of each class of Classes: with balanced,
// scikit-learn's class_weight="balanced", rows / (classes · rows of the
// class); otherwise weights[label], 1 for a class not listed. A negative
// or non-finite weight is a programmer mistake and panics.
func ClassWeights(classes, counts []float64, balanced bool, weights map[float64]float64) []float64 {
	var n float64
	for _, c := range counts {
		n += c
	}
	cw := make([]float64, len(classes))
	for k, label := range classes {
		cw[k] = 1
		switch {
		case balanced:
			cw[k] = n / (float64(len(classes)) * counts[k])
		case weights != nil:
			if w, ok := weights[label]; ok {
				if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
					panic(fmt.Sprintf("train: class weight of %v must be finite and non-negative, got %v", label, w))
				}
				cw[k] = w
			}
		}
	}
	return cw
}
