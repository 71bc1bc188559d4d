package retrain

import (
	"fmt"
	"slices"
	"time"
)

// Kind says what started a run.
type Kind string

// The kinds of trigger.
const (
	KindManual      Kind = "manual"      // a call of Loop.Trigger or Loop.RunNow
	KindSchedule    Kind = "schedule"    // Options.Schedule came due
	KindDrift       Kind = "drift"       // a drift monitor's dataset drift (Loop.OnDrift)
	KindPerformance Kind = "performance" // a performance monitor's drop (Loop.OnPerformance)
	KindData        Kind = "data"        // a new data version (Loop.NewData)
	KindResume      Kind = "resume"      // a run interrupted before its challenger was registered, run again
)

// Trigger is why a run starts.
type Trigger struct {
	Kind   Kind      `json:"kind"`
	Reason string    `json:"reason,omitempty"`
	Time   time.Time `json:"time"`
	// DataVersion is the caller's version or fingerprint of the data, for
	// KindData triggers.
	DataVersion string `json:"data_version,omitempty"`
}

// String describes the trigger, such as "drift (income drifted)".
func (t Trigger) String() string {
	if t.Reason == "" {
		return string(t.Kind)
	}
	return fmt.Sprintf("%s (%s)", t.Kind, t.Reason)
}

// Schedule says when scheduled runs are due: Next returns the first due
// time strictly after the given one. Every and Calendar implement it.
type Schedule interface {
	Next(after time.Time) time.Time
}

// Every returns a Schedule due every d after the previous scheduled run
// (the first one d after the loop first saw the schedule). It panics if d
// is not positive.
func Every(d time.Duration) Schedule {
	if d <= 0 {
		panic(fmt.Sprintf("retrain: Every needs a positive interval, got %v", d))
	}
	return every(d)
}

type every time.Duration

func (e every) Next(after time.Time) time.Time { return after.Add(time.Duration(e)) }

// Calendar is a cron-like Schedule: due at Hour:Minute on each of
// Weekdays (every day when empty), in Location (UTC when nil). For
// example, weekly on Mondays at 03:00 UTC:
//
//	retrain.Calendar{Weekdays: []time.Weekday{time.Monday}, Hour: 3}
type Calendar struct {
	Weekdays     []time.Weekday
	Hour, Minute int
	Location     *time.Location
}

// Next returns the first calendar time strictly after after.
func (c Calendar) Next(after time.Time) time.Time {
	if c.Hour < 0 || c.Hour > 23 || c.Minute < 0 || c.Minute > 59 {
		panic(fmt.Sprintf("retrain: Calendar time %02d:%02d is not a time of day", c.Hour, c.Minute))
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	t := after.In(loc)
	for i := 0; i <= 8; i++ {
		d := time.Date(t.Year(), t.Month(), t.Day()+i, c.Hour, c.Minute, 0, 0, loc)
		if d.After(after) && (len(c.Weekdays) == 0 || slices.Contains(c.Weekdays, d.Weekday())) {
			return d
		}
	}
	panic("retrain: Calendar found no day in a week") // unreachable: every weekday is in [0, 6]
}
