"""Reference values for package train's agreement tests.

Run from this folder with Debian's Python (scikit-learn 1.2.1, SciPy 1.10.1):

    /usr/bin/python3 reference.py > reference.json

scikit-learn's LogisticRegression(solver="lbfgs") passes only gtol=tol and
maxiter to SciPy's L-BFGS-B, whose relative function tolerance (ftol=2.2e-9)
then stops it up to ~1e-3 (relative) away from the optimum of its objective.
So that scikit-learn and Loom converge to the same optimum, this script
tightens SciPy's ftol to 1e-15 for sklearn's call (and Loom's test sets
FuncTol to the same), with tol=1e-10 in both. The objective, the solver and
everything else are scikit-learn's own.

Data sets and the fixed 75/25 split index files are copies of
/work/shared/datasets (see its README).
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss
from sklearn.preprocessing import StandardScaler


import sklearn.linear_model._logistic as _logistic

_minimize = _logistic.optimize.minimize


def _tight_minimize(*args, **kwargs):
    kwargs.setdefault("options", {})["ftol"] = 1e-15
    return _minimize(*args, **kwargs)


_logistic.optimize.minimize = _tight_minimize


def load(name):
    data = np.loadtxt(f"{name}.csv", delimiter=",", skiprows=1)
    tr = np.loadtxt(f"{name}.train_idx.txt", dtype=int)
    te = np.loadtxt(f"{name}.test_idx.txt", dtype=int)
    X, y = data[:, :-1], data[:, -1]
    return X[tr], y[tr], X[te], y[te]


def logistic(name, standardize):
    Xtr, ytr, Xte, yte = load(name)
    if standardize:
        sc = StandardScaler().fit(Xtr)
        Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    m = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-10, max_iter=100000).fit(Xtr, ytr)
    proba = m.predict_proba(Xte)
    return {
        "coef": m.coef_.tolist(),
        "intercept": m.intercept_.tolist(),
        "n_iter": int(m.n_iter_[0]),
        "test_accuracy": accuracy_score(yte, m.predict(Xte)),
        "test_log_loss": log_loss(yte, proba),
        "test_proba_first5": proba[:5].tolist(),
    }


def logistic_weighted():
    """breast_cancer standardized, class_weight="balanced", C=0.5 and
    sample weights 1 + (row % 3) over the training rows in file order."""
    Xtr, ytr, Xte, yte = load("breast_cancer")
    sc = StandardScaler().fit(Xtr)
    Xtr = sc.transform(Xtr)
    w = 1.0 + (np.arange(len(ytr)) % 3)
    m = LogisticRegression(C=0.5, class_weight="balanced", tol=1e-10, max_iter=100000)
    m.fit(Xtr, ytr, sample_weight=w)
    return {"coef": m.coef_.tolist(), "intercept": m.intercept_.tolist()}


def iterations():
    """scikit-learn's defaults (tol=1e-4, SciPy's ftol; max_iter=1000), where the
    iteration count n_iter_ is compared: SciPy's nit, L-BFGS iterations not
    counting the starting point. Long ill-conditioned runs (iris at C=1,
    unscaled breast_cancer) drift apart by a few iterations through rounding,
    so only well-conditioned fits are listed."""
    _logistic.optimize.minimize = _minimize  # SciPy's own ftol here
    out = []
    for name, standardize, C in [("breast_cancer", True, 1.0), ("breast_cancer", True, 0.1), ("iris", False, 0.1)]:
        Xtr, ytr, Xte, yte = load(name)
        if standardize:
            Xtr = StandardScaler().fit(Xtr).transform(Xtr)
        m = LogisticRegression(C=C, max_iter=1000).fit(Xtr, ytr)
        out.append({"data": name, "standardize": standardize, "C": C, "n_iter": int(m.n_iter_[0]),
                    "coef": m.coef_.tolist(), "intercept": m.intercept_.tolist()})
    _logistic.optimize.minimize = _tight_minimize
    return out


def linear(model):
    Xtr, ytr, Xte, yte = load("diabetes")
    m = model.fit(Xtr, ytr)
    return {"coef": m.coef_.tolist(), "intercept": float(m.intercept_),
            "test_pred_first5": m.predict(Xte[:5]).tolist()}


out = {
    "sklearn": sklearn.__version__,
    "breast_cancer_logistic_standardized": logistic("breast_cancer", True),
    "iris_logistic_multinomial": logistic("iris", False),
    "breast_cancer_logistic_balanced_weighted": logistic_weighted(),
    "diabetes_ols": linear(LinearRegression()),
    "diabetes_ridge_alpha1": linear(Ridge(alpha=1.0)),
    "default_iterations": iterations(),
}
json.dump(out, sys.stdout, indent=1)
print()
