//go:build !race

package fastmath

const raceEnabled = false
