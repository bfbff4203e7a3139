"""What an ingest run reports: its counts and output versions into ``runs``, and the summary it prints."""
from __future__ import annotations

from pyspark.sql import SparkSession

from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef

from .ingest_corpus import IngestCounts
from .records import CONTENT_HASH


def report_ingest(spark: SparkSession, run: Run, counts: IngestCounts, output: TableRef, quarantine: TableRef,
                  output_label: str) -> str:
    for key, value in counts.as_counts().items():
        run.count(key, value)
    run.output_version = output.commit_version_of(spark, run.run_id)
    quarantine_version = quarantine.commit_version_of(spark, run.run_id)
    if quarantine_version is not None:
        run.other_outputs[str(quarantine)] = quarantine_version
    reasons = ", ".join(f"{r}={n}" for r, n in counts.quarantined_by_reason.items()) or "none"
    ids = ", ".join(f"{'content hash' if source == CONTENT_HASH else source} {n}"
                    for source, n in counts.ids_by_source.items()) or "none"
    return (f"{run.job} {run.run_id}: read {counts.read} = accepted {counts.accepted} + quarantined "
            f"{counts.quarantined} ({reasons})\n"
            f"  accepted {counts.accepted} = inserted {counts.inserted} + updated {counts.updated} "
            f"+ unchanged {counts.unchanged}\n"
            f"  ids from: {ids}\n"
            f"  {output_label}: {output} (version {run.output_version})\n  quarantine: {quarantine}")
