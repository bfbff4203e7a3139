"""Settings for the job JVMs a test starts and stops within a minute or so.

The JIT's first tier alone starts such a JVM's work sooner and computes the same; a JVM that lives
longer needs the second tier (the test session's own Spark took 1.57 times as long with the first tier
alone, 2026-12-07), so no packaged config sets this.
"""
from __future__ import annotations

FIRST_TIER_ONLY = "-XX:TieredStopAtLevel=1"


def short_lived_jvm(*roles: str) -> list[str]:
    """``--set`` items (KEY=VALUE) giving the JVMs of ``roles`` ("driver", "executor") the first tier only."""
    return [f"spark.conf.spark.{role}.extraJavaOptions={FIRST_TIER_ONLY}" for role in roles]
