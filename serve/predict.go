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
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/internal/rowmap"
	"github.com/loomml/loom/model"
)

// errNotObject is the reason for an instance that is not a JSON object.
var errNotObject = errors.New("an instance must be a JSON object")

// predictState is the working memory of one /predict request, pooled by
// the handler so that a request allocates none of it: the instances' raw
// bytes (into the request body), the decoded rows, their predictions, the
// field errors and the response's bytes; and the arena of the rows'
// pointees, whose values are never handed out twice (rows given to
// Observe or the shadow goroutine keep theirs).
type predictState[T any] struct {
	arena rowmap.Arena
	raws  [][]byte
	rows  []T
	preds []Prediction
	expl  []model.Explanation // when explanations are asked for
	ferrs []FieldError
	out   []byte
}

// maxPooledRows and maxPooledOut bound what a pooled predictState keeps:
// the memory of the odd big batch goes to the collector.
const (
	maxPooledRows = 64
	maxPooledOut  = 64 << 10
)

// getState returns a predictState from the handler's pool.
func (h *Handler[T]) getState() *predictState[T] {
	if st, ok := h.states.Get().(*predictState[T]); ok {
		return st
	}
	return new(predictState[T])
}

// putState returns st to the pool; keepRows is false when the rows were
// handed to someone who keeps them (the shadow goroutine).
func (h *Handler[T]) putState(st *predictState[T], keepRows bool) {
	clear(st.raws)
	st.raws, st.ferrs, st.rows = st.raws[:0], st.ferrs[:0], st.rows[:0]
	if !keepRows || cap(st.rows) > maxPooledRows {
		st.rows, st.preds = nil, nil
	}
	if cap(st.expl) > maxPooledRows {
		st.expl = nil
	}
	if cap(st.out) > maxPooledOut {
		st.out = nil
	}
	h.states.Put(st)
}

// decodeInstances reads a predict body into st.rows: one instance as a
// JSON object, or {"instances": [object, ...]} (then batch is true). It
// scans the body in place, without building a generic JSON value, and in
// one pass for one instance: the body is decoded as the instance while
// its syntax is checked, unless a top-level "instances" key makes it a
// batch. A body that is not JSON gets the error of syntaxError, whatever
// else is wrong with it.
func (s *Scorer[T]) decodeInstances(st *predictState[T], body []byte, maxBatch int, strict bool) (batch bool, err error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false, errors.New(`the body must be a JSON object: one instance, or {"instances": [...]}`)
	}
	st.rows = resize(st.rows, 1)
	clear(st.rows)
	sc := scanner{data: body, pos: 1}
	var val []byte
	st.ferrs, val = s.dec.decodeMembers(&sc, &st.rows[0], strict, 0, st.ferrs[:0], &st.arena, true)
	if val == nil {
		if !sc.end() {
			st.ferrs = st.ferrs[:0]
			return false, syntaxError(body)
		}
		return false, nil
	}
	// A batch: the rest of the body is checked, its other keys ignored.
	st.ferrs = st.ferrs[:0]
	for _, _, ok := sc.member(); ok; _, _, ok = sc.member() {
	}
	if !sc.end() {
		return false, syntaxError(body)
	}
	st.raws, err = batchInstances(st.raws[:0], val, maxBatch)
	if err != nil {
		return false, err
	}
	st.rows = resize(st.rows, len(st.raws))
	clear(st.rows)
	for i, raw := range st.raws {
		st.ferrs = s.dec.decodeValid(raw, &st.rows[i], strict, i, st.ferrs, &st.arena)
	}
	return true, nil
}

// resize returns rows with length n, reallocated when its capacity is
// short.
func resize[T any](rows []T, n int) []T {
	if cap(rows) < n {
		return make([]T, n)
	}
	return rows[:n]
}

// errBatch is the error of a request with more than maxBatch instances.
func errBatch(maxBatch int) error {
	return fmt.Errorf("more than %d instances exceed the limit of %d per request", maxBatch, maxBatch)
}

// syntaxError returns nil for valid JSON, else an error with the position
// of the first syntax error.
func syntaxError(body []byte) error {
	if validJSON(body) {
		return nil
	}
	var v any
	err := json.Unmarshal(body, &v) // for the position of the syntax error
	return fmt.Errorf("malformed JSON: %w", err)
}

// batchInstances appends the elements of val, the value of "instances",
// to out. It stops scanning at the element past maxBatch, which is an
// error.
func batchInstances(out [][]byte, val []byte, maxBatch int) ([][]byte, error) {
	if val[0] != '[' {
		return nil, errors.New(`"instances" must be an array of objects`)
	}
	in := scanner{data: val, pos: 1}
	for el, ok := in.element(); ok; el, ok = in.element() {
		if len(out) == maxBatch {
			return nil, errBatch(maxBatch)
		}
		out = append(out, el)
	}
	if len(out) == 0 {
		return nil, errors.New(`"instances" is empty`)
	}
	return out, nil
}

func (h *Handler[T]) predict(w http.ResponseWriter, r *http.Request) {
	h.admit(w, r, "predict", func(ctx context.Context, w http.ResponseWriter, body []byte, requestID string, deadline time.Time) (int, servedBy) {
		s, route := h.route(r, requestID)
		by := servedBy{route: route}
		if s == nil {
			writeProblem(w, http.StatusServiceUnavailable, problemNotReady, "no model has been loaded yet", requestID, nil)
			return http.StatusServiceUnavailable, by
		}
		by.model, by.version = s.info.Name, s.info.Version
		if detail, ok := checkJSON(r); !ok {
			writeProblem(w, http.StatusUnsupportedMediaType, problemUnsupported, detail, requestID, nil)
			return http.StatusUnsupportedMediaType, by
		}
		explain, err := explainParam(r.URL)
		if err == nil && explain > 0 {
			_, err = s.Explainer()
		}
		if err != nil {
			writeProblem(w, http.StatusBadRequest, problemInvalid, err.Error(), requestID, nil)
			return http.StatusBadRequest, by
		}
		st := h.getState()
		status, shadowed := h.predictState(ctx, w, s, st, body, requestID, route, deadline, explain)
		by.rows = len(st.rows)
		h.putState(st, !shadowed)
		return status, by
	})
}

// predictState answers a /predict request with the scorer s, working in
// st; shadowed reports that st's rows went to the shadow goroutine.
// With explain > 0 each prediction carries its explain largest
// contributions.
func (h *Handler[T]) predictState(ctx context.Context, w http.ResponseWriter, s *Scorer[T], st *predictState[T], body []byte, requestID, route string, deadline time.Time, explain int) (status int, shadowed bool) {
	batch, err := s.decodeInstances(st, body, h.o.MaxBatch, h.o.RejectUnknownFields)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, problemInvalid, err.Error(), requestID, nil)
		return http.StatusBadRequest, false
	}
	rows := st.rows
	if cap(st.preds) < len(rows) {
		st.preds = make([]Prediction, len(rows))
	}
	preds := st.preds[:len(rows)]
	var expl []model.Explanation
	if explain > 0 {
		if cap(st.expl) < len(rows) {
			st.expl = make([]model.Explanation, len(rows))
		}
		expl = st.expl[:len(rows)]
	}
	ferrs := st.ferrs
	if len(ferrs) == 0 {
		for i := range rows {
			var p Prediction
			var err error
			if expl != nil {
				p, err = s.Explain(ctx, &rows[i], explain, &expl[i])
			} else {
				p, err = s.Score(ctx, &rows[i])
			}
			if err != nil {
				preds[i] = Prediction{Class: -1}
				ferrs = appendRowErrors(ferrs, i, err)
				continue
			}
			preds[i] = p
		}
	}
	st.ferrs = ferrs
	if len(ferrs) > 0 {
		writeProblem(w, http.StatusBadRequest, problemInvalid, describeFieldErrors(ferrs), requestID, ferrs)
		return http.StatusBadRequest, false
	}
	// time.Until reads only the monotonic clock (deadline has a monotonic
	// reading), where time.Now reads the wall clock too.
	if ctx.Err() != nil || time.Until(deadline) <= 0 {
		writeProblem(w, http.StatusServiceUnavailable, problemTimeout, "scoring took longer than the request timeout", requestID, nil)
		return http.StatusServiceUnavailable, false
	}
	h.recordPerformance(requestID, batch, preds)
	st.out = appendPredictResponse(st.out[:0], s, route, requestID, preds, expl)
	hdr := w.Header()
	hdr["Content-Type"] = jsonContentType
	hdr["Content-Length"] = contentLength(len(st.out))
	w.Write(st.out)
	// The response goes out now, not when the handler returns: the client
	// reads it while the drift observation, the shadow hand-off and the
	// request's metrics run (net/http writes a response buffered by the
	// handler only once the handler returns).
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	return http.StatusOK, h.after(ctx, requestID, route, s, rows, preds)
}

// contentLengths holds the Content-Length header values of responses up
// to maxCachedLength bytes, made on first use, so that setting the header
// of a /predict response does not allocate. net/http only reads header
// values; a middleware that changes one must replace the slice.
var contentLengths [maxCachedLength + 1]atomic.Pointer[[1]string]

const maxCachedLength = 4096

// contentLength returns the Content-Length header value of a body of n
// bytes.
func contentLength(n int) []string {
	if n > maxCachedLength {
		return []string{strconv.Itoa(n)}
	}
	v := contentLengths[n].Load()
	if v == nil {
		v = &[1]string{strconv.Itoa(n)}
		contentLengths[n].Store(v)
	}
	return v[:]
}

// jsonContentType is the Content-Type header value of JSON responses,
// shared by all of them: setting a header with Header.Set allocates its
// value slice each time. net/http only reads it; a middleware that changes
// the Content-Type must replace the slice (Header.Set does), not write
// into it.
var jsonContentType = []string{"application/json"}

// after runs what must not delay the response: drift observation and the
// shadow comparison. It reports whether rows went to the shadow goroutine,
// which then owns them.
func (h *Handler[T]) after(ctx context.Context, requestID, route string, s *Scorer[T], rows []T, preds []Prediction) (shadowed bool) {
	if h.o.Observe != nil {
		for i := range rows {
			h.o.Observe(&rows[i], preds[i])
		}
	}
	if h.shadow != nil && route == "champion" {
		job := shadowJob[T]{ctx: context.WithoutCancel(ctx), requestID: requestID, rows: rows, preds: slices.Clone(preds), version: s.info.Version}
		select {
		case h.shadow <- job:
			return true
		default:
			h.dropped.Add(1)
		}
	}
	return false
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
	var ct string
	if v := r.Header["Content-Type"]; len(v) > 0 { // Header.Get, without canonicalising a canonical key
		ct = v[0]
	}
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
// expl, when not nil, holds each prediction's explanation.
func appendPredictResponse[T any](b []byte, s *Scorer[T], route, requestID string, preds []Prediction, expl []model.Explanation) []byte {
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
		if expl != nil {
			b = append(b, `,"explanation":`...)
			b = appendExplanation(b, &expl[i])
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

// appendFloat appends v as strconv.AppendFloat(b, v, 'g', -1, 64) does,
// and NaN and ±Inf as null. A whole number below 1e6 in magnitude (a
// classifier's value, its class index) is written by AppendInt, which
// gives the same digits for a fraction of the cost: 'g' switches to an
// exponent only from 1e6 up. −0 keeps its sign, through AppendFloat.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	if v > -1e6 && v < 1e6 && v == math.Trunc(v) && (v != 0 || !math.Signbit(v)) {
		return strconv.AppendInt(b, int64(v), 10)
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
