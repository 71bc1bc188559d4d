#!/usr/bin/python3
"""Fixtures for package train/xgboost, made with Debian's python3-xgboost 1.7.

Run from the repository root:  /usr/bin/python3 train/xgboost/testdata/gen_fixtures.py

For every objective and booster issue 20 lists it trains a small model on one
of the shared data sets (../shared/datasets, the fixed 75/25 split), with 5%
of the feature values replaced by NaN (seeded), saves the model as JSON
(NAME.json; one also as UBJSON, NAME.ubj) and writes the test rows with
XGBoost's own predictions: NAME.pred.csv holds the features, then the raw
margins (margin0..), then the predictions (pred0..; probabilities for
multi:softprob and binary:logistic). Floats are written with repr, so Go
reads the exact bits (XGBoost's float32 outputs widen exactly).
"""
import csv
import os
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "datasets")
if not os.path.isdir(DATA):
    DATA = "/work/shared/datasets"


def load(name, nan_rate=0.05, seed=0):
    df = pd.read_csv(os.path.join(DATA, name + ".csv"))
    tr = np.loadtxt(os.path.join(DATA, name + ".train_idx.txt"), dtype=int)
    te = np.loadtxt(os.path.join(DATA, name + ".test_idx.txt"), dtype=int)
    y = df.pop("target").to_numpy(dtype=float)
    X = df.to_numpy(dtype=float)
    rng = np.random.RandomState(seed)
    X[rng.random_sample(X.shape) < nan_rate] = np.nan
    return X[tr], y[tr], X[te], y[te], list(df.columns)


def write(name, bst, X, feature_names, ubj=False):
    bst.save_model(os.path.join(HERE, name + ".json"))
    if ubj:
        bst.save_model(os.path.join(HERE, name + ".ubj"))
    d = xgb.DMatrix(X, feature_names=feature_names, nthread=1)
    margin = np.asarray(bst.predict(d, output_margin=True)).reshape(len(X), -1)
    pred = np.asarray(bst.predict(d)).reshape(len(X), -1)
    with open(os.path.join(HERE, name + ".pred.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"x{j}" for j in range(X.shape[1])]
                   + [f"margin{j}" for j in range(margin.shape[1])]
                   + [f"pred{j}" for j in range(pred.shape[1])])
        for i in range(len(X)):
            w.writerow([repr(float(v)) for v in X[i]]
                       + [repr(float(v)) for v in margin[i]]
                       + [repr(float(v)) for v in pred[i]])


def tree_models():
    cases = [
        # name, data set, params, rounds
        ("bc_logistic", "breast_cancer", {"objective": "binary:logistic", "max_depth": 3}, 10),
        ("bc_logistic_base", "breast_cancer", {"objective": "binary:logistic", "max_depth": 3, "base_score": 0.3}, 5),
        ("bc_logitraw", "breast_cancer", {"objective": "binary:logitraw", "max_depth": 3}, 8),
        ("bc_reglogistic", "breast_cancer", {"objective": "reg:logistic", "max_depth": 2}, 8),
        ("bc_dart", "breast_cancer", {"booster": "dart", "objective": "binary:logistic", "max_depth": 3,
                                      "rate_drop": 0.3, "skip_drop": 0.0, "seed": 1}, 10),
        ("iris_softprob", "iris", {"objective": "multi:softprob", "num_class": 3, "max_depth": 2}, 6),
        ("iris_softmax", "iris", {"objective": "multi:softmax", "num_class": 3, "max_depth": 2}, 4),
        ("diabetes_squarederror", "diabetes", {"objective": "reg:squarederror", "max_depth": 3, "base_score": 150}, 10),
        ("diabetes_poisson", "diabetes", {"objective": "count:poisson", "max_depth": 3}, 10),
        ("diabetes_tweedie", "diabetes", {"objective": "reg:tweedie", "tweedie_variance_power": 1.3, "max_depth": 3}, 10),
        ("diabetes_dart", "diabetes", {"booster": "dart", "objective": "reg:squarederror", "max_depth": 2,
                                       "rate_drop": 0.5, "skip_drop": 0.0, "seed": 2, "base_score": 150}, 8),
        # 100 trees, for the benchmarks (bench_compare.py) as well
        ("bc_100trees", "breast_cancer", {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1,
                                            "min_child_weight": 0.01, "subsample": 0.8}, 100),
    ]
    for name, ds, params, rounds in cases:
        Xtr, ytr, Xte, _, cols = load(ds)
        p = dict(params, nthread=1, seed=params.get("seed", 0))
        p.setdefault("eta", 0.3)
        bst = xgb.train(p, xgb.DMatrix(Xtr, label=ytr, feature_names=cols), rounds)
        write(name, bst, Xte, cols, ubj=(name == "bc_logistic"))
        print(name, "ok")


def linear_models():
    cases = [
        ("bc_gblinear", "breast_cancer", {"objective": "binary:logistic"}, 5),
        ("iris_gblinear", "iris", {"objective": "multi:softprob", "num_class": 3}, 5),
        ("diabetes_gblinear", "diabetes", {"objective": "reg:squarederror"}, 5),
    ]
    for name, ds, params, rounds in cases:
        Xtr, ytr, Xte, _, cols = load(ds)
        p = dict(params, booster="gblinear", eta=0.3, nthread=1, seed=0)
        bst = xgb.train(p, xgb.DMatrix(Xtr, label=ytr, feature_names=cols), rounds)
        write(name, bst, Xte, cols)
        print(name, "ok")


def categorical_model():
    """A model with categorical splits on mixed.csv: the three string columns
    as pandas categories (codes in sorted order of the levels; a missing
    category is NaN), tree_method hist, enable_categorical."""
    df = pd.read_csv(os.path.join(DATA, "mixed.csv"))
    tr = np.loadtxt(os.path.join(DATA, "mixed.train_idx.txt"), dtype=int)[:3000]
    te = np.loadtxt(os.path.join(DATA, "mixed.test_idx.txt"), dtype=int)[:300]
    y = df.pop("target").to_numpy(dtype=float)
    for c in ("segment", "region", "channel"):
        df[c] = df[c].astype(pd.CategoricalDtype(sorted(df[c].dropna().unique())))
    cols = list(df.columns)
    p = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 4, "max_cat_to_onehot": 1,
         "eta": 0.3, "nthread": 1, "seed": 0}
    bst = xgb.train(p, xgb.DMatrix(df.iloc[tr], label=y[tr], enable_categorical=True), 12)
    Xte = df.iloc[te].copy()
    # The features as Loom passes them: category codes, NaN for missing.
    X = np.column_stack([Xte[c].cat.codes.replace(-1, np.nan).to_numpy(dtype=float)
                         if str(Xte[c].dtype) == "category" else Xte[c].to_numpy(dtype=float) for c in cols])
    bst.save_model(os.path.join(HERE, "mixed_categorical.json"))
    d = xgb.DMatrix(Xte, enable_categorical=True, nthread=1)
    margin = np.asarray(bst.predict(d, output_margin=True)).reshape(len(X), -1)
    pred = np.asarray(bst.predict(d)).reshape(len(X), -1)
    with open(os.path.join(HERE, "mixed_categorical.pred.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"x{j}" for j in range(X.shape[1])] + ["margin0", "pred0"])
        for i in range(len(X)):
            w.writerow([repr(float(v)) for v in X[i]] + [repr(float(margin[i, 0])), repr(float(pred[i, 0]))])
    print("mixed_categorical ok")


if __name__ == "__main__":
    print("xgboost", xgb.__version__, file=sys.stderr)
    tree_models()
    linear_models()
    categorical_model()
