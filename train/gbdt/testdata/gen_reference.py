#!/usr/bin/python3
"""Reference values for package gbdt: scikit-learn's HistGradientBoosting
on the shared data sets with their fixed train/test splits.

Run with Debian's python3-sklearn (1.2.1 here) from this folder:

    /usr/bin/python3 gen_reference.py > reference.json

Categorical string columns are coded as ordinal codes in sorted order
of their levels (missing = NaN), as the Go test codes them.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, roc_auc_score


def load(name):
    import csv
    with open(name + ".csv") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    cols = list(zip(*rows))
    X, cat = [], []
    for j, name_j in enumerate(header[:-1]):
        col = cols[j]
        try:
            X.append([float(v) if v != "" else np.nan for v in col])
            cat.append(False)
        except ValueError:
            levels = sorted(set(v for v in col if v != ""))
            code = {v: i for i, v in enumerate(levels)}
            X.append([float(code[v]) if v != "" else np.nan for v in col])
            cat.append(True)
    X = np.array(X).T
    y = np.array([float(v) for v in cols[-1]])
    tr = np.loadtxt(name + ".train_idx.txt", dtype=int)
    te = np.loadtxt(name + ".test_idx.txt", dtype=int)
    return X, y, np.array(cat), tr, te


CASES = [
    # name, data set, classifier?, parameters
    ("breast_cancer", "breast_cancer", True, {}),
    ("breast_cancer_balanced_l2", "breast_cancer", True, {"class_weight": "balanced", "l2_regularization": 1.0}),
    ("breast_cancer_depth3", "breast_cancer", True, {"max_depth": 3, "max_leaf_nodes": None, "learning_rate": 0.2}),
    ("iris", "iris", True, {}),
    ("diabetes", "diabetes", False, {}),
    ("diabetes_absolute", "diabetes", False, {"loss": "absolute_error"}),
    ("diabetes_poisson", "diabetes", False, {"loss": "poisson"}),
    ("diabetes_monotonic", "diabetes", False, {"monotonic_cst": [0, 0, 1, 1, 0, 0, 0, 0, 1, 0]}),
    ("mixed", "mixed", True, {"early_stopping": False}),
    ("mixed_categorical", "mixed", True, {"early_stopping": False, "categorical": True}),
    ("mixed_early", "mixed", True, {"categorical": True}),
]


def main():
    out = {"sklearn": sklearn.__version__, "cases": {}}
    for name, ds, clf, params in CASES:
        X, y, cat, tr, te = load(ds)
        params = dict(params)
        if params.pop("categorical", False):
            params["categorical_features"] = cat
        model = (HistGradientBoostingClassifier if clf else HistGradientBoostingRegressor)(random_state=0, **params)
        model.fit(X[tr], y[tr])
        case = {"n_iter": int(model.n_iter_)}
        if clf:
            proba = model.predict_proba(X[te])
            case["accuracy"] = accuracy_score(y[te], model.predict(X[te]))
            case["log_loss"] = log_loss(y[te], proba)
            if proba.shape[1] == 2:
                case["roc_auc"] = roc_auc_score(y[te], proba[:, 1])
            case["test_pred"] = [float(v) for v in (proba[:, 1] if proba.shape[1] == 2 else proba.ravel())]
        else:
            case["rmse"] = mean_squared_error(y[te], model.predict(X[te])) ** 0.5
            case["test_pred"] = [float(v) for v in model.predict(X[te])]
        out["cases"][name] = case
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
