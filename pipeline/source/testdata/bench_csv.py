#!/usr/bin/python3
"""Times pandas.read_csv on the 1,000,000-row CSV of pipeline/source's
BenchmarkReadCSV (12 columns: 8 floats, 3 of them with empty cells, 3
strings, 1 int), default options (C engine, one thread): wall time and CPU
time of the process during the call. Prints one line:

    pandas read_csv rows=1000000 seconds=0.75 cpu_seconds=0.73

Usage: /usr/bin/python3 bench_csv.py path/to/wide.csv (bench_csv.sh writes
the file and alternates this script with the Go benchmark).
"""
import sys
import time

import pandas as pd

path = sys.argv[1]
pd.read_csv(path, nrows=1000)  # warm-up: imports, page cache
t0, c0 = time.perf_counter(), time.process_time()
df = pd.read_csv(path)
dt, dc = time.perf_counter() - t0, time.process_time() - c0
print(f"pandas read_csv rows={len(df)} seconds={dt:.4f} cpu_seconds={dc:.4f}")
