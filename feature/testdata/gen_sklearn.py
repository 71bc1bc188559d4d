"""Reference values from scikit-learn for package feature's tests.

Run from feature/testdata with the system Python (scikit-learn 1.2.1,
numpy 1.24):

    /usr/bin/python3 gen_sklearn.py

Inputs (copied from shared/datasets): breast_cancer.csv, diabetes.csv and
their 75/25 split index files; mixed_train.csv and mixed_test.csv, which this
script writes as a subset of mixed.csv (the first 2000 train and 500 test
rows of its split, in split order) when given the path of the full data set
as its argument. For each data set and transformer it fits on the train
rows and transforms the first test rows, writing sklearn_<dataset>.json:

    {"dataset": ..., "cases": [{"name", "columns", "state": {attr: [...]},
      "rows": [test row index...], "output": [[...]...]}]}

NaN (missing output) is written as null. Floats are written with repr, so
they parse back to the same bits.

Box-Cox (PowerTransformer(method="box-cox"), standardize False and True,
cases box_cox and box_cox_std) needs strictly positive data, so it runs on
the columns whose every value in the whole data set is > 0: 24 of the 30
breast_cancer features (not the six concavity and concave points columns,
which hold zeros), diabetes' target (its features are centred), and the
positive numeric columns of mixed (age, income, hours_per_week, score,
tenure_years; their missing values are left out of the fit and stay
missing, as scikit-learn does). Scikit-learn finds each λ with
scipy.stats.boxcox (scipy 1.10.1), that is boxcox_normmax(method="mle"):
scipy.optimize.brent on -boxcox_llf from the bracket (-2, 2). These cases
come after the earlier ones in each file; adding them left every earlier
case byte for byte as it was.

Polynomial terms (PolynomialFeatures(include_bias=False), cases poly3 with
degree 3 and poly2_interaction with degree 2 and interaction_only) run on
three raw diabetes columns, bmi, bp and s5; these cases also hold the
output names (get_feature_names_out) as "names". They come last in
sklearn_diabetes.json, after the Box-Cox cases, which adding them left byte
for byte as they were.
"""
import csv
import json
import math
import sys

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (KBinsDiscretizer, MaxAbsScaler, MinMaxScaler,
                                   OneHotEncoder, OrdinalEncoder, PolynomialFeatures,
                                   PowerTransformer, RobustScaler, StandardScaler)


def clean(x):
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return None if math.isnan(x) else float(x)
    if isinstance(x, (np.integer, int)):
        return int(x)
    return x if x == x else None  # NaN category -> null


def read(path):
    with open(path) as f:
        r = csv.reader(f)
        header = next(r)
        return header, list(r)


def numeric(rows, cols, header):
    idx = [header.index(c) for c in cols]
    return np.array([[float(r[i]) if r[i] != "" else np.nan for i in idx] for r in rows])


def strings(rows, cols, header):
    idx = [header.index(c) for c in cols]
    return np.array([[r[i] if r[i] != "" else np.nan for i in idx] for r in rows], dtype=object)


def case(name, model, attrs, cols, train, test, nrows):
    model.fit(train)
    out = model.transform(test[:nrows])
    if hasattr(out, "toarray"):
        out = out.toarray()
    state = {}
    for a in attrs:
        v = getattr(model, a)
        if a in ("categories_", "bin_edges_", "infrequent_categories_"):
            v = [clean(list(x)) if x is not None else None for x in v]
        else:
            v = clean(np.asarray(v, dtype=float))
        state[a] = v
    out = np.asarray(out)
    out = [[str(v) for v in r] for r in out] if out.dtype == object else clean(out.astype(float))
    return {"name": name, "columns": cols, "state": state, "rows": list(range(nrows)), "output": out}


NUM_CASES = [
    ("standard", lambda: StandardScaler(), ["mean_", "scale_", "var_"]),
    ("minmax", lambda: MinMaxScaler(), ["data_min_", "data_max_", "scale_", "min_"]),
    ("robust", lambda: RobustScaler(), ["center_", "scale_"]),
    ("maxabs", lambda: MaxAbsScaler(), ["scale_"]),
    ("impute_mean", lambda: SimpleImputer(strategy="mean"), ["statistics_"]),
    ("impute_median", lambda: SimpleImputer(strategy="median"), ["statistics_"]),
    ("impute_most_frequent", lambda: SimpleImputer(strategy="most_frequent"), ["statistics_"]),
    ("yeo_johnson", lambda: PowerTransformer(method="yeo-johnson", standardize=False), ["lambdas_"]),
]
BOXCOX = [
    ("box_cox", lambda: PowerTransformer(method="box-cox", standardize=False), ["lambdas_"]),
    ("box_cox_std", lambda: PowerTransformer(method="box-cox", standardize=True), ["lambdas_"]),
]
POLY = [
    ("poly3", lambda: PolynomialFeatures(degree=3, include_bias=False), ["powers_"]),
    ("poly2_interaction", lambda: PolynomialFeatures(degree=2, interaction_only=True, include_bias=False), ["powers_"]),
]
POLY_COLUMNS = ["bmi", "bp", "s5"]
KBINS = [
    ("kbins_quantile", lambda: KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="quantile"), ["bin_edges_", "n_bins_"]),
    ("kbins_uniform", lambda: KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="uniform"), ["bin_edges_", "n_bins_"]),
]


def numeric_dataset(name, nrows):
    header, rows = read(name + ".csv")
    train_idx = [int(l) for l in open(name + ".train_idx.txt")]
    test_idx = [int(l) for l in open(name + ".test_idx.txt")]
    cols = header[:-1]
    X = numeric(rows, cols, header)
    tr, te = X[train_idx], X[test_idx]
    cases = [case(n, mk(), attrs, cols, tr, te, nrows) for n, mk, attrs in NUM_CASES + KBINS]
    pos = positive(X, cols) if name != "diabetes" else ["target"]
    P = numeric(rows, pos, header)
    cases += [case(n, mk(), attrs, pos, P[train_idx], P[test_idx], nrows) for n, mk, attrs in BOXCOX]
    if name == "diabetes":
        Q = numeric(rows, POLY_COLUMNS, header)
        for n, mk, attrs in POLY:
            model = mk()
            c = case(n, model, attrs, POLY_COLUMNS, Q[train_idx], Q[test_idx], nrows)
            c["names"] = [str(v) for v in model.get_feature_names_out(POLY_COLUMNS)]
            cases.append(c)
    return {"dataset": name, "cases": cases}


def positive(X, cols):
    """The columns whose every (non-missing) value is > 0, for Box-Cox."""
    return [c for j, c in enumerate(cols) if np.nanmin(X[:, j]) > 0]


def mixed_dataset(nrows):
    header, train = read("mixed_train.csv")
    _, test = read("mixed_test.csv")
    num = ["age", "income", "hours_per_week", "score", "balance", "tenure_years"]
    cat = ["segment", "region", "channel"]
    Xtr, Xte = numeric(train, num, header), numeric(test, num, header)
    cases = [case(n, mk(), attrs, num, Xtr, Xte, nrows) for n, mk, attrs in NUM_CASES]
    full = ["age", "score"]  # no missing values: KBinsDiscretizer rejects NaN
    Ftr, Fte = numeric(train, full, header), numeric(test, full, header)
    cases += [case(n, mk(), attrs, full, Ftr, Fte, nrows) for n, mk, attrs in KBINS]
    Ctr, Cte = strings(train, cat, header), strings(test, cat, header)
    cases.append(case("onehot", OneHotEncoder(handle_unknown="ignore"), ["categories_"], cat, Ctr, Cte, nrows))
    cases.append(case("ordinal", OrdinalEncoder(), ["categories_"], cat[:2], Ctr[:, :2], Cte[:, :2], nrows))
    R = strings(train, ["region"], header), strings(test, ["region"], header)
    cases.append(case("onehot_max_categories", OneHotEncoder(max_categories=4, handle_unknown="infrequent_if_exist"),
                      ["categories_", "infrequent_categories_"], ["region"], R[0], R[1], nrows))
    cases.append(case("onehot_min_frequency", OneHotEncoder(min_frequency=250, handle_unknown="infrequent_if_exist"),
                      ["categories_", "infrequent_categories_"], ["region"], R[0], R[1], nrows))
    cases.append(case("impute_most_frequent_cat", SimpleImputer(strategy="most_frequent"), [], ["channel"],
                      strings(train, ["channel"], header), strings(test, ["channel"], header), nrows))
    pos = ["age", "income", "hours_per_week", "score", "tenure_years"]
    Ptr, Pte = numeric(train, pos, header), numeric(test, pos, header)
    cases += [case(n, mk(), attrs, pos, Ptr, Pte, nrows) for n, mk, attrs in BOXCOX]
    return {"dataset": "mixed", "cases": cases}


def write_mixed_subset(path):
    header, rows = read(path)
    base = path[: -len(".csv")]
    train_idx = [int(l) for l in open(base + ".train_idx.txt")][:2000]
    test_idx = [int(l) for l in open(base + ".test_idx.txt")][:500]
    for out, idx in (("mixed_train.csv", train_idx), ("mixed_test.csv", test_idx)):
        with open(out, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows[i] for i in idx)


def main():
    if len(sys.argv) > 1:
        write_mixed_subset(sys.argv[1])
    out = [numeric_dataset("breast_cancer", 25), numeric_dataset("diabetes", 50), mixed_dataset(100)]
    for d in out:
        with open("sklearn_%s.json" % d["dataset"], "w") as f:
            json.dump(d, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
