#!/usr/bin/python3
"""Batch scoring, Loom against XGBoost's own predict, side by side.

Run from the repository root:
    /usr/bin/python3 train/xgboost/testdata/bench_compare.py

The same model (testdata/bc_100trees.json: 100 trees, breast_cancer, depth
up to 6) scores the same 100,000 rows (the 143 test rows of
bc_100trees.pred.csv tiled) with 1 and 2 threads: XGBoost 1.7's
Booster.predict on a prebuilt DMatrix and Booster.inplace_predict on the
numpy matrix (nthread=1, 2), and Loom's BenchmarkBatch (GOMAXPROCS=1, 2,
go test -cpu 1,2). Each is timed 5 times, the runs interleaved so that
both see the same load; the table gives medians in
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


def xgboost_once(bst, X, threads):
    """One timing of each XGBoost call, in ns per row. predict gets a fresh
    DMatrix (built outside the timing): XGBoost caches the predictions of
    a DMatrix it has seen."""
    bst.set_param({"nthread": threads})
    d = xgb.DMatrix(X, nthread=threads, feature_names=bst.feature_names)
    t = time.perf_counter()
    bst.predict(d)
    pred = time.perf_counter() - t
    t = time.perf_counter()
    bst.inplace_predict(X)
    inplace = time.perf_counter() - t
    return pred / ROWS * 1e9, inplace / ROWS * 1e9


CMD = ["go", "test", "-run", "^$", "-bench", "^BenchmarkBatch$", "-benchtime", "3x",
       "-count", "1", "-cpu", "1,2", "./train/xgboost"]


def loom_once(root):
    """One run of BenchmarkBatch with 1 and 2 threads, in ns per row."""
    res = subprocess.run(CMD, cwd=root, capture_output=True, text=True, check=True)
    out = {}
    for line in res.stdout.splitlines():
        m = re.match(r"BenchmarkBatch(?:-(\d+))?\s+\d+\s+\d+ ns/op\s+([\d.]+) ns/row", line)
        if m:
            out[int(m.group(1) or 1)] = float(m.group(2))
    return out


def main():
    X = rows()
    root = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
    bst = xgb.Booster(model_file=os.path.join(HERE, "bc_100trees.json"))
    for t in (1, 2):
        xgboost_once(bst, X, t)  # warm up
    subprocess.run(CMD[:2] + ["-c", "-o", os.devnull, "./train/xgboost"], cwd=root, check=True)  # build once
    load = os.getloadavg()[0]
    times = {}
    # Interleaved, so that both see the same load.
    for _ in range(REPEAT):
        for t in (1, 2):
            p, i = xgboost_once(bst, X, t)
            times.setdefault(("predict", t), []).append(p)
            times.setdefault(("inplace", t), []).append(i)
        for t, v in loom_once(root).items():
            times.setdefault(("loom", t), []).append(v)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"xgboost {xgb.__version__}, {ROWS} rows, 100 trees, medians of {REPEAT}; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("loom: " + " ".join(CMD[:-5]) + f" -count 1 -cpu 1,2 ./train/xgboost, {REPEAT} times")
    print("| threads | XGBoost predict (DMatrix) ns/row | XGBoost inplace_predict ns/row | Loom PredictProbaBatch ns/row | Loom speed-up |")
    print("| --- | --- | --- | --- | --- |")
    for t in (1, 2):
        best = min(med[("predict", t)], med[("inplace", t)])
        print(f"| {t} | {med[('predict', t)]:.0f} | {med[('inplace', t)]:.0f} | {med[('loom', t)]:.0f} | {best / med[('loom', t)]:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
