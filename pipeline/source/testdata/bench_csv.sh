#!/bin/sh
# Side by side: pandas.read_csv against source.ReadCSVFileAll into []T on
# the same 1M-row file (written once by the Go benchmark into a temporary
# directory), alternated, 5 runs each; wall and CPU time. Run from the
# repository root:
#     sh pipeline/source/testdata/bench_csv.sh
set -e
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go test -c -o "$out/source.test" ./pipeline/source
export LOOM_SOURCE_BENCH_DIR="$out"
(cd pipeline/source && "$out/source.test" -test.run '^$' -test.bench 'ReadCSV/scan/all' -test.benchtime 1x) > /dev/null
uptime
for i in 1 2 3 4 5; do
	/usr/bin/python3 pipeline/source/testdata/bench_csv.py "$out/wide.csv" | tee -a "$out/py.txt"
	(cd pipeline/source && "$out/source.test" -test.run '^$' -test.bench 'ReadCSV/scan/all' -test.benchtime 1x -test.benchmem) | grep '^Benchmark' | tee -a "$out/go.txt"
done
uptime
/usr/bin/python3 - "$out" <<'PY'
import re, statistics, sys
out = sys.argv[1]
pw, pc, gw, gc = [], [], [], []
for line in open(f"{out}/py.txt"):
    m = re.search(r"seconds=(\S+) cpu_seconds=(\S+)", line)
    pw.append(float(m.group(1))); pc.append(float(m.group(2)))
for line in open(f"{out}/go.txt"):
    gw.append(float(re.search(r"(\S+) ns/op", line).group(1)) / 1e9)
    gc.append(float(re.search(r"(\S+) cpu-s/op", line).group(1)))
m = statistics.median
print(f"pandas median {m(pw):.3f} s wall, {m(pc):.3f} s CPU; loom median {m(gw):.3f} s wall ({m(gw) / m(pw):.2f}x), {m(gc):.3f} s CPU ({m(gc) / m(pc):.2f}x)")
PY
