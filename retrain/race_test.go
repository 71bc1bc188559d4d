//go:build race

package retrain_test

// raceEnabled reports a -race build, which is several times slower: the
// kill test then interrupts each step boundary once, not at every
// occurrence.
const raceEnabled = true
