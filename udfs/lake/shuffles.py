"""Shuffle partitions that follow the input's size, not a fixed number.

A fixed ``spark.sql.shuffle.partitions`` holds at any size only by luck: 4 partitions of a
4 GB corpus are 1 GB sorts in the window that finds duplicate ids (measured here: the
JVM's heap ran out), and 200 partitions of 100 TB would be 500 GB each. A job that knows
its input sets the count to one partition per ``spark.shuffle_partition_bytes`` of input
(never fewer than twice the parallelism); adaptive query execution, on by default, then
coalesces the partitions of a shuffle that comes out smaller.
"""
from __future__ import annotations

import math

from pyspark.sql import SparkSession

from lakerefine.conf.settings import SparkSettings

SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions"


def shuffle_partitions_for(input_bytes: int, partition_bytes: int, parallelism: int) -> int:
    return max(2 * parallelism, math.ceil(input_bytes / partition_bytes))


def size_shuffles(spark: SparkSession, input_bytes: int, settings: SparkSettings) -> int:
    """Set this session's shuffle partition count for ``input_bytes`` of input; return it."""
    partitions = shuffle_partitions_for(input_bytes, settings.shuffle_partition_bytes,
                                        spark.sparkContext.defaultParallelism)
    spark.conf.set(SHUFFLE_PARTITIONS, str(partitions))
    return partitions


def stored_bytes(spark: SparkSession, path: str) -> int:
    """Bytes of the files at ``path`` (files, folders or a glob, on any Hadoop file system; 0 if
    nothing is there)."""
    root = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(path)
    fs = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return sum(int(fs.getContentSummary(match.getPath()).getLength()) for match in fs.globStatus(root) or [])
