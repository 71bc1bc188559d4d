#!/usr/bin/python3
"""Reference values for package forest: scikit-learn 1.2's decision trees,
random forests and extra trees on the shared data sets with their fixed
train/test splits.

Run with Debian's python3-sklearn (1.2.1 here) from this folder:

    /usr/bin/python3 gen_reference.py > reference.json

String columns are coded as ordinal codes in sorted order of their
levels, and missing values (mixed.csv only) are replaced by -1e9, as the Go
test does: scikit-learn 1.2's trees reject NaN.

For a single tree, "seed" is the state scikit-learn's splitter starts its
xorshift generator from, RandomState(random_state).randint(0, 2**31 - 1):
the Go tree grown with Options.Seed = seed draws features in the same
order, so the trees can be compared node by node.
"""
import json

import numpy as np
import sklearn
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.metrics import accuracy_score, mean_squared_error
from sklearn.tree import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                          ExtraTreeRegressor)

MISSING = -1e9
SEEDS = 5


def load(name):
    import csv
    with open(name + ".csv") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    cols = list(zip(*rows))
    X = []
    for j in range(len(header) - 1):
        col = cols[j]
        try:
            X.append([float(v) if v != "" else MISSING for v in col])
        except ValueError:
            levels = sorted(set(v for v in col if v != ""))
            code = {v: i for i, v in enumerate(levels)}
            X.append([float(code[v]) if v != "" else MISSING for v in col])
    X = np.array(X).T
    y = np.array([float(v) for v in cols[-1]])
    tr = np.loadtxt(name + ".train_idx.txt", dtype=int)
    te = np.loadtxt(name + ".test_idx.txt", dtype=int)
    return X, y, tr, te


def tree_dict(t):
    tt = t.tree_
    value = tt.value[:, 0, :]
    return {
        "left": tt.children_left.tolist(),
        "right": tt.children_right.tolist(),
        "feature": tt.feature.tolist(),
        "threshold": tt.threshold.tolist(),
        "impurity": tt.impurity.tolist(),
        "samples": tt.n_node_samples.tolist(),
        "weight": tt.weighted_n_node_samples.tolist(),
        "value": value.tolist(),
    }


TREES = [
    # name, data set, classifier?, parameters
    ("iris_gini", "iris", True, {}),
    ("iris_entropy", "iris", True, {"criterion": "entropy"}),
    ("iris_depth2_balanced", "iris", True, {"max_depth": 2, "class_weight": "balanced"}),
    ("breast_cancer_gini", "breast_cancer", True, {}),
    ("breast_cancer_entropy_leaf5", "breast_cancer", True, {"criterion": "entropy", "min_samples_leaf": 5}),
    ("breast_cancer_sqrt", "breast_cancer", True, {"max_features": "sqrt", "random_state": 7}),
    ("breast_cancer_balanced_split10", "breast_cancer", True,
     {"class_weight": "balanced", "min_samples_split": 10, "min_impurity_decrease": 0.001}),
    ("breast_cancer_log2_weights", "breast_cancer", True, {"max_features": "log2", "weights": True}),
    ("diabetes_depth6", "diabetes", False, {"max_depth": 6}),
    ("diabetes_leaf10", "diabetes", False, {"min_samples_leaf": 10, "max_features": 0.5, "random_state": 3}),
    # Single extremely randomized trees (ExtraTreeClassifier/Regressor):
    # random thresholds drawn by the same generator.
    ("iris_extra", "iris", True, {"extra": True}),
    ("breast_cancer_extra_leaf3", "breast_cancer", True, {"extra": True, "min_samples_leaf": 3, "random_state": 1}),
    ("breast_cancer_extra_all_entropy", "breast_cancer", True,
     {"extra": True, "max_features": None, "criterion": "entropy", "random_state": 5}),
    ("diabetes_extra_depth8", "diabetes", False, {"extra": True, "max_depth": 8, "random_state": 2}),
]

FORESTS = [
    ("breast_cancer_rf", "breast_cancer", RandomForestClassifier, {"oob_score": True}),
    ("breast_cancer_et", "breast_cancer", ExtraTreesClassifier, {}),
    ("iris_rf", "iris", RandomForestClassifier, {"oob_score": True}),
    ("iris_et", "iris", ExtraTreesClassifier, {}),
    ("diabetes_rf", "diabetes", RandomForestRegressor, {"oob_score": True}),
    ("diabetes_et", "diabetes", ExtraTreesRegressor, {}),
    ("mixed_rf", "mixed", RandomForestClassifier, {"oob_score": True}),
    ("mixed_et", "mixed", ExtraTreesClassifier, {}),
]


def main():
    out = {"sklearn": sklearn.__version__, "trees": {}, "forests": {}}
    for name, ds, clf, params in TREES:
        X, y, tr, te = load(ds)
        params = dict(params)
        rs = params.pop("random_state", 0)
        weighted = params.pop("weights", False)
        extra = params.pop("extra", False)
        sw = None
        if weighted:
            sw = (1.0 + (np.arange(len(tr)) % 3)).astype(float)
        if extra:
            model = (ExtraTreeClassifier if clf else ExtraTreeRegressor)(random_state=rs, **params)
        else:
            model = (DecisionTreeClassifier if clf else DecisionTreeRegressor)(random_state=rs, **params)
        model.fit(X[tr], y[tr], sample_weight=sw)
        seed = int(np.random.RandomState(rs).randint(0, 2**31 - 1))
        rec = {"data": ds, "classifier": clf, "extra": extra, "params": params, "seed": seed, "weights": weighted,
               "tree": tree_dict(model), "importances": model.feature_importances_.tolist()}
        if clf:
            rec["proba"] = model.predict_proba(X[te]).tolist()
        else:
            rec["predict"] = model.predict(X[te]).tolist()
        out["trees"][name] = rec
    for name, ds, cls, params in FORESTS:
        X, y, tr, te = load(ds)
        model = cls(random_state=0, n_jobs=1, **params)
        model.fit(X[tr], y[tr])
        rec = {"data": ds, "kind": cls.__name__, "params": params}
        pred = model.predict(X[te])
        if cls in (RandomForestClassifier, ExtraTreesClassifier):
            rec["accuracy"] = accuracy_score(y[te], pred)
        else:
            rec["rmse"] = float(np.sqrt(mean_squared_error(y[te], pred)))
        if params.get("oob_score"):
            rec["oob_score"] = model.oob_score_
        # The mean over SEEDS seeds, which the Go test compares with its
        # own mean over as many seeds.
        means = {}
        for seed in range(SEEDS):
            m = cls(random_state=seed, n_jobs=1, **params).fit(X[tr], y[tr])
            pred = m.predict(X[te])
            for k, v in [("accuracy", accuracy_score(y[te], pred) if "accuracy" in rec else None),
                         ("rmse", float(np.sqrt(mean_squared_error(y[te], pred))) if "rmse" in rec else None),
                         ("oob_score", m.oob_score_ if params.get("oob_score") else None)]:
                if v is not None:
                    means[k] = means.get(k, 0.0) + v / SEEDS
        rec["seeds"] = means
        out["forests"][name] = rec
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
