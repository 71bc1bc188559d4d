//go:build race

package drift

// raceEnabled reports a -race build, where the large statistical tests run
// smaller (the race detector slows them tenfold and checks nothing there).
const raceEnabled = true
