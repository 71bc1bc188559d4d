package retrain

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/loomml/loom/evaluate"
	"github.com/loomml/loom/train"
)

// Policy says what a run does with a challenger that passed its gates.
type Policy string

// The policies.
const (
	// PolicyPromote moves the champion alias to the challenger at once.
	PolicyPromote Policy = "promote"
	// PolicyCanary moves the canary alias to the challenger, with
	// Options.CanaryPercent of the traffic, and promotes it after
	// Options.Soak unless a live breach was reported for it meanwhile. A
	// first model, with no champion to compare traffic with, is promoted
	// at once.
	PolicyCanary Policy = "canary"
	// PolicyApproval stops at "registered, awaiting approval":
	// Loop.Approve promotes it.
	PolicyApproval Policy = "approval"
)

// Margin is a gate comparing the challenger with the champion on the
// same holdout: the challenger's metric must beat the champion's by at
// least By (in the metric's units, in its better direction) with the
// confidence of the bootstrap interval, that is, the lower end of the
// paired-bootstrap interval of the difference (the upper end of its
// negative for a loss) must be at least By. A By of 0 asks that the
// challenger be better with confidence; a negative By tolerates a small
// loss ("not worse by more than 0.01").
type Margin struct {
	Metric string  `json:"metric"`
	By     float64 `json:"by"`
}

// String describes the margin, such as "roc_auc beats the champion by
// >= 0.005 (lower bound of the bootstrap interval)".
func (m Margin) String() string {
	return fmt.Sprintf("%s beats the champion by >= %g with confidence", m.Metric, m.By)
}

// Options configure a Loop. A zero field means its default.
type Options struct {
	// Alias is the champion's alias (default "champion"); CanaryAlias
	// the canary's (default "canary"). A service follows both (see
	// package serve: Follow, Options.Challenger and CanaryPercent). With
	// PolicyCanary, the canary alias points at the champion whenever no
	// canary runs (from the first promotion on, and again after a canary
	// is promoted or fails and after a rollback), so the canary's share
	// of the traffic goes to the champion then.
	Alias, CanaryAlias string
	// Policy for a challenger that passed its gates (default
	// PolicyPromote).
	Policy Policy
	// CanaryPercent is the canary's share of the traffic in percent,
	// recorded on the version as the tag TagCanaryPercent (default 10);
	// Soak how long the canary takes traffic before it is promoted
	// (default 24 hours).
	CanaryPercent float64
	Soak          time.Duration
	// Watch is the window after a promotion in which a live breach of
	// the new champion rolls the alias back to the previous champion
	// (default 7 days). After it, a breach triggers a retrain instead.
	Watch time.Duration

	// Gates are checked on the challenger's evaluation on the holdout;
	// Relative gates take the champion's metrics on the same holdout as
	// the baseline (and are skipped when there is no champion yet).
	Gates []evaluate.Gate
	// Beat are the margins by which the challenger must beat the
	// champion (skipped when there is no champion yet).
	Beat []Margin
	// Metrics evaluated (default roc_auc, accuracy, log_loss, brier);
	// every metric of Gates and Beat is added.
	Metrics []string
	// Bootstrap of the intervals (default 200 resamples, seed 1).
	Bootstrap *evaluate.BootstrapOptions
	// Holdout splits the valid fresh rows into training and holdout rows
	// (default train.Holdout{Stratify: true, Seed: 1}).
	Holdout train.Splitter
	// MaxQuarantined is the share of fresh rows the contract may reject
	// before the run stops with OutcomeInvalidData (default 0.1); the
	// rejected rows are left out of the fit.
	MaxQuarantined float64

	// Schedule of scheduled runs; nil means none. Any run resets it.
	Schedule Schedule
	// Budget bounds the time a run spends fetching, validating, fitting
	// and evaluating; 0 means no bound. A run over budget ends as
	// OutcomeFailed, having registered nothing.
	Budget time.Duration
	// LeaseTTL is how long the lease of a running replica lasts without
	// renewal (default 1 minute); it is renewed every LeaseTTL/3 while a
	// run works.
	LeaseTTL time.Duration
	// Owner names this replica in the lease and the records (default
	// "<host>-<pid>-<random>"). Two loops must not share an Owner.
	Owner string

	// Clock (default the system clock).
	Clock Clock
	// OnRecord, if set, receives each record as its run finishes (and a
	// canary run's record when its soak begins), on the goroutine of
	// Step.
	OnRecord func(Record)
	// Logger receives errors of Run's steps; nil means none are logged.
	Logger *slog.Logger
	// TracerProvider and MeterProvider; nil means the global providers.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Alias, "champion")
	def(&o.CanaryAlias, "canary")
	if o.Policy == "" {
		o.Policy = PolicyPromote
	}
	switch o.Policy {
	case PolicyPromote, PolicyCanary, PolicyApproval:
	default:
		panic(fmt.Sprintf("retrain: unknown policy %q", o.Policy))
	}
	if o.CanaryPercent == 0 {
		o.CanaryPercent = 10
	}
	if o.CanaryPercent < 0 || o.CanaryPercent > 100 {
		panic(fmt.Sprintf("retrain: CanaryPercent must be in (0, 100], got %v", o.CanaryPercent))
	}
	durs := []*time.Duration{&o.Soak, &o.Watch, &o.LeaseTTL}
	for i, d := range []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, time.Minute} {
		if *durs[i] == 0 {
			*durs[i] = d
		}
		if *durs[i] < 0 {
			panic(fmt.Sprintf("retrain: Soak, Watch and LeaseTTL must not be negative, got %v", *durs[i]))
		}
	}
	if o.Budget < 0 {
		panic(fmt.Sprintf("retrain: Budget must not be negative, got %v", o.Budget))
	}
	if err := evaluate.ValidateGates(o.Gates); err != nil {
		panic(fmt.Sprintf("retrain: Options.Gates: %v", err))
	}
	if o.Metrics == nil {
		o.Metrics = []string{"roc_auc", "accuracy", "log_loss", "brier"}
	}
	add := func(m string) {
		for _, have := range o.Metrics {
			if have == m {
				return
			}
		}
		o.Metrics = append(o.Metrics, m)
	}
	o.Metrics = append([]string(nil), o.Metrics...)
	for _, g := range o.Gates {
		add(g.Metric)
	}
	for _, m := range o.Beat {
		if _, err := evaluate.Metric(m.Metric); err != nil {
			panic(fmt.Sprintf("retrain: Options.Beat: %v", err))
		}
		add(m.Metric)
	}
	if o.Bootstrap == nil {
		o.Bootstrap = &evaluate.BootstrapOptions{Resamples: 200, Seed: 1}
	}
	if o.Holdout == nil {
		o.Holdout = train.Holdout{Stratify: true, Seed: 1}
	}
	if o.MaxQuarantined == 0 {
		o.MaxQuarantined = 0.1
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		o.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), rand.Text()[:8])
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	return o
}
