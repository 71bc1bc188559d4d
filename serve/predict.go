package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/feature"
	"go.opentelemetry.io/otel/trace"
)

// errNotObject is the reason for an instance that is not a JSON object.
var errNotObject = errors.New("an instance must be a JSON object")

// decodeInstances reads a predict body: one instance as a JSON object, or
// {"instances": [object, ...]} (then batch is true). It scans the body in
// place, without building a generic JSON value.
func (s *Scorer[T]) decodeInstances(body []byte, maxBatch int, strict bool) (rows []T, batch bool, ferrs []FieldError, err error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, false, nil, errors.New(`the body must be a JSON object: one instance, or {"instances": [...]}`)
	}
	if err := syntaxError(body); err != nil {
		return nil, false, nil, err
	}
	raws, batch, err := instances(body, maxBatch)
	if err != nil {
		return nil, false, nil, err
	}
	rows = make([]T, len(raws))
	for i, raw := range raws {
		ferrs = s.decode(raw, &rows[i], strict, i, ferrs)
	}
	return rows, batch, ferrs, nil
}

// errBatch is the error of a request with more than maxBatch instances.
func errBatch(maxBatch int) error {
	return fmt.Errorf("more than %d instances exceed the limit of %d per request", maxBatch, maxBatch)
}

// syntaxError returns nil for valid JSON, else an error with the position
// of the first syntax error.
func syntaxError(body []byte) error {
	if json.Valid(body) {
		return nil
	}
	var v any
	err := json.Unmarshal(body, &v) // for the position of the syntax error
	return fmt.Errorf("malformed JSON: %w", err)
}

// instances returns the instances of a valid JSON object: the elements of
// its "instances" array (batch is true), or the object itself. It stops
// scanning at the instance past maxBatch, which is an error.
func instances(body []byte, maxBatch int) (raws [][]byte, batch bool, err error) {
	sc := scanner{data: body}
	sc.consume('{')
	for key, val, ok := sc.member(); ok; key, val, ok = sc.member() {
		if string(decodedKey(key)) != "instances" {
			continue
		}
		if val[0] != '[' {
			return nil, true, errors.New(`"instances" must be an array of objects`)
		}
		var out [][]byte
		in := scanner{data: val, pos: 1}
		for el, ok := in.element(); ok; el, ok = in.element() {
			if len(out) == maxBatch {
				return nil, true, errBatch(maxBatch)
			}
			out = append(out, el)
		}
		if len(out) == 0 {
			return nil, true, errors.New(`"instances" is empty`)
		}
		return out, true, nil
	}
	return [][]byte{body}, false, nil
}

func (h *Handler[T]) predict(w http.ResponseWriter, r *http.Request) {
	h.admit(w, r, "predict", func(ctx context.Context, w http.ResponseWriter, body []byte, requestID string, by *servedBy) int {
		s, route := h.route(r, requestID)
		by.route = route
		if s != nil {
			by.model, by.version = s.info.Name, s.info.Version
		}
		if s == nil {
			writeProblem(w, http.StatusServiceUnavailable, problemNotReady, "no model has been loaded yet", requestID, nil)
			return http.StatusServiceUnavailable
		}
		if detail, ok := checkJSON(r); !ok {
			writeProblem(w, http.StatusUnsupportedMediaType, problemUnsupported, detail, requestID, nil)
			return http.StatusUnsupportedMediaType
		}
		modelAttrs(trace.SpanFromContext(ctx), s.info.Name, s.info.Version, route, 0)
		rows, batch, ferrs, err := s.decodeInstances(body, h.o.MaxBatch, h.o.RejectUnknownFields)
		if err != nil {
			writeProblem(w, http.StatusBadRequest, problemInvalid, err.Error(), requestID, nil)
			return http.StatusBadRequest
		}
		preds := make([]Prediction, len(rows))
		if len(ferrs) == 0 {
			for i := range rows {
				p, err := s.Score(ctx, &rows[i])
				if err != nil {
					ferrs = appendRowErrors(ferrs, i, err)
					continue
				}
				preds[i] = p
			}
		}
		if len(ferrs) > 0 {
			writeProblem(w, http.StatusBadRequest, problemInvalid, describeFieldErrors(ferrs), requestID, ferrs)
			return http.StatusBadRequest
		}
		if err := ctx.Err(); err != nil {
			writeProblem(w, http.StatusServiceUnavailable, problemTimeout, "scoring took longer than the request timeout", requestID, nil)
			return http.StatusServiceUnavailable
		}
		h.recordPerformance(requestID, batch, preds)
		ob := bufPool.Get().(*bytes.Buffer)
		out := appendPredictResponse(ob.AvailableBuffer(), s, route, requestID, preds)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.Write(out)
		ob.Write(out) // keep the grown storage for the next response
		putBuf(ob)
		h.after(ctx, requestID, route, s, rows, preds)
		return http.StatusOK
	})
}

// after runs what must not delay the response: drift observation and the
// shadow comparison.
func (h *Handler[T]) after(ctx context.Context, requestID, route string, s *Scorer[T], rows []T, preds []Prediction) {
	if h.o.Observe != nil {
		for i := range rows {
			h.o.Observe(&rows[i], preds[i])
		}
	}
	if h.shadow != nil && route == "champion" {
		select {
		case h.shadow <- shadowJob[T]{ctx: context.WithoutCancel(ctx), requestID: requestID, rows: rows, preds: preds, version: s.info.Version}:
		default:
			h.dropped.Add(1)
		}
	}
}

func (h *Handler[T]) runShadow() {
	for job := range h.shadow {
		c := h.o.Challenger.Current()
		if c == nil {
			continue
		}
		res := ShadowResult[T]{RequestID: job.requestID, Rows: job.rows, Champion: job.preds, ChampionVersion: job.version, ChallengerVersion: c.info.Version}
		res.Challenger, res.Err = c.ScoreBatch(job.ctx, job.rows)
		if h.o.OnShadow != nil {
			h.o.OnShadow(res)
		}
	}
}

// checkJSON reports whether the Content-Type of r, if any, is JSON:
// application/json or a structured syntax suffix type application/*+json
// (RFC 6839), with any parameters; otherwise it returns the detail of a 415.
func checkJSON(r *http.Request) (string, bool) {
	ct := r.Header.Get("Content-Type")
	if ct == "" || ct == "application/json" { // no parsing on the common path
		return "", true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return "", true
	}
	return "send application/json, not " + strconv.Quote(ct), false
}

// appendPredictResponse encodes the response of /predict by hand: it is on
// the request path, and encoding/json would reflect over every prediction.
func appendPredictResponse[T any](b []byte, s *Scorer[T], route, requestID string, preds []Prediction) []byte {
	b = append(b, `{"model":`...)
	b = appendJSONString(b, s.info.Name)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(s.info.Version), 10)
	b = append(b, `,"route":`...)
	b = appendJSONString(b, route)
	b = append(b, `,"request_id":`...)
	b = appendJSONString(b, requestID)
	b = append(b, `,"predictions":[`...)
	for i := range preds {
		if i > 0 {
			b = append(b, ',')
		}
		p := &preds[i]
		b = append(b, `{"value":`...)
		b = appendFloat(b, p.Value)
		if p.Class >= 0 && len(s.classes) > 0 {
			b = append(b, `,"class":`...)
			b = strconv.AppendInt(b, int64(p.Class), 10)
		}
		if probs := p.Probabilities(); probs != nil {
			b = append(b, `,"probabilities":[`...)
			for j, v := range probs {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendFloat(b, v)
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it (without its HTML escaping): '"', '\\' and control
// characters, U+2028 and U+2029, and each byte that is not valid UTF-8 as
// \ufffd. strconv.Quote is not JSON: it writes \xff and \U000e0001.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func describeFieldErrors(errs []FieldError) string {
	if len(errs) == 1 {
		e := errs[0]
		return fmt.Sprintf("instance %d, field %q: %s", e.Instance, e.Field, e.Reason)
	}
	return fmt.Sprintf("%d fields are invalid; see errors", len(errs))
}

// appendRowErrors turns the error of scoring row inst into field errors:
// one per bad field when the error names fields, else one for the row.
func appendRowErrors(errs []FieldError, inst int, err error) []FieldError {
	var re *contract.RowError
	var ve *feature.ValueError
	switch {
	case errors.As(err, &re):
		for _, r := range re.Reasons {
			errs = append(errs, FieldError{Instance: inst, Field: r.Field, Reason: fmt.Sprintf("value %s breaks the contract: %s", strconv.Quote(r.Value), r.Check)})
		}
	case errors.As(err, &ve):
		errs = append(errs, FieldError{Instance: inst, Field: ve.Feature, Reason: fmt.Sprintf("value %s: %v", ve.Value, ve.Err)})
	default:
		errs = append(errs, FieldError{Instance: inst, Reason: err.Error()})
	}
	return errs
}
