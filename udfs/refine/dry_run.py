"""``lakerefine refine --dry-run``: the configured backend on a stratified sample, nothing written.

The sample (``--sample N`` documents, stratified by ``refine.source_column`` with quotas
proportional to the sources' sizes, fixed by the input version) is collected to the driver
and refined there by the same pipeline the job runs (``refine_documents``, in batches of the
Arrow batch size, one worker: a core, or the GPU the driver sees), source by source, timed.
From that: a few before/after diffs, the sample's deletion ratio, and the whole input's
deletion ratio, worker-hours and wall time on this Spark application's slots
(estimate.py). No table is read beyond the input and none is written, not even ``runs``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import RefineSettings, SparkSettings
from lakerefine.schemas.corpus import check_corpus_schema
from lakerefine.schemas.vocab import EDITED
from lakerefine.udfs.expert.quotas import PROPORTIONAL
from lakerefine.udfs.expert.sampling import sample_by
from lakerefine.udfs.generate.device import engine_device
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.program.executor import delete_spans
from lakerefine.udfs.refine.backends import create_backend
from lakerefine.udfs.refine.documents import Document, DocumentLimits, Outcome, refine_documents
from lakerefine.udfs.refine.estimate import Estimate, Stratum, duration, estimate, line_diff

SAMPLE_SEED = 0
DIFFS_SHOWN = 3


@dataclass
class DryRun:
    table: str
    version: int | None
    backend: str
    device: str
    workers: int
    load_seconds: float
    strata: list[Stratum]
    estimate: Estimate
    statuses: dict[str, int]
    diffs: list[tuple[str, str | None, list[str]]]

    def summary(self) -> str:
        e, unit = self.estimate, "GPU" if self.device.startswith("cuda") else "core"
        by_source = ", ".join(f"{s.name} {s.sampled_docs}" for s in self.strata if s.sampled_docs)
        lines = [
            f"refine dry run (backend {self.backend} on {self.device}; no table written): {e.sampled_docs} of "
            f"{e.docs:,} documents of {self.table} (version {self.version}) sampled by source: {by_source}",
            f"  sample: {e.sampled_chars:,} characters, {percent(e.sample_deletion_ratio)} deleted; statuses "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items())),
            f"  measured: {e.chars_per_second / 1e6:.3f} MB/s per {unit} (backend load {self.load_seconds:.1f} s)",
            f"  whole input: {e.chars:,} characters, about {percent(e.deletion_ratio)} to be deleted; "
            f"{e.worker_seconds / 3600:.3g} {unit}-hours, about {duration(e.wall_seconds(self.workers))} "
            f"on this application's {self.workers} {unit}{'s' if self.workers > 1 else ''}, "
            "plus the job's fixed cost and Spark's overhead",
        ]
        for doc_id, source, diff in self.diffs:
            lines.append(f"  --- {doc_id} ({source})")
            lines.extend(f"  {line}" for line in diff)
        return "\n".join(lines)


def percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def dry_run_refine(spark: SparkSession, settings: RefineSettings, spark_settings: SparkSettings, table: TableRef,
                   version: int | None, sample_size: int) -> DryRun:
    corpus = table.read(spark, version)
    check_corpus_schema(corpus.schema)
    column = settings.source_column if settings.source_column in corpus.columns else None
    totals = source_totals(corpus, column)
    sample = sample_by(corpus, column, sample_size, PROPORTIONAL, SAMPLE_SEED).collect()
    device = engine_device(settings.backend, settings.hf.device, "refine.hf.device")
    clock = time.perf_counter()
    backend = create_backend(settings, device)
    load_seconds = time.perf_counter() - clock
    limits = DocumentLimits.of(settings)
    strata, statuses, diffs = [], {}, []
    for name, (docs, chars) in totals.items():
        documents = [Document(r.doc_id, r.text, r.stratum) for r in sample if r.stratum == name]
        outcomes, seconds = timed_refine(documents, backend, limits, spark_settings.arrow_max_records_per_batch)
        for doc, outcome in zip(documents, outcomes, strict=True):
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
            if outcome.status in EDITED and len(diffs) < DIFFS_SHOWN:
                diffs.append((doc.doc_id, doc.source, line_diff(doc.text, delete_spans(doc.text, outcome.spans))))
        strata.append(Stratum(name, docs, chars, len(documents), sum(o.chars_in for o in outcomes),
                              sum(o.chars_in - o.chars_out for o in outcomes), seconds))
    return DryRun(str(table), version if version is not None else table.version(spark), settings.backend, device,
                  spark.sparkContext.defaultParallelism, load_seconds, strata, estimate(strata), statuses, diffs)


def source_totals(corpus: DataFrame, column: str | None) -> dict[str | None, tuple[int, int]]:
    """Documents and characters of the input per source (value of ``column`` as a string)."""
    stratum = F.col(column).cast("string") if column else F.lit(None).cast("string")
    rows = (corpus.groupBy(stratum.alias("stratum"))
            .agg(F.count("*").alias("docs"), F.coalesce(F.sum(F.length("text")), F.lit(0)).alias("chars"))
            .collect())
    return {r.stratum: (r.docs, r.chars) for r in sorted(rows, key=lambda r: (r.stratum is None, r.stratum or ""))}


def timed_refine(documents: list[Document], backend, limits: DocumentLimits,
                 batch: int) -> tuple[list[Outcome], float]:
    outcomes, clock = [], time.perf_counter()
    for i in range(0, len(documents), batch):
        outcomes.extend(refine_documents(documents[i:i + batch], backend, limits))
    return outcomes, time.perf_counter() - clock
