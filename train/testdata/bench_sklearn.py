"""Side-by-side benchmark of Loom's logistic regression against scikit-learn
1.2 and NumPy (issue 18), interleaved in one run, same number of threads.

    /usr/bin/python3 train/testdata/bench_sklearn.py --threads 1
    /usr/bin/python3 train/testdata/bench_sklearn.py --threads 2

Run it from the repository root: it builds the Go test binary of ./train
(go test -c), then for each of --runs rounds runs Loom once and the Python
side once, alternately, and prints every pair and the medians. The threads
are fixed on both sides: OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
MKL_NUM_THREADS for NumPy/SciPy/scikit-learn (set before NumPy is imported)
and GOMAXPROCS for Go.

--what fit: LogisticRegression() (C=1, tol=1e-4, max_iter=100, lbfgs) on
1,000,000 x 30 rows against BenchmarkLogisticFit on the same rows (the data
file below, which both sides read); one fit per round on each side.

--what predict: the predict step of 1,000,000 x 30 rows, NumPy's
expit(X @ w + b) (one column) and scikit-learn's predict_proba (two columns)
against BenchmarkPredictProbaBatch/rows=1000000/batch (two columns), all on
the rows of the data file; each round is the mean of --reps calls on each
side.

The data file (written when missing) is little-endian: two uint64 (n, p),
then X as n*p float64 row-major, then y as n float64. X is standard normal
(numpy RandomState(0)), y ~ Bernoulli(sigmoid(X @ coef + 0.25)) with
coef ~ N(0, 0.5^2).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

N, P = 1_000_000, 30


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reps", type=int, default=10, help="predict calls per round")
    ap.add_argument("--what", choices=["fit", "predict", "both"], default="both")
    ap.add_argument("--data", default="/tmp/loom_logistic_1m.f64")
    ap.add_argument("--gobin", default="/tmp/loom_train_bench.test",
                    help="Go test binary of ./train (built unless --no-build)")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--predict-go", default="batch", choices=["batch", "rowwise"],
                    help="Go side of --what predict: PredictProbaBatch, or PredictProba row by row (the path before issue 18)")
    return ap.parse_args()


args = parse()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402  (after the thread settings)
import scipy  # noqa: E402
import sklearn  # noqa: E402
from scipy.special import expit  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402


def write(path):
    rs = np.random.RandomState(0)
    X = rs.standard_normal((N, P))
    coef = rs.normal(0, 0.5, P)
    p = 1 / (1 + np.exp(-(X @ coef + 0.25)))
    y = (rs.uniform(size=N) < p).astype(np.float64)
    with open(path, "wb") as f:
        f.write(np.array([N, P], dtype="<u8").tobytes())
        f.write(X.astype("<f8").tobytes())
        f.write(y.astype("<f8").tobytes())


def read(path):
    raw = np.fromfile(path, dtype="<u1")
    n, p = np.frombuffer(raw[:16].tobytes(), dtype="<u8")
    body = np.frombuffer(raw[16:].tobytes(), dtype="<f8")
    X = body[: n * p].reshape(n, p)
    y = body[n * p:]
    return np.ascontiguousarray(X), y


def go_bench(pattern, benchtime, extra_env=None):
    """Runs one Go benchmark and returns (seconds per op, metrics)."""
    env = dict(os.environ, GOMAXPROCS=str(args.threads))
    env.update(extra_env or {})
    out = subprocess.run([args.gobin, "-test.run", "^$", "-test.bench", pattern,
                          "-test.benchtime", benchtime, "-test.count", "1"],
                         env=env, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Benchmark"):
            fields = line.split()
            metrics = {fields[i + 1]: float(fields[i]) for i in range(2, len(fields) - 1, 2)}
            return metrics["ns/op"] / 1e9, metrics
    raise RuntimeError(f"no result for {pattern}:\n{out}")


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def bench_fit(X, y):
    rows = []
    for r in range(args.runs):
        loom, metrics = go_bench("^BenchmarkLogisticFit$/rows=1000000/", "1x", {"TRAIN_BENCH_DATA": args.data})
        loom_cpu = metrics.get("cpu-s/op", float("nan"))
        m = LogisticRegression()
        t, c = time.perf_counter(), time.process_time()
        m.fit(X, y)
        sk, sk_cpu = time.perf_counter() - t, time.process_time() - c
        rows.append((loom, sk, loom_cpu, sk_cpu))
        print(f"fit round {r + 1}: Loom {loom:.3f} s ({loom_cpu:.3f} s CPU, {metrics.get('iterations', 0):.0f} "
              f"iterations), scikit-learn {sk:.3f} s ({sk_cpu:.3f} s CPU, n_iter_ {m.n_iter_[0]}), "
              f"wall ratio {loom / sk:.2f}, CPU ratio {loom_cpu / sk_cpu:.2f}, load {load()}", flush=True)
    med = [statistics.median(r[i] for r in rows) for i in range(4)]
    ratio = statistics.median(r[0] / r[1] for r in rows)
    cpu_ratio = statistics.median(r[2] / r[3] for r in rows)
    print(f"fit 1M x 30, {args.threads} thread(s): Loom median {med[0]:.3f} s ({med[2]:.3f} s CPU), scikit-learn "
          f"median {med[1]:.3f} s ({med[3]:.3f} s CPU), median wall ratio {ratio:.2f}, median CPU ratio {cpu_ratio:.2f}")


def bench_predict(X, y):
    m = LogisticRegression(max_iter=20).fit(X[:20000], y[:20000])
    w, b = m.coef_[0].copy(), m.intercept_[0]
    rows = []
    for r in range(args.runs):
        loom, metrics = go_bench(f"^BenchmarkPredictProbaBatch$/rows=1000000/{args.predict_go}$", f"{args.reps}x",
                                 {"TRAIN_BENCH_DATA": args.data})
        loom_cpu = metrics.get("cpu-s/op", float("nan"))
        t, c = time.perf_counter(), time.process_time()
        for _ in range(args.reps):
            expit(X @ w + b)
        np_t, np_cpu = (time.perf_counter() - t) / args.reps, (time.process_time() - c) / args.reps
        t = time.perf_counter()
        for _ in range(args.reps):
            m.predict_proba(X)
        sk_t = (time.perf_counter() - t) / args.reps
        rows.append((loom, np_t, sk_t, loom_cpu, np_cpu))
        print(f"predict round {r + 1}: Loom PredictProbaBatch ({args.predict_go}) {loom * 1e3:.1f} ms "
              f"({loom_cpu * 1e3:.1f} ms CPU), NumPy expit(X @ w + b) {np_t * 1e3:.1f} ms ({np_cpu * 1e3:.1f} ms CPU), "
              f"scikit-learn predict_proba {sk_t * 1e3:.1f} ms, wall ratio to NumPy {loom / np_t:.2f}, "
              f"load {load()}", flush=True)
    med = [statistics.median(r[i] for r in rows) for i in range(5)]
    ratio = statistics.median(r[0] / r[1] for r in rows)
    cpu_ratio = statistics.median(r[3] / r[4] for r in rows)
    print(f"predict 1M x 30, {args.threads} thread(s), Go {args.predict_go}: Loom median {med[0] * 1e3:.1f} ms "
          f"({med[3] * 1e3:.1f} ms CPU), NumPy median {med[1] * 1e3:.1f} ms ({med[4] * 1e3:.1f} ms CPU), "
          f"scikit-learn predict_proba median {med[2] * 1e3:.1f} ms, median wall ratio to NumPy {ratio:.2f}, "
          f"CPU ratio {cpu_ratio:.2f}")


def main():
    if not args.no_build:
        subprocess.run(["go", "test", "-c", "-o", args.gobin, "./train"], check=True)
    if not os.path.exists(args.data):
        write(args.data)
    X, y = read(args.data)
    print(f"scikit-learn {sklearn.__version__}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
          f"{args.threads} thread(s), {args.runs} rounds, load {load()}", flush=True)
    if args.what in ("fit", "both"):
        bench_fit(X, y)
    if args.what in ("predict", "both"):
        bench_predict(X, y)


if __name__ == "__main__":
    sys.exit(main())
