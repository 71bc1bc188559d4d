//go:build race

package serve

// raceEnabled reports a -race build, where sync.Pool drops items at random
// (to expose misuse), so allocation counts of pooled paths are not zero.
const raceEnabled = true
