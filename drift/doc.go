// Package drift watches live data for drift away from the data a model was
// trained on: reference profiles, statistical detectors, streaming monitors
// with windows, alerts, OpenTelemetry metrics and JSON/HTML reports.
//
// # Overview
//
// At training time, BuildProfile (or a ProfileBuilder, for callers without a
// row type) summarises the training rows column by column into a Profile:
// for numeric columns the count, missing count, mean, standard deviation,
// minimum, maximum, a mergeable KLL quantile sketch and a histogram whose
// edges are the reference deciles; for categorical columns a frequency table
// capped at MaxCategories values, the rest counted as "other". Profiles merge
// (Profile.Merge) when built in shards and encode to versioned JSON
// (ProfileVersion) that travels with the model artifact.
//
// In the service, a Monitor built by NewMonitor observes rows through the
// same Column accessors (Float, FloatPtr, String, StringPtr), or raw named
// values (ObserveValues), cuts the stream into windows and compares each
// window with the reference (Compare). Predictions are monitored as one
// more column (for example Float("prediction", …)), both in the profile and
// in the monitor: prediction drift is column drift of that column. When
// labels arrive later, a PerformanceMonitor joins them to the predictions
// by request id and watches a metric for performance drift (see Delayed
// labels and performance drift).
//
//	ref := drift.BuildProfile(train, cols, nil) // or BuildProfileSeq over a stream
//	mon, err := drift.NewMonitor(ref, cols, &drift.MonitorOptions{
//		Window:  drift.Window{Rows: 10_000},
//		OnAlert: func(a drift.Alert) { log.Printf("drift: %+v", a) },
//	})
//	...
//	mon.Observe(&row) // on the request path
//
// Column accessors take a *T, as feature's do. A model declared with
// package model derives its columns, methods and thresholds from the
// declaration (model.Bundle.NewMonitor).
//
// # Detectors
//
// A detector (the Detector interface) compares one column's current data
// (ColumnData: the sorted values with counts, the histograms, the distinct
// values) with its reference and returns a score, a p-value where the test
// has one, and a verdict against a threshold. Detectors are registered by
// name (Register, like database/sql drivers; Lookup, Methods) and chosen
// by that name, a Method, per column in CompareOptions.Methods, in
// ProfileOptions.Methods (the choice then travels with the profile), in a
// Monitor (MonitorOptions.Compare) and in reports; a detector written
// outside the package is used exactly like the built-in ones, which are
// registered the same way. Package drift/drifttest is the conformance
// suite every detector should pass. The built-in detectors:
//
//   - KS ("ks"): two-sample Kolmogorov–Smirnov statistic and two-sided
//     p-value, equal to scipy.stats.ks_2samp(method="auto"): exact (SciPy's
//     lattice-path algorithms) when both samples have at most 10,000
//     values, beyond that kstwo.sf(D, round(nm/(n+m))), computed as SciPy
//     does (Durbin matrix, Pomeranz recursion, Smirnov's sum, Pelz–Good
//     series; see kstwo.go). KolmogorovSmirnov offers SciPy's three methods
//     (KSAuto, KSExact, KSAsymp) and also returns the location and sign of
//     the statistic. Drift when p ≤ 0.05. Through compacted profiles the
//     p-value is never smaller than the exact test's (see Windows and
//     memory).
//   - Wasserstein-1 as scipy.stats.wasserstein_distance, by default divided
//     by max(reference std, 0.001) ("wasserstein", drift when ≥ 0.1), or in
//     the column's units ("wasserstein_raw"). WassersteinWeighted takes
//     weights, as SciPy's u_weights and v_weights.
//   - Jensen–Shannon distance ("jensenshannon") as
//     scipy.spatial.distance.jensenshannon with the natural logarithm
//     (range [0, √ln 2]); JensenShannonBase takes another base (base 2
//     gives [0, 1]) and JensenShannonDivergence returns the divergence, the
//     distance squared. Numeric columns are binned by the reference
//     histogram: the bins are (−∞, q₁], (q₁, q₂], …, (q₉, +∞) for the
//     reference deciles qᵢ (duplicates removed), so that out-of-range
//     current values land in the outer bins; the deciles are
//     numpy.quantile's, with its default linear interpolation unless
//     ProfileOptions.Quantile names another of its methods
//     (QuantileInvertedCDF, the rule of profiles of version 1, …), and
//     ProfileOptions.LeftClosed makes the bins [qᵢ, qᵢ₊₁). QuantileEdges and
//     BinCounts do the same on raw samples. Categorical columns use the
//     reference categories plus one "(other)" bucket. Drift when ≥ 0.1.
//   - PSI ("psi") over the same bins, Σ (cᵢ − rᵢ)·ln(cᵢ/rᵢ) on proportions,
//     an empty bin counting as 0.0001 (PSIEpsilon). Drift when ≥ 0.1.
//   - Chi-square test of homogeneity ("chisquare") of the 2×k table
//     reference/current as scipy.stats.chi2_contingency(correction=False),
//     categories empty in both dropped (numeric columns: their distinct
//     values when at most 5, else the histogram bins). Drift when p < 0.05.
//     ChiSquareTable tests any r×c table, with Yates' correction on request
//     (applied, as in SciPy, only with one degree of freedom), and returns
//     the expected table.
//   - Two-proportion Z-test ("ztest") with pooled variance, for binary
//     columns: the first category (the reference's most frequent, or the
//     smallest numeric value) is "success"; ZTest takes the counts. Drift
//     when p < 0.05.
//   - L-infinity distance ("linf") between the normalised histograms, as
//     TensorFlow Data Validation uses for categorical features. Drift when
//     ≥ 0.1.
//   - Anderson–Darling k-sample test ("anderson", on request), as
//     scipy.stats.anderson_ksamp(midrank=True) of SciPy 1.10: the midrank
//     statistic A²akN of Scholz and Stephens (1987), valid with ties,
//     normalised as (A²akN − (k − 1)) / σ, on the reference and current
//     samples (the sketches' values, exact while they hold at most SketchK
//     values, like KS). The p-value is interpolated from the table of
//     critical values (significance levels 25% to 0.1%) by a quadratic fit
//     of log(level) and, as in SciPy, floored / capped at 0.1% / 25%: a
//     statistic below the 25% critical value gives 0.25 and one above the
//     0.1% critical value gives 0.001, so thresholds are meaningful only
//     inside (0.001, 0.25]. Drift when p < 0.05. It weighs the tails more
//     than KS does. Like KS it needs an order: categorical columns, and two
//     samples of one same value, get score 0 and p = 1. AndersonDarling
//     runs the test on k ≥ 2 raw samples and also returns the critical
//     values.
//
// # Default method
//
// Unless CompareOptions.Methods or the reference profile's
// ProfileOptions.Methods names one, the method of a column follows
// Evidently's rule, so results are comparable: count the unique values n
// over reference and current together. With a reference of at most 1,000
// rows: numeric with n > 5 → KS; numeric with n ≤ 5 or categorical →
// chi-square if n > 2, else the Z-test. With a larger reference: numeric
// with n > 5 → normalised Wasserstein, otherwise Jensen–Shannon.
// Thresholds can be overridden per column (CompareOptions.Thresholds). The
// data set drifts when the share of drifted columns among those tested is at
// least DriftShare (default 0.5), as in Evidently; Report.DatasetRule states
// that rule with the counts, for reports and console summaries. A column
// whose detector failed (StatusError) or lacked data counts as not tested.
//
// # Missing values, constant columns, empty windows
//
// A missing value is a nil pointer, an accessor returning ok = false, NaN or
// ±Inf; missing values never enter the statistics. The share of missing
// values is compared on its own (two-proportion Z-test p < 0.05 and an
// absolute change of at least 0.01): ColumnResult.MissingDrifted, and an
// AlertMissing alert, even when the present values did not move.
//
// A constant column never yields NaN: the statistics are defined for it
// (KS and chi-square see identical or disjoint samples, the Wasserstein
// divisor is at least 0.001, a constant reference has the two bins
// (−∞, c] and (c, +∞)). So a constant column does not drift while the
// current values equal the constant and drifts when they move away from it.
//
// A window with fewer than MinCount (default 30) present values in a column
// reports StatusNotEnoughData for it, never drift.
//
// # Windows and memory
//
// A Window is counted in rows or in time, tumbling (Panes = 1) or sliding
// (Panes > 1, advancing by one pane). Each pane keeps, per column, counters
// and a KLL sketch of the profile's SketchK (default 1,024) for numeric
// columns, and one counter per reference category (plus "other" and
// missing) for categorical columns: memory per column is fixed, whatever
// the number of observations (BenchmarkMonitorHeap10M observes 10 million
// values). While a window holds at most SketchK values of a column its
// statistics are exact; beyond, the sketch's rank error is at most 3/k
// (0.3% for k = 1,024), which bounds the error of the KS statistic by the
// sum of the two sketches' bounds; such results are flagged in
// ColumnResult.Approx.
//
// KS through profiles is exact while both sides hold at most SketchK
// values (the default k = 1,024 keeps windows of up to 1,024 values
// exact; a larger SketchK keeps larger ones exact, at about 190 bytes ×
// k per numeric column). Beyond, the p-value is that of max(D − εᵣ − ε꜀, 0),
// where εᵣ and ε꜀ are the sketches' rank-error bounds: it is never smaller
// than the exact test's p-value while the bounds hold, so the profile path
// never claims significance that the exact test would not. The price is
// power: differences below εᵣ + ε꜀ (0.59% for two compacted sketches of
// k = 1,024) are not detected. Comparing two 1,000,000-value profiles of
// one distribution gives D = 0.0022 and p = 1 where the exact test gives
// D = 0.0012 and p = 0.51; a shift of 0.02 standard deviations gives
// p = 3e-10 (exact: 7e-39), still drift (TestKSProfilesNeverOverclaim).
//
// The Observe call that completes a pane evaluates the window synchronously
// (Compare, metrics, OnReport, OnAlert): a few milliseconds for 25 columns.
// Time windows close on the first Observe or Tick after the pane's end.
//
// # Alerts and metrics
//
// OnAlert receives an Alert (kind, column, method, score, p-value,
// threshold, window), at most once per column and kind per Cooldown
// (default 10 minutes). Retrain is called on dataset drift, under the same
// cooldown. Each window records OpenTelemetry metrics through the global
// MeterProvider unless MonitorOptions.MeterProvider is set: gauges
// loom.drift.score and loom.drift.severity per column, loom.drift.share,
// and counters loom.drift.drifted per column, loom.drift.dataset_drifted and
// loom.drift.windows.
//
// # Delayed labels and performance drift
//
// A PerformanceMonitor (NewPerformanceMonitor, PerformanceOptions) records
// each prediction by request id (Predict: the probability of class 1, or a
// score turned into a class by DecisionThreshold, or a predicted value;
// PredictClass for a multi-class prediction) and joins the label when it
// arrives (Label). The wait is bounded twice: a prediction whose label has
// not come within MaxWait (default 1 hour) is expired, and when MaxPending
// (default 100,000) predictions wait, the oldest is evicted. The pending
// predictions are split over Shards by hash of the id, each shard with
// its own lock, list from oldest to newest and fixed-size id table: memory
// is fixed at construction, 80 to 104 bytes a pending place (plus the id
// strings, which are kept, not copied), whatever the traffic. Expiry
// happens as records reach a shard, and on Stats.
//
// Labels must follow their predictions: a label with no pending prediction
// — never seen, already labelled, expired, evicted, or arriving before its
// prediction — is not kept but counted as unmatched (ErrNoPrediction). A
// second prediction for an id still pending is dropped and counted
// (ErrDuplicateID); once joined, an id may be used again. Values the metric
// cannot use (non-finite scores or labels, labels other than 0 and 1 for
// the binary metrics, probabilities outside [0, 1] for log loss, an empty
// id) are errors wrapping ErrBadValue, counted as invalid. Nothing is lost
// silently: PerformanceStats has Predictions = Joined + Pending + Expired +
// Evicted and Labels = Joined + Unmatched.
//
// Every Window (default 1,000) joined pairs form a tumbling window, on
// which the chosen PerformanceMetric is computed: Accuracy, ROCAUC (ties
// counted half, as scikit-learn), LogLoss (probabilities clipped to
// [1e-15, 1 − 1e-15]), MAE or RMSE. The window drifts when the metric is
// worse than its Limit: Reference (the value at evaluation) less, for
// metrics where higher is better, or plus the allowed degradation, the
// tighter of MaxDegradation (absolute) and MaxRelativeDegradation × |Reference|,
// 10% of the reference when neither is set. A window whose metric is
// undefined (ROC AUC over one class) is "not enough data", never drift.
// The Label call that completes a window evaluates it: OnReport, then,
// on drift, an Alert of kind AlertPerformance (Column the output's Name,
// Method the metric, Score its value, Threshold the limit) through OnAlert
// and Retrain, with the same per-key Cooldown as column alerts, so one
// alert callback can serve a Monitor and a PerformanceMonitor. Metrics:
// gauge loom.drift.performance, counters loom.drift.performance_drifted and
// loom.drift.unjoined (reason expired or evicted). Evaluate computes the
// open window on demand without alerts; Last returns the last window's
// PerformanceResult, which Report.Performance carries into the JSON and
// HTML reports: give the PerformanceMonitor to MonitorOptions.Performance
// and every report of that Monitor holds its last evaluated window.
//
// Predict and Label do not allocate (TestPerformanceRecordAllocs,
// BenchmarkPerformanceRecord), except the Label that closes a window.
//
// # Reports
//
// Report.WriteJSON writes JSON; package drift/drifthtml writes one
// self-contained HTML page, without scripts (a package of its own, so that
// a service that monitors drift does not link the plotting library): a
// title naming the model, its version and the reference and current data
// (drifthtml.Options); the data set verdict with
// its rule (Report.DatasetRule, which console summaries can print too: the
// data set drifts when at least DriftShare of the tested columns drift, so
// "no dataset drift" beside some drifted columns is consistent); a summary
// table of every column (type, method, statistic, threshold and rule,
// p-value, verdict, missing values) above the charts; then per column,
// sorted by severity, the details and an inline SVG (gonum.org/v1/plot) of
// the reference and current shares per bin side by side, with bin labels
// in plain decimals, the legend above the plot and one font family. A test
// renders it in headless Chromium at 700 and 1,200 pixels wide and checks
// that nothing overflows.
//
// # Concurrency
//
// A Monitor is safe for concurrent use. Observations go to one of Shards
// (default GOMAXPROCS) accumulators, each with its own mutex taken with
// TryLock first: the one last used on the same P (kept in a sync.Pool),
// else the first free one in order, so concurrent callers rarely wait, and
// a single goroutine's rows all land in one shard (its results do not
// depend on Shards); Evaluate may run meanwhile. With several goroutines,
// rows observed while a pane closes may be counted in the next pane. Profiles and reports are
// plain values: read them concurrently, do not mutate them concurrently.
//
// # Performance
//
// Observe of a row of 20 numeric and 5 categorical columns does not
// allocate (TestObserveAllocs), and in the steady state a window close
// allocates only its report, about 74 KB for 25 columns whatever the
// window's size (TestObserveAllocsAcrossWindows): the monitor keeps the
// sorted views of its current sketches and their scratch from one window
// to the next. Measured on the shared 2-core development
// machine, windows of 100,000 rows (far more than SketchK, so the sketches
// compact), evaluation included, medians of 5:
//
//	go test -run '^$' -bench '^BenchmarkObserve$' -benchtime 1000000x -count 5 -benchmem -cpu 1,2 ./drift
//
// a few hundred nanoseconds per row from one goroutine (2.19 µs before the
// sketch and monitor were reworked; figures in BENCHMARKS.md, which also
// gives the CPU time per row the benchmark reports, steadier than the wall
// time on a shared machine); from two goroutines at once (b.RunParallel)
// observers do not serialise. Each goroutine keeps observing into the
// shard it used last (see Concurrency), so the accumulators stay in its
// core's cache, and the numeric sketches of a shard share one compaction
// scratch (sketch.ShareScratch), which stays in cache too. A shard stages
// its rows' numeric values in a small block and adds them to the sketches
// by blocks of 64 rows, column by column (sketch.AddBatch), in their
// order, so the sketches are those one-by-one adds give
// (TestObserveGolden); a monitor of one shard locks it without a
// sync.Pool and counts its count window down under the lock. Most of the
// time is the numeric sketches, a few tens of nanoseconds per value, most
// of it the radix sort of level 0 (see internal/sketch); categorical values
// of at most 8 bytes are looked up as packed integers in an
// open-addressing table, without hashing strings. The window evaluation
// bins the sorted views by walking the reference edges alongside them.
//
// Profiles of wide data are built in shards (one ProfileBuilder per
// goroutine, merged with Profile.Merge) from column-major batches
// (ProfileBuilder.AddFloats, as Arrow record batches deliver them): about
// 2x faster than AddFloat row by row over 1,000 columns, since one column's
// sketch stays in cache for the whole batch (BenchmarkProfileBuilder). The
// cost is tens of nanoseconds per value, most of it the radix sort of the
// sketches' level 0, and memory is bounded by the profiles (about 200 KB
// per numeric column once the sketch has compacted), whatever the number of
// rows. BenchmarkScale3Mx1000 profiles 3,000,000 reference rows × 1,000
// columns and 300,000 current rows, streamed, and compares them; its
// figures are in BENCHMARKS.md.
//
// Memory per column is bounded whatever the number of observations: with
// one window that never closes, BenchmarkMonitorHeap10M measures a live
// heap of 6.9 MiB after 1 million values, 7.5 MiB after 10 million and
// 7.7 MiB after 30 million (20 numeric columns; the sketches' buffers reach
// their fixed bound of about 190 KB per column, see internal/sketch),
// where level buffers of k items each used to grow with the logarithm of
// the count (6.2, 8.3 and 9.4 MiB). Since the sketches of a shard share
// one scratch, 6.3 MiB after 1 million values and 7.0 MiB after 30
// million (7.6 MiB before, same run).
//
// # Reference agreement and detection power
//
// KS (statistic, p-value under every method, location and sign, and the
// kstwo survival function over all its branches), Wasserstein (weighted
// and not), Jensen–Shannon (every base, distance and divergence),
// chi-square (r×c tables with and without Yates' correction, the expected
// table) and the Z-test agree with SciPy 1.10.1 to 1e-9 (p-values
// relatively), and the histogram edges (all 13 numpy.quantile methods),
// bin shares (left- and right-closed) and PSI with NumPy 1.24.2, on the
// seeded cases of testdata/reference.json and testdata/stats.json
// (testdata/gen_reference.py, testdata/gen_stats.py, Debian's
// python3-scipy and python3-numpy; see testdata/README). The Anderson–Darling
// statistic, critical values and p-value agree with
// scipy.stats.anderson_ksamp to 1e-9 (largest relative error 1.2e-14) on
// the 14 cases of testdata/anderson.json: two samples of equal and unequal
// sizes (5 to 1,000 values), k = 3 and 4, with and without ties, p-values
// interpolated, capped and floored. PSI is checked
// against its formula computed independently.
//
// Detection rate at the default thresholds over 200 seeded trials per cell
// (go test -run TestPowerTable -power ./drift): a normal reference and a
// shifted current sample; categorical columns with shares 0.5/0.3/0.2. The
// "no shift" rows are false-alarm rates.
//
//	| shift                     | ref 1,000 / cur 1,000 | ref 10,000 / cur 1,000 |
//	|---------------------------|-----------------------|------------------------|
//	| no shift (numeric)        |   6.0% (ks)           |   0.0% (wasserstein)   |
//	| mean +0.1 std             |  48.0% (ks)           |  49.5% (wasserstein)   |
//	| mean +0.25 std            | 100.0% (ks)           | 100.0% (wasserstein)   |
//	| mean +0.5 std             | 100.0% (ks)           | 100.0% (wasserstein)   |
//	| std ×1.5                  | 100.0% (ks)           | 100.0% (wasserstein)   |
//	| no shift (categorical)    |   6.0% (chisquare)    |   0.0% (jensenshannon) |
//	| swap b/c (0.3/0.2→0.2/0.3)| 100.0% (chisquare)    |  55.0% (jensenshannon) |
//
// # Errors
//
// Configuration errors (a column unknown to the profile, a kind mismatch, an
// unknown method) are *ColumnError values wrapping ErrUnknownColumn,
// ErrKindMismatch or ErrUnknownMethod; malformed encoded profiles wrap
// ErrBadProfile or ErrProfileVersion. Programmer mistakes (bad options,
// duplicate columns) panic with a "drift:" message.
package drift
