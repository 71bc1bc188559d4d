#!/usr/bin/env bash
# Measures POST /predict over loopback with wrk, old and new service
# binaries interleaved (issue 18). wrk and the server share the machine's
# cores. Usage, from the repository root:
#
#   go run ./examples/quickstart -out "$DIR/qs"
#   go build -o "$DIR/service-new" ./examples/service
#   (cd <checkout of the old commit> && go build -o "$DIR/service-old" ./examples/service)
#   go build -o "$DIR/service-floor" ./serve/testdata/httpfloor   # optional: net/http alone
#   serve/testdata/bench_http.sh "$DIR" [rounds] [connections...]
#
# For each round, connection count and binary it starts the service on the
# registry "$DIR/qs/registry", warms it for 2 s, runs
# `wrk -t1 -cN -d10s --latency -s serve/testdata/post.lua`, and prints one
# line: binary, connections, requests/s, p50, p90, p99 (from wrk), the
# server's CPU (user+sys, from /proc) per request in µs, and the load
# average before the run.
set -euo pipefail
dir=$1
rounds=${2:-3}
shift 2 || true
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(4 16)
lua=$(dirname "$0")/post.lua
port=18080
url=http://127.0.0.1:$port/models/churn/predict
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
printf '%-12s %5s %10s %9s %9s %9s %12s %6s\n' binary conns req/s p50 p90 p99 cpu_us/req load
for r in $(seq "$rounds"); do
	for c in "${conns[@]}"; do
		for bin in service-old service-new service-floor; do
			[ -x "$dir/$bin" ] || continue
			"$dir/$bin" -registry "$dir/qs/registry" -addr 127.0.0.1:$port 2>/dev/null &
			pid=$!
			for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
			kill -0 $pid 2>/dev/null || { echo "$bin did not start (port $port in use?)" >&2; exit 1; }
			wrk -t1 -c"$c" -d2s -s "$lua" "$url" >/dev/null
			load=$(cut -d' ' -f1 /proc/loadavg)
			before=$(cpu $pid)
			out=$(wrk -t1 -c"$c" -d10s --latency -s "$lua" "$url")
			after=$(cpu $pid)
			kill $pid
			wait $pid 2>/dev/null || true
			rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
			reqs=$(awk '/requests in/ {print $1}' <<<"$out")
			p50=$(awk '$1=="50%" {print $2}' <<<"$out")
			p90=$(awk '$1=="90%" {print $2}' <<<"$out")
			p99=$(awk '$1=="99%" {print $2}' <<<"$out")
			us=$(awk -v t="$((after - before))" -v n="$reqs" -v k="$tck" 'BEGIN {printf "%.1f", t / k / n * 1e6}')
			printf '%-12s %5s %10s %9s %9s %9s %12s %6s\n' "$bin" "$c" "$rps" "$p50" "$p90" "$p99" "$us" "$load"
		done
	done
done
