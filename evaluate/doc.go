// Package evaluate measures models and decides whether they may ship:
// metrics that agree with scikit-learn 1.2, bootstrap confidence
// intervals, metrics per slice with fairness gaps, champion/challenger
// comparisons, declarative gates with a verdict, and JSON and HTML
// reports. It works on plain slices and knows nothing of Loom's other
// packages, so it can be used alone.
//
// # Overview
//
// Functions named after scikit-learn metrics take the true labels, the
// predictions and optional sample weights (nil means 1 each):
//
//   - Classification counts: ConfusionMatrix, whose methods give
//     Accuracy, BalancedAccuracy, Precision, Recall, F1 (Binary, Micro,
//     Macro or Weighted averages, with zero_division), MCC and CohenKappa.
//   - Ranking: ROCAUC, ROCCurve, PRCurve, AveragePrecision and
//     ROCAUCMulticlass (one-vs-rest, macro or weighted).
//   - Probabilities: LogLoss, LogLossMulticlass, BrierScore,
//     CalibrationCurve (uniform or quantile bins) and Reliability.ECE.
//   - Operating points: ThresholdMaxF1, ThresholdForPrecision,
//     ThresholdForRecall.
//   - Regression: MAE, MSE, RMSE, R2, MAPE, MedianAE, ExplainedVariance.
//
// Binary labels are 0 and 1, 1 being the positive class; multiclass labels
// are 0..k-1 with k declared by the caller, and class probabilities are a
// row-major n×k []float64. Each doc comment states the definition and the
// scikit-learn call it matches, including edge cases: tied scores form one
// point of a curve (a tie between a positive and a negative counts one
// half in AUC), log loss clips probabilities to [2^-52, 1-2^-52],
// zero_division is a parameter, constant targets give R² of 1 or 0.
// Reference cases made by scikit-learn 1.2.1 (testdata/gen_reference.py)
// agree to 1e-9, counts exactly.
//
// The evaluation of a binary classifier goes through Predictions (labels,
// scores, threshold, weights) and the metrics named by MetricNames:
//
//	p := &evaluate.Predictions{Labels: y, Scores: scores}
//	auc, err := evaluate.Compute(p, "roc_auc")
//	iv, err := evaluate.BootstrapMetric(ctx, p, "roc_auc", &evaluate.BootstrapOptions{Seed: 1})
//	sl, err := evaluate.Slices(p, evaluate.GroupBy(rows, func(r *Row) string { return r.Region }), nil)
//	cmp, err := evaluate.Compare(ctx, champion, p, nil, nil)
//
// Gates are data: ParseGates reads a JSON array such as
//
//	[{"metric": "roc_auc",  "kind": "absolute", "op": ">=", "value": 0.85},
//	 {"metric": "log_loss", "kind": "relative", "op": "<=", "value": 0.01},
//	 {"metric": "recall",   "kind": "slice",    "op": ">=", "value": 0.8}]
//
// and Check turns them and the Evidence into a Verdict. NewReport does all
// of it at once; Report.WriteJSON renders the result as JSON and package
// evaluate/evalhtml as a self-contained HTML page.
// The HTML page is self-contained (inline CSS and SVG plots drawn with
// gonum.org/v1/plot, no script, no external asset): verdict, metric table
// with intervals, ROC, precision-recall, calibration and confusion-matrix
// plots, comparison table, slice table, and the importances of the
// columns when the report carries them (ReportOptions.Importances).
//
// # Importance
//
// PermutationImportance measures which columns a model relies on: the
// drop of a metric when one column's values are shuffled across the
// examples, breaking its link with the label while keeping its
// distribution. It is generic: the caller supplies a function scoring the
// model with one column shuffled (package model shuffles a declared input
// column of the user's rows and recomputes the features: model.Importance).
// Each column is shuffled Repeats times (5 by default); an Importance
// holds the mean drop (Value), the standard deviation of the drops (with
// divisor n, as scikit-learn's importances_std) and a Student t interval
// of the mean. Reading them: a drop well above 0 means the model needs
// the column; about 0 (an interval containing 0) means it does not, which
// does not make the column uninformative (a correlated column may carry
// the same information, and shuffling one of two copies costs little); a
// negative drop is chance. Permutation importance describes the model,
// not the world: it is no causal effect. Compute it on held-out rows, so
// that it shows what generalizes rather than what was memorized.
// NewImportances wraps importances a model gives without data (tree split
// gains, linear coefficients) in the same form.
//
// # Statistics
//
// Bootstrap intervals are percentile intervals. A resample is given to the
// statistic as multiplicities, used as sample weights, so a metric is
// recomputed without copying data, and ranking metrics reuse one sort of
// the scores. Resample r draws from PCG(seed, r): the interval depends on
// the seed only, not on the number of workers or on scheduling.
// Resamples where the metric is undefined (a resample with one class) are
// counted in Interval.Failed and left out.
//
// Compare bootstraps the difference challenger - champion with the same
// resamples for both (a paired bootstrap) and runs McNemar's test on the
// examples exactly one model classifies correctly: exact binomial when
// there are fewer than 25 such examples, else chi-square with continuity
// correction (statsmodels' mcnemar with exact=True and exact=False).
//
// Shuffle r of column j draws from PCG(seed, j·Repeats+r), so
// permutation importances too depend on the seed only.
//
// Slices reports each group's metrics, the demographic parity difference
// (spread of selection rates), the equal opportunity difference (spread of
// true positive rates over groups that have positives) and the worst slice
// per metric.
//
// # Errors
//
// Bad data returns errors: *LengthError for mismatched lengths,
// *InputError (field, index, value) for NaN or infinite numbers, labels
// outside the declared classes and values out of range, ErrEmpty for no
// examples, ErrSingleClass where a metric needs both classes (ROC AUC),
// ErrUndefined where a weighted mean has zero total weight, *MetricError
// naming a metric that is undefined, *GateError (index, field, value) for
// a bad gate. All wrap the package's sentinels, tested with errors.Is.
// Programmer mistakes panic with an "evaluate: " message: fewer than two
// classes, an average that does not apply, a confidence level outside
// (0, 1).
//
// A metric may be NaN only where scikit-learn's is and the doc comment
// says so (CohenKappa). Reports record an undefined metric with its reason
// and write it as null in JSON; a Verdict never holds NaN: a gate on an
// undefined or missing metric fails with a reason.
//
// # Concurrency
//
// Functions keep no state between calls and are safe for concurrent use.
// Bootstrap runs on BootstrapOptions.Workers goroutines (default
// GOMAXPROCS) through an errgroup, stops at the first cancellation of its
// context, and returns only after every goroutine has ended. Inputs are
// read, never modified.
//
// # Performance
//
// Scores are ordered by an LSD radix sort on 11-bit digits, O(n); an
// unweighted ROCAUC sorts 8-byte keys that carry the label in their low
// bit. ROCAUC of 1,000,000 scores costs about 100 ms of CPU time
// (BenchmarkROCAUC; wall time is higher when the machine is shared). A
// bootstrap replicate of a ranking metric reuses one sort of the scores
// and costs O(n): 1,000 resamples of AUC on 100,000 examples cost about
// 2.5 s of CPU spread over both cores (BenchmarkBootstrap). Metric
// functions allocate their outputs and O(n) scratch space; sort buffers
// are pooled.
package evaluate
