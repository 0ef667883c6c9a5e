"""Benchmarks (`make bench`): each module bench/<name>.py has `run(report)`; figures are printed.

They run against PostgreSQL (the production database) in a throw-away database created next to
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kypseli_bench), never in your data.
`python -m bench households cards` runs only the named modules.
"""
