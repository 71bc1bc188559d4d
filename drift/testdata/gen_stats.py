#!/usr/bin/python3
"""Generates stats.json: SciPy / NumPy values for drift's statistics under
every option (KS methods with the statistic's location and sign, the kstwo
survival function, PSI with numpy.quantile edges, weighted Wasserstein,
Jensen–Shannon with a log base, chi-square r×c with Yates' correction, the
two-proportion z-test).

Run with Debian's python3-scipy and python3-numpy (see README):
    cd drift/testdata && /usr/bin/python3 gen_stats.py
"""
import json
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

rng = np.random.RandomState(20261203)
out = {"scipy": scipy.__version__, "numpy": np.__version__}

# --- KS: ks_2samp under auto, exact and asymp ---------------------------
ks = []
shapes = [(5, 7), (20, 20), (30, 45), (100, 80), (140, 150), (250, 333), (1000, 700),
          (50, 3000), (2000, 2000), (12000, 150), (12000, 400), (15000, 20000), (30000, 25000)]
for i, (n1, n2) in enumerate(shapes):
    shift = [0.8, 0.0, 0.3, 0.05, 0.2, 0.5, 0.1, 0.2, 0.02, 0.1, 0.05, 0.03, 0.02][i]
    a = rng.normal(0, 1, n1)
    b = rng.normal(shift, 1.1, n2)
    if i % 3 == 2:  # ties
        a = np.round(a, 1)
        b = np.round(b, 1)
    if i % 4 == 1:  # the larger difference on the other side
        a, b = b, a
    case = {"a": a.tolist(), "b": b.tolist(), "results": []}
    for method in ("auto", "exact", "asymp"):
        if method == "exact" and n1 * n2 > 5e7:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = stats.ks_2samp(a, b, method=method)
        case["results"].append({"method": method,
                   "statistic": float(r.statistic), "p": float(r.pvalue),
                   "location": float(r.statistic_location), "sign": int(r.statistic_sign)})
    ks.append(case)
out["ks"] = ks

# kstwo.sf over every branch of scipy.stats._ksstats._kolmogn
kstwo = []
for n in [1, 2, 3, 5, 10, 50, 100, 140, 141, 500, 1000, 5000, 20000, 99999, 100001, 500000]:
    for x in [0.3 / n, 0.7 / n, 1.0 / n, 1.5 / n, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.49, 0.5, 0.6, 0.9, 1 - 0.5 / n, 1.0]:
        if x > 1:
            continue
        kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    for z in [0.3, 0.5, 0.8, 1.0, 1.2, 1.5, 1.8, 2.2, 3.0]:
        x = z / np.sqrt(n)
        if x < 1:
            kstwo.append({"n": n, "x": float(x), "sf": float(stats.kstwo.sf(x, n))})
out["kstwo"] = kstwo

# --- PSI edges: numpy.quantile methods, right- or left-closed bins -------
methods = ["linear", "inverted_cdf", "averaged_inverted_cdf", "closest_observation",
           "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
           "normal_unbiased", "lower", "higher", "midpoint", "nearest"]
psi = []
for i, (n1, n2, bins) in enumerate([(37, 50, 10), (100, 120, 10), (1000, 800, 10), (523, 611, 7), (200, 300, 4), (64, 64, 20)]):
    ref = rng.normal(0, 1, n1)
    cur = rng.normal(0.2, 1.2, n2)
    if i == 3:
        ref, cur = np.round(ref, 1), np.round(cur, 1)
    if i == 4:
        ref, cur = rng.poisson(2, n1).astype(float), rng.poisson(2.5, n2).astype(float)
    case = {"ref": ref.tolist(), "cur": cur.tolist(), "bins": bins, "results": []}
    for m in methods:
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins, method=m))
        for closed in ("right", "left"):
            side = "left" if closed == "right" else "right"
            k = len(edges) + 1
            rc = np.bincount(np.searchsorted(edges, ref, side=side), minlength=k).astype(float)
            cc = np.bincount(np.searchsorted(edges, cur, side=side), minlength=k).astype(float)
            rf, cf = rc / rc.sum(), cc / cc.sum()
            r0, c0 = np.where(rf == 0, 1e-4, rf), np.where(cf == 0, 1e-4, cf)
            case["results"].append({"method": m, "closed": closed,
                        "edges": edges.tolist(), "ref_frac": rf.tolist(), "cur_frac": cf.tolist(),
                        "psi": float(np.sum((c0 - r0) * np.log(c0 / r0)))})
    psi.append(case)
out["psi"] = psi

# --- weighted Wasserstein -----------------------------------------------
ws = []
for n1, n2 in [(5, 8), (40, 30), (300, 500), (1000, 10)]:
    u, v = rng.normal(0, 1, n1), rng.normal(0.3, 2, n2)
    uw, vw = rng.uniform(0, 3, n1), rng.uniform(0, 1, n2)
    uw[0] = 0
    ws.append({"u": u.tolist(), "v": v.tolist(), "u_weights": uw.tolist(), "v_weights": vw.tolist(),
               "distance": float(stats.wasserstein_distance(u, v, uw, vw))})
out["wasserstein"] = ws

# --- Jensen–Shannon with a base -----------------------------------------
js = []
for i in range(6):
    k = rng.randint(2, 12)
    p, q = rng.randint(0, 100, k).astype(float), rng.randint(0, 100, k).astype(float)
    p[0] = 0
    for base in (None, 2.0, 10.0, np.e):
        d = float(distance.jensenshannon(p, q, base))
        js.append({"p": p.tolist(), "q": q.tolist(), "base": base or 0.0, "distance": d})
js.append({"p": [1.0, 0.0], "q": [0.0, 1.0], "base": 2.0, "distance": float(distance.jensenshannon([1, 0], [0, 1], 2.0))})
out["jensenshannon"] = js

# --- chi-square r×c, with and without Yates' correction ------------------
chi = []
tables = [rng.randint(1, 60, (2, 2)), rng.randint(0, 60, (2, 5)), rng.randint(1, 40, (3, 4)),
          rng.randint(5, 200, (4, 3)), np.array([[3, 0], [10, 7]]), np.array([[20, 22], [21, 19]]),
          np.array([[5, 0, 3], [4, 0, 6]]), rng.randint(1, 9, (2, 2)), np.array([[10, 20, 30]])]
for t in tables:
    t = t.astype(float)
    for corr in (False, True):
        try:
            r = stats.chi2_contingency(t, correction=corr)
            chi.append({"table": t.tolist(), "yates": corr, "stat": float(r[0]), "p": float(r[1]),
                        "dof": int(r[2]), "expected": np.asarray(r[3]).tolist(), "error": False})
        except ValueError:
            chi.append({"table": t.tolist(), "yates": corr, "error": True})
out["chisquare"] = chi

# --- two-proportion z-test (pooled), p-value from scipy.stats.norm ------
zt = []
for x1, n1, x2, n2 in [(30, 100, 45, 110), (5, 1000, 9, 1200), (500, 1000, 480, 1000), (0, 50, 3, 60), (12, 12, 9, 10)]:
    p1, p2, pp = x1 / n1, x2 / n2, (x1 + x2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n2))
    zt.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "z": float(z), "p": float(2 * stats.norm.sf(abs(z)))})
out["ztest"] = zt

# --- KS edge cases: tiny samples, all ties, identical samples ------------
edge = []
for a, b in [([1.0], [2.0]), ([1.0, 2.0], [3.0]), ([0.5, 0.5, 0.5], [0.5, 0.5]), ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
             ([3.0, 1.0, 2.0, 2.0], [2.0, 2.0, 5.0, 0.0, 1.0]), (list(range(30)), [x + 0.5 for x in range(40)])]:
    case = {"a": a, "b": b, "results": []}
    for method in ("auto", "exact", "asymp"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = stats.ks_2samp(a, b, method=method)
        p = None if np.isnan(r.pvalue) else float(r.pvalue)  # JSON has no NaN: null
        case["results"].append({"method": method, "statistic": float(r.statistic), "p": p,
                                "location": float(r.statistic_location), "sign": int(r.statistic_sign)})
    edge.append(case)
out["ks"] += edge

with open("stats.json", "w") as f:
    json.dump(out, f)
