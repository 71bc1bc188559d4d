package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/loomml/loom/drift"
)

// This file joins served predictions to labels that arrive later: the
// predict endpoints record each answered instance in Options.Performance,
// and POST /labels feeds the labels to it. See "Delayed labels" in doc.go.

// LabelsResult is the body of a 200 response of POST /labels: how many
// labels were joined to their prediction and, by index, the ones that were
// not. Accepted + Unmatched + Rejected is the number of labels sent.
type LabelsResult struct {
	RequestID string `json:"request_id"` // this request's X-Request-Id
	Accepted  int    `json:"accepted"`   // labels joined to their pending prediction
	Unmatched int    `json:"unmatched"`  // labels with no pending prediction (drift.ErrNoPrediction)
	Rejected  int    `json:"rejected"`   // labels the monitor's metric cannot use (drift.ErrBadValue)
	// NotAccepted lists each unmatched or rejected label, in request
	// order; it is omitted when every label was accepted.
	NotAccepted []LabelOutcome `json:"not_accepted,omitempty"`
}

// LabelOutcome says why one label of a POST /labels request was not
// joined to a prediction.
type LabelOutcome struct {
	Index  int    `json:"index"`  // position in "labels"; 0 for a single label
	ID     string `json:"id"`     // the label's request id
	Status string `json:"status"` // "unmatched" or "rejected"
	Reason string `json:"reason"` // the monitor's error, in words
}

// labelEntry is one decoded label.
type labelEntry struct {
	id    string
	label float64
}

// recordPerformance records the answered predictions of one request in
// Options.Performance: under id for a single instance, under "<id>/<i>"
// for the instances of a batch. A regressor's prediction is recorded as its
// value, a binary classifier's as the probability of its second class
// (index 1), any other classifier's as its class index (PredictClass). The
// monitor's errors (duplicate id, bad value) are counted by the monitor and
// ignored here. It does not allocate for a single instance.
func (h *Handler[T]) recordPerformance(id string, batch bool, preds []Prediction) {
	perf := h.o.Performance
	if perf == nil {
		return
	}
	for i := range preds {
		key := id
		if batch {
			key = id + "/" + strconv.Itoa(i)
		}
		p := &preds[i]
		switch probs := p.Probabilities(); {
		case p.Class < 0:
			_ = perf.Predict(key, p.Value)
		case len(probs) == 2:
			_ = perf.Predict(key, probs[1])
		default:
			_ = perf.PredictClass(key, p.Class)
		}
	}
}

func (h *Handler[T]) labels(w http.ResponseWriter, r *http.Request) {
	h.admit(w, r, "labels", func(ctx context.Context, w http.ResponseWriter, body []byte, requestID string, deadline time.Time) (int, servedBy) {
		ctx, cancel := withDeadline(ctx, deadline)
		defer cancel()
		return h.serveLabels(ctx, w, r, body, requestID), servedBy{}
	})
}

func (h *Handler[T]) serveLabels(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, requestID string) int {
	if detail, ok := checkJSON(r); !ok {
		writeProblem(w, http.StatusUnsupportedMediaType, problemUnsupported, detail, requestID, nil)
		return http.StatusUnsupportedMediaType
	}
	entries, ferrs, err := decodeLabels(body, h.o.MaxBatch, h.o.RejectUnknownFields)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, problemInvalid, err.Error(), requestID, nil)
		return http.StatusBadRequest
	}
	if len(ferrs) > 0 {
		writeProblem(w, http.StatusBadRequest, problemInvalid, describeLabelErrors(ferrs), requestID, ferrs)
		return http.StatusBadRequest
	}
	if err := ctx.Err(); err != nil {
		writeProblem(w, http.StatusServiceUnavailable, problemTimeout, "the labels came after the request timeout", requestID, nil)
		return http.StatusServiceUnavailable
	}
	res := LabelsResult{RequestID: requestID}
	for i, e := range entries {
		err := h.o.Performance.Label(e.id, e.label)
		switch {
		case err == nil:
			res.Accepted++
			continue
		case errors.Is(err, drift.ErrNoPrediction):
			res.Unmatched++
			res.NotAccepted = append(res.NotAccepted, LabelOutcome{Index: i, ID: e.id, Status: "unmatched", Reason: err.Error()})
		default: // drift.ErrBadValue: a label the metric cannot use
			res.Rejected++
			res.NotAccepted = append(res.NotAccepted, LabelOutcome{Index: i, ID: e.id, Status: "rejected", Reason: err.Error()})
		}
	}
	writeJSON(w, http.StatusOK, res)
	return http.StatusOK
}

func describeLabelErrors(errs []FieldError) string {
	if len(errs) == 1 {
		e := errs[0]
		if e.Field == "" {
			return fmt.Sprintf("label %d: %s", e.Instance, e.Reason)
		}
		return fmt.Sprintf("label %d, field %q: %s", e.Instance, e.Field, e.Reason)
	}
	return fmt.Sprintf("%d fields of the labels are invalid; see errors", len(errs))
}

// decodeLabels reads a labels body: one label {"id": "...", "label": x},
// or {"labels": [label, ...]}. A body that is not a JSON object of either
// form is an error; each bad label is a FieldError whose Instance is its
// index. Nothing is applied unless every label is good.
func decodeLabels(body []byte, maxBatch int, strict bool) ([]labelEntry, []FieldError, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, nil, errors.New(`the body must be a JSON object: {"id": "...", "label": 1}, or {"labels": [...]}`)
	}
	if err := syntaxError(body); err != nil {
		return nil, nil, err
	}
	var list []byte // the value of "labels"
	var single, unknown []string
	sc := scanner{data: body}
	sc.consume('{')
	for raw, val, ok := sc.member(); ok; raw, val, ok = sc.member() {
		switch key := unquote(raw); key {
		case "labels":
			if list != nil {
				return nil, nil, errors.New(`"labels" is given twice`)
			}
			list = val
		case "id", "label":
			single = append(single, key)
		default:
			unknown = append(unknown, key)
		}
	}
	if list == nil {
		e, errs := decodeLabel(body, 0, strict, nil)
		return []labelEntry{e}, errs, nil
	}
	if len(single) > 0 {
		return nil, nil, fmt.Errorf(`send either "labels" or one label's "id" and "label", not both (got %q beside "labels")`, single[0])
	}
	if strict && len(unknown) > 0 {
		return nil, nil, fmt.Errorf(`unknown field %q beside "labels"`, unknown[0])
	}
	if list[0] != '[' {
		return nil, nil, fmt.Errorf(`"labels" must be an array of objects, got %s`, describeJSON(list))
	}
	var raws [][]byte
	in := scanner{data: list, pos: 1}
	for el, ok := in.element(); ok; el, ok = in.element() {
		if raws = append(raws, el); len(raws) > maxBatch {
			return nil, nil, fmt.Errorf("more than %d labels in one request", maxBatch)
		}
	}
	if len(raws) == 0 {
		return nil, nil, errors.New(`"labels" is empty`)
	}
	entries := make([]labelEntry, len(raws))
	var errs []FieldError
	for i, raw := range raws {
		entries[i], errs = decodeLabel(raw, i, strict, errs)
	}
	return entries, errs, nil
}

// decodeLabel decodes one label object of valid JSON, appending a
// FieldError, naming index i, per problem.
func decodeLabel(raw []byte, i int, strict bool, errs []FieldError) (labelEntry, []FieldError) {
	var e labelEntry
	if raw[0] != '{' {
		return e, append(errs, FieldError{Instance: i, Reason: "a label must be a JSON object with \"id\" and \"label\", got " + describeJSON(raw)})
	}
	var seenID, seenLabel bool
	sc := scanner{data: raw}
	sc.consume('{')
	for k, v, ok := sc.member(); ok; k, v, ok = sc.member() {
		key := unquote(k)
		switch {
		case key == "id" && seenID, key == "label" && seenLabel:
			errs = append(errs, FieldError{Instance: i, Field: key, Reason: "given twice"})
		case key == "id":
			seenID = true
			switch {
			case string(v) == "null":
				errs = append(errs, FieldError{Instance: i, Field: key, Reason: "required field is null"})
			case v[0] != '"':
				errs = append(errs, FieldError{Instance: i, Field: key, Reason: "want a string, got " + describeJSON(v)})
			case len(v) == 2:
				errs = append(errs, FieldError{Instance: i, Field: key, Reason: "the request id is empty"})
			default:
				e.id = jsonString(v)
			}
		case key == "label":
			seenLabel = true
			if string(v) == "null" {
				errs = append(errs, FieldError{Instance: i, Field: key, Reason: "required field is null"})
				break
			}
			if !isNumber(v) {
				errs = append(errs, FieldError{Instance: i, Field: key, Reason: "want a finite number, got " + describeJSON(v)})
				break
			}
			x, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				errs = append(errs, FieldError{Instance: i, Field: key, Reason: "number " + string(v) + " is out of range"})
				break
			}
			e.label = x
		case strict:
			errs = append(errs, FieldError{Instance: i, Field: key, Reason: "unknown field"})
		}
	}
	if !seenID {
		errs = append(errs, FieldError{Instance: i, Field: "id", Reason: "required field is missing"})
	}
	if !seenLabel {
		errs = append(errs, FieldError{Instance: i, Field: "label", Reason: "required field is missing"})
	}
	return e, errs
}
