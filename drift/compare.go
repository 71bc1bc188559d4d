package drift

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Method names a drift detector: one of the built-in ones below or any
// registered with Register.
type Method string

// The built-in detectors, registered by name (see Register). Default
// thresholds are in DefaultThreshold.
const (
	KSTest         Method = "ks"              // two-sample Kolmogorov–Smirnov; drift when p ≤ threshold
	ChiSquareTest  Method = "chisquare"       // chi-square homogeneity; drift when p < threshold
	ZTestMethod    Method = "ztest"           // two-proportion Z-test; drift when p < threshold
	WassersteinN   Method = "wasserstein"     // Wasserstein-1 / max(reference std, 0.001); drift when ≥ threshold
	WassersteinAbs Method = "wasserstein_raw" // Wasserstein-1 in the column's units; drift when ≥ threshold
	JSDistance     Method = "jensenshannon"   // Jensen–Shannon distance on histograms; drift when ≥ threshold
	PSIMethod      Method = "psi"             // population stability index on histograms; drift when ≥ threshold
	LInf           Method = "linf"            // L-infinity distance on histograms; drift when ≥ threshold
	AndersonTest   Method = "anderson"        // k-sample Anderson–Darling (k = 2); drift when p < threshold
)

// DefaultThreshold returns the threshold the detector registered as m uses
// unless overridden (0.05 for the built-in p-value tests, 0.1 for the
// built-in distances), or NaN when no detector has that name.
func DefaultThreshold(m Method) float64 {
	d, err := Lookup(m)
	if err != nil {
		return math.NaN()
	}
	return d.DefaultThreshold()
}

// CompareOptions configures a comparison. A nil *CompareOptions, or a zero
// field, means the default.
type CompareOptions struct {
	// Methods overrides the method per column name (the profile's
	// ProfileOptions.Methods, else the default rule); any registered
	// detector's name may be used.
	Methods map[string]Method
	// Thresholds overrides the method's default threshold per column name.
	Thresholds map[string]float64
	// DriftShare is the share of drifted columns at or above which the data
	// set counts as drifted (default 0.5).
	DriftShare float64
	// MinCount is the number of present current values below which a column
	// is reported as not enough data instead of tested (default 30).
	MinCount uint64
	// MissingAlpha and MissingMinChange define a change in the share of
	// missing values: a two-proportion Z-test p-value below MissingAlpha
	// (default 0.05) and an absolute change of at least MissingMinChange
	// (default 0.01).
	MissingAlpha, MissingMinChange float64
}

func (o *CompareOptions) withDefaults() CompareOptions {
	var r CompareOptions
	if o != nil {
		r = *o
	}
	if r.DriftShare == 0 {
		r.DriftShare = 0.5
	}
	if r.MinCount == 0 {
		r.MinCount = 30
	}
	if r.MissingAlpha == 0 {
		r.MissingAlpha = 0.05
	}
	if r.MissingMinChange == 0 {
		r.MissingMinChange = 0.01
	}
	return r
}

// Status says whether a column could be tested.
type Status string

// Column statuses.
const (
	StatusOK            Status = "ok"
	StatusNotEnoughData Status = "not_enough_data"
	StatusError         Status = "error" // the detector failed; ColumnResult.Error says why
)

// ColumnResult is the verdict on one column.
type ColumnResult struct {
	Column    string  `json:"column"`
	Kind      string  `json:"kind"`
	Method    Method  `json:"method"`
	Status    Status  `json:"status"`
	Score     float64 `json:"score"`           // statistic or distance
	PValue    float64 `json:"p_value"`         // NaN (JSON null) for distances
	Threshold float64 `json:"threshold"`       // on the p-value for tests, on Score otherwise
	Drifted   bool    `json:"drifted"`         // the values moved
	Approx    bool    `json:"approximate"`     // computed from a compacted sketch (rank error ≤ 3/k)
	Error     string  `json:"error,omitempty"` // with StatusError: the detector's error
	Unique    int     `json:"unique_values"`   // distinct values over reference and current, as the method rule counts them
	RefCount  uint64  `json:"reference_count"` // present reference values
	CurCount  uint64  `json:"current_count"`   // present current values

	RefMissingShare float64 `json:"reference_missing_share"`
	CurMissingShare float64 `json:"current_missing_share"`
	MissingPValue   float64 `json:"missing_p_value"`
	MissingDrifted  bool    `json:"missing_drifted"` // the share of missing values moved

	Bins    []string  `json:"bins"`           // histogram bin labels
	RefHist []float64 `json:"reference_hist"` // reference proportions per bin
	CurHist []float64 `json:"current_hist"`   // current proportions per bin
}

// Severity orders results: how far past (> 1) or short of (< 1) its
// threshold a column is, on a common scale (−log p / −log threshold for
// tests, score / threshold for distances); 0 without data.
func (r *ColumnResult) Severity() float64 {
	if r.Status != StatusOK {
		return 0
	}
	if !math.IsNaN(r.PValue) {
		p := math.Max(r.PValue, 1e-300)
		return math.Log(p) / math.Log(r.Threshold)
	}
	return r.Score / r.Threshold
}

// Report is the result of comparing current data with a reference.
type Report struct {
	Columns        []ColumnResult `json:"columns"`         // by descending severity
	Drifted        int            `json:"drifted_columns"` // columns whose values drifted
	Tested         int            `json:"tested_columns"`  // columns with enough data
	Share          float64        `json:"drift_share"`     // Drifted / Tested (0 when none tested)
	ShareThreshold float64        `json:"share_threshold"`
	DatasetDrift   bool           `json:"dataset_drift"` // Share ≥ ShareThreshold with at least one column tested

	// Performance, when set, is the last window of a PerformanceMonitor
	// (see MonitorOptions.Performance); Compare leaves it nil.
	Performance *PerformanceResult `json:"performance,omitempty"`
}

// Column returns the result for the named column, or nil.
func (r *Report) Column(name string) *ColumnResult {
	for i := range r.Columns {
		if r.Columns[i].Column == name {
			return &r.Columns[i]
		}
	}
	return nil
}

// Compare tests every column of the reference profile ref against the same
// column of cur, with the method CompareOptions.Methods names, else the one
// ProfileOptions.Methods of ref names, else the default rule (see the
// package documentation). Columns of cur that ref does not have, or of
// another kind, are errors, as are unknown methods; a detector's error is
// reported in its column (StatusError), which then counts as not tested.
func Compare(ref, cur *Profile, opts *CompareOptions) (*Report, error) {
	o := opts.withDefaults()
	if err := checkMethods(ref, o.Methods); err != nil {
		return nil, err
	}
	if err := checkMethods(ref, ref.opts.Methods); err != nil {
		return nil, err
	}
	for name := range o.Thresholds {
		if ref.Column(name) == nil {
			return nil, &ColumnError{Column: name, Err: ErrUnknownColumn}
		}
	}
	for _, cc := range cur.Columns {
		rc := ref.Column(cc.Name)
		if rc == nil {
			return nil, &ColumnError{Column: cc.Name, Err: ErrUnknownColumn}
		}
		if rc.Kind != cc.Kind {
			return nil, &ColumnError{Column: cc.Name, Value: cc.Kind.String(), Err: ErrKindMismatch}
		}
	}
	rep := &Report{ShareThreshold: o.DriftShare}
	for _, rc := range ref.Columns {
		cc := cur.Column(rc.Name)
		if cc == nil {
			continue
		}
		r, err := compareColumn(rc, cc, ref.opts, o)
		if err != nil {
			return nil, &ColumnError{Column: rc.Name, Err: err}
		}
		if r.Status == StatusOK {
			rep.Tested++
			if r.Drifted {
				rep.Drifted++
			}
		}
		rep.Columns = append(rep.Columns, r)
	}
	if rep.Tested > 0 {
		rep.Share = float64(rep.Drifted) / float64(rep.Tested)
		rep.DatasetDrift = rep.Share >= rep.ShareThreshold
	}
	slices.SortStableFunc(rep.Columns, func(a, b ColumnResult) int {
		if a.Drifted != b.Drifted || a.MissingDrifted != b.MissingDrifted {
			return cmp.Compare(rank(b), rank(a))
		}
		return cmp.Compare(b.Severity(), a.Severity())
	})
	return rep, nil
}

// checkMethods checks that every column named in methods is in ref and
// every method is registered.
func checkMethods(ref *Profile, methods map[string]Method) error {
	for name, m := range methods {
		if _, err := Lookup(m); err != nil {
			return &ColumnError{Column: name, Value: string(m), Err: err}
		}
		if ref.Column(name) == nil {
			return &ColumnError{Column: name, Err: ErrUnknownColumn}
		}
	}
	return nil
}

func rank(r ColumnResult) int {
	n := 0
	if r.Drifted {
		n += 2
	}
	if r.MissingDrifted {
		n++
	}
	return n
}

// defaultMethod is the rule of the package documentation (Evidently's).
func defaultMethod(kind Kind, refRows uint64, unique int) Method {
	if refRows <= 1000 {
		if kind == Numeric && unique > 5 {
			return KSTest
		}
		if unique > 2 {
			return ChiSquareTest
		}
		return ZTestMethod
	}
	if kind == Numeric && unique > 5 {
		return WassersteinN
	}
	return JSDistance
}

func compareColumn(rc, cc *ColumnProfile, po ProfileOptions, o CompareOptions) (ColumnResult, error) {
	r := ColumnResult{
		Column: rc.Name, Kind: rc.Kind.String(), Status: StatusOK,
		RefCount: rc.Count, CurCount: cc.Count, PValue: math.NaN(), MissingPValue: math.NaN(),
		RefMissingShare: rc.MissingShare(), CurMissingShare: cc.MissingShare(),
	}
	if rc.Count+rc.Missing > 0 && cc.Count+cc.Missing > 0 {
		_, p := ZTest(float64(rc.Missing), float64(rc.Count+rc.Missing), float64(cc.Missing), float64(cc.Count+cc.Missing))
		r.MissingPValue = p
		r.MissingDrifted = p < o.MissingAlpha && math.Abs(r.CurMissingShare-r.RefMissingShare) >= o.MissingMinChange
	}
	data := ColumnData{Name: rc.Name, Kind: rc.Kind}
	var vals valueTable
	if rc.Kind == Numeric {
		rv, cv := rc.sorted(true), cc.sorted(false)
		data.Ref, data.Cur = Sample{rv.vals, rv.wts}, Sample{cv.vals, cv.wts}
		data.RefError, data.CurError = rc.sketch.Epsilon(), cc.sketch.Epsilon()
		data.RefStd = rc.Std
		vals = numericValues(rv, cv)
		r.Approx = data.RefError > 0 || data.CurError > 0
		data.Bins, data.RefHist, data.CurHist = numericHist(rc, rv, cv, po.LeftClosed)
	} else {
		vals = categoricalValues(rc, cc)
		data.Bins, data.RefHist, data.CurHist = vals.labels, vals.ref, vals.cur
	}
	data.Values, data.RefValues, data.CurValues, data.Unique = vals.labels, vals.ref, vals.cur, vals.unique
	r.Unique = vals.unique
	m, ok := o.Methods[rc.Name]
	if !ok {
		m, ok = po.Methods[rc.Name]
	}
	if !ok {
		m = defaultMethod(rc.Kind, rc.Count, vals.unique)
	}
	r.Method = m
	d, err := Lookup(m)
	if err != nil {
		return r, err
	}
	r.Threshold = d.DefaultThreshold()
	if t, ok := o.Thresholds[rc.Name]; ok {
		r.Threshold = t
	}
	r.Bins, r.RefHist, r.CurHist = data.Bins, proportions(data.RefHist), proportions(data.CurHist)
	if cc.Count < o.MinCount || rc.Count == 0 {
		r.Status = StatusNotEnoughData
		r.Score = math.NaN()
		return r, nil
	}
	det, err := d.Detect(&data, r.Threshold)
	switch {
	case errors.Is(err, ErrNotEnoughData):
		r.Status, r.Score = StatusNotEnoughData, math.NaN()
		return r, nil
	case err != nil:
		r.Status, r.Score = StatusError, math.NaN()
		r.Error = fmt.Sprintf("method %s: %v", m, err)
		return r, nil
	}
	r.Score, r.PValue, r.Drifted = det.Score, det.PValue, det.Drifted
	return r, nil
}

// valueTable holds aligned counts of distinct values (numeric columns with
// few values, categorical columns).
type valueTable struct {
	labels   []string
	ref, cur []float64
	unique   int
}

// numericValues counts distinct held values over both sketches; only used
// as a table when there are at most 5. Once a sixth value is seen only the
// count matters, which countDistinct takes over.
func numericValues(rv, cv *sortedView) valueTable {
	a, wa, b, wb := rv.vals, rv.wts, cv.vals, cv.wts
	var t valueTable
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var x float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			x = a[i]
		} else {
			x = b[j]
		}
		if t.unique == 5 {
			t.unique += countDistinct(a[i:], b[j:])
			return valueTable{unique: t.unique}
		}
		var cr, cu uint64
		for i < len(a) && a[i] == x {
			cr += wa[i]
			i++
		}
		for j < len(b) && b[j] == x {
			cu += wb[j]
			j++
		}
		t.unique++
		t.labels = append(t.labels, strconv.FormatFloat(x, 'g', 6, 64))
		t.ref = append(t.ref, float64(cr))
		t.cur = append(t.cur, float64(cu))
	}
	return t
}

// countDistinct returns the number of distinct values (under ==) over
// the sorted a and b, not both empty. It merges them one item a step,
// without a data-dependent branch while both have items, and counts the
// items that differ from the one before.
func countDistinct(a, b []float64) int {
	prev := math.NaN() // differs from the first item
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		le := x <= y
		v := math.Float64frombits(pick(le, math.Float64bits(x), math.Float64bits(y)))
		n += int(pick(v != prev, 1, 0))
		di := pick(le, 1, 0)
		i += int(di)
		j += int(1 - di)
		prev = v
	}
	for _, x := range a[i:] {
		if x != prev {
			n++
			prev = x
		}
	}
	for _, y := range b[j:] {
		if y != prev {
			n++
			prev = y
		}
	}
	return n
}

// categoricalValues aligns the current counts to the reference categories;
// current values the reference does not list go to an "other" bucket.
func categoricalValues(rc, cc *ColumnProfile) valueTable {
	var t valueTable
	idx := make(map[string]int, len(rc.Categories))
	for _, c := range rc.Categories {
		idx[c.Value] = len(t.labels)
		t.labels = append(t.labels, c.Value)
		t.ref = append(t.ref, float64(c.Count))
		t.cur = append(t.cur, 0)
	}
	otherRef, otherCur := float64(rc.Other), float64(cc.Other)
	for _, c := range cc.Categories {
		if i, ok := idx[c.Value]; ok {
			t.cur[i] += float64(c.Count)
		} else {
			otherCur += float64(c.Count)
		}
	}
	t.unique = len(t.labels)
	if otherRef > 0 || otherCur > 0 {
		t.labels = append(t.labels, otherLabel)
		t.ref = append(t.ref, otherRef)
		t.cur = append(t.cur, otherCur)
		t.unique++
	}
	// Categories seen in neither sample do not count as values.
	for i := range t.ref {
		if i < len(rc.Categories) && t.ref[i] == 0 && t.cur[i] == 0 {
			t.unique--
		}
	}
	return t
}

// otherLabel names the bucket of values beyond the reference categories.
const otherLabel = "(other)"

// numericHist counts both sketches into the reference bins.
func numericHist(rc *ColumnProfile, rv, cv *sortedView, leftClosed bool) ([]string, []float64, []float64) {
	n := len(rc.Edges) + 1
	ref, cur := make([]float64, n), make([]float64, n)
	binSorted(ref, rc.Edges, rv.vals, rv.wts, leftClosed)
	binSorted(cur, rc.Edges, cv.vals, cv.wts, leftClosed)
	return binLabels(rc.Edges, leftClosed), ref, cur
}

func proportions(c []float64) []float64 {
	s := sumF(c)
	out := make([]float64, len(c))
	if s > 0 {
		for i, v := range c {
			out[i] = v / s
		}
	}
	return out
}

// MarshalJSON encodes the result; NaN scores and p-values become null.
func (r ColumnResult) MarshalJSON() ([]byte, error) {
	type plain ColumnResult
	return json.Marshal(struct {
		plain
		Score         *float64 `json:"score"`
		PValue        *float64 `json:"p_value"`
		MissingPValue *float64 `json:"missing_p_value"`
		Severity      float64  `json:"severity"`
	}{plain(r), finite(r.Score), finite(r.PValue), finite(r.MissingPValue), r.Severity()})
}
