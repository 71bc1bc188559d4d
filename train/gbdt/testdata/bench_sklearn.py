"""Side-by-side benchmark: scikit-learn 1.2 HistGradientBoostingClassifier
against Loom's gbdt.Classifier on the same 1,000,000 x 30 binary rows,
100 iterations, early stopping off, on 1 and 2 threads.

    /usr/bin/python3 train/gbdt/testdata/bench_sklearn.py [data file] [threads...]
    /usr/bin/python3 train/gbdt/testdata/bench_sklearn.py --predict [data file] [threads...]

writes the data file (default /tmp/loom_gbdt_1m.f64) when missing, then
for each thread count (default 1 2) times 5 fits, alternating a fit of
scikit-learn (under threadpoolctl's limit) with a fit of Loom's benchmark
binary (GOMAXPROCS = threads; $GBDT_TEST_BINARY, default /tmp/gbdt.test),
so that both see the same load, and prints
each time, the medians, their ratio and both test log losses. Build the
Go side first:

    go test -c -o /tmp/gbdt.test ./train/gbdt

With --predict it compares batch prediction instead: both fit 100 trees
on the first 100,000 training rows, then time 5 predict_proba calls
(scikit-learn) and PredictProbaBatch (Loom, BenchmarkPredictBench with
-count 5) on the 200,000 test rows, with the same threads.

The data file is little-endian: three uint64 (n_train, n_test, p), then
X as (n_train + n_test) * p float64 row-major, then y as n_train +
n_test float64. X is standard normal (numpy RandomState(0)) with 5% of
the values of columns 0-4 missing (NaN); y ~ Bernoulli(sigmoid(f(X)))
with f a fixed sum of non-linear terms (see write).
"""
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import log_loss
from threadpoolctl import threadpool_limits

N_TRAIN, N_TEST, P = 1_000_000, 200_000, 30
BINARY = os.environ.get("GBDT_TEST_BINARY", "/tmp/gbdt.test")


def write(path):
    rs = np.random.RandomState(0)
    n = N_TRAIN + N_TEST
    X = rs.standard_normal((n, P))
    f = (np.sin(2 * X[:, 0]) + 0.8 * np.abs(X[:, 1]) - 0.5 * X[:, 2] * X[:, 3]
         + 0.7 * (X[:, 4] > 0.5) + 0.3 * X[:, 5:15].sum(axis=1) - 0.6)
    y = (rs.uniform(size=n) < 1 / (1 + np.exp(-f))).astype(np.float64)
    X[:, :5][rs.uniform(size=(n, 5)) < 0.05] = np.nan
    with open(path, "wb") as fh:
        fh.write(np.array([N_TRAIN, N_TEST, P], dtype="<u8").tobytes())
        fh.write(X.astype("<f8").tobytes())
        fh.write(y.astype("<f8").tobytes())


def read(path):
    raw = np.fromfile(path, dtype="<u1")
    ntr, nte, p = np.frombuffer(raw[:24].tobytes(), dtype="<u8")
    body = np.frombuffer(raw[24:].tobytes(), dtype="<f8")
    n = ntr + nte
    X = body[: n * p].reshape(n, p)
    y = body[n * p:]
    return np.ascontiguousarray(X[:ntr]), y[:ntr], np.ascontiguousarray(X[ntr:]), y[ntr:]


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def go_fit(path, threads):
    """Returns the wall time of one Loom fit, its test log loss and the CPU
    time of the whole benchmark process (reading the data file included)."""
    env = dict(os.environ, GBDT_BENCH_DATA=path, GOMAXPROCS=str(threads))
    cpu = child_cpu()
    out = subprocess.run([BINARY, "-test.run", "^$", "-test.bench", "^BenchmarkFitBench$",
                          "-test.benchtime", "1x", "-test.benchmem"], env=env, check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("BenchmarkFitBench"):
            f = line.split()
            ns = float(f[f.index("ns/op") - 1])
            ll = float(f[f.index("test_logloss") - 1])
            return ns / 1e9, ll, child_cpu() - cpu
    raise RuntimeError(out)


def go_predict(path, threads):
    env = dict(os.environ, GBDT_BENCH_DATA=path, GOMAXPROCS=str(threads))
    out = subprocess.run([BINARY, "-test.run", "^$", "-test.bench", "^BenchmarkPredictBench$",
                          "-test.benchtime", "3x", "-test.count", "5"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return [float(l.split()[2]) / 1e9 for l in out.splitlines() if l.startswith("BenchmarkPredictBench")]


def predict(path, threads):
    X, y, Xt, yt = read(path)
    for t in threads:
        with threadpool_limits(t):
            m = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)
            m.fit(X[:100_000], y[:100_000])
            sk = []
            for _ in range(5):
                s = time.perf_counter()
                m.predict_proba(Xt)
                sk.append(time.perf_counter() - s)
        lo = go_predict(path, t)
        msk, mlo = statistics.median(sk), statistics.median(lo)
        print(f"threads {t}: predict_proba of {len(Xt)} rows: median scikit-learn {msk * 1e3:.1f} ms, "
              f"Loom {mlo * 1e3:.1f} ms, ratio {mlo / msk:.2f}; load {os.getloadavg()}", flush=True)


def main():
    args = sys.argv[1:]
    mode_predict = bool(args) and args[0] == "--predict"
    if mode_predict:
        args = args[1:]
    path = args[0] if args else "/tmp/loom_gbdt_1m.f64"
    threads = [int(t) for t in args[1:]] or [1, 2]
    if mode_predict:
        predict(path, threads)
        return
    if not os.path.exists(path):
        write(path)
    X, y, Xt, yt = read(path)
    print(f"scikit-learn {sklearn.__version__}, load {os.getloadavg()}", flush=True)
    for t in threads:
        sk, lo, skc, loc = [], [], [], []
        for _ in range(5):
            with threadpool_limits(t):
                m = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)
                s, c = time.perf_counter(), time.process_time()
                m.fit(X, y)
                sk.append(time.perf_counter() - s)
                skc.append(time.process_time() - c)
                sk_ll = log_loss(yt, m.predict_proba(Xt)[:, 1])
            g, go_ll, gc = go_fit(path, t)
            lo.append(g)
            loc.append(gc)
            print(f"threads {t}: scikit-learn {sk[-1]:.2f} s (CPU {skc[-1]:.1f} s), Loom {g:.2f} s "
                  f"(CPU {gc:.1f} s with reading the data); load {os.getloadavg()[0]:.1f}", flush=True)
        msk, mlo = statistics.median(sk), statistics.median(lo)
        print(f"threads {t}: median scikit-learn {msk:.2f} s, Loom {mlo:.2f} s, ratio {mlo / msk:.2f}; "
              f"median CPU scikit-learn {statistics.median(skc):.1f} s, Loom {statistics.median(loc):.1f} s; "
              f"test log loss scikit-learn {sk_ll:.5f}, Loom {go_ll:.5f}; load {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
