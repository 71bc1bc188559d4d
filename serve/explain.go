package serve

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/loomml/loom/model"
)

// maxExplain bounds the k of /predict?explain=k.
const maxExplain = 1000

// explaining is what a Scorer needs to explain its predictions: the
// bundle's explainer, made on first use, and buffers for it. It is nil
// for a scorer not made from a bundle.
type explaining[T any] struct {
	explainer func() (*model.Explainer[T], error)
	bufs      sync.Pool // *model.ExplainBuffer
}

// ErrNoExplanations reports a scorer that cannot explain its predictions:
// it was not made from a bundle, or its model gives no contributions (see
// model.Bundle.Explainer).
var ErrNoExplanations = errors.New("serve: the model cannot explain its predictions")

// Explainer returns the explainer of the served bundle, or an error
// wrapping ErrNoExplanations (and the reason) when there is none.
func (s *Scorer[T]) Explainer() (*model.Explainer[T], error) {
	if s.explain == nil {
		return nil, fmt.Errorf("%w: model %q was not bound from a bundle", ErrNoExplanations, s.info.Name)
	}
	x, err := s.explain.explainer()
	if err != nil {
		return nil, fmt.Errorf("%w: model %q: %w", ErrNoExplanations, s.info.Name, err)
	}
	return x, nil
}

// Explain scores row as Score does and explains the prediction into e:
// the k declared input columns that moved its margin most (every column
// when k <= 0), as model.Explainer.ExplainTo gives them. It reuses
// e.Contributions' capacity and, once that has grown, does not allocate.
// Scoring without explanations (Score) does none of this work.
func (s *Scorer[T]) Explain(ctx context.Context, row *T, k int, e *model.Explanation) (Prediction, error) {
	x, err := s.Explainer()
	if err != nil {
		return Prediction{Class: -1}, err
	}
	p, err := s.Score(ctx, row)
	if err != nil {
		return p, err
	}
	buf, _ := s.explain.bufs.Get().(*model.ExplainBuffer)
	if buf == nil {
		buf = new(model.ExplainBuffer)
	}
	err = x.ExplainTo(e, row, k, buf)
	s.explain.bufs.Put(buf)
	return p, err
}

// explainParam reads the explain query parameter of a /predict request:
// 0 when absent, else the number of contributions asked for.
func explainParam(u *url.URL) (int, error) {
	if u.RawQuery == "" {
		return 0, nil
	}
	vs, ok := u.Query()["explain"]
	if !ok {
		return 0, nil
	}
	if len(vs) != 1 {
		return 0, fmt.Errorf("query parameter explain is given %d times; give it once", len(vs))
	}
	k, err := strconv.Atoi(vs[0])
	if err != nil || k < 0 || k > maxExplain {
		return 0, fmt.Errorf("query parameter explain=%q: want the number of contributions, 0 to %d", vs[0], maxExplain)
	}
	return k, nil
}

// appendExplanation appends e as the JSON object of a prediction's
// "explanation".
func appendExplanation(b []byte, e *model.Explanation) []byte {
	b = append(b, `{"output":`...)
	b = strconv.AppendInt(b, int64(e.Output), 10)
	b = append(b, `,"class":`...)
	b = appendFloat(b, e.Class)
	b = append(b, `,"expected":`...)
	b = appendFloat(b, e.Expected)
	b = append(b, `,"margin":`...)
	b = appendFloat(b, e.Margin)
	b = append(b, `,"contributions":[`...)
	for i, c := range e.Contributions {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"column":`...)
		b = appendJSONString(b, c.Column)
		b = append(b, `,"value":`...)
		b = appendFloat(b, c.Value)
		b = append(b, '}')
	}
	b = append(b, `],"rest":`...)
	b = appendFloat(b, e.Rest)
	return append(b, '}')
}
