#!/usr/bin/python3
"""Generates reference.json: SciPy 1.10 values for drift's reference tests.

Run with /usr/bin/python3 (Debian python3-scipy): /usr/bin/python3 gen_reference.py
"""
import json
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
