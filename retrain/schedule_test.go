package retrain_test

import (
	"context"
	"testing"
	"time"

	"github.com/loomml/loom/retrain"
)

func TestScheduleNext(t *testing.T) {
	mon := time.Date(2026, 1, 5, 3, 0, 0, 0, time.UTC) // a Monday
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	tests := []struct {
		name  string
		s     retrain.Schedule
		after time.Time
		want  time.Time
	}{
		{"every 6h", retrain.Every(6 * time.Hour), mon, mon.Add(6 * time.Hour)},
		{"weekly on Monday, just past", retrain.Calendar{Weekdays: []time.Weekday{time.Monday}, Hour: 3}, mon, mon.AddDate(0, 0, 7)},
		{"weekly on Monday, just before", retrain.Calendar{Weekdays: []time.Weekday{time.Monday}, Hour: 3}, mon.Add(-time.Second), mon},
		{"daily 02:30", retrain.Calendar{Hour: 2, Minute: 30}, mon, time.Date(2026, 1, 6, 2, 30, 0, 0, time.UTC)},
		{"Tue and Fri", retrain.Calendar{Weekdays: []time.Weekday{time.Friday, time.Tuesday}, Hour: 3}, time.Date(2026, 1, 6, 4, 0, 0, 0, time.UTC), time.Date(2026, 1, 9, 3, 0, 0, 0, time.UTC)},
		{"Sunday midnight from Saturday", retrain.Calendar{Weekdays: []time.Weekday{time.Sunday}}, time.Date(2026, 1, 10, 23, 59, 0, 0, time.UTC), time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC)},
		{"in a location", retrain.Calendar{Hour: 3, Location: paris}, mon, time.Date(2026, 1, 6, 3, 0, 0, 0, paris)},
	}
	for _, tc := range tests {
		if got := tc.s.Next(tc.after); !got.Equal(tc.want) {
			t.Errorf("%s: Next(%v) = %v; want %v", tc.name, tc.after, got, tc.want)
		}
	}
}

func TestScheduleAndNewDataTrigger(t *testing.T) {
	clock := retrain.NewManualClock(epoch)
	dir := testDir(t)
	w := &world{}
	w.set(accounts(600, 1, 0, false))
	o := testOptions(clock)
	o.Schedule = retrain.Every(7 * 24 * time.Hour)
	l := retrain.New(openReg(t, dir, clock), accountSpec(), w.fetch(), o)
	if recs := step(t, l); len(recs) != 0 {
		t.Fatalf("the schedule ran at once: %+v", recs)
	}
	clock.Advance(6 * 24 * time.Hour)
	if recs := step(t, l); len(recs) != 0 {
		t.Fatalf("the schedule ran early: %+v", recs)
	}
	clock.Advance(24 * time.Hour)
	if r := only(t, step(t, l)); r.Trigger.Kind != retrain.KindSchedule {
		t.Fatalf("record %+v; want a scheduled run", r)
	}
	// Another replica sees in the store that the schedule ran.
	o2 := testOptions(clock)
	o2.Schedule, o2.Owner = o.Schedule, "replica-b"
	l2 := retrain.New(openReg(t, dir, clock), accountSpec(), w.fetch(), o2)
	clock.Advance(time.Hour)
	if recs := step(t, l2); len(recs) != 0 {
		t.Fatalf("the other replica ran the schedule again: %+v", recs)
	}

	// New data: a version differing from the last run's triggers a run,
	// once, whichever replica reports it.
	l.NewData("2026-w03")
	if r := only(t, step(t, l)); r.Trigger.Kind != retrain.KindData || r.Trigger.DataVersion != "2026-w03" {
		t.Fatalf("record %+v; want a data-triggered run", r)
	}
	l.NewData("2026-w03")
	l2.NewData("2026-w03")
	if recs := append(step(t, l), step(t, l2)...); len(recs) != 0 {
		t.Fatalf("the same data version ran again: %+v", recs)
	}
	l2.NewData("2026-w04")
	if r := only(t, step(t, l2)); r.Trigger.DataVersion != "2026-w04" || r.Owner != "replica-b" {
		t.Fatalf("record %+v", r)
	}
	st, _ := l.Status(context.Background())
	if st.DataVersion != "2026-w04" || !st.LastSchedule.Equal(clock.Now()) {
		t.Errorf("status %+v", st)
	}
}
