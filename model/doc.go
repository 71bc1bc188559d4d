// Package model holds the unit that ships: the one declaration of a model
// over the user's row type T (Spec), fitted as one into a Bundle of data
// contract, fitted features, trained model, reference drift profile and
// lineage, evaluated, registered and loaded as one.
//
// # Overview
//
// Each column of T is named once, besides its `loom:"name"` struct tag;
// contract checks, feature transforms and drift settings attach to it, the
// label is declared once and is never a serving input, and any
// train.Trainer fits the model:
//
//	spec := model.New[Customer]("churn").
//		Label("churned").
//		Float("age", contract.Range(16, 100), feature.Standardize()).
//		Float("income", contract.AtLeast(0), feature.Impute(feature.Median, true), feature.Standardize()).
//		Category("segment", contract.OneOf("low", "mid", "high"), feature.OneHot(feature.OneHotOptions{})).
//		Trainer(train.LogisticRegression{C: 1})
//
//	cv, err := model.CrossValidate(ctx, spec, rows, &train.CVOptions{Splitter: train.StratifiedKFold{K: 5}})
//	b, err := model.Fit(ctx, spec, trainRows)          // contract + features + model + profile + lineage
//	rep, err := model.Evaluate(ctx, b, testRows, opts) // labels from the declared label
//	v, err := model.Register(ctx, reg, b, rep)         // metrics, verdict, parameters, fingerprint
//	err = reg.Promote(ctx, "churn", "champion", v.Number, "weekly retrain", model.Gate(gates...))
//	b, err = model.LoadAlias(ctx, reg, "champion", spec) // in the service: exactly what was registered
//
// The accessors of the columns come from the tags (read once, when the
// spec is first used): no closures for plain columns, and the same
// accessor feeds the contract, the features and the drift monitor. Package
// serve scores a Bundle (serve.NewScorer) and follows a registry alias
// (serve.Follow).
//
// # Declaration
//
// Float declares a numeric column (a float or int field, or a pointer to
// one: nil is missing), Category a categorical one (a string field or
// *string), Label the label (a float or int field). Column options are, in
// any order: contract checks (contract.Range, contract.OneOf, ...),
// predicates over the whole row (contract.Pred), the feature transforms of
// the column's chain in order, a drift setting (Drift, NoDrift), and for
// one Category column Slice, the grouping of evaluation reports. A
// mistake in a declaration (an unknown column, a transform of the wrong
// kind, a column twice) panics when it is made, naming the spec and the
// column. The contract's field of each column takes its type and
// nullability from the Go field.
//
// # Model selection
//
// CrossValidate and the searches (GridSearch, RandomSearch,
// HalvingSearch, Search) use train's splitters, scorers and search
// algorithms, but refit the features inside every fold: a fold's test rows
// are transformed with state learnt from its training rows only, so no
// imputer, scaler or target encoder leaks the test rows into the score. A
// search's candidates are specs made by a Builder from parameters, so the
// space may hold feature parameters (an imputation strategy, a one-hot
// minimum frequency, a polynomial degree) beside the trainer's.
//
// # The bundle
//
// A Bundle is stored as one registry version of five data parts (no code):
// the contract as JSON, the fitted features as JSON, the model in train's
// checksummed layout, the profile as JSON and the lineage as JSON. Load
// verifies each part against the spec it is given: a bundle is never
// paired with the wrong transforms, label or row type.
//
// # Imported models
//
// Import binds a model trained elsewhere (a Source: an XGBoost model read
// by package train/xgboost, a LightGBM one by train/lightgbm) to a spec:
// the contract, the features and the profile are fitted on sample rows,
// the model's feature names must equal the fitted features' in order (the
// first mismatch is a *FeatureMismatchError), and the model is stamped
// with the features' fingerprint. The bundle then registers, loads and
// serves like a fitted one:
//
//	booster, err := xgboost.Read(f, nil)
//	b, err := model.Import(ctx, spec, booster, rows)
//	v, err := model.Register(ctx, reg, b, nil)
//
// # Explanations and importances
//
// Bundle.Explain splits one prediction's raw margin over the declared
// input columns: Expected + Σ contributions = Margin, where the margin is
// the log-odds of a logistic model, the margin of a tree ensemble before
// its link (log-odds for boosted classifiers, the probability itself for
// forests), or the value of a linear regression. Tree ensembles use exact
// TreeSHAP (package train/tree, which needs the node covers its trainer
// records); linear and logistic models use coef·(x − mean), the mean of
// each feature over the training matrix, recorded in the lineage
// (Lineage.FeatureMeans) so that a loaded bundle explains as the fitted
// one. The contributions of a column's features (one-hot categories, a
// missing-value indicator) are summed back to the column; a polynomial
// term is shared among its factors. Reading one: "income −0.80" means
// that this row's income lowered the log-odds by 0.80 from the average
// row's; the k largest by magnitude are kept, the sum of the others is
// Rest. For serving, Bundle.Explainer gives the explainer once and
// ExplainTo writes into the caller's Explanation and ExplainBuffer
// without allocating; scoring without explanations does not touch it.
//
// Importance measures how much the model relies on each declared column
// over held-out rows (evaluate.PermutationImportance: the drop of a
// metric when the column is shuffled, with repeats and intervals), and
// FeatureImportances gives the importances a model has without data
// (tree split gains, absolute coefficients), per declared column. Pass
// the permutation importances to Evaluate (evaluate.ReportOptions.
// Importances) and the HTML report draws them.
//
// # Determinism
//
// Fit is deterministic: the same rows, declaration and seeds give a
// bit-identical bundle (features, model and profile); the lineage records
// timings, which differ.
//
// # Concurrency
//
// A Spec is safe for concurrent use once used (it cannot change then); a
// Bundle is immutable and safe for concurrent use.
package model
