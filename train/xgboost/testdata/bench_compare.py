#!/usr/bin/python3
"""Batch scoring, Loom against XGBoost's own predict, side by side.

Run from the repository root:
    /usr/bin/python3 train/xgboost/testdata/bench_compare.py

The same model (testdata/bc_100trees.json: 100 trees, breast_cancer, depth
up to 6) scores the same 100,000 rows (the 143 test rows of
bc_100trees.pred.csv tiled) with 1 and 2 threads: XGBoost 1.7's
Booster.predict on a prebuilt DMatrix and Booster.inplace_predict on the
numpy matrix (nthread=1, 2), and Loom's BenchmarkBatch (GOMAXPROCS=1, 2,
go test -cpu 1,2). Each is timed 5 times; the table gives medians in
nanoseconds per row and Loom's speed-up over XGBoost's faster call.
"""
import csv
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 100_000
REPEAT = 5


def rows():
    with open(os.path.join(HERE, "bc_100trees.pred.csv")) as f:
        r = csv.reader(f)
        head = next(r)
        nx = sum(1 for h in head if h.startswith("x"))
        X = np.array([[float(v) for v in rec[:nx]] for rec in r])
    return X[np.arange(ROWS) % len(X)]


def xgboost_times(X):
    out = {}
    bst = xgb.Booster(model_file=os.path.join(HERE, "bc_100trees.json"))
    for threads in (1, 2):
        bst.set_param({"nthread": threads})
        d = xgb.DMatrix(X, nthread=threads)
        for name, fn in (("predict", lambda: bst.predict(d)),
                         ("inplace_predict", lambda: bst.inplace_predict(X))):
            fn()  # warm up
            ts = []
            for _ in range(REPEAT):
                t = time.perf_counter()
                fn()
                ts.append(time.perf_counter() - t)
            out[(name, threads)] = statistics.median(ts) / ROWS * 1e9
    return out


def loom_times():
    root = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
    cmd = ["go", "test", "-run", "^$", "-bench", "^BenchmarkBatch$", "-benchtime", "3x",
           "-count", str(REPEAT), "-cpu", "1,2", "./train/xgboost"]
    res = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=True)
    per = {1: [], 2: []}
    for line in res.stdout.splitlines():
        m = re.match(r"BenchmarkBatch(?:-(\d+))?\s+\d+\s+\d+ ns/op\s+([\d.]+) ns/row", line)
        if m:
            per[int(m.group(1) or 1)].append(float(m.group(2)))
    return {t: statistics.median(v) for t, v in per.items() if v}, " ".join(cmd)


def main():
    X = rows()
    load = os.getloadavg()[0]
    xg = xgboost_times(X)
    lm, cmd = loom_times()
    print(f"xgboost {xgb.__version__}, {ROWS} rows, 100 trees; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"loom: {cmd}")
    print("| threads | XGBoost predict (DMatrix) ns/row | XGBoost inplace_predict ns/row | Loom PredictProbaBatch ns/row | Loom speed-up |")
    print("| --- | --- | --- | --- | --- |")
    for t in (1, 2):
        best = min(xg[("predict", t)], xg[("inplace_predict", t)])
        print(f"| {t} | {xg[('predict', t)]:.0f} | {xg[('inplace_predict', t)]:.0f} | {lm[t]:.0f} | {best / lm[t]:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
