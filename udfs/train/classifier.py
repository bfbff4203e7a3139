"""The train-classifier run: (raw, expert) pairs in a Delta table -> a line classifier model file.

Spark reads the pairs (one run's rows when the table has a ``run_id`` column, the accepted ones when it
has a ``status`` column), computes every page's site shares over all of them (the refine job's pass,
udfs/refine/site_shares.py), and sends a sample of at most ``max_pages`` pages, fixed by the seed, to
the driver, where ``classifier.training`` fits the model. Every row read is counted: trained on, not
accepted, without text, or left out of the sample.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import TrainClassifierSettings
from lakerefine.udfs.lake.runs import Run, RunResult
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.lake.versions import latest_run_id, pin_input_version
from lakerefine.udfs.refine.site_shares import SITE_SHARES, site_of, site_shares

SITE = "_site"  # the page's site (site_shares.site_of): pages of one site share a training fold


@dataclass(frozen=True)
class PairCounts:
    rows: int           # the rows of the run read
    not_accepted: int   # status other than train_classifier.status
    without_text: int   # raw or expert null or empty
    pages: int          # usable pairs
    sampled: int        # trained on (at most max_pages)

    def as_counts(self) -> dict[str, int]:
        return {"rows": self.rows, "not_accepted": self.not_accepted, "without_text": self.without_text,
                "pages": self.pages, "pages_trained": self.sampled, "left_out_by_max_pages": self.pages - self.sampled}


def run_train_classifier(spark: SparkSession, config: TrainClassifierSettings, table: TableRef,
                         input_version: int | None, pairs_run_id: str | None, model_file: Path,
                         run: Run) -> RunResult:
    from lakerefine.udfs.classifier.training import TrainingPage, TrainingParams, train_line_model

    with run.timed("read"):
        version = pin_input_version(spark, table, input_version, hint=": run `lakerefine expert` first, "
                                    "or give --input a table with (raw, expert) text columns")
        run.read_input(table, version)
        rows, pairs_run_id = run_rows(table.read(spark, version), pairs_run_id, str(table))
        pairs, counts = usable_pairs(rows, config, str(table))
    with run.timed("site_shares"):
        shares = site_shares(pairs, config, text_column="raw")
    try:
        with run.timed("collect"):
            sample = (pairs.join(shares, "doc_id", "left")
                      .orderBy(F.xxhash64("doc_id", F.lit(config.seed))).limit(config.max_pages).collect())
    finally:
        shares.unpersist()
    counts = PairCounts(**{**vars(counts), "sampled": len(sample)})
    pages = [TrainingPage(row.raw, row.expert, shares_of(row[SITE_SHARES]), row[SITE]) for row in sample]
    with run.timed("train"):
        model = train_line_model(pages, TrainingParams(wrapped_copies=config.wrapped_copies))
        model_file.parent.mkdir(parents=True, exist_ok=True)
        content_hash = model.save(model_file)
    with_site = sum(page.site_shares is not None for page in pages)
    return RunResult(
        f"trained on {counts.sampled} of {counts.rows} pairs ({counts.not_accepted} not {config.status}, "
        f"{counts.without_text} without text, {counts.pages - counts.sampled} left out by "
        f"train_classifier.max_pages); {with_site} pages with a site",
        details=[f"model content hash {content_hash}",
                 f"use it: --set refine.backend=classifier --set refine.classifier.model_path={model_file}"],
        tables={"model": str(model_file)}, output_table=str(model_file),
        counts={**counts.as_counts(), "pages_with_site": with_site},
        metrics={"model_path": str(model_file), "model_content_hash": content_hash, "pairs_run_id": pairs_run_id,
                 "threshold": model.threshold, "page_floor": model.page_floor, "seed": config.seed,
                 "wrapped_copies": config.wrapped_copies})


def shares_of(shares: list[float | None] | None) -> list[float] | None:
    """Spark's per-line shares as the classifier reads them: NaN for a line without a key."""
    return None if shares is None else [math.nan if share is None else share for share in shares]


def run_rows(rows: DataFrame, pairs_run_id: str | None, table: str) -> tuple[DataFrame, str | None]:
    """One run's rows of a table written run by run (``run_id``): ``pairs_run_id``, else the last
    written; a table without run_id is read whole."""
    if "run_id" not in rows.columns:
        if pairs_run_id:
            raise ValueError(f"--pairs-run-id: {table} has no run_id column")
        return rows, None
    if pairs_run_id is None:
        if "created_at" not in rows.columns:
            raise ValueError(f"{table} has a run_id column but no created_at: name the run with --pairs-run-id")
        pairs_run_id = latest_run_id(rows, "created_at", table, hint=": run `lakerefine expert` first")
    return rows.where(F.col("run_id") == F.lit(pairs_run_id)), pairs_run_id


def usable_pairs(rows: DataFrame, config: TrainClassifierSettings, table: str) -> tuple[DataFrame, PairCounts]:
    """(doc_id, raw, expert, site columns) of the rows that can train, and how many rows each check left out."""
    missing = [c for c in ("doc_id", config.raw_column, config.expert_column) if c not in rows.columns]
    if missing:
        raise ValueError(f"{table} has no column {', '.join(map(repr, missing))} (columns: {sorted(rows.columns)}); "
                         "set train_classifier.raw_column / expert_column")
    accepted = (F.col("status") == F.lit(config.status)) if config.status and "status" in rows.columns else F.lit(True)
    has_text = F.coalesce((F.length(config.raw_column) > 0) & (F.length(config.expert_column) > 0), F.lit(False))
    row = rows.agg(F.count("*").alias("rows"), F.countDistinct("doc_id").alias("ids"),
                   F.sum(F.when(~accepted, 1).otherwise(0)).alias("not_accepted"),
                   F.sum(F.when(accepted & ~has_text, 1).otherwise(0)).alias("no_text")).first()
    if row.rows != row.ids:
        raise ValueError(f"{table} has {row.rows} rows but {row.ids} distinct non-null doc_ids: pages need unique ids")
    if row.rows == 0:
        raise ValueError(f"{table} has no rows to train on")
    site_columns = [c for c in (config.site_column, config.url_column) if c and c in rows.columns]
    pairs = (rows.where(accepted & has_text)
             .select("doc_id", F.col(config.raw_column).alias("raw"), F.col(config.expert_column).alias("expert"),
                     site_of(rows, config).alias(SITE), *site_columns))
    usable = row.rows - row.not_accepted - row.no_text
    if usable == 0:
        raise ValueError(f"{table}: none of its {row.rows} rows has status {config.status!r} and both texts")
    return pairs, PairCounts(row.rows, row.not_accepted, row.no_text, usable, 0)
