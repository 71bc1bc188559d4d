#!/bin/sh
# CPU time per explained row of two builds of the train/tree test binary,
# alternated run by run: sh testdata/bench_shap.sh old.test new.test [rounds]
# (from train/tree; build each with `go test -c -o X.test ./train/tree`).
# CPU per row = (task-clock of N iterations − task-clock of 1) / (N − 1),
# so that building the ensemble and the explainer cancels out. Prints one
# line per run: benchmark, binary, µs of CPU per row; then the medians.
set -eu
old=$1 new=$2 rounds=${3:-5}
tc() { # binary pattern iterations -> task-clock in ms
	perf stat -x, -e task-clock "$1" -test.run '^$' -test.bench "$2" -test.benchtime "$3"x -test.cpu 1 2>&1 >/dev/null |
		awk -F, '/task-clock/ {print $1}'
}
cpu() { # binary pattern iterations -> µs per row
	a=$(tc "$1" "$2" "$3"); z=$(tc "$1" "$2" 1)
	echo "$a $z $3" | awk '{printf "%.1f", ($1-$2)*1000/($3-1)}'
}
out=$(mktemp)
for b in '^BenchmarkExplain$/^trees=100/leaves=31$ 3000' '^BenchmarkExplain$/^trees=100/depth=5$ 3000' \
	'^BenchmarkExplain$/^trees=100/depth=6$ 2000' '^BenchmarkExplainForms$/^forest/trees=100/leaves=2000/default$ 20'; do
	set -- $b
	for i in $(seq "$rounds"); do
		for bin in "$old" "$new"; do
			echo "$1 $(basename "$bin") $(cpu "$bin" "$1" "$2")" | tee -a "$out"
		done
	done
done
echo "medians (µs of CPU per row):"
awk '{k=$1" "$2; v[k]=v[k]" "$3} END {for (k in v) {n=split(v[k], a, " "); for (i=1;i<=n;i++) for (j=i+1;j<=n;j++) if (a[j]<a[i]) {t=a[i]; a[i]=a[j]; a[j]=t}; print k, a[int((n+1)/2)]}}' "$out" | sort
rm -f "$out"
