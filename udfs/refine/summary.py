"""What a refine run did, read back from its audit rows: documents and characters by status."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakerefine.schemas.vocab import DELETED, EMPTIED, REFINE_STATUSES
from lakerefine.udfs.lake.tables import TableRef


class StatusTotals(NamedTuple):
    docs: int
    chars_in: int
    chars_out: int
    calls_rejected: int


@dataclass
class RunTotals:
    by_status: dict[str, StatusTotals] = field(default_factory=dict)

    @property
    def docs_in(self) -> int:
        return sum(t.docs for s, t in self.by_status.items() if s != DELETED)

    @property
    def chars_in(self) -> int:
        return sum(t.chars_in for t in self.by_status.values())

    @property
    def chars_removed(self) -> int:
        return sum(t.chars_in - t.chars_out for t in self.by_status.values())

    def docs_out(self, drop_emptied: bool) -> int:
        dropped = self.by_status[EMPTIED].docs if drop_emptied and EMPTIED in self.by_status else 0
        return self.docs_in - dropped

    def as_counts(self) -> dict[str, int]:
        counts = {"docs_in": self.docs_in, "chars_in": self.chars_in, "chars_removed": self.chars_removed}
        for status, totals in self.by_status.items():
            counts[f"status.{status}"] = totals.docs
        counts["calls_rejected"] = sum(t.calls_rejected for t in self.by_status.values())
        return counts


def run_totals(spark: SparkSession, edits: TableRef, run_id: str) -> RunTotals:
    rows = (edits.run_rows(spark, run_id).groupBy("status")
            .agg(F.count("*").alias("docs"), F.sum("chars_in").alias("chars_in"),
                 F.sum("chars_out").alias("chars_out"), F.sum("calls_rejected").alias("calls_rejected"))
            .collect())
    found = {r.status: StatusTotals(r.docs, r.chars_in or 0, r.chars_out or 0, r.calls_rejected or 0) for r in rows}
    order = [s for s in REFINE_STATUSES if s in found] + sorted(s for s in found if s not in REFINE_STATUSES)
    return RunTotals({s: found[s] for s in order})


def status_lines(totals: RunTotals) -> list[str]:
    """A table of the run by status: documents, characters in and removed, rejected calls."""
    lines = [f"{'status':<18} {'docs':>9} {'chars in':>14} {'chars removed':>14} {'rejected calls':>15}"]
    for status, t in totals.by_status.items():
        lines.append(f"{status:<18} {t.docs:>9,} {t.chars_in:>14,} {t.chars_in - t.chars_out:>14,} "
                     f"{t.calls_rejected:>15,}")
    return lines
