"""``runs``: one row per job invocation, appended, succeeded or failed.

run_id is the user's handle for a run; a resumed run appends another row with the
same run_id and the next ``attempt``.
"""
from lakerefine.schemas.columns import (
    DOUBLE,
    INT,
    LONG,
    STRING,
    TIMESTAMP,
    MapType,
    optional,
    required,
    struct,
)

RUNS_SCHEMA = struct(
    required(STRING, "run_id"),
    required(INT, "attempt"),
    required(STRING, "job", "status"),                     # status: succeeded | failed
    optional(STRING, "error"),
    required(TIMESTAMP, "started_at", "ended_at"),
    optional(STRING, "user", "host", "input_table"),
    optional(LONG, "input_version"),
    optional(STRING, "output_table"),
    optional(LONG, "output_version"),
    optional(MapType(STRING, LONG), "other_outputs"),      # table -> version
    required(STRING, "config_json", "config_hash"),
    required(MapType(STRING, LONG), "counts"),
    required(MapType(STRING, DOUBLE), "timings_s"),
    optional(STRING, "metrics_json"),                      # job-specific stats (score distributions, ...)
    required(STRING, "code_version"),
    optional(STRING, "spark_version"),
)
