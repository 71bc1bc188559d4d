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
