#!/usr/bin/env python3
"""Row counts of a Hive-layout temper dataset, read by DuckDB and by polars, per table and per
repository, as the engines a platform team would use read it.

    python3 tests/bench/hive_counts.py DATASET_DIR [TABLE...]

Needs `pip install duckdb polars`. Prints `engine<TAB>table<TAB>repo<TAB>rows`, one line per
engine, table and repository, sorted; the test compares it with `temper export`.
"""
import pathlib
import sys

import duckdb
import polars as pl

root = pathlib.Path(sys.argv[1])
tables = sys.argv[2:] or sorted(
    p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_") and p.name != "repos"
)
lines = []
for table in tables:
    pattern = str(root / table / "*" / "*.parquet")
    for repo, n in duckdb.sql(
        f"SELECT repo, count(*) FROM read_parquet('{pattern}', hive_partitioning = true) GROUP BY repo"
    ).fetchall():
        lines.append(f"duckdb\t{table}\t{repo}\t{n}")
    frame = (
        pl.scan_parquet(str(root / table / "**" / "*.parquet"), hive_partitioning=True)
        .group_by("repo")
        .len()
        .collect()
    )
    for repo, n in frame.iter_rows():
        lines.append(f"polars\t{table}\t{repo}\t{n}")
print("\n".join(sorted(lines)))
