#!/bin/bash
# bench_split.sh: CPU time (perf task-clock, less disturbed than wall time
# on a shared machine) per call of the split search (BenchmarkBest, ref =
# the loop before split14, new = best) and of the histogram subtraction
# (BenchmarkSubtract, go = portable loop, avx2 = kernel), alternated run
# by run, 5 rounds; prints the median and the five values in ns per call.
# Run from the repository root: train/gbdt/testdata/bench_split.sh
set -euo pipefail
bin=$(mktemp /tmp/bench_split.XXXXXX.test)
trap 'rm -f "$bin"' EXIT
go test -c -o "$bin" ./train/gbdt
cd train/gbdt
cpu() { # benchmark iterations -> task-clock ms
	perf stat -x, -e task-clock "$bin" -test.run '^$' -test.bench "^Benchmark$1\$" -test.cpu 1 -test.benchtime "$2x" 2>&1 >/dev/null |
		awk -F, '/task-clock/{print $1}'
}
cases="Best/rows=1000000/impl=ref:200000 Best/rows=1000000/impl=new:200000 Best/rows=2000/impl=ref:200000 Best/rows=2000/impl=new:200000
Subtract/features=32/impl=go:20000 Subtract/features=32/impl=avx2:20000 Subtract/features=8/impl=go:50000 Subtract/features=8/impl=avx2:50000"
declare -A setup vals
for c in $cases; do
	name=${c%:*}
	setup[$name]=$(cpu "$name" 1) # building the histograms
done
for round in 1 2 3 4 5; do
	for c in $cases; do
		name=${c%:*} n=${c##*:}
		t=$(cpu "$name" "$n")
		vals[$name]+=" $(awk -v t="$t" -v s="${setup[$name]}" -v n="$n" 'BEGIN{printf "%.0f", (t-s)/n*1e6}')"
	done
done
for c in $cases; do
	name=${c%:*}
	echo "$name median $(echo ${vals[$name]} | tr ' ' '\n' | sort -n | sed -n 3p) ns [${vals[$name]} ]"
done
