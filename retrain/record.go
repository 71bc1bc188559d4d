package retrain

import (
	"time"

	"github.com/loomml/loom/contract"
	"github.com/loomml/loom/evaluate"
)

// Outcome is how a run (or a rollback) ended.
type Outcome string

// The outcomes of a run.
const (
	OutcomePromoted         Outcome = "promoted"          // the challenger is the champion (directly or after its canary soak)
	OutcomeCanary           Outcome = "canary"            // in flight: the challenger takes canary traffic until the soak ends
	OutcomeAwaitingApproval Outcome = "awaiting-approval" // registered and passed the gates; Loop.Approve promotes it
	OutcomeRejected         Outcome = "rejected"          // registered, but failed the gates or did not beat the champion
	OutcomeCanaryFailed     Outcome = "canary-failed"     // its canary breached a live threshold; the canary alias was removed
	OutcomeInvalidData      Outcome = "invalid-data"      // the fresh data failed its contract: nothing was fitted or registered
	OutcomeFailed           Outcome = "failed"            // an error (fetch, fit, budget, store); nothing was promoted
	OutcomeAbandoned        Outcome = "abandoned"         // interrupted (a killed process, a lost lease) and not resumable
	OutcomeRolledBack       Outcome = "rolled-back"       // a rollback record: the champion breached a threshold in its watch window
)

// Step is the duration of one step of a run.
type Step struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration_ns"`
}

// Record is what one run did: why it started, how long each step took,
// what the data and the gates said, which versions it compared and how it
// ended. A finished record is stored as a version of the loop's companion
// model (see Loop.Records) and is returned by RunNow and Step.
type Record struct {
	ID        string    `json:"id"`
	Model     string    `json:"model"`
	Trigger   Trigger   `json:"trigger"`
	Coalesced int       `json:"coalesced,omitempty"` // further triggers folded into this run
	Owner     string    `json:"owner"`               // the replica that ran it (the last one, after a resume)
	Start     time.Time `json:"start"`
	End       time.Time `json:"end,omitzero"`
	Steps     []Step    `json:"steps,omitempty"`
	Outcome   Outcome   `json:"outcome"`
	Reasons   []string  `json:"reasons,omitempty"`
	Error     string    `json:"error,omitempty"`

	// Rows fetched, Valid after the contract's quarantine, and the
	// fingerprint of the training rows (model.Lineage.DataFingerprint).
	Rows            int    `json:"rows,omitempty"`
	Valid           int    `json:"valid,omitempty"`
	DataFingerprint string `json:"data_fingerprint,omitempty"`
	// Contract is the validation report of data that failed its contract.
	Contract *contract.Report `json:"contract,omitempty"`

	// Champion is the version the challenger was compared with (its
	// parent; 0 when there was none) and Challenger the version
	// registered (0 when none was).
	Champion   int `json:"champion,omitempty"`
	Challenger int `json:"challenger,omitempty"`
	// Metrics of the challenger and of the champion on the same holdout.
	Metrics         map[string]float64 `json:"metrics,omitempty"`
	ChampionMetrics map[string]float64 `json:"champion_metrics,omitempty"`
	// Differences are challenger minus champion with paired-bootstrap
	// intervals; Verdict the gates' verdict (Options.Gates and
	// Options.Beat together).
	Differences []evaluate.Difference `json:"differences,omitempty"`
	Verdict     *evaluate.Verdict     `json:"verdict,omitempty"`

	// CanaryPercent and SoakUntil describe a canary.
	CanaryPercent float64   `json:"canary_percent,omitempty"`
	SoakUntil     time.Time `json:"soak_until,omitzero"`
}

func (r *Record) step(name string, d time.Duration) {
	r.Steps = append(r.Steps, Step{Name: name, Duration: d})
}
