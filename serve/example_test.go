package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/serve"
	"github.com/loomml/loom/train"
)

// Applicant is the row type: the same struct serves training and requests.
type Applicant struct {
	Income   float64  `loom:"income"`
	Region   string   `loom:"region"`
	Debt     *float64 `loom:"debt"`     // optional
	Approved int      `loom:"approved"` // the label: never a request field
}

// trainScorer fits a small model and binds it into a Scorer.
func trainScorer() *serve.Scorer[Applicant] {
	f := func(v float64) *float64 { return &v }
	rows := []Applicant{
		{20, "north", f(5), 0}, {25, "south", f(9), 0}, {30, "north", nil, 0}, {35, "south", f(2), 1},
		{60, "north", f(1), 1}, {65, "south", nil, 0}, {70, "north", f(3), 1}, {80, "south", f(0), 1},
	}
	spec := model.New[Applicant]("credit").
		Label("approved").
		Float("income", feature.Standardize()).
		Float("debt", feature.Impute(feature.Mean, false), feature.Standardize()).
		Category("region", feature.OneHot(feature.OneHotOptions{Unknown: feature.UnknownIgnore})).
		Trainer(train.LogisticRegression{})
	b, err := model.Fit(context.Background(), spec, rows)
	if err != nil {
		panic(err)
	}
	s, err := serve.NewScorer(b)
	if err != nil {
		panic(err)
	}
	return s
}

// A Scorer scores rows in process, without allocating.
func ExampleScorer_Score() {
	s := trainScorer()
	debt := 1.0
	p, err := s.Score(context.Background(), &Applicant{Income: 75, Region: "north", Debt: &debt})
	fmt.Printf("class %v, P(approve) = %.2f, err %v\n", p.Value, p.Probabilities()[1], err)
	// Output: class 1, P(approve) = 0.82, err <nil>
}

// A Handler serves the scorer over HTTP inside any mux; bad requests get an
// RFC 9457 problem naming each bad field.
func ExampleNewHandler() {
	h := serve.NewHandler(serve.Source[Applicant](trainScorer()), &serve.Options[Applicant]{RejectUnknownFields: true})
	mux := http.NewServeMux()
	mux.Handle("/models/credit/", http.StripPrefix("/models/credit", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, body := range []string{
		`{"income": 75, "region": "north", "debt": null}`,
		`{"income": "lots", "region": "north", "colour": "red"}`,
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/models/credit/predict", strings.NewReader(body))
		req.Header.Set("X-Request-Id", "example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Println(resp.StatusCode, strings.TrimSpace(string(b)))
			continue
		}
		var out struct {
			Model       string
			Version     int
			Route       string
			Predictions []struct {
				Value         float64
				Probabilities []float64
			}
		}
		json.Unmarshal(b, &out)
		fmt.Printf("%d %s v%d %s: class %v, P(approve) = %.2f\n", resp.StatusCode, out.Model, out.Version, out.Route,
			out.Predictions[0].Value, out.Predictions[0].Probabilities[1])
	}
	// Output:
	// 200 credit v0 champion: class 1, P(approve) = 0.65
	// 400 {"type":"https://pkg.go.dev/github.com/loomml/loom/serve#invalid-request","title":"The request is invalid","status":400,"detail":"2 fields are invalid; see errors","instance":"example","errors":[{"instance":0,"field":"income","reason":"want a number, got the string \"lots\""},{"instance":0,"field":"colour","reason":"unknown field"}]}
}
