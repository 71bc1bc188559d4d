//go:build !race

package xgboost_test

const raceEnabled = false
