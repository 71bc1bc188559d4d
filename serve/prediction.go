package serve

// maxInlineClasses is how many class probabilities a Prediction holds
// without allocating. Models with more classes use ScoreInto.
const maxInlineClasses = 16

// Prediction is the result of scoring one row. It is a plain value: scoring
// into it does not allocate.
type Prediction struct {
	// Value is the model's output: the predicted value of a regressor, or
	// the predicted class of a classifier, as its numeric label.
	Value float64
	// Class is the index of the predicted class among the model's classes,
	// or -1 for a regressor.
	Class int

	n     int
	probs [maxInlineClasses]float64
}

// Probabilities returns the class probabilities of a classifier, in the
// order of the model's classes, or nil for a regressor or a model with more
// than 16 classes (see Scorer.ScoreInto). The slice points into p.
func (p *Prediction) Probabilities() []float64 {
	if p.n == 0 {
		return nil
	}
	return p.probs[:p.n]
}
