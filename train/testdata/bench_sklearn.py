"""Side-by-side benchmark: scikit-learn 1.2 LogisticRegression fit on
1,000,000 x 30 synthetic rows, the same data Loom's BenchmarkLogisticFit
reads.

    /usr/bin/python3 train/testdata/bench_sklearn.py /tmp/loom_logistic_1m.f64
    TRAIN_BENCH_DATA=/tmp/loom_logistic_1m.f64 go test ./train -run '^$' \
        -bench 'LogisticFit/rows=1000000' -benchtime 1x -count 5

The data file (written when missing) is little-endian: two uint64 (n, p),
then X as n*p float64 row-major, then y as n float64. X is standard normal
(numpy RandomState(0)), y ~ Bernoulli(sigmoid(X @ coef + 0.25)) with
coef ~ N(0, 0.5^2). Both sides fit with scikit-learn's defaults: C=1,
tol=1e-4, max_iter=100, lbfgs. Prints the wall time of each of 5 fits and
their median.
"""
import os
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

N, P = 1_000_000, 30


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


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/loom_logistic_1m.f64"
    if not os.path.exists(path):
        write(path)
    X, y = read(path)
    times = []
    for _ in range(5):
        m = LogisticRegression()
        t = time.perf_counter()
        m.fit(X, y)
        times.append(time.perf_counter() - t)
        print(f"fit {times[-1]:.3f} s, n_iter {m.n_iter_[0]}", flush=True)
    print(f"scikit-learn {sklearn.__version__}: {N} x {P} logistic fit, "
          f"median {statistics.median(times):.3f} s over {len(times)} runs "
          f"(n_iter {m.n_iter_[0]}, intercept {m.intercept_[0]:.6f})")


if __name__ == "__main__":
    main()
