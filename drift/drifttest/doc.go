// Package drifttest is a conformance suite for drift.Detector
// implementations, in the manner of testing/slogtest and registrytest: a
// detector registered with drift.Register must pass Run.
//
//	func init() { drift.Register("energy", energyDetector{}) }
//
//	func TestEnergyDetector(t *testing.T) { drifttest.Run(t, "energy") }
//
// The suite checks that the default threshold is finite; that identical
// reference and current data (numeric and categorical) do not drift and a
// gross shift does, for every kind the detector supports (see
// drift.KindSupporter), while an unsupported kind never drifts; that a
// constant column equal to its reference does not drift; that the
// threshold changes only the verdict, never the score or p-value; that
// Detect is deterministic, does not modify its input and is safe for
// concurrent use (run it with -race); and that the detector is chosen by
// name in CompareOptions.Methods, in ProfileOptions.Methods and in a
// Monitor, with its default threshold, and named in the HTML report.
// Scores must be finite and p-values NaN or in [0, 1].
package drifttest
