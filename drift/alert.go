package drift

import (
	"sync"
	"time"
)

// AlertKind says what an alert is about.
type AlertKind string

// Alert kinds.
const (
	AlertColumn  AlertKind = "column"  // a column's values drifted
	AlertMissing AlertKind = "missing" // a column's share of missing values changed
	AlertDataset AlertKind = "dataset" // the share of drifted columns reached the threshold
)

// Alert is a structured drift event, delivered to MonitorOptions.OnAlert.
type Alert struct {
	Time      time.Time  `json:"time"`
	Kind      AlertKind  `json:"kind"`
	Column    string     `json:"column,omitempty"` // empty for dataset alerts
	Method    Method     `json:"method,omitempty"`
	Score     float64    `json:"score"`     // statistic, distance, missing-share change or drift share
	PValue    float64    `json:"p_value"`   // NaN when the method has none
	Threshold float64    `json:"threshold"` // the threshold crossed
	Window    WindowInfo `json:"window"`
}

type alertKey struct {
	kind   AlertKind
	column string
}

// alerter deduplicates alerts with a cooldown per (kind, column).
type alerter struct {
	mu       sync.Mutex
	cooldown time.Duration
	last     map[alertKey]time.Time
}

// allow reports whether an alert for k may fire at now, and records it.
func (a *alerter) allow(k alertKey, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cooldown > 0 {
		if t, ok := a.last[k]; ok && now.Sub(t) < a.cooldown {
			return false
		}
	}
	a.last[k] = now
	return true
}

func (a *alerter) fire(info WindowInfo, rep *Report, o MonitorOptions) {
	if o.OnAlert == nil && o.Retrain == nil {
		return
	}
	now := info.End
	emit := func(al Alert) {
		if o.OnAlert != nil && a.allow(alertKey{al.Kind, al.Column}, now) {
			o.OnAlert(al)
		}
	}
	for _, r := range rep.Columns {
		if r.Status != StatusOK && !r.MissingDrifted {
			continue
		}
		if r.Drifted {
			emit(Alert{Time: now, Kind: AlertColumn, Column: r.Column, Method: r.Method, Score: r.Score, PValue: r.PValue, Threshold: r.Threshold, Window: info})
		}
		if r.MissingDrifted {
			emit(Alert{Time: now, Kind: AlertMissing, Column: r.Column, Method: ZTestMethod,
				Score: r.CurMissingShare - r.RefMissingShare, PValue: r.MissingPValue, Threshold: o.Compare.withDefaults().MissingAlpha, Window: info})
		}
	}
	if rep.DatasetDrift {
		emit(Alert{Time: now, Kind: AlertDataset, Score: rep.Share, PValue: nan(), Threshold: rep.ShareThreshold, Window: info})
		if o.Retrain != nil && a.allow(alertKey{kind: "retrain"}, now) {
			o.Retrain(rep)
		}
	}
}
