#!/usr/bin/python3
"""Reference permutation importances for package evaluate, computed with
scikit-learn 1.2's sklearn.inspection.permutation_importance.

Run from this folder with Debian's Python (scikit-learn 1.2.1, numpy 1.24):
/usr/bin/python3 gen_permutation.py > permutation.json

scikit-learn shuffles each column with the same seeded sequence, in place
and cumulatively (repeat r permutes the column as repeat r-1 left it), so
the permutation of the original rows at repeat r is the composition of the
first r shuffles. The file holds those effective permutations, so that the
Go test can feed them to evaluate's engine and compare the importances
themselves, not two random draws.
"""
import json

import numpy as np
import sklearn
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state

assert sklearn.__version__.startswith("1.2"), sklearn.__version__

rng = np.random.default_rng(0)
n, p, repeats, seed = 200, 3, 5, 42
X = rng.normal(size=(n, p))
y = (3 * X[:, 0] + X[:, 1] + rng.normal(size=n) > 0).astype(int)
clf = LogisticRegression().fit(X, y)
res = permutation_importance(clf, X, y, scoring="roc_auc", n_repeats=repeats, random_state=seed)

# The effective permutations, as _calculate_permutation_scores draws them.
rs = check_random_state(seed)
col_seed = rs.randint(np.iinfo(np.int32).max + 1)
rs = check_random_state(col_seed)
idx = np.arange(n)
eff = np.arange(n)
perms = []
for _ in range(repeats):
    rs.shuffle(idx)
    eff = eff[idx]
    perms.append(eff.tolist())

json.dump({
    "X": X.tolist(), "y": y.tolist(),
    "coef": clf.coef_[0].tolist(), "intercept": float(clf.intercept_[0]),
    "perms": perms,
    "importances": res.importances.tolist(),
    "mean": res.importances_mean.tolist(), "std": res.importances_std.tolist(),
}, __import__("sys").stdout)
