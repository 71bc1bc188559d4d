//go:build race

package contract

// raceEnabled reports a -race build, where sync.Pool drops items at random
// (so pooled paths allocate) and allocation counts are not meaningful.
const raceEnabled = true
