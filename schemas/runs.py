"""``runs``: one row per job invocation, appended, succeeded or failed.

run_id is the user's handle for a run; a resumed run appends another row with the
same run_id and the next ``attempt``.
"""
from pyspark.sql.types import (DoubleType, IntegerType, LongType, MapType, StringType, StructField,
                               StructType, TimestampType)

RUNS_SCHEMA = StructType([
    StructField("run_id", StringType(), False),
    StructField("attempt", IntegerType(), False),
    StructField("job", StringType(), False),
    StructField("status", StringType(), False),          # succeeded | failed
    StructField("error", StringType(), True),
    StructField("started_at", TimestampType(), False),
    StructField("ended_at", TimestampType(), False),
    StructField("user", StringType(), True),
    StructField("host", StringType(), True),
    StructField("input_table", StringType(), True),
    StructField("input_version", LongType(), True),
    StructField("output_table", StringType(), True),
    StructField("output_version", LongType(), True),
    StructField("other_outputs", MapType(StringType(), LongType()), True),   # table -> version
    StructField("config_json", StringType(), False),
    StructField("config_hash", StringType(), False),
    StructField("counts", MapType(StringType(), LongType()), False),
    StructField("timings_s", MapType(StringType(), DoubleType()), False),
    StructField("metrics_json", StringType(), True),     # job-specific stats (score distributions, ...)
    StructField("code_version", StringType(), False),
    StructField("spark_version", StringType(), True),
])
