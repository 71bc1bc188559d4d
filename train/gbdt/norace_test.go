//go:build !race

package gbdt_test

const raceEnabled = false
