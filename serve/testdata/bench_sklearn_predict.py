"""One-row predict latency of the scikit-learn equivalent of the quickstart
pipeline, for comparison with serve.BenchmarkScore.

The pipeline: median imputation (with a missing indicator) and
standardization of the numeric columns, one-hot encoding of the categorical
columns (unknown ignored), logistic regression (lbfgs, C=1), trained on
customers.csv (the first 3,000 rows of the mixed data set).

Run: /usr/bin/python3 serve/testdata/bench_sklearn_predict.py
(scikit-learn 1.2 from Debian's python3-sklearn).
"""
import os
import statistics
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

here = os.path.dirname(os.path.abspath(__file__))
df = pd.read_csv(os.path.join(here, "customers.csv"))
num = ["age", "income", "hours_per_week", "score", "balance", "tenure_years"]
cat = ["segment", "region", "channel"]
X, y = df[num + cat], df["target"]
pre = ColumnTransformer([
    ("num", Pipeline([("impute", SimpleImputer(strategy="median", add_indicator=True)), ("scale", StandardScaler())]), num),
    ("cat", Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="<missing>")),
                      ("onehot", OneHotEncoder(handle_unknown="ignore"))]), cat),
])
model = Pipeline([("pre", pre), ("lr", LogisticRegression(C=1.0, max_iter=1000))]).fit(X, y)
row = X.iloc[[7]]


def bench(fn, n=2000, repeats=5):
    medians = []
    for _ in range(repeats):
        times = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            fn()
            times.append(time.perf_counter_ns() - t0)
        medians.append(statistics.median(times))
    return statistics.median(medians)


print(f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}, numpy {np.__version__}")
print(f"pipeline.predict_proba(one-row DataFrame): median {bench(lambda: model.predict_proba(row)) / 1000:.1f} µs")
xt = model.named_steps["pre"].transform(row)
lr = model.named_steps["lr"]
print(f"logistic.predict_proba(one pre-transformed row): median {bench(lambda: lr.predict_proba(xt)) / 1000:.1f} µs")
