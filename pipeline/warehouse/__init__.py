"""The DuckDB warehouse as a plain library: schema, partition writes, SQL models, exports.

No Dagster here: the assets in `assets/` call these functions, and tests and benchmarks call them
directly.
"""
