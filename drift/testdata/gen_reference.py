#!/usr/bin/python3
"""Generates reference.json and anderson.json: SciPy 1.10 values for drift's
reference tests.

Run with /usr/bin/python3 (Debian python3-scipy): /usr/bin/python3 gen_reference.py
"""
import json
import warnings
import numpy as np
from scipy import stats
from scipy.spatial import distance

rng = np.random.RandomState(20261123)
cases = []
shapes = [(20, 20), (30, 45), (100, 80), (250, 333), (1000, 700), (50, 3000), (2000, 2000), (12000, 400), (15000, 20000)]
for i, (n1, n2) in enumerate(shapes):
    shift = [0.0, 0.3, 0.05, 0.5, 0.1, 0.2, 0.02, 0.05, 0.03][i]
    a = rng.normal(0, 1, n1)
    b = rng.normal(shift, 1.1, n2)
    if i % 3 == 2:  # ties
        a = np.round(a, 1)
        b = np.round(b, 1)
    ks = stats.ks_2samp(a, b, method="auto")
    cases.append({
        "a": a.tolist(), "b": b.tolist(),
        "ks_stat": float(ks.statistic), "ks_p": float(ks.pvalue),
        "ks_exact": max(n1, n2) <= 10000,
        "wasserstein": float(stats.wasserstein_distance(a, b)),
    })
hists = []
for i in range(8):
    k = rng.randint(2, 12)
    p = rng.randint(0, 200, k).astype(float)
    q = rng.randint(0, 200, k).astype(float)
    if i == 0:
        p[0] = 0
    if i == 1:
        q[1] = 0
    chi2, pv, dof, _ = stats.chi2_contingency(np.array([p, q]) if (p + q).all() else np.array([p, q])[:, (p + q) > 0], correction=False)
    hists.append({"p": p.tolist(), "q": q.tolist(),
                  "js": float(distance.jensenshannon(p, q)),
                  "chi2": float(chi2), "chi2_p": float(pv), "dof": int(dof)})
json.dump({"samples": cases, "hists": hists}, open("reference.json", "w"))

# Anderson–Darling k-sample cases (anderson_ksamp, midrank=True), with their
# own generator so that reference.json does not change.
rng = np.random.RandomState(20260201)
ad = []
ad_shapes = [
    # (sizes, shifts, scales, decimals for ties or None)
    ((30, 30), (0.0, 0.0), (1, 1), None),
    ((40, 25), (0.0, 0.5), (1, 1), None),
    ((100, 80), (0.0, 0.3), (1, 1), None),
    ((200, 350), (0.0, 0.15), (1, 1.2), None),
    ((60, 90), (0.0, 0.4), (1, 1), 1),
    ((500, 400), (0.0, 0.1), (1, 1), 0),
    ((1000, 700), (0.0, 0.08), (1, 1), None),
    ((5, 7), (0.0, 1.0), (1, 1), None),
    ((300, 300), (0.0, 1.0), (1, 1), None),
    ((50, 60, 70), (0.0, 0.0, 0.0), (1, 1, 1), None),
    ((50, 60, 70), (0.0, 0.2, 0.5), (1, 1, 1), None),
    ((120, 80, 200), (0.0, 0.1, 0.25), (1, 1.1, 1), 1),
    ((30, 40, 50, 60), (0.0, 0.1, 0.2, 0.3), (1, 1, 1, 1), None),
    ((400, 400, 400), (0.0, 0.0, 0.12), (1, 1, 1), 0),
]
for sizes, shifts, scales, dec in ad_shapes:
    samples = [rng.normal(mu, sd, n) for n, mu, sd in zip(sizes, shifts, scales)]
    if dec is not None:
        samples = [np.round(x, dec) for x in samples]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = stats.anderson_ksamp(samples)
    crit = np.asarray(r.critical_values)
    ad.append({
        "samples": [x.tolist() for x in samples],
        "statistic": float(r.statistic),
        "critical": [float(c) for c in crit],
        "p": float(r.pvalue),
        "capped": bool(r.statistic < crit.min() or r.statistic > crit.max()),
    })
json.dump({"scipy": __import__("scipy").__version__, "cases": ad}, open("anderson.json", "w"))
