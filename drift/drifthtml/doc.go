// Package drifthtml renders a drift.Report as one self-contained HTML page,
// as readable as Evidently's data drift preset: the data set verdict with
// its rule, a summary table of every column, then per column a card and
// the reference and current histograms side by side, drawn by
// gonum.org/v1/plot as inline SVG. No script, nothing from the network.
//
// It is a package of its own so that a service that monitors drift but
// writes no HTML does not link the plotting library and its fonts.
package drifthtml
