//go:build race

package forest_test

// raceEnabled reports a -race build, where the large reference fits are
// left out to keep the package fast.
const raceEnabled = true
