"""JVM settings for the tests' own JVMs: the session's long-lived one, and the job JVMs a test starts.

The test session's JVM runs many small Spark jobs for a quarter of an hour: with the parallel garbage
collector it took .86 and .89 of the time it takes with the default G1 (62 ingest, refine, lake and query
tests, two rounds alternated, 2026-12-08). A job JVM that a test starts and stops within a minute or so
starts its work sooner with the JIT's first tier alone and computes the same; a JVM that lives longer needs
the second tier (the test session's own Spark took 1.57 times as long with the first tier alone,
2026-12-07). Neither is measured for users' workloads, so no packaged config sets them.
"""
from __future__ import annotations

FIRST_TIER_ONLY = "-XX:TieredStopAtLevel=1"
PARALLEL_GC = "-XX:+UseParallelGC"


def long_lived_jvm() -> list[str]:
    """``--set`` items (KEY=VALUE) for the test session's driver JVM."""
    return [f"spark.conf.spark.driver.extraJavaOptions={PARALLEL_GC}"]


def short_lived_jvm(*roles: str) -> list[str]:
    """``--set`` items (KEY=VALUE) giving the JVMs of ``roles`` ("driver", "executor") the first tier only."""
    return [f"spark.conf.spark.{role}.extraJavaOptions={FIRST_TIER_ONLY}" for role in roles]
