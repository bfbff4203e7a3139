"""A stratified, seeded sample of the corpus on Spark.

Within each group (value of ``expert.stratify_column``; null is a group of its
own) the sample is the ``quota`` documents with the smallest hash of
(seed, doc_id): the same input version and seed always give the same sample,
and growing the sample size only adds documents. To avoid sorting whole groups,
only the documents under a hash threshold a little above ``quota / count`` are
ranked; a group left short is ranked whole (never seen in practice).
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from lakerefine.conf.settings import ExpertSettings
from lakerefine.udfs.expert.backends import expert_input_column
from lakerefine.udfs.expert.quotas import allocate

EXPERT_INPUT = "expert_input"   # the sample's copy of the column a gold or html expert reads

NULL_GROUP = "\x00null"   # the group of rows whose stratify column is null
HASH_BITS = 53
OVERSAMPLE = 1.2
MARGIN_DOCS = 20


def stratified_sample(corpus: DataFrame, settings: ExpertSettings) -> DataFrame:
    """The sampled documents: ``doc_id``, ``text``, ``stratum`` (the column's value as a string), and
    for a gold or html expert ``expert_input`` (the column it reads)."""
    column = settings.stratify_column
    if column is not None and column not in corpus.columns:
        raise ValueError(f"expert.stratify_column: the corpus has no column {column!r} "
                         f"(columns: {sorted(corpus.columns)}); set it to null to sample without groups")
    return sample_by(corpus, column, settings.sample_size, settings.allocation, settings.seed,
                     _expert_input(corpus, settings))


def sample_by(corpus: DataFrame, column: str | None, size: int, allocation: str, seed: int,
              extra: list[Column] | None = None) -> DataFrame:
    """``size`` documents of ``corpus`` stratified by ``column`` (None: one group), as above, with
    ``doc_id``, ``text``, ``stratum`` and the ``extra`` columns."""
    stratum = F.col(column).cast("string") if column else F.lit(None).cast("string")
    sampled = corpus.select("doc_id", "text", stratum.alias("stratum"), *(extra or []))
    docs = (sampled
            .withColumn("_group", F.coalesce(F.col("stratum"), F.lit(NULL_GROUP)))
            .withColumn("_u", uniform_hash(seed)))
    counts = {row["_group"]: row["count"] for row in docs.groupBy("_group").count().collect()}
    quotas = allocate(counts, size, allocation)
    thresholds = {group: min(1.0, (quota * OVERSAMPLE + MARGIN_DOCS) / counts[group])
                  for group, quota in quotas.items() if quota > 0}
    candidates = _under_thresholds(docs, thresholds)
    kept = {row["_group"]: row["count"] for row in candidates.groupBy("_group").count().collect()}
    short = [group for group in thresholds if kept.get(group, 0) < quotas[group]]
    if short:
        candidates = _under_thresholds(docs, {**thresholds, **{group: 1.0 for group in short}})
    spark = corpus.sparkSession
    quota_rows = spark.createDataFrame([(g, q) for g, q in quotas.items() if q > 0], "_group string, _quota long")
    rank = F.row_number().over(Window.partitionBy("_group").orderBy("_u", "doc_id"))
    return (candidates.withColumn("_rank", rank)
            .join(F.broadcast(quota_rows), "_group")
            .where(F.col("_rank") <= F.col("_quota"))
            .select(*sampled.columns))


def _expert_input(corpus: DataFrame, settings: ExpertSettings) -> list[Column]:
    """The column a gold or html expert reads, as ``expert_input``; nothing for an LM expert."""
    column = expert_input_column(settings)
    if column is None:
        return []
    if column not in corpus.columns:
        raise ValueError(f"expert.{settings.backend}.column: the corpus has no column {column!r} "
                         f"(columns: {sorted(corpus.columns)})")
    if corpus.schema[column].dataType != StringType():
        raise ValueError(f"expert.{settings.backend}.column: {column!r} must be STRING, "
                         f"is {corpus.schema[column].dataType.simpleString()}")
    return [F.col(column).alias(EXPERT_INPUT)]


def uniform_hash(seed: int) -> Column:
    """A number in [0, 1) fixed by (seed, doc_id)."""
    return F.pmod(F.xxhash64(F.lit(seed), F.col("doc_id")), F.lit(2 ** HASH_BITS)) / float(2 ** HASH_BITS)


def _under_thresholds(docs: DataFrame, thresholds: dict[str, float]) -> DataFrame:
    if not thresholds:
        return docs.limit(0)
    limit = F.create_map(*[F.lit(x) for group, t in thresholds.items() for x in (group, t)])
    return docs.where(F.col("_u") < F.coalesce(limit[F.col("_group")], F.lit(-1.0)))
