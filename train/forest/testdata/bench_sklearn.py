#!/usr/bin/python3
"""Side-by-side fit time of a random forest of 100 trees on 100,000 × 30
rows: scikit-learn 1.2's RandomForestClassifier (n_jobs=1, 2) against
package forest's Classifier (GOMAXPROCS=1, 2), alternating, in one run.

Run from the repository root with Debian's python3-sklearn:

    /usr/bin/python3 train/forest/testdata/bench_sklearn.py [repeats [threads ...]]

with threads 1 and 2 by default.

It writes the data (make_classification, seed 0) to a temporary file,
builds the package's test binary, and for each repeat and thread count
times one scikit-learn fit and one Go fit (BenchmarkFitLarge, one
iteration), then prints the medians and their ratio, of wall time and of CPU time
(the machine it ran on was shared, so both are given). Both sides fit
the same float64 rows with their defaults (Gini, bootstrap, sqrt
features, trees grown until pure).
"""
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

N, P, TREES = 100_000, 30, 100


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    thread_counts = [int(a) for a in sys.argv[2:]] or [1, 2]
    X, y = make_classification(n_samples=N, n_features=P, n_informative=15, n_redundant=5,
                               random_state=0)
    X, y = X.astype(np.float64), y.astype(np.float64)
    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "forest_bench.bin")
    with open(data, "wb") as f:
        f.write(np.array([N, P], dtype="<u8").tobytes())
        f.write(X.astype("<f8").tobytes())
        f.write(y.astype("<f8").tobytes())
    binary = os.path.join(tmp, "forest.test")
    subprocess.run(["go", "test", "-c", "-o", binary, "./train/forest"], check=True)
    times = {}
    for rep in range(repeats):
        for threads in thread_counts:
            print(f"load before repeat {rep} threads {threads}: {os.getloadavg()}", flush=True)
            c0, t0 = time.process_time(), time.perf_counter()
            RandomForestClassifier(n_estimators=TREES, n_jobs=threads, random_state=rep).fit(X, y)
            sk, skcpu = time.perf_counter() - t0, time.process_time() - c0
            env = dict(os.environ, GOMAXPROCS=str(threads), FOREST_BENCH_DATA=data)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run([binary, "-test.run", "^$", "-test.bench", "^BenchmarkFitLarge$",
                                  "-test.benchtime", "1x"], env=env, check=True,
                                 capture_output=True, text=True, cwd="train/forest").stdout
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            go = int(re.search(r"(\d+) ns/op", out).group(1)) / 1e9
            gocpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            times.setdefault(threads, []).append((sk, go, skcpu, gocpu))
            print(f"repeat {rep} threads {threads}: scikit-learn {sk:.2f} s wall {skcpu:.2f} s CPU, "
                  f"Go {go:.2f} s wall {gocpu:.2f} s CPU (Go CPU includes reading the data)", flush=True)
    print(f"load: {os.getloadavg()}")
    for threads, pairs in times.items():
        sk = statistics.median(p[0] for p in pairs)
        go = statistics.median(p[1] for p in pairs)
        skc = statistics.median(p[2] for p in pairs)
        goc = statistics.median(p[3] for p in pairs)
        print(f"threads {threads}: wall: scikit-learn median {sk:.2f} s, Go median {go:.2f} s, "
              f"ratio {go / sk:.2f}; CPU: scikit-learn {skc:.2f} s, Go {goc:.2f} s, "
              f"ratio {goc / skc:.2f} (medians of {len(pairs)})")


if __name__ == "__main__":
    main()
