"""Side-by-side benchmark of batch scoring through the feature matrix
(issue 18, first line): scikit-learn 1.2's Pipeline(ColumnTransformer,
LogisticRegression).predict_proba on 1,000,000 mixed rows against Loom's
BenchmarkMatrixPredict (feature.Fitted.MatrixBlocks, MatrixTo or Matrix,
then train.PredictProbaBatch), interleaved in one run.

    /usr/bin/python3 feature/testdata/bench_sklearn_score.py --go-threads 2

Run it from the repository root: it builds the Go test binary of ./feature
(go test -c), then for each of --runs rounds runs the Go benchmark once
(--reps scorings: blocks of rows through the features and the model
while they are in the cache, as model.Bundle's PredictProba does; reused
buffers; fresh ones) and scikit-learn once
(--reps scorings), and prints every round and the medians. scikit-learn
runs on one thread (OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1; its
transformers are single-threaded anyway), Go on GOMAXPROCS=--go-threads.

The rows have the shape and distributions of feature/bench_test.go's
benchRows (drawn by NumPy, so not the same values): age U(18, 78), score
U(0, 1), hours N(20, 8), income 30000 + Exp(20000) (5% missing), balance
N(0, 1000) (10% missing), tenure Exp(5) (3% missing), segment of 3 levels,
region of 7, channel of 12 (2% missing). Both sides impute the numeric
columns by their mean and standardize them, one-hot encode the categories
(a missing channel is its own category, unknown ones are ignored): 29
columns. The model is a logistic regression fitted on the first 20,000
rows, on the same label rule as benchModel.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--go-threads", type=int, default=2)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--gobin", default="/tmp/loom_feature_bench.test")
ap.add_argument("--no-build", action="store_true")
args = ap.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402  (after the thread settings)
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

N = 1_000_000
NUM = ["age", "score", "hours", "income", "balance", "tenure"]
CAT = ["segment", "region", "channel"]


def rows(n, seed=1):
    rs = np.random.RandomState(seed)

    def holes(x, p):
        x[rs.uniform(size=n) < p] = np.nan
        return x

    channel = rs.choice([f"ch{i:02d}" for i in range(1, 13)], n).astype(object)
    channel[rs.uniform(size=n) < 0.02] = None
    return pd.DataFrame({
        "age": 18 + rs.uniform(size=n) * 60,
        "score": rs.uniform(size=n),
        "hours": 20 + rs.standard_normal(n) * 8,
        "income": holes(30000 + rs.exponential(size=n) * 20000, 0.05),
        "balance": holes(rs.standard_normal(n) * 1000, 0.1),
        "tenure": holes(rs.exponential(size=n) * 5, 0.03),
        "segment": rs.choice(["low", "mid", "high"], n),
        "region": rs.choice(["north", "south", "east", "west", "central", "coastal", "mountain"], n),
        "channel": channel,
    })


def go_bench(sub):
    env = dict(os.environ, GOMAXPROCS=str(args.go_threads))
    out = subprocess.run([args.gobin, "-test.run", "^$", "-test.bench", f"^BenchmarkMatrixPredict$/rows=1000000/{sub}$",
                          "-test.benchtime", f"{args.reps}x", "-test.count", "1"],
                         env=env, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Benchmark"):
            f = line.split()
            return float(f[f.index("ns/op") - 1]) / 1e9
    raise RuntimeError(out)


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    if not args.no_build:
        subprocess.run(["go", "test", "-c", "-o", args.gobin, "./feature"], check=True)
    df = rows(N)
    y = ((df["age"] / 78 + df["score"] > 1) | (df["segment"] == "high")).astype(float)
    pre = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="mean")), ("scale", StandardScaler())]), NUM),
        ("cat", OneHotEncoder(handle_unknown="ignore"), CAT),
    ], sparse_threshold=0)
    model = Pipeline([("pre", pre), ("lr", LogisticRegression())]).fit(df.iloc[:20000], y[:20000])
    width = model.named_steps["pre"].transform(df.iloc[:5]).shape[1]
    print(f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}, NumPy {np.__version__}; "
          f"{N} rows -> {width} columns; scikit-learn 1 thread, Go GOMAXPROCS={args.go_threads}; load {load()}",
          flush=True)
    out = []
    for r in range(args.runs):
        blocks, reused, fresh = go_bench("blocks"), go_bench("reused"), go_bench("fresh")
        t = time.perf_counter()
        for _ in range(args.reps):
            model.predict_proba(df)
        sk = (time.perf_counter() - t) / args.reps
        out.append((reused, fresh, sk, blocks))
        print(f"round {r + 1}: Loom MatrixBlocks+PredictProbaBatch {blocks:.3f} s ({N / blocks / 1e6:.1f} M rows/s), "
              f"MatrixTo+PredictProbaBatch {reused:.3f} s ({N / reused / 1e6:.1f} M rows/s), "
              f"Matrix+PredictProbaBatch(nil) {fresh:.3f} s ({N / fresh / 1e6:.1f} M rows/s), "
              f"scikit-learn predict_proba {sk:.3f} s ({N / sk / 1e6:.2f} M rows/s), load {load()}", flush=True)
    med = [statistics.median(o[i] for o in out) for i in range(4)]
    print(f"medians: Loom blocks {med[3]:.3f} s ({N / med[3] / 1e6:.1f} M rows/s), reused {med[0]:.3f} s ({N / med[0] / 1e6:.1f} M rows/s), fresh {med[1]:.3f} s "
          f"({N / med[1] / 1e6:.1f} M rows/s), scikit-learn {med[2]:.3f} s ({N / med[2] / 1e6:.2f} M rows/s); "
          f"median ratios to scikit-learn {statistics.median(o[3] / o[2] for o in out):.3f} (blocks), "
          f"{statistics.median(o[0] / o[2] for o in out):.3f} (reused), "
          f"{statistics.median(o[1] / o[2] for o in out):.3f} (fresh)")


if __name__ == "__main__":
    sys.exit(main())
