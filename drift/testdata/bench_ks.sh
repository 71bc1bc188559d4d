#!/bin/sh
# Side by side: scipy.stats.ks_2samp against drift.KS on 1M vs 1M normal
# values, alternated, 5 runs each, Go on 1 and on 2 cores (SciPy uses one).
# Prints every run and the medians; run from the repository root:
#     sh drift/testdata/bench_ks.sh
set -e
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go test -c -o "$out/drift.test" ./drift
uptime
for i in 1 2 3 4 5; do
	/usr/bin/python3 drift/testdata/bench_ks.py | tee -a "$out/py.txt"
	(cd drift && "$out/drift.test" -test.run '^$' -test.bench 'KS/n=1000000/' -test.benchtime 3x -test.cpu 1,2 -test.benchmem) | grep '^Benchmark' | tee -a "$out/go.txt"
done
uptime
/usr/bin/python3 - "$out" <<'PY'
import re, statistics, sys, collections
out = sys.argv[1]
py = collections.defaultdict(list)
for line in open(f"{out}/py.txt"):
    m = re.search(r"shift=(\S+) seconds=(\S+)", line)
    py[float(m.group(1))].append(float(m.group(2)))
go = collections.defaultdict(list)
for line in open(f"{out}/go.txt"):
    m = re.match(r"BenchmarkKS/n=1000000/shift=(\S+?)(-(\d+))?\s+\d+\s+(\S+) ns/op", line)
    go[(float(m.group(1)), m.group(3) or "1")].append(float(m.group(4)) / 1e9)
for shift in sorted(py):
    s = statistics.median(py[shift])
    print(f"shift={shift:g}: scipy median {s:.4f} s", end="")
    for cpu in ("1", "2"):
        g = statistics.median(go[(shift, cpu)])
        print(f"; loom {cpu} core(s) {g:.4f} s ({g / s:.2f}x)", end="")
    print()
PY
