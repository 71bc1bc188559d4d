package serve

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// The Open Inference Protocol's own examples (the KServe v2 REST
// specification, "Inference Request Examples"): the request names a model
// "mymodel", two inputs and one output to return.
const (
	v2SpecRequest = `{
  "id" : "42",
  "inputs" : [
    {
      "name" : "input0",
      "shape" : [ 2, 2 ],
      "datatype" : "UINT32",
      "data" : [ 1, 2, 3, 4 ]
    },
    {
      "name" : "input1",
      "shape" : [ 3 ],
      "datatype" : "BOOL",
      "data" : [ true ]
    }
  ],
  "outputs" : [
    {
      "name" : "output0"
    }
  ]
}`
)

// v2Churn is the specification's request shape for the test model: the
// same fields, with the model's inputs, and outputs to return.
func v2Churn(outputs string, age string) string {
	return `{
  "id" : "42",
  "inputs" : [
    { "name" : "age", "shape" : [ 2 ], "datatype" : "` + age + `", "data" : [ 41, 29 ] },
    { "name" : "score", "shape" : [ 2 ], "datatype" : "FP64", "data" : [ 0.4, 0.9 ] },
    { "name" : "segment", "shape" : [ 2 ], "datatype" : "BYTES", "data" : [ "high", "low" ] },
    { "name" : "region", "shape" : [ 2, 1 ], "datatype" : "BYTES", "data" : [ "north", "west" ] },
    { "name" : "target", "shape" : [ 2 ], "datatype" : "INT64", "data" : [ 0, 1 ] }
  ]` + outputs + `
}`
}

// v2Response is the specification's inference response.
type v2Response struct {
	ModelName    string `json:"model_name"`
	ModelVersion string `json:"model_version"`
	ID           string `json:"id"`
	Outputs      []struct {
		Name     string    `json:"name"`
		Shape    []int     `json:"shape"`
		Datatype string    `json:"datatype"`
		Data     []float64 `json:"data"`
	} `json:"outputs"`
}

// TestOpenInferenceProtocolSpec follows the protocol: server metadata at
// GET /v2 (it was a 404), the request's "outputs" selecting what is
// returned (it was ignored), input datatypes checked against the model's
// metadata (an FP32 tensor was accepted for an FP64 input), per-version
// metadata and readiness, and errors as {"error": ...}.
func TestOpenInferenceProtocolSpec(t *testing.T) {
	h := NewHandler[customer](newTestScorer(t, 2), &Options[customer]{MaxConcurrent: -1})
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	t.Run("server metadata", func(t *testing.T) {
		w := do("GET", "/v2", "")
		var m map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || w.Code != 200 {
			t.Fatalf("GET /v2 = %d %s", w.Code, w.Body)
		}
		var name, version string
		var ext []string
		if json.Unmarshal(m["name"], &name) != nil || json.Unmarshal(m["version"], &version) != nil || name != "loom" || version == "" ||
			json.Unmarshal(m["extensions"], &ext) != nil || ext == nil {
			t.Fatalf("GET /v2 = %s; want name, version and an extensions array", w.Body)
		}
	})
	t.Run("model metadata and readiness by version", func(t *testing.T) {
		for path, status := range map[string]int{
			"/v2/models/churn/versions/2": 200, "/v2/models/churn/versions/2/ready": 200,
			"/v2/models/churn/versions/9": 404, "/v2/models/churn/versions/9/ready": 404,
		} {
			if w := do("GET", path, ""); w.Code != status {
				t.Errorf("GET %s = %d; want %d (%s)", path, w.Code, status, w.Body)
			}
		}
	})
	tests := []struct {
		name, path, body string
		status           int
		outputs          []string // the outputs returned, in order
		inError          string
	}{
		{"specification example, another model", "/v2/models/mymodel/infer", v2SpecRequest, 404, nil, `no model named \"mymodel\"`},
		{"specification example, this model", "/v2/models/churn/infer", v2SpecRequest, 400, nil, `input0`},
		{"all outputs by default", "/v2/models/churn/infer", v2Churn("", "FP64"), 200, []string{"predict", "probabilities"}, ""},
		{"empty outputs list", "/v2/models/churn/infer", v2Churn(`, "outputs": []`, "FP64"), 200, []string{"predict", "probabilities"}, ""},
		{"one output", "/v2/models/churn/infer", v2Churn(`, "outputs": [{"name": "probabilities"}]`, "FP64"), 200, []string{"probabilities"}, ""},
		{"outputs in the order asked", "/v2/models/churn/infer", v2Churn(`, "outputs": [{"name": "probabilities", "parameters": {}}, {"name": "predict"}]`, "FP64"), 200, []string{"probabilities", "predict"}, ""},
		{"unknown output", "/v2/models/churn/infer", v2Churn(`, "outputs": [{"name": "output0"}]`, "FP64"), 400, nil, `no output \"output0\"`},
		{"FP32 for an FP64 input", "/v2/models/churn/infer", v2Churn("", "FP32"), 400, nil, `datatype FP32; the model takes FP64`},
		{"INT64 for an FP64 input", "/v2/models/churn/infer", v2Churn("", "INT64"), 400, nil, `datatype INT64; the model takes FP64`},
		{"no datatype", "/v2/models/churn/infer", v2Churn("", ""), 400, nil, `no datatype`},
		{"unknown datatype", "/v2/models/churn/infer", v2Churn("", "FLOAT"), 400, nil, `does not define`},
		{"by version", "/v2/models/churn/versions/2/infer", v2Churn(`, "outputs": [{"name": "predict"}]`, "FP64"), 200, []string{"predict"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := do("POST", tc.path, tc.body)
			if w.Code != tc.status {
				t.Fatalf("status %d; want %d (%s)", w.Code, tc.status, w.Body)
			}
			if tc.status != 200 {
				var e struct{ Error string }
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || !strings.Contains(w.Body.String(), tc.inError) || e.Error == "" {
					t.Fatalf("error %s; want an \"error\" with %s", w.Body, tc.inError)
				}
				return
			}
			var r v2Response
			if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil || r.ModelName != "churn" || r.ModelVersion != "2" || r.ID != "42" {
				t.Fatalf("response %s (%v)", w.Body, err)
			}
			var names []string
			for _, o := range r.Outputs {
				names = append(names, o.Name)
				want := "[2]"
				if o.Name == "probabilities" {
					want = "[2 2]"
				}
				size := 1
				for _, d := range o.Shape {
					size *= d
				}
				if o.Datatype != "FP64" || fmt.Sprint(o.Shape) != want || len(o.Data) != size {
					t.Errorf("output %+v; want FP64 of shape %s", o, want)
				}
			}
			if fmt.Sprint(names) != fmt.Sprint(tc.outputs) {
				t.Fatalf("outputs %v; want %v (%s)", names, tc.outputs, w.Body)
			}
		})
	}
}

// FuzzV2InferBody sends any body to the v2 infer endpoint: the answer is
// 200 or a 4xx, always JSON that encoding/json reads.
func FuzzV2InferBody(f *testing.F) {
	f.Add(v2SpecRequest)
	f.Add(v2Churn("", "FP64"))
	f.Add(v2Churn(`, "outputs": [{"name": "probabilities"}]`, "FP32"))
	f.Add(`{"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [[1]]}], "outputs": [{}]}`)
	h := NewHandler[customer](newTestScorer(f, 2), &Options[customer]{MaxConcurrent: -1, MaxBatch: 50})
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v2/models/churn/infer", strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 && (w.Code < 400 || w.Code >= 500) {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("status %d: response is not JSON: %s", w.Code, w.Body)
		}
	})
}
