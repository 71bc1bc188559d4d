wrk.method = "POST"
wrk.body   = '{"age": 52, "income": 61000, "hours_per_week": 45, "score": 0.31, "balance": 1200, "tenure_years": 2.5, "segment": "high", "region": "coastal", "channel": "ch05", "target": 0}'
wrk.headers["Content-Type"] = "application/json"
