package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"time"
)

// This file implements the Open Inference Protocol (KServe v2 REST), so
// that standard inference clients can call a Loom model: each contract field
// is an input tensor of shape [N] (or [N, 1]); the outputs are "predict"
// (shape [N]) and, for classifiers, "probabilities" (shape [N, classes]).

type v2Tensor struct {
	Name     string            `json:"name"`
	Shape    []int             `json:"shape"`
	Datatype string            `json:"datatype"`
	Data     []json.RawMessage `json:"data,omitempty"`
}

type v2TensorMeta struct {
	Name     string `json:"name"`
	Datatype string `json:"datatype"`
	Shape    []int  `json:"shape"`
}

// v2Server is the server metadata (GET /v2).
type v2Server struct {
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Extensions []string `json:"extensions"`
}

// loomVersion is the version of this module in the running binary, as the
// server metadata reports it: "(devel)" for a build of the module itself.
var loomVersion = sync.OnceValue(func() string {
	const path = "github.com/loomml/loom"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == path {
			return bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "(devel)"
})

func (h *Handler[T]) v2ServerMetadata(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, v2Server{Name: "loom", Version: loomVersion(), Extensions: []string{}})
}

// v2Datatypes are the tensor datatypes of the protocol.
var v2Datatypes = map[string]bool{
	"BOOL": true, "UINT8": true, "UINT16": true, "UINT32": true, "UINT64": true,
	"INT8": true, "INT16": true, "INT32": true, "INT64": true,
	"FP16": true, "FP32": true, "FP64": true, "BYTES": true,
}

type v2ModelMeta struct {
	Name     string         `json:"name"`
	Versions []string       `json:"versions"`
	Platform string         `json:"platform"`
	Inputs   []v2TensorMeta `json:"inputs"`
	Outputs  []v2TensorMeta `json:"outputs"`
}

func v2Datatype(loomType string) string {
	switch loomType {
	case "bool":
		return "BOOL"
	case "int":
		return "INT64"
	case "float":
		return "FP64"
	}
	return "BYTES" // string, category, timestamp (RFC 3339)
}

// v2Model returns the scorer when name matches it, else writes the error.
func (h *Handler[T]) v2Model(w http.ResponseWriter, r *http.Request) *Scorer[T] {
	s := h.champion.Current()
	if s == nil {
		writeV2Error(w, http.StatusServiceUnavailable, problemNotReady, "no model has been loaded yet", "")
		return nil
	}
	if name := r.PathValue("name"); name != s.info.Name {
		writeV2Error(w, http.StatusNotFound, problemNotFound, fmt.Sprintf("no model named %q; this server serves %q", name, s.info.Name), "")
		return nil
	}
	if v := r.PathValue("version"); v != "" && v != strconv.Itoa(s.info.Version) {
		writeV2Error(w, http.StatusNotFound, problemNotFound, fmt.Sprintf("model %q has no version %s loaded; version %d is", s.info.Name, v, s.info.Version), "")
		return nil
	}
	return s
}

func (h *Handler[T]) v2Metadata(w http.ResponseWriter, r *http.Request) {
	s := h.v2Model(w, r)
	if s == nil {
		return
	}
	m := v2ModelMeta{Name: s.info.Name, Versions: []string{strconv.Itoa(s.info.Version)}, Platform: "loom"}
	for _, f := range s.info.Inputs {
		m.Inputs = append(m.Inputs, v2TensorMeta{Name: f.Name, Datatype: v2Datatype(f.Type), Shape: []int{-1}})
	}
	for _, name := range v2OutputNames(s) {
		shape := []int{-1}
		if name == "probabilities" {
			shape = []int{-1, len(s.info.Classes)}
		}
		m.Outputs = append(m.Outputs, v2TensorMeta{Name: name, Datatype: "FP64", Shape: shape})
	}
	writeJSON(w, http.StatusOK, m)
}

func (h *Handler[T]) v2Ready(w http.ResponseWriter, r *http.Request) {
	if s := h.v2Model(w, r); s != nil {
		writeJSON(w, http.StatusOK, map[string]any{"name": s.info.Name, "ready": true})
	}
}

func writeV2Error(w http.ResponseWriter, status int, typ, detail, requestID string) {
	p := Problem{Type: typ, Title: problemTitles[typ], Status: status, Detail: detail, Instance: requestID}
	b, _ := json.Marshal(struct {
		Problem
		Error string `json:"error"` // the field KServe clients read
	}{p, detail})
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func (h *Handler[T]) v2Infer(w http.ResponseWriter, r *http.Request) {
	h.admit(w, r, "v2.infer", func(ctx context.Context, w http.ResponseWriter, body []byte, requestID string, deadline time.Time) (int, servedBy) {
		ctx, cancel := withDeadline(ctx, deadline)
		defer cancel()
		var by servedBy
		return h.serveV2Infer(ctx, w, r, body, requestID, &by), by
	})
}

func (h *Handler[T]) serveV2Infer(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, requestID string, by *servedBy) int {
	by.route = "champion"
	s := h.v2Model(w, r)
	if s == nil {
		return http.StatusNotFound
	}
	by.model, by.version = s.info.Name, s.info.Version
	if detail, ok := checkJSON(r); !ok {
		writeV2Error(w, http.StatusUnsupportedMediaType, problemUnsupported, detail, requestID)
		return http.StatusUnsupportedMediaType
	}
	if err := v2CheckBatch(body, h.o.MaxBatch); err != nil {
		writeV2Error(w, http.StatusBadRequest, problemInvalid, err.Error(), requestID)
		return http.StatusBadRequest
	}
	var req struct {
		ID      string     `json:"id"`
		Inputs  []v2Tensor `json:"inputs"`
		Outputs []struct {
			Name string `json:"name"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeV2Error(w, http.StatusBadRequest, problemInvalid, "malformed inference request: "+err.Error(), requestID)
		return http.StatusBadRequest
	}
	err := v2CheckDatatypes(s, req.Inputs)
	var raws [][]byte
	if err == nil {
		raws, err = v2Instances(req.Inputs, h.o.MaxBatch)
	}
	outputs := v2OutputNames(s)
	if err == nil && len(req.Outputs) > 0 {
		want := make([]string, 0, len(req.Outputs))
		for _, o := range req.Outputs {
			if !slices.Contains(outputs, o.Name) {
				err = fmt.Errorf("the model has no output %q; its outputs are %q", o.Name, outputs)
				break
			}
			want = append(want, o.Name)
		}
		outputs = want
	}
	if err != nil {
		writeV2Error(w, http.StatusBadRequest, problemInvalid, err.Error(), requestID)
		return http.StatusBadRequest
	}
	by.rows = len(raws)
	rows := make([]T, len(raws))
	var ferrs []FieldError
	for i, raw := range raws {
		ferrs = s.decode(raw, &rows[i], h.o.RejectUnknownFields, i, ferrs)
	}
	preds := make([]Prediction, len(rows))
	if len(ferrs) == 0 {
		for i := range rows {
			p, err := s.Score(ctx, &rows[i])
			if err != nil {
				ferrs = appendRowErrors(ferrs, i, err)
			}
			preds[i] = p
		}
	}
	if len(ferrs) > 0 {
		p := Problem{Type: problemInvalid, Title: problemTitles[problemInvalid], Status: http.StatusBadRequest, Detail: describeFieldErrors(ferrs), Instance: requestID, Errors: ferrs}
		b, _ := json.Marshal(struct {
			Problem
			Error string `json:"error"`
		}{p, p.Detail})
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(append(b, '\n'))
		return http.StatusBadRequest
	}
	id := req.ID
	if id == "" {
		id = requestID
	}
	h.recordPerformance(id, true, preds)
	values := make([]float64, len(preds))
	var probs []float64
	k := len(s.info.Classes)
	for i := range preds {
		values[i] = preds[i].Value
		probs = append(probs, preds[i].Probabilities()...)
	}
	type outTensor struct {
		Name     string    `json:"name"`
		Datatype string    `json:"datatype"`
		Shape    []int     `json:"shape"`
		Data     []float64 `json:"data"`
	}
	resp := struct {
		ModelName    string      `json:"model_name"`
		ModelVersion string      `json:"model_version"`
		ID           string      `json:"id"`
		Outputs      []outTensor `json:"outputs"`
	}{s.info.Name, strconv.Itoa(s.info.Version), id, nil}
	for _, name := range outputs { // in the order asked
		switch {
		case name == "predict":
			resp.Outputs = append(resp.Outputs, outTensor{"predict", "FP64", []int{len(values)}, values})
		case name == "probabilities" && len(probs) == k*len(preds):
			resp.Outputs = append(resp.Outputs, outTensor{"probabilities", "FP64", []int{len(preds), k}, probs})
		}
	}
	writeJSON(w, http.StatusOK, resp)
	h.after(ctx, requestID, "champion", s, rows, preds)
	return http.StatusOK
}

// v2OutputNames lists the outputs of the model s: "predict", then
// "probabilities" for a classifier.
func v2OutputNames[T any](s *Scorer[T]) []string {
	if len(s.info.Classes) > 0 {
		return []string{"predict", "probabilities"}
	}
	return []string{"predict"}
}

// v2CheckDatatypes checks the datatype of each input tensor: one of the
// protocol's, and the model's for an input the model has (an FP32 tensor
// for an FP64 input is an error, as the model's metadata states FP64).
// Tensors the model does not take are left to the decoder, which ignores
// or refuses unknown fields.
func v2CheckDatatypes[T any](s *Scorer[T], inputs []v2Tensor) error {
	for _, in := range inputs {
		if in.Datatype == "" {
			return fmt.Errorf("input %q has no datatype", in.Name)
		}
		if !v2Datatypes[in.Datatype] {
			return fmt.Errorf("input %q has datatype %q, which the protocol does not define", in.Name, in.Datatype)
		}
		for _, f := range s.info.Inputs {
			if want := v2Datatype(f.Type); f.Name == in.Name && in.Datatype != want {
				return fmt.Errorf("input %q has datatype %s; the model takes %s (see its metadata)", in.Name, in.Datatype, want)
			}
		}
	}
	return nil
}

// v2CheckBatch scans a request for an input tensor whose "data" has more
// than maxBatch elements, and stops there with an error: the request is
// refused before encoding/json builds a value for every element. Invalid
// JSON is left to the decoder to report.
func v2CheckBatch(body []byte, maxBatch int) error {
	if !json.Valid(body) {
		return nil
	}
	sc := scanner{data: body}
	sc.skipSpace()
	if !sc.consume('{') {
		return nil
	}
	for key, val, ok := sc.member(); ok; key, val, ok = sc.member() {
		if string(decodedKey(key)) != "inputs" || val[0] != '[' {
			continue
		}
		in := scanner{data: val, pos: 1}
		for t, ok := in.element(); ok; t, ok = in.element() {
			if t[0] != '{' {
				continue
			}
			ts := scanner{data: t, pos: 1}
			for k, v, ok := ts.member(); ok; k, v, ok = ts.member() {
				if string(decodedKey(k)) != "data" || v[0] != '[' {
					continue
				}
				ds := scanner{data: v, pos: 1}
				n := 0
				for _, ok := ds.element(); ok; _, ok = ds.element() {
					if n++; n > maxBatch {
						return errBatch(maxBatch)
					}
				}
			}
		}
	}
	return nil
}

// v2Instances turns columnar input tensors into one JSON object per
// instance, so that they are decoded and checked exactly as /predict
// instances are.
func v2Instances(inputs []v2Tensor, maxBatch int) ([][]byte, error) {
	if len(inputs) == 0 {
		return nil, fmt.Errorf(`the request has no "inputs"`)
	}
	n := -1
	for _, in := range inputs {
		if in.Name == "" {
			return nil, fmt.Errorf("an input tensor has no name")
		}
		rows := len(in.Data)
		if len(in.Shape) > 0 {
			rows = in.Shape[0]
		}
		if len(in.Shape) > 2 || (len(in.Shape) == 2 && in.Shape[1] != 1) {
			return nil, fmt.Errorf("input %q has shape %v; want [N] or [N, 1]", in.Name, in.Shape)
		}
		if rows != len(in.Data) {
			return nil, fmt.Errorf("input %q has shape %v but %d data elements", in.Name, in.Shape, len(in.Data))
		}
		if n >= 0 && rows != n {
			return nil, fmt.Errorf("input %q has %d rows; input %q has %d", in.Name, rows, inputs[0].Name, n)
		}
		n = rows
	}
	if n == 0 {
		return nil, fmt.Errorf("the inputs have no rows")
	}
	if n > maxBatch {
		return nil, errBatch(maxBatch)
	}
	out := make([][]byte, n)
	for i := range n {
		var b bytes.Buffer
		b.WriteByte('{')
		for j, in := range inputs {
			if j > 0 {
				b.WriteByte(',')
			}
			name, _ := json.Marshal(in.Name)
			b.Write(name)
			b.WriteByte(':')
			b.Write(in.Data[i])
		}
		b.WriteByte('}')
		out[i] = b.Bytes()
	}
	return out, nil
}
