package drift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// AlertPerformance is the kind of alerts on performance drift: the metric
// over a window of joined predictions is worse than its limit. Such an
// alert's Column is PerformanceOptions.Name, its Method the metric name,
// its Score the metric's value and its Threshold the limit.
const AlertPerformance AlertKind = "performance"

// Errors of the prediction and label records of a PerformanceMonitor.
var (
	// ErrDuplicateID reports a prediction for a request id that already
	// waits for its label; the new prediction is dropped.
	ErrDuplicateID = errors.New("drift: prediction already pending for this request id")
	// ErrNoPrediction reports a label for a request id with no pending
	// prediction: unknown, already labelled, expired, evicted, or not yet
	// recorded.
	ErrNoPrediction = errors.New("drift: no pending prediction for this request id")
	// ErrBadValue reports a score, label, class or reference value that the
	// metric cannot use, or an empty request id.
	ErrBadValue = errors.New("drift: bad value")
)

// Metric names recorded by a PerformanceMonitor.
const (
	MetricPerformance        = "loom.drift.performance"         // gauge: metric value per window, attributes column and metric
	MetricPerformanceDrifted = "loom.drift.performance_drifted" // counter: windows with performance drift, attribute column
	MetricUnjoined           = "loom.drift.unjoined"            // counter: predictions never joined, attributes column and reason (expired, evicted)
)

// maxPerfWindow bounds PerformanceOptions.Window (24 MiB of pairs).
const maxPerfWindow = 1 << 20

// PerformanceOptions configures a PerformanceMonitor. Metric and Reference
// are required; a zero field elsewhere means the default.
type PerformanceOptions struct {
	// Name of the monitored model output, the Column of alerts and
	// metrics (default "prediction").
	Name string
	// Metric computed over each window of joined pairs.
	Metric PerformanceMetric
	// Reference is the metric's value on evaluation data at training time.
	Reference float64
	// MaxDegradation and MaxRelativeDegradation bound how much worse than
	// Reference the metric may get without drift: an absolute amount in the
	// metric's units, and a fraction of |Reference|. When both are set the
	// tighter one applies; when neither is, MaxRelativeDegradation is 0.1.
	MaxDegradation, MaxRelativeDegradation float64
	// Window is the number of joined pairs per (tumbling) window
	// (default 1,000, at most maxPerfWindow = 1,048,576); its buffer of 24
	// bytes a pair is allocated once.
	Window int
	// MaxWait is how long a prediction waits for its label before it is
	// expired (default 1 hour).
	MaxWait time.Duration
	// MaxPending bounds the predictions waiting for labels; when full, the
	// oldest is evicted (default 100,000).
	MaxPending int
	// DecisionThreshold turns a score into a class for Accuracy: class 1
	// when score ≥ DecisionThreshold, else 0 (default 0.5).
	DecisionThreshold float64
	// OnReport, if set, receives every window's result. OnReport, OnAlert
	// and Retrain run on the goroutine of the Label call that completes a
	// window, with the window locked: they may call Predict, Stats and Last
	// but not Label or Evaluate.
	OnReport func(*PerformanceResult)
	// OnAlert, if set, receives performance alerts, at most one per
	// Cooldown; it may be the function a Monitor alerts through.
	OnAlert func(Alert)
	// Cooldown between repeated alerts (default 10 minutes; negative
	// disables deduplication).
	Cooldown time.Duration
	// Retrain, if set, is called on performance drift (also subject to
	// Cooldown); it should hand off work and return quickly.
	Retrain func(*PerformanceResult)
	// MeterProvider for the metrics; nil means otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// Shards is the number of independently locked parts of the pending
	// predictions (default GOMAXPROCS).
	Shards int
	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
}

// PerformanceStats counts what happened to predictions and labels. At any
// time Predictions = Joined + Pending + Expired + Evicted and
// Labels = Joined + Unmatched.
type PerformanceStats struct {
	Predictions uint64 `json:"predictions"` // accepted predictions
	Labels      uint64 `json:"labels"`      // accepted labels
	Joined      uint64 `json:"joined"`      // labels joined to their prediction
	Pending     uint64 `json:"pending"`     // predictions waiting for a label
	Expired     uint64 `json:"expired"`     // predictions without a label within MaxWait
	Evicted     uint64 `json:"evicted"`     // predictions dropped, oldest first, to stay within MaxPending
	Duplicates  uint64 `json:"duplicates"`  // predictions dropped: their id was already pending
	Unmatched   uint64 `json:"unmatched"`   // labels without a pending prediction
	Invalid     uint64 `json:"invalid"`     // predictions and labels rejected for their value or id
}

func (s *PerformanceStats) add(o *PerformanceStats) {
	s.Predictions += o.Predictions
	s.Labels += o.Labels
	s.Joined += o.Joined
	s.Pending += o.Pending
	s.Expired += o.Expired
	s.Evicted += o.Evicted
	s.Duplicates += o.Duplicates
	s.Unmatched += o.Unmatched
	s.Invalid += o.Invalid
}

// PerformanceResult is the verdict on one window of joined pairs.
type PerformanceResult struct {
	Name        string            `json:"name"`
	Metric      PerformanceMetric `json:"metric"`
	Status      Status            `json:"status"`      // not_enough_data without pairs, or with one class for roc_auc
	Value       float64           `json:"value"`       // the metric over the window; NaN (null) without data
	Reference   float64           `json:"reference"`   // PerformanceOptions.Reference
	Limit       float64           `json:"limit"`       // the worst value that is not drift
	Degradation float64           `json:"degradation"` // how much worse than Reference (negative when better)
	Drifted     bool              `json:"drifted"`     // Value is worse than Limit
	Window      WindowInfo        `json:"window"`      // Rows counts joined pairs
	Joins       PerformanceStats  `json:"joins"`       // counters when the window was evaluated
}

// MarshalJSON encodes the result; NaN values become null.
func (r PerformanceResult) MarshalJSON() ([]byte, error) {
	type plain PerformanceResult
	return json.Marshal(struct {
		plain
		Value       *float64 `json:"value"`
		Degradation *float64 `json:"degradation"`
	}{plain(r), finite(r.Value), finite(r.Degradation)})
}

// pendingEntry is a prediction waiting for its label, in a shard's list
// from oldest to newest.
type pendingEntry struct {
	id         string
	hash       uint64
	at         int64 // prediction time, unix nanoseconds
	score      float64
	class      int64
	prev, next int32 // list links; next also links the free list
}

// perfShard holds a share of the pending predictions, by hash of the id.
type perfShard struct {
	mu         sync.Mutex
	idx        idTable
	ents       []pendingEntry
	head, tail int32 // oldest and newest entry, −1 when empty
	free       int32 // free list, −1 when full
	stats      PerformanceStats
	_          [64]byte
}

// PerformanceMonitor joins predictions to labels that arrive later, by
// request id, and watches a metric over windows of joined pairs for
// performance drift. Create one with NewPerformanceMonitor; it is safe for
// concurrent use.
type PerformanceMonitor struct {
	o        PerformanceOptions
	allowed  float64 // degradation allowed
	limit    float64
	maxWait  int64
	seed     maphash.Seed
	shards   []perfShard
	closeAtt metric.MeasurementOption // column and metric
	colAtt   metric.MeasurementOption // column

	winMu    sync.Mutex // the open window; held while a window is evaluated
	pairs    []joinedPair
	winStart time.Time
	seq      uint64
	reported PerformanceStats // Expired and Evicted already counted in metrics

	last   atomic.Pointer[PerformanceResult]
	alerts alerter

	value             metric.Float64Gauge
	drifted, unjoined metric.Int64Counter
}

// NewPerformanceMonitor returns a monitor configured by opts. An unknown
// metric is an error wrapping ErrUnknownMethod, a reference value outside
// the metric's range one wrapping ErrBadValue; negative sizes, durations or
// degradations panic.
func NewPerformanceMonitor(opts *PerformanceOptions) (*PerformanceMonitor, error) {
	if opts == nil {
		return nil, fmt.Errorf("drift: performance monitor needs options with a Metric and a Reference: %w", ErrUnknownMethod)
	}
	o := *opts
	if !o.Metric.known() {
		return nil, &ColumnError{Column: o.Name, Value: string(o.Metric), Err: ErrUnknownMethod}
	}
	if err := o.Metric.checkReference(o.Reference); err != nil {
		return nil, err
	}
	if o.Window < 0 || o.MaxWait < 0 || o.MaxPending < 0 || o.Shards < 0 || o.MaxDegradation < 0 ||
		o.MaxRelativeDegradation < 0 || math.IsNaN(o.MaxDegradation) || math.IsNaN(o.MaxRelativeDegradation) {
		panic(fmt.Sprintf("drift: performance options must not be negative, got Window %d, MaxWait %v, MaxPending %d, Shards %d, MaxDegradation %v, MaxRelativeDegradation %v",
			o.Window, o.MaxWait, o.MaxPending, o.Shards, o.MaxDegradation, o.MaxRelativeDegradation))
	}
	if o.Name == "" {
		o.Name = "prediction"
	}
	if o.Window == 0 {
		o.Window = 1000
	}
	if o.MaxWait == 0 {
		o.MaxWait = time.Hour
	}
	if o.MaxPending == 0 {
		o.MaxPending = 100_000
	}
	if o.Window > maxPerfWindow {
		panic(fmt.Sprintf("drift: Window must be at most %d pairs, got %d", maxPerfWindow, o.Window))
	}
	if o.MaxPending > math.MaxInt32 {
		panic(fmt.Sprintf("drift: MaxPending must be at most %d, got %d", math.MaxInt32, o.MaxPending))
	}
	if o.DecisionThreshold == 0 {
		o.DecisionThreshold = 0.5
	}
	if o.Cooldown == 0 {
		o.Cooldown = 10 * time.Minute
	}
	if o.Shards == 0 {
		o.Shards = runtime.GOMAXPROCS(0)
	}
	o.Shards = min(o.Shards, o.MaxPending)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxDegradation == 0 && o.MaxRelativeDegradation == 0 {
		o.MaxRelativeDegradation = 0.1
	}
	p := &PerformanceMonitor{o: o, maxWait: int64(o.MaxWait), seed: maphash.MakeSeed()}
	p.allowed = math.Inf(1)
	if o.MaxDegradation > 0 {
		p.allowed = o.MaxDegradation
	}
	if o.MaxRelativeDegradation > 0 {
		p.allowed = min(p.allowed, o.MaxRelativeDegradation*math.Abs(o.Reference))
	}
	p.limit = o.Reference + p.allowed
	if o.Metric.higherIsBetter() {
		p.limit = o.Reference - p.allowed
	}
	p.shards = make([]perfShard, o.Shards)
	for i := range p.shards {
		n := o.MaxPending / o.Shards
		if i < o.MaxPending%o.Shards {
			n++
		}
		s := &p.shards[i]
		s.idx = newIDTable(n)
		s.ents = make([]pendingEntry, n)
		for j := range s.ents {
			s.ents[j].next = int32(j + 1)
		}
		s.ents[n-1].next = -1
		s.head, s.tail, s.free = -1, -1, 0
	}
	p.pairs = make([]joinedPair, 0, o.Window)
	p.winStart = o.Now()
	p.alerts = alerter{cooldown: o.Cooldown, last: make(map[alertKey]time.Time)}
	if err := p.newMetrics(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *PerformanceMonitor) newMetrics() error {
	mp := p.o.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(scopeName)
	var err, e error
	p.value, e = m.Float64Gauge(MetricPerformance, metric.WithDescription("Model performance metric over the last window of predictions joined to labels"))
	err = firstErr(err, e)
	p.drifted, e = m.Int64Counter(MetricPerformanceDrifted, metric.WithDescription("Windows in which the performance metric was worse than its limit"))
	err = firstErr(err, e)
	p.unjoined, e = m.Int64Counter(MetricUnjoined, metric.WithDescription("Predictions whose label never arrived, by reason (expired, evicted)"))
	err = firstErr(err, e)
	col := attribute.String("column", p.o.Name)
	p.closeAtt = metric.WithAttributes(col, attribute.String("metric", string(p.o.Metric)))
	p.colAtt = metric.WithAttributes(col)
	return err
}

// shard returns the shard of id and the id's hash.
func (p *PerformanceMonitor) shard(id string) (*perfShard, uint64) {
	h := maphash.String(p.seed, id)
	if h == 0 {
		h = 1 // 0 marks an empty place of an idTable
	}
	return &p.shards[(h>>32)%uint64(len(p.shards))], h
}

// Predict records the prediction for request id: for binary metrics the
// probability of class 1, for Accuracy a score turned into a class by
// DecisionThreshold, for regression metrics the predicted value. It does
// not allocate on success. A non-finite score (or one outside [0, 1] for
// LogLoss) or an empty id is an error wrapping ErrBadValue; an id already
// pending is ErrDuplicateID, and the first prediction stays.
func (p *PerformanceMonitor) Predict(id string, score float64) error {
	bad := math.IsNaN(score) || math.IsInf(score, 0) || (p.o.Metric == LogLoss && (score < 0 || score > 1))
	if bad || id == "" {
		return p.invalid(id, fmt.Errorf("drift: prediction %q: score %v: %w", id, score, ErrBadValue))
	}
	class := int64(0)
	if score >= p.o.DecisionThreshold {
		class = 1
	}
	return p.add(id, score, class)
}

// PredictClass records a predicted class for request id, for Accuracy
// (multi-class included); labels are then compared with it. With another
// metric, or an empty id, it is an error wrapping ErrBadValue.
func (p *PerformanceMonitor) PredictClass(id string, class int) error {
	if p.o.Metric != Accuracy {
		return p.invalid(id, fmt.Errorf("drift: prediction %q: a class needs the accuracy metric, not %s: %w", id, p.o.Metric, ErrBadValue))
	}
	if id == "" {
		return p.invalid(id, fmt.Errorf("drift: prediction with an empty request id: %w", ErrBadValue))
	}
	return p.add(id, float64(class), int64(class))
}

func (p *PerformanceMonitor) invalid(id string, err error) error {
	s, _ := p.shard(id)
	s.mu.Lock()
	s.stats.Invalid++
	s.mu.Unlock()
	return err
}

func (p *PerformanceMonitor) add(id string, score float64, class int64) error {
	now := p.o.Now().UnixNano()
	s, h := p.shard(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	p.expire(s, now)
	if _, dup := s.idx.find(h, id, s.ents); dup {
		s.stats.Duplicates++
		return ErrDuplicateID
	}
	if s.free < 0 { // full: evict the oldest
		s.remove(s.head)
		s.stats.Evicted++
	}
	i := s.free
	e := &s.ents[i]
	s.free = e.next
	*e = pendingEntry{id: id, hash: h, at: now, score: score, class: class, prev: s.tail, next: -1}
	if s.tail >= 0 {
		s.ents[s.tail].next = i
	} else {
		s.head = i
	}
	s.tail = i
	pos, _ := s.idx.find(h, id, s.ents) // where the id goes
	s.idx.keys[pos], s.idx.vals[pos] = h, i
	s.stats.Predictions++
	s.stats.Pending++
	return nil
}

// expire removes the predictions older than MaxWait, oldest first.
func (p *PerformanceMonitor) expire(s *perfShard, now int64) {
	for s.head >= 0 && now-s.ents[s.head].at > p.maxWait {
		s.remove(s.head)
		s.stats.Expired++
	}
}

// remove unlinks entry i, forgets its id and frees it.
func (s *perfShard) remove(i int32) {
	e := &s.ents[i]
	if e.prev >= 0 {
		s.ents[e.prev].next = e.next
	} else {
		s.head = e.next
	}
	if e.next >= 0 {
		s.ents[e.next].prev = e.prev
	} else {
		s.tail = e.prev
	}
	if pos, ok := s.idx.find(e.hash, e.id, s.ents); ok {
		s.idx.delete(pos)
	}
	*e = pendingEntry{next: s.free}
	s.free = i
	s.stats.Pending--
}

// Label records the label of request id and joins it to the pending
// prediction: for binary metrics 0 or 1, for Accuracy the class, for
// regression metrics the true value. Labels must follow their
// predictions: a label with no pending prediction (one never recorded,
// already labelled, expired, evicted, or not yet recorded) is counted as
// unmatched and returns ErrNoPrediction. A label the metric cannot use is
// an error wrapping ErrBadValue, and the prediction stays pending. The call
// that completes a window evaluates it (metrics, OnReport, OnAlert,
// Retrain) before it returns; otherwise it does not allocate.
func (p *PerformanceMonitor) Label(id string, label float64) error {
	m := p.o.Metric
	bad := math.IsNaN(label) || math.IsInf(label, 0) ||
		(m.binary() && label != 0 && label != 1) || (m == Accuracy && label != math.Trunc(label))
	if bad || id == "" {
		return p.invalid(id, fmt.Errorf("drift: label %q: value %v: %w", id, label, ErrBadValue))
	}
	now := p.o.Now()
	s, h := p.shard(id)
	s.mu.Lock()
	p.expire(s, now.UnixNano())
	pos, ok := s.idx.find(h, id, s.ents)
	if !ok {
		s.stats.Labels++
		s.stats.Unmatched++
		s.mu.Unlock()
		return ErrNoPrediction
	}
	i := s.idx.vals[pos]
	e := &s.ents[i]
	pair := joinedPair{score: e.score, class: e.class, label: label}
	s.remove(i)
	s.stats.Labels++
	s.stats.Joined++
	s.mu.Unlock()

	p.winMu.Lock()
	defer p.winMu.Unlock()
	p.pairs = append(p.pairs, pair)
	if len(p.pairs) >= p.o.Window {
		p.closeWindow(now)
	}
	return nil
}

// Stats returns the counters, after expiring the predictions older than
// MaxWait (which otherwise happens as records arrive in their shard).
func (p *PerformanceMonitor) Stats() PerformanceStats {
	now := p.o.Now().UnixNano()
	var st PerformanceStats
	for i := range p.shards {
		s := &p.shards[i]
		s.mu.Lock()
		p.expire(s, now)
		st.add(&s.stats)
		s.mu.Unlock()
	}
	return st
}

// Last returns the result of the last closed window, nil before the first.
func (p *PerformanceMonitor) Last() *PerformanceResult { return p.last.Load() }

// Evaluate returns the metric over the pairs joined so far in the open
// window, without closing it and firing no alerts. Its Window.Seq is the
// open window's number.
func (p *PerformanceMonitor) Evaluate() *PerformanceResult {
	now := p.o.Now()
	p.winMu.Lock()
	defer p.winMu.Unlock()
	return p.result(WindowInfo{Seq: p.seq + 1, Start: p.winStart, End: now, Rows: uint64(len(p.pairs))})
}

// result evaluates the open window; p.winMu is held.
func (p *PerformanceMonitor) result(info WindowInfo) *PerformanceResult {
	r := &PerformanceResult{
		Name: p.o.Name, Metric: p.o.Metric, Status: StatusOK, Reference: p.o.Reference,
		Limit: p.limit, Window: info, Joins: p.Stats(),
	}
	r.Value = p.o.Metric.compute(p.pairs)
	if math.IsNaN(r.Value) {
		r.Status, r.Degradation = StatusNotEnoughData, math.NaN()
		return r
	}
	if p.o.Metric.higherIsBetter() {
		r.Degradation = p.o.Reference - r.Value
		r.Drifted = r.Value < p.limit
	} else {
		r.Degradation = r.Value - p.o.Reference
		r.Drifted = r.Value > p.limit
	}
	return r
}

// closeWindow evaluates the full window, records metrics, calls the
// callbacks and opens the next window; p.winMu is held.
func (p *PerformanceMonitor) closeWindow(now time.Time) {
	p.seq++
	r := p.result(WindowInfo{Seq: p.seq, Start: p.winStart, End: now, Rows: uint64(len(p.pairs))})
	p.pairs = p.pairs[:0]
	p.winStart = now
	p.last.Store(r)

	ctx := context.Background()
	if r.Status == StatusOK {
		p.value.Record(ctx, r.Value, p.closeAtt)
	}
	if r.Drifted {
		p.drifted.Add(ctx, 1, p.colAtt)
	}
	if d := r.Joins.Expired - p.reported.Expired; d > 0 {
		p.unjoined.Add(ctx, int64(d), metric.WithAttributes(attribute.String("column", p.o.Name), attribute.String("reason", "expired")))
	}
	if d := r.Joins.Evicted - p.reported.Evicted; d > 0 {
		p.unjoined.Add(ctx, int64(d), metric.WithAttributes(attribute.String("column", p.o.Name), attribute.String("reason", "evicted")))
	}
	p.reported = r.Joins

	if p.o.OnReport != nil {
		p.o.OnReport(r)
	}
	if !r.Drifted {
		return
	}
	if p.o.OnAlert != nil && p.alerts.allow(alertKey{AlertPerformance, p.o.Name}, now) {
		p.o.OnAlert(Alert{Time: now, Kind: AlertPerformance, Column: p.o.Name, Method: Method(p.o.Metric),
			Score: r.Value, PValue: math.NaN(), Threshold: r.Limit, Window: r.Window})
	}
	if p.o.Retrain != nil && p.alerts.allow(alertKey{"retrain", p.o.Name}, now) {
		p.o.Retrain(r)
	}
}

// idTable maps request ids to entries of a shard: open addressing with
// linear probing at a load of at most 1/2, deletion by backward shift (no
// tombstones), so that its size is fixed and churn costs nothing.
type idTable struct {
	mask uint64
	keys []uint64 // id hashes; 0 is an empty place
	vals []int32  // entry indices
}

func newIDTable(n int) idTable {
	size := uint64(2)
	for size < 2*uint64(n) {
		size *= 2
	}
	return idTable{mask: size - 1, keys: make([]uint64, size), vals: make([]int32, size)}
}

// find returns the place of id (hash h) and true, or the empty place where
// it would go and false.
func (t *idTable) find(h uint64, id string, ents []pendingEntry) (uint64, bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		switch k := t.keys[i]; {
		case k == 0:
			return i, false
		case k == h && ents[t.vals[i]].id == id:
			return i, true
		}
	}
}

// delete empties place i and shifts back the entries of its probe run.
func (t *idTable) delete(i uint64) {
	for j := (i + 1) & t.mask; t.keys[j] != 0; j = (j + 1) & t.mask {
		home := t.keys[j] & t.mask
		// The entry at j may move to i unless its home lies in (i, j].
		if (i < j && i < home && home <= j) || (i > j && (i < home || home <= j)) {
			continue
		}
		t.keys[i], t.vals[i] = t.keys[j], t.vals[j]
		i = j
	}
	t.keys[i] = 0
}
