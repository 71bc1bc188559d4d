package drift

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loomml/loom/internal/sketch"
	"go.opentelemetry.io/otel/metric"
)

// Window says how a Monitor cuts the stream. Exactly one of Rows and
// Duration is set. The window is made of Panes equal panes and evaluated
// each time a pane ends, over the last Panes panes: Panes = 1 (the default)
// gives tumbling windows, Panes > 1 sliding windows that advance by one pane.
type Window struct {
	Rows     int           // rows per window (divisible by Panes)
	Duration time.Duration // time per window (divisible by Panes)
	Panes    int           // panes per window, default 1
}

// MonitorOptions configures a Monitor. A nil *MonitorOptions, or a zero
// field, means the default.
type MonitorOptions struct {
	// Window defaults to tumbling windows of 1,000 rows.
	Window Window
	// Compare sets methods, thresholds and the dataset drift share.
	Compare *CompareOptions
	// OnReport, if set, receives every evaluated window's report.
	OnReport func(WindowInfo, *Report)
	// OnAlert, if set, receives alerts, at most one per column and alert
	// kind per Cooldown.
	OnAlert func(Alert)
	// Cooldown between repeated alerts of the same column and kind
	// (default 10 minutes; negative disables deduplication).
	Cooldown time.Duration
	// Retrain, if set, is called on dataset drift (also subject to
	// Cooldown); it should hand off work and return quickly.
	Retrain func(*Report)
	// Performance, if set, is the PerformanceMonitor of the same model:
	// every report of this Monitor (each window's and Evaluate's) carries
	// its last evaluated window of joined predictions and labels in
	// Report.Performance. Its own alerts go through its own options.
	Performance *PerformanceMonitor
	// MeterProvider for the drift metrics; nil means the global provider
	// (otel.GetMeterProvider), a no-op until an SDK is installed.
	MeterProvider metric.MeterProvider
	// Shards is the number of independently locked accumulators that
	// observations spread over (default GOMAXPROCS).
	Shards int
	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
}

// WindowInfo identifies an evaluated window.
type WindowInfo struct {
	Seq   uint64    `json:"seq"`   // 1 for the first evaluated window
	Start time.Time `json:"start"` // first pane's start
	End   time.Time `json:"end"`   // evaluation time
	Rows  uint64    `json:"rows"`  // rows in the window
}

// stageRows is the number of rows whose numeric values a shard gathers
// before adding them to the sketches, column by column (numAcc.stage).
const stageRows = 64

// numAcc accumulates one numeric column: missing values, shifted sums
// (shift is the reference mean, for accuracy) and a quantile sketch, which
// also keeps the count of present values, the minimum and the maximum.
// The values of the last rows observed wait in stage (row i of the block
// in stage[i], a missing value as NaN, which the sketch ignores) until
// accs.flush adds them to the sketch, in the order they came, so that the
// sketch is the one that adding them one by one gives: a row then writes
// its numeric values into one small block that stays in cache, and each
// sketch takes them by blocks, writing its level 0 in one sequential
// stream.
type numAcc struct {
	missing uint64
	s1, s2  float64
	sk      *sketch.KLL
	stage   [stageRows]float64
}

func (a *numAcc) reset() {
	a.missing, a.s1, a.s2 = 0, 0, 0
	a.sk.Reset()
}

func (a *numAcc) merge(b *numAcc) {
	a.missing += b.missing
	a.s1 += b.s1
	a.s2 += b.s2
	a.sk.Merge(b.sk)
}

// catAcc counts one categorical column by reference category index; the
// last slot is "other".
type catAcc struct {
	counts  []uint64
	missing uint64
}

func (a *catAcc) reset() {
	clear(a.counts)
	a.missing = 0
}

func (a *catAcc) merge(b *catAcc) {
	for i, c := range b.counts {
		a.counts[i] += c
	}
	a.missing += b.missing
}

// accs is one set of per-column accumulators. pending counts the rows
// whose numeric values are staged (numAcc), the next row's index in the
// stages; only a shard's accumulators stage values, and collect flushes
// them before it reads them.
type accs struct {
	num     []numAcc
	cat     []catAcc
	pending int
}

// endRow counts a row whose numeric values were staged, and flushes the
// stages when they are full.
func (a *accs) endRow() {
	a.pending++
	if a.pending == stageRows {
		a.flush()
	}
}

// flush adds every staged value to its sketch.
func (a *accs) flush() {
	for i := range a.num {
		n := &a.num[i]
		n.sk.AddBatch(n.stage[:a.pending])
	}
	a.pending = 0
}

// newAccs returns empty accumulators of the monitored columns. Their
// sketches share one scratch (sketch.ShareScratch), which stays warm in
// cache as the columns of a row take turns to compact: a set of
// accumulators is only changed by one goroutine at a time (a shard's
// under its lock, panes under closeMu), and moves as a whole.
func (m *monitorCore) newAccs() accs {
	var a accs
	for _, c := range m.cols {
		if c.kind == Numeric {
			sk := sketch.NewSeeded(m.k, uint64(len(a.num))+1)
			if len(a.num) > 0 {
				sk.ShareScratch(a.num[0].sk)
			}
			a.num = append(a.num, numAcc{sk: sk})
		} else {
			a.cat = append(a.cat, catAcc{counts: make([]uint64, len(c.ref.Categories)+1)})
		}
	}
	a.reset()
	return a
}

func (a *accs) reset() {
	a.pending = 0
	for i := range a.num {
		a.num[i].reset()
	}
	for i := range a.cat {
		a.cat[i].reset()
	}
}

func (a *accs) merge(b *accs) {
	for i := range a.num {
		a.num[i].merge(&b.num[i])
	}
	for i := range a.cat {
		a.cat[i].merge(&b.cat[i])
	}
}

type shard struct {
	mu   sync.Mutex
	rows uint64
	// left counts down the rows of the open pane when the monitor has
	// one shard and count windows (see done).
	left uint64
	acc  accs
	_    [64]byte // keep shards on separate cache lines
}

type colInfo struct {
	name  string
	kind  Kind
	ref   *ColumnProfile
	slot  int // index among numeric or categorical columns
	shift float64
}

// monitorCore is the part of a Monitor that does not depend on T.
type monitorCore struct {
	ref    *Profile
	opts   MonitorOptions
	cmp    CompareOptions
	cols   []colInfo
	byName map[string]int
	vocab  []*vocab // per categorical slot
	k      int

	shards   []shard
	recent   sync.Pool    // *shard last used on each P
	paneSize uint64       // rows per pane (count windows)
	paneEnd  atomic.Int64 // unix nanos (time windows)
	_        [64]byte
	rows     atomic.Uint64 // rows observed (count windows), on its own cache line
	_        [56]byte

	closeMu   sync.Mutex // one pane close or evaluation at a time
	panes     []accs     // ring of closed panes
	paneRows  []uint64
	paneStart []time.Time
	filled    int
	next      int
	openedAt  time.Time
	win       accs // scratch for merging panes
	seq       uint64
	// views holds the sorted views of the numeric columns' current
	// sketches, by slot, and scratch the memory that sorts them: reused
	// from one evaluation to the next (under closeMu).
	views   []sortedView
	scratch []uint64

	alerts  alerter
	metrics *metrics
}

// Monitor compares live rows of type T with a reference profile, window by
// window. Create one with NewMonitor; it is safe for concurrent use.
type Monitor[T any] struct {
	core *monitorCore
	nums []numCol[T]               // the numeric columns, by slot
	cats []func(*T) (string, bool) // accessors of the categorical columns, by slot
}

// numCol is what Observe needs of a numeric column: its accessor and the
// shift of its sums (colInfo.shift).
type numCol[T any] struct {
	get   func(*T) (float64, bool)
	shift float64
}

// NewMonitor returns a monitor of cols against ref. Every column must be
// in ref with the same kind: an unknown column is an error wrapping
// ErrUnknownColumn, a kind mismatch one wrapping ErrKindMismatch, and an
// unknown method in opts.Compare one wrapping ErrUnknownMethod. Bad window
// settings panic.
func NewMonitor[T any](ref *Profile, cols []Column[T], opts *MonitorOptions) (*Monitor[T], error) {
	o := MonitorOptions{}
	if opts != nil {
		o = *opts
	}
	w := &o.Window
	if w.Panes == 0 {
		w.Panes = 1
	}
	if w.Rows == 0 && w.Duration == 0 {
		w.Rows = 1000
	}
	if w.Panes < 1 || (w.Rows != 0) == (w.Duration != 0) || w.Rows < 0 || w.Duration < 0 ||
		(w.Rows != 0 && w.Rows%w.Panes != 0) || (w.Duration != 0 && w.Duration%time.Duration(w.Panes) != 0) {
		panic(fmt.Sprintf("drift: window needs Rows or Duration (not both) divisible by Panes ≥ 1, got %+v", *w))
	}
	if o.Cooldown == 0 {
		o.Cooldown = 10 * time.Minute
	}
	if o.Shards == 0 {
		o.Shards = runtime.GOMAXPROCS(0)
	}
	if o.Shards < 1 {
		panic(fmt.Sprintf("drift: Shards must be at least 1, got %d", o.Shards))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &monitorCore{ref: ref, opts: o, cmp: o.Compare.withDefaults(), byName: make(map[string]int), k: ref.opts.SketchK}
	nNum, nCat := 0, 0
	for _, col := range cols {
		rc := ref.Column(col.name)
		if rc == nil {
			return nil, &ColumnError{Column: col.name, Err: ErrUnknownColumn}
		}
		if rc.Kind != col.kind {
			return nil, &ColumnError{Column: col.name, Value: col.kind.String(), Err: ErrKindMismatch}
		}
		if _, dup := c.byName[col.name]; dup {
			panic("drift: duplicate monitored column, got " + col.name)
		}
		ci := colInfo{name: col.name, kind: col.kind, ref: rc}
		if col.kind == Numeric {
			ci.slot, ci.shift = nNum, rc.Mean
			if math.IsNaN(ci.shift) {
				ci.shift = 0
			}
			nNum++
		} else {
			ci.slot = nCat
			c.vocab = append(c.vocab, newVocab(rc.Categories))
			nCat++
		}
		c.byName[col.name] = len(c.cols)
		c.cols = append(c.cols, ci)
	}
	sub := &Profile{index: map[string]int{}}
	for _, ci := range c.cols {
		sub.index[ci.name] = len(sub.Columns)
		sub.Columns = append(sub.Columns, ci.ref)
	}
	if _, err := Compare(ref, sub, o.Compare); err != nil { // validates methods and names
		return nil, err
	}
	c.shards = make([]shard, o.Shards)
	for i := range c.shards {
		c.shards[i].acc = c.newAccs()
	}
	c.panes = make([]accs, w.Panes)
	c.paneRows = make([]uint64, w.Panes)
	c.paneStart = make([]time.Time, w.Panes)
	for i := range c.panes {
		c.panes[i] = c.newAccs()
	}
	c.win = c.newAccs()
	c.views = make([]sortedView, nNum)
	c.openedAt = o.Now()
	if w.Rows != 0 {
		c.paneSize = uint64(w.Rows / w.Panes)
		for i := range c.shards {
			c.shards[i].left = c.paneSize
		}
	}
	if w.Duration != 0 {
		c.paneEnd.Store(c.openedAt.Add(w.Duration / time.Duration(w.Panes)).UnixNano())
	}
	c.alerts = alerter{cooldown: o.Cooldown, last: make(map[alertKey]time.Time)}
	met, err := newMetrics(o.MeterProvider)
	if err != nil {
		return nil, err
	}
	c.metrics = met
	m := &Monitor[T]{core: c}
	for _, col := range cols {
		if col.kind == Numeric {
			m.nums = append(m.nums, numCol[T]{col.num, c.cols[c.byName[col.name]].shift})
		} else {
			m.cats = append(m.cats, col.cat)
		}
	}
	return m, nil
}

// lockShard locks a shard for one observation. It first tries the shard
// last used on this P (logical processor), kept in a sync.Pool, which is
// per P: a goroutine then keeps writing to accumulators in its own core's
// cache instead of pulling another core's. Failing that, it tries the
// shards in order, from the first, before waiting; so a single goroutine
// always observes into the first shard. A single shard is simply locked.
func (m *monitorCore) lockShard() *shard {
	if len(m.shards) == 1 {
		s := &m.shards[0]
		s.mu.Lock()
		return s
	}
	if s, _ := m.recent.Get().(*shard); s != nil && s.mu.TryLock() {
		return s
	}
	for i := range m.shards {
		if s := &m.shards[i]; s.mu.TryLock() {
			return s
		}
	}
	s := &m.shards[0]
	s.mu.Lock()
	return s
}

// unlockShard unlocks s and remembers it as this P's shard.
func (m *monitorCore) unlockShard(s *shard) {
	s.mu.Unlock()
	if len(m.shards) > 1 {
		m.recent.Put(s)
	}
}

// done ends an observation into the locked shard s: it counts the row,
// unlocks s and closes the pane if it is due. With a single shard and
// count windows, the shard's own count, under its lock, says when the pane
// is full (every row goes through that lock, so it counts the rows as the
// monitor's atomic counter would, without an atomic operation and a
// division per row); otherwise tick does.
func (c *monitorCore) done(s *shard) {
	s.acc.endRow()
	s.rows++
	if len(c.shards) == 1 && c.paneSize != 0 {
		s.left--
		due := s.left == 0
		if due {
			s.left = c.paneSize
		}
		s.mu.Unlock()
		if due {
			c.closePane()
		}
		return
	}
	c.unlockShard(s)
	c.tick()
}

// Observe records one row. It does not allocate; the call that completes a
// pane also evaluates the window (see the package documentation).
func (m *Monitor[T]) Observe(row *T) {
	c := m.core
	s := c.lockShard()
	// addNum and addCat, inlined by hand over the columns by slot.
	num, p := s.acc.num[:len(m.nums)], s.acc.pending&(stageRows-1)
	for j := range m.nums {
		col := &m.nums[j]
		x, ok := col.get(row)
		n := &num[j]
		if !ok || x-x != 0 { // x−x is NaN for NaN and ±Inf
			n.missing++
			n.stage[p] = math.NaN()
			continue
		}
		d := x - col.shift
		n.s1 += d
		n.s2 += d * d
		n.stage[p] = x
	}
	cat, voc := s.acc.cat[:len(m.cats)], c.vocab[:len(m.cats)]
	for j, get := range m.cats {
		v, ok := get(row)
		ct := &cat[j]
		if !ok {
			ct.missing++
			continue
		}
		if i := voc[j].index(v); i >= 0 {
			ct.counts[i]++
		} else {
			ct.counts[len(ct.counts)-1]++
		}
	}
	c.done(s)
}

func (a *accs) addNum(ci *colInfo, x float64, ok bool) {
	n := &a.num[ci.slot]
	p := a.pending & (stageRows - 1)
	if !ok || x-x != 0 { // x−x is NaN for NaN and ±Inf
		n.missing++
		n.stage[p] = math.NaN()
		return
	}
	d := x - ci.shift
	n.s1 += d
	n.s2 += d * d
	n.stage[p] = x
}

func (a *accs) addCat(c *monitorCore, ci *colInfo, v string, ok bool) {
	ct := &a.cat[ci.slot]
	if !ok {
		ct.missing++
		return
	}
	if i := c.vocab[ci.slot].index(v); i >= 0 {
		ct.counts[i]++
	} else {
		ct.counts[len(ct.counts)-1]++
	}
}

// ObserveValues records one row given as raw named values: nums for
// numeric columns, cats for categorical ones. Monitored columns absent from
// both maps count as missing. A name the monitor does not watch, or a value
// of the wrong kind, is an error and nothing is recorded.
func (m *Monitor[T]) ObserveValues(nums map[string]float64, cats map[string]string) error {
	c := m.core
	for name := range nums {
		i, ok := c.byName[name]
		if !ok {
			return &ColumnError{Column: name, Err: ErrUnknownColumn}
		}
		if c.cols[i].kind != Numeric {
			return &ColumnError{Column: name, Value: "numeric", Err: ErrKindMismatch}
		}
	}
	for name := range cats {
		i, ok := c.byName[name]
		if !ok {
			return &ColumnError{Column: name, Err: ErrUnknownColumn}
		}
		if c.cols[i].kind != Categorical {
			return &ColumnError{Column: name, Value: "categorical", Err: ErrKindMismatch}
		}
	}
	s := c.lockShard()
	for i := range c.cols {
		ci := &c.cols[i]
		if ci.kind == Numeric {
			x, ok := nums[ci.name]
			s.acc.addNum(ci, x, ok)
		} else {
			v, ok := cats[ci.name]
			s.acc.addCat(c, ci, v, ok)
		}
	}
	c.done(s)
	return nil
}

// tick closes the open pane when it is full or its time is up.
func (c *monitorCore) tick() {
	if c.paneSize != 0 {
		if c.rows.Add(1)%c.paneSize == 0 {
			c.closePane()
		}
		return
	}
	w := c.opts.Window
	if c.opts.Now().UnixNano() >= c.paneEnd.Load() {
		c.closeMu.Lock()
		now := c.opts.Now()
		if now.UnixNano() >= c.paneEnd.Load() { // still due: no one closed it meanwhile
			c.closePaneLocked(now)
			c.paneEnd.Store(now.Add(w.Duration / time.Duration(w.Panes)).UnixNano())
		}
		c.closeMu.Unlock()
	}
}

// Tick closes the open pane of a time window when its time is up, without
// a row; call it from a ticker when traffic may stop. It does nothing for
// count windows.
func (m *Monitor[T]) Tick() {
	if m.core.opts.Window.Duration != 0 {
		m.core.tick()
	}
}

func (c *monitorCore) closePane() {
	c.closeMu.Lock()
	c.closePaneLocked(c.opts.Now())
	c.closeMu.Unlock()
}

// collect merges every shard's accumulators into dst. With reset, dst
// must be empty, and the shards are emptied: the first shard with rows
// trades its accumulators for dst's empty ones instead of being merged, so
// that the rows of a single goroutine (which all land in one shard) are
// moved, not copied, and give the same sketches as one accumulator would.
func (c *monitorCore) collect(dst *accs, reset bool) uint64 {
	var rows uint64
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		s.acc.flush()
		switch {
		case reset && rows == 0 && s.rows > 0:
			*dst, s.acc = s.acc, *dst
		case reset:
			dst.merge(&s.acc)
			s.acc.reset()
		default:
			dst.merge(&s.acc)
		}
		rows += s.rows
		if reset {
			s.rows = 0
		}
		s.mu.Unlock()
	}
	return rows
}

func (c *monitorCore) closePaneLocked(now time.Time) {
	p := &c.panes[c.next]
	p.reset()
	c.paneRows[c.next] = c.collect(p, true)
	c.paneStart[c.next] = c.openedAt
	c.openedAt = now
	c.next = (c.next + 1) % len(c.panes)
	c.filled = min(c.filled+1, len(c.panes))
	// Evaluate over the closed panes, oldest first; a single pane (tumbling
	// windows) is evaluated as it is.
	win := p
	if c.filled > 1 {
		win = &c.win
		win.reset()
	}
	var rows uint64
	start := now
	for j := range c.filled {
		i := (c.next - c.filled + j + len(c.panes)) % len(c.panes)
		if win == &c.win {
			win.merge(&c.panes[i])
		}
		rows += c.paneRows[i]
		if j == 0 {
			start = c.paneStart[i]
		}
	}
	c.seq++
	info := WindowInfo{Seq: c.seq, Start: start, End: now, Rows: rows}
	c.evaluate(info, win)
}

// Evaluate compares the current window — the closed panes of the sliding
// window plus the open pane so far — with the reference, now, without
// closing anything, firing no alerts. It is safe to call while other
// goroutines observe.
func (m *Monitor[T]) Evaluate() (*Report, error) {
	c := m.core
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	tmp := c.newAccs()
	c.collect(&tmp, false)
	keep := len(c.panes) - 1 // the open pane replaces the oldest one
	for j := max(0, c.filled-keep); j < c.filled; j++ {
		i := (c.next - c.filled + j + len(c.panes)) % len(c.panes)
		tmp.merge(&c.panes[i])
	}
	rep, err := Compare(c.ref, c.snapshot(&tmp), c.opts.Compare)
	if err == nil && c.opts.Performance != nil {
		rep.Performance = c.opts.Performance.Last()
	}
	return rep, err
}

// snapshot turns accumulators into a current profile for Compare. The
// sorted views of its numeric columns are c.views: the profile is valid
// until the next snapshot. The caller holds closeMu.
func (c *monitorCore) snapshot(a *accs) *Profile {
	p := &Profile{opts: c.ref.opts, index: make(map[string]int, len(c.cols))}
	for _, ci := range c.cols {
		cp := &ColumnProfile{Name: ci.name, Kind: ci.kind}
		if ci.kind == Numeric {
			n := &a.num[ci.slot]
			cp.Count, cp.Missing, cp.sketch = n.sk.Count(), n.missing, n.sk
			v := &c.views[ci.slot]
			v.vals, v.wts, c.scratch = n.sk.SortedViewScratch(v.vals[:0], v.wts[:0], c.scratch)
			cp.view.Store(v)
			cp.Mean, cp.Std, cp.Min, cp.Max = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			if cp.Count > 0 {
				mu := n.s1 / float64(cp.Count)
				cp.Mean = ci.shift + mu
				cp.Std = math.Sqrt(math.Max(n.s2/float64(cp.Count)-mu*mu, 0))
				cp.Min, cp.Max = n.sk.Min(), n.sk.Max()
			}
		} else {
			ct := &a.cat[ci.slot]
			cp.Missing = ct.missing
			for i, cat := range ci.ref.Categories {
				cp.Count += ct.counts[i]
				if ct.counts[i] > 0 {
					cp.Categories = append(cp.Categories, Category{cat.Value, ct.counts[i]})
				}
			}
			cp.Other = ct.counts[len(ct.counts)-1]
			cp.Count += cp.Other
		}
		p.index[ci.name] = len(p.Columns)
		p.Columns = append(p.Columns, cp)
		p.Rows = max(p.Rows, cp.Count+cp.Missing)
	}
	return p
}

func (c *monitorCore) evaluate(info WindowInfo, a *accs) {
	rep, err := Compare(c.ref, c.snapshot(a), c.opts.Compare)
	if err != nil { // columns and methods were validated in NewMonitor
		panic("drift: internal error: " + err.Error())
	}
	if c.opts.Performance != nil {
		rep.Performance = c.opts.Performance.Last()
	}
	c.metrics.record(rep)
	if c.opts.OnReport != nil {
		c.opts.OnReport(info, rep)
	}
	c.alerts.fire(info, rep, c.opts)
}
