//go:build race

package xgboost_test

const raceEnabled = true
