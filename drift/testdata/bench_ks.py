#!/usr/bin/python3
"""Times scipy.stats.ks_2samp on the data of drift's BenchmarkKS: two
samples of n standard normal values (seeded), the second shifted by 0 or
0.005 standard deviations, at n = 1,000,000 (method "auto", which is
asymptotic at this size: kstwo.sf(D, round(nm/(n+m)))). One timed call per
case after one untimed warm-up call; prints one line per case:

    ks n=1000000 shift=0 seconds=0.2861 D=0.00117 p=0.477 nDD=0.68

Run with Debian's python3-scipy (single-threaded: NumPy's sort and SciPy's
kstwo are), through bench_ks.sh, which alternates it with the Go benchmark.
"""
import time

import numpy as np
from scipy import stats

n = 1_000_000
rng = np.random.default_rng(18)
for shift in (0.0, 0.005):
    a = rng.normal(0, 1, n)
    b = rng.normal(shift, 1, n)
    stats.ks_2samp(a[:1000], b[:1000])  # warm-up (imports, caches)
    t0 = time.perf_counter()
    r = stats.ks_2samp(a, b)
    dt = time.perf_counter() - t0
    en = n * n / (2 * n)
    print(f"ks n={n} shift={shift:g} seconds={dt:.4f} D={r.statistic:.5g} p={r.pvalue:.4g} nDD={en * r.statistic**2:.3g}")
