package serve

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/loomml/loom/model"
)

// explainResponse is the part of a /predict response explanations add.
type explainResponse struct {
	Predictions []struct {
		Value       float64            `json:"value"`
		Explanation *model.Explanation `json:"explanation"`
	} `json:"predictions"`
}

func TestPredictExplain(t *testing.T) {
	_, b := fixture(t)
	rows := validRows(t, 20)
	s, err := NewScorer(b)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler[customer](s, nil)
	defer h.Close()
	want, err := b.Explain(&rows[0], 3)
	if err != nil {
		t.Fatal(err)
	}
	instance, err := json.Marshal(map[string]any{"age": rows[0].Age, "income": rows[0].Income, "hours_per_week": rows[0].HoursPerWeek,
		"score": rows[0].Score, "balance": rows[0].Balance, "tenure_years": rows[0].TenureYears,
		"segment": rows[0].Segment, "region": rows[0].Region, "channel": rows[0].Channel})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path, body string
		n                int // predictions
		explained        bool
	}{
		{"off", "/predict", string(instance), 1, false},
		{"other query parameters", "/predict?trace=1", string(instance), 1, false},
		{"zero is off", "/predict?explain=0", string(instance), 1, false},
		{"one instance", "/predict?explain=3", string(instance), 1, true},
		{"batch", "/predict?explain=3", `{"instances": [` + string(instance) + `,` + string(instance) + `]}`, 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := post(t, h, c.path, c.body)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var got explainResponse
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("%v: %s", err, w.Body)
			}
			if len(got.Predictions) != c.n {
				t.Fatalf("%d predictions; want %d", len(got.Predictions), c.n)
			}
			for _, p := range got.Predictions {
				if !c.explained {
					if p.Explanation != nil {
						t.Errorf("explanation given without being asked for: %s", w.Body)
					}
					continue
				}
				e := p.Explanation
				if e == nil {
					t.Fatalf("no explanation: %s", w.Body)
				}
				if len(e.Contributions) != 3 || e.Expected != want.Expected || e.Margin != want.Margin || e.Rest != want.Rest {
					t.Errorf("explanation %+v; want %+v", e, want)
				}
				for i, c := range e.Contributions {
					if c != want.Contributions[i] {
						t.Errorf("contribution %d = %+v; want %+v", i, c, want.Contributions[i])
					}
				}
				sum := e.Expected + e.Rest
				for _, c := range e.Contributions {
					sum += c.Value
				}
				if math.Abs(sum-e.Margin) > 1e-9 {
					t.Errorf("expected + contributions + rest = %v; margin %v", sum, e.Margin)
				}
			}
		})
	}
}

func TestPredictExplainRejects(t *testing.T) {
	_, b := fixture(t)
	s, err := NewScorer(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		s      *Scorer[customer]
		path   string
		detail string
	}{
		{"not a number", s, "/predict?explain=abc", `explain=\"abc\"`},
		{"negative", s, "/predict?explain=-1", `explain=\"-1\"`},
		{"too many", s, "/predict?explain=1001", `explain=\"1001\"`},
		{"twice", s, "/predict?explain=1&explain=2", `given 2 times`},
		{"not from a bundle", newTestScorer(t, 1), "/predict?explain=2", `cannot explain`},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := NewHandler[customer](c.s, nil)
			defer h.Close()
			w := post(t, h, c.path, goodInstance)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), c.detail) {
				t.Errorf("status %d, body %s; want 400 naming %q", w.Code, w.Body, c.detail)
			}
		})
	}
}

func TestScorerExplain(t *testing.T) {
	_, b := fixture(t)
	rows := validRows(t, 20)
	s, err := NewScorer(b)
	if err != nil {
		t.Fatal(err)
	}
	var e model.Explanation
	for i := range 20 {
		p, err := s.Explain(context.Background(), &rows[i], 0, &e)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := s.Score(context.Background(), &rows[i])
		if p.Value != q.Value || p.Probabilities()[1] != q.Probabilities()[1] {
			t.Errorf("row %d: Explain predicts %+v, Score %+v", i, p, q)
		}
		want, _ := b.Explain(&rows[i], 0)
		if e.Margin != want.Margin || len(e.Contributions) != len(want.Contributions) {
			t.Errorf("row %d: %+v; want %+v", i, e, want)
		}
		// The margin is the log-odds of the predicted probability.
		if p1 := p.Probabilities()[1]; math.Abs(e.Margin-math.Log(p1/(1-p1))) > 1e-9 {
			t.Errorf("row %d: margin %v, log-odds of %v", i, e.Margin, p1)
		}
	}
	bad := rows[0]
	bad.Age = 150
	if _, err := s.Explain(context.Background(), &bad, 2, &e); err == nil {
		t.Error("a row outside the contract was explained")
	}
	if _, err := newTestScorer(t, 1).Explain(context.Background(), &rows[0], 2, &e); !errors.Is(err, ErrNoExplanations) {
		t.Errorf("Explain of a scorer without a bundle: %v; want ErrNoExplanations", err)
	}
	if !raceEnabled {
		if a := testing.AllocsPerRun(100, func() { _, _ = s.Explain(context.Background(), &rows[1], 3, &e) }); a != 0 {
			t.Errorf("Explain allocates %v times; want 0", a)
		}
	}
}
