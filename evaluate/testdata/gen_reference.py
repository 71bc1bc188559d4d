#!/usr/bin/python3
"""Reference values for package evaluate, computed with scikit-learn 1.2.

Run from this folder with Debian's Python (scikit-learn 1.2.1, SciPy 1.10.1,
numpy 1.24): /usr/bin/python3 gen_reference.py > reference.json

Every case holds its inputs and the expected output of each metric. A value
of null means NaN; a string "error" means scikit-learn raises (the Go side
returns an error there). Curves are objects with x, y, thresholds.
"""
import json
import math
import sys
import warnings

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn import metrics as M
from sklearn.calibration import calibration_curve

warnings.simplefilter("ignore")
assert sklearn.__version__.startswith("1.2"), sklearn.__version__


def fl(v):
    v = float(v)
    return None if math.isnan(v) else v


def arr(a):
    return [fl(v) for v in np.asarray(a, dtype=float)]


def attempt(f):
    try:
        return f()
    except ValueError:
        return "error"


def bins_count(y_prob, n_bins, strategy):
    # The bin populations of calibration_curve, with its own binning code.
    if strategy == "quantile":
        bins = np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        bins = np.linspace(0.0, 1.0, n_bins + 1)
    binids = np.searchsorted(bins[1:-1], y_prob)
    total = np.bincount(binids, minlength=len(bins))
    return total[total != 0]


def operating(y, s, w):
    p, r, t = M.precision_recall_curve(y, s, sample_weight=w)
    p, r = p[:-1], r[:-1]
    with np.errstate(all="ignore"):
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    out = {}
    i = int(np.argmax(f))
    out["max_f1"] = [fl(t[i]), fl(p[i]), fl(r[i]), fl(f[i])]
    for name, target in [("precision_0.8", 0.8), ("precision_0.5", 0.5)]:
        idx = np.where(p >= target)[0]
        out[name] = "error" if len(idx) == 0 else [fl(t[idx[0]]), fl(p[idx[0]]), fl(r[idx[0]]), fl(f[idx[0]])]
    for name, target in [("recall_0.9", 0.9), ("recall_0.5", 0.5)]:
        idx = np.where(r >= target)[0]
        out[name] = "error" if len(idx) == 0 else [fl(t[idx[-1]]), fl(p[idx[-1]]), fl(r[idx[-1]]), fl(f[idx[-1]])]
    return out


def binary_case(name, y, s, w=None, threshold=0.5):
    y = np.asarray(y, dtype=int)
    s = np.asarray(s, dtype=float)
    pred = (s >= threshold).astype(int)
    e = {}
    e["confusion"] = arr(M.confusion_matrix(y, pred, labels=[0, 1], sample_weight=w).ravel())
    e["accuracy"] = fl(M.accuracy_score(y, pred, sample_weight=w))
    e["balanced_accuracy"] = fl(M.balanced_accuracy_score(y, pred, sample_weight=w))
    for zd in (0, 1):
        for avg in ("binary", "micro", "macro", "weighted"):
            kw = dict(labels=[0, 1], average=avg, sample_weight=w, zero_division=zd)
            e[f"precision_{avg}_{zd}"] = fl(M.precision_score(y, pred, **kw))
            e[f"recall_{avg}_{zd}"] = fl(M.recall_score(y, pred, **kw))
            e[f"f1_{avg}_{zd}"] = fl(M.f1_score(y, pred, **kw))
    e["mcc"] = fl(M.matthews_corrcoef(y, pred, sample_weight=w))
    e["kappa"] = fl(M.cohen_kappa_score(y, pred, labels=[0, 1], sample_weight=w))
    e["roc_auc"] = attempt(lambda: fl(M.roc_auc_score(y, s, sample_weight=w)))
    if len(np.unique(y)) == 2:
        fpr, tpr, th = M.roc_curve(y, s, sample_weight=w)
        e["roc_curve"] = {"x": arr(fpr), "y": arr(tpr), "thresholds": arr(th)}
        e["operating"] = operating(y, s, w)
    else:
        e["roc_curve"] = "error"
    p, r, th = M.precision_recall_curve(y, s, sample_weight=w)
    e["pr_curve"] = {"x": arr(r), "y": arr(p), "thresholds": arr(th)}
    e["average_precision"] = fl(M.average_precision_score(y, s, sample_weight=w))
    e["log_loss"] = fl(M.log_loss(y, s, labels=[0, 1], sample_weight=w))
    e["brier"] = fl(M.brier_score_loss(y, s, sample_weight=w, pos_label=1))
    if w is None:
        for strategy in ("uniform", "quantile"):
            for nb in (5, 10):
                pt, pp = calibration_curve(y, s, n_bins=nb, strategy=strategy)
                cnt = bins_count(s, nb, strategy)
                e[f"calibration_{strategy}_{nb}"] = {
                    "fraction_true": arr(pt), "mean_predicted": arr(pp),
                    "count": [int(c) for c in cnt],
                    "ece": fl(np.sum(cnt * np.abs(pt - pp)) / np.sum(cnt)),
                }
    return {"name": name, "kind": "binary", "y_true": y.tolist(), "scores": s.tolist(),
            "threshold": threshold, "weights": None if w is None else list(map(float, w)),
            "expect": e}


def multiclass_case(name, y, probs, k, w=None):
    y = np.asarray(y, dtype=int)
    probs = np.asarray(probs, dtype=float)
    pred = probs.argmax(axis=1)
    e = {}
    labels = list(range(k))
    e["confusion"] = arr(M.confusion_matrix(y, pred, labels=labels, sample_weight=w).ravel())
    e["accuracy"] = fl(M.accuracy_score(y, pred, sample_weight=w))
    e["balanced_accuracy"] = fl(M.balanced_accuracy_score(y, pred, sample_weight=w))
    for zd in (0, 1):
        for avg in ("micro", "macro", "weighted"):
            kw = dict(labels=labels, average=avg, sample_weight=w, zero_division=zd)
            e[f"precision_{avg}_{zd}"] = fl(M.precision_score(y, pred, **kw))
            e[f"recall_{avg}_{zd}"] = fl(M.recall_score(y, pred, **kw))
            e[f"f1_{avg}_{zd}"] = fl(M.f1_score(y, pred, **kw))
    e["mcc"] = fl(M.matthews_corrcoef(y, pred, sample_weight=w))
    e["kappa"] = fl(M.cohen_kappa_score(y, pred, labels=labels, sample_weight=w))
    for avg in ("macro", "weighted"):
        e[f"roc_auc_ovr_{avg}"] = attempt(lambda: fl(M.roc_auc_score(
            y, probs, multi_class="ovr", average=avg, sample_weight=w)))
    e["log_loss"] = fl(M.log_loss(y, probs, labels=labels, sample_weight=w))
    return {"name": name, "kind": "multiclass", "classes": k, "y_true": y.tolist(),
            "probs": probs.ravel().tolist(), "weights": None if w is None else list(map(float, w)),
            "expect": e}


def regression_case(name, y, p, w=None):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    e = {
        "mae": fl(M.mean_absolute_error(y, p, sample_weight=w)),
        "mse": fl(M.mean_squared_error(y, p, sample_weight=w)),
        "rmse": fl(M.mean_squared_error(y, p, sample_weight=w, squared=False)),
        "r2": fl(M.r2_score(y, p, sample_weight=w)),
        "mape": fl(M.mean_absolute_percentage_error(y, p, sample_weight=w)),
        "median_ae": fl(M.median_absolute_error(y, p, sample_weight=w)),
        "explained_variance": fl(M.explained_variance_score(y, p, sample_weight=w)),
    }
    return {"name": name, "kind": "regression", "y_true": y.tolist(), "y_pred": p.tolist(),
            "weights": None if w is None else list(map(float, w)), "expect": e}


def mcnemar_case(name, b, c):
    n = b + c
    if n < 25:
        p = min(1.0, 2 * stats.binom.cdf(min(b, c), n, 0.5)) if n > 0 else 1.0
        method = "exact"
    else:
        stat = (abs(b - c) - 1) ** 2 / n
        p = stats.chi2.sf(stat, 1)
        method = "chi2"
    return {"name": name, "kind": "mcnemar", "b": b, "c": c, "expect": {"p": fl(p), "method": method}}


def slice_case(name, y, s, groups, threshold=0.5):
    y = np.asarray(y, dtype=int)
    s = np.asarray(s, dtype=float)
    groups = np.asarray(groups)
    pred = (s >= threshold).astype(int)
    per = {}
    sel, tpr = [], []
    for g in sorted(set(groups.tolist())):
        m = groups == g
        yg, sg, pg = y[m], s[m], pred[m]
        per[g] = {
            "count": int(m.sum()),
            "positives": int(yg.sum()),
            "accuracy": fl(M.accuracy_score(yg, pg)),
            "recall": fl(M.recall_score(yg, pg, labels=[0, 1], zero_division=0)),
            "roc_auc": attempt(lambda: fl(M.roc_auc_score(yg, sg))),
            "log_loss": fl(M.log_loss(yg, sg, labels=[0, 1])),
        }
        sel.append(pg.mean())
        if yg.sum() > 0:
            tpr.append(M.recall_score(yg, pg))
    e = {"slices": per, "demographic_parity_difference": fl(max(sel) - min(sel)),
         "equal_opportunity_difference": fl(max(tpr) - min(tpr)) if tpr else None}
    return {"name": name, "kind": "slices", "y_true": y.tolist(), "scores": s.tolist(),
            "groups": groups.tolist(), "threshold": threshold, "expect": e}


def main():
    rng = np.random.RandomState(20261123)
    cases = []
    for i, n in enumerate([20, 57, 200, 1000]):
        y = (rng.rand(n) < 0.35).astype(int)
        s = np.clip(0.35 * y + rng.rand(n) * 0.7, 0, 1)
        cases.append(binary_case(f"random_{n}", y, s))
        w = rng.rand(n) * 3
        cases.append(binary_case(f"random_weighted_{n}", y, s, w))
    y = (rng.rand(300) < 0.5).astype(int)
    s = np.round(np.clip(0.2 * y + rng.rand(300) * 0.8, 0, 1), 1)
    cases.append(binary_case("ties", y, s))
    cases.append(binary_case("ties_weighted", y, s, rng.randint(0, 4, 300).astype(float)))
    cases.append(binary_case("all_tied", [0, 1, 0, 1, 1], [0.5] * 5))
    cases.append(binary_case("perfect", [0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]))
    cases.append(binary_case("inverted", [1, 1, 1, 0, 0, 0], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]))
    cases.append(binary_case("confident_mistakes", [0, 1, 0, 1], [1.0, 0.0, 0.0, 1.0]))
    cases.append(binary_case("all_negative", [0] * 8, np.linspace(0.05, 0.95, 8)))
    cases.append(binary_case("all_positive", [1] * 8, np.linspace(0.05, 0.95, 8)))
    cases.append(binary_case("no_predicted_positive", [0, 1, 0, 1, 0, 0], [0.1, 0.4, 0.2, 0.3, 0.05, 0.45]))
    cases.append(binary_case("all_predicted_positive", [0, 1, 0, 1, 0, 0], [0.6, 0.9, 0.7, 0.8, 0.55, 0.95]))
    cases.append(binary_case("all_negative_none_predicted", [0] * 5, [0.1, 0.2, 0.3, 0.2, 0.1]))
    cases.append(binary_case("edges", [0, 1, 0, 1, 1, 0, 1, 0, 1, 1], [0.0, 0.2, 0.2, 0.4, 0.4, 0.6, 0.6, 0.8, 1.0, 1.0]))
    cases.append(binary_case("tenths", [0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0],
                             [k / 10 for k in range(11)] + [k * 0.1 for k in range(11)]))
    cases.append(binary_case("zero_weights", [0, 1, 0, 1, 1, 0], [0.3, 0.8, 0.6, 0.2, 0.9, 0.1], [0, 1, 2, 0, 1, 1]))
    for k, n in [(3, 60), (4, 300), (3, 500)]:
        y = rng.randint(0, k, n)
        logits = rng.randn(n, k) + 1.5 * np.eye(k)[y]
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        cases.append(multiclass_case(f"multiclass_{k}_{n}", y, probs, k))
        cases.append(multiclass_case(f"multiclass_weighted_{k}_{n}", y, probs, k, rng.rand(n) * 2))
    y = np.array([0, 0, 1, 1, 2, 2])
    probs = np.array([[1, 0, 0], [0.5, 0.5, 0], [0, 1, 0], [0, 0.2, 0.8], [0.1, 0.1, 0.8], [0, 0, 1.0]])
    cases.append(multiclass_case("multiclass_certain", y, probs, 3))
    y = np.array([0, 0, 1, 1, 0, 1])
    probs = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.4, 0.4, 0.2], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4]])
    cases.append(multiclass_case("multiclass_absent_class", y, probs, 3))
    for n in (10, 101, 400):
        y = rng.randn(n) * 10 + 3
        p = y + rng.randn(n) * 4
        cases.append(regression_case(f"regression_{n}", y, p))
        cases.append(regression_case(f"regression_weighted_{n}", y, p, rng.rand(n) * 2))
    cases.append(regression_case("regression_constant_perfect", [2.0] * 4, [2.0] * 4))
    cases.append(regression_case("regression_constant_off", [2.0] * 4, [1.0, 2.0, 3.0, 2.0]))
    cases.append(regression_case("regression_zero_target", [0.0, 1.0, -2.0, 3.0], [0.5, 1.0, -1.0, 2.0]))
    cases.append(regression_case("regression_even_median", [1.0, 2.0, 3.0, 4.0], [1.5, 2.0, 4.0, 2.0]))
    y = (rng.rand(400) < 0.3).astype(int)
    s = np.clip(0.3 * y + rng.rand(400) * 0.7, 0, 1)
    g = rng.choice(["a", "b", "c", "d"], 400)
    cases.append(slice_case("slices_random", y, s, g))
    cases.append(slice_case("slices_one_class_group", [0, 0, 1, 1, 0, 0, 0, 1], [0.2, 0.7, 0.8, 0.4, 0.1, 0.6, 0.3, 0.9],
                            ["x", "x", "x", "x", "y", "y", "y", "z"]))
    for b, c in [(0, 0), (3, 0), (5, 12), (10, 14), (20, 10), (100, 130), (60, 60)]:
        cases.append(mcnemar_case(f"mcnemar_{b}_{c}", b, c))
    json.dump({"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
               "cases": cases}, sys.stdout, indent=None, separators=(",", ":"))


main()
