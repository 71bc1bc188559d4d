// Package evalhtml renders an evaluate.Report as one self-contained HTML
// page: inline CSS, plots drawn by gonum.org/v1/plot as inline SVG, no
// scripts and no external assets, so the file can be mailed, archived or
// attached to a pull request and opened anywhere.
//
// It is a package of its own so that a program that evaluates or serves
// models but writes no HTML does not link the plotting library and its
// fonts (several megabytes): package evaluate computes, evalhtml draws.
package evalhtml
