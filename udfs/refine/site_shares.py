"""The site-share features: for each line of a document, the share of its site's documents that
contain the same (normalised) line, and the same first words and last words (site_keys.KEY_KINDS).

A line on most pages of a site is furniture (menus, footers, share bars) unless it looks like
content; a line whose first or last words start or end a line on most pages is templated
furniture ("Next: X, Previous: Y"); only a data-lake job sees every page of a site at once. One
extra Spark pass over the input: the line keys (``classifier.site_keys.line_keys``, in a pandas
UDF, ``len(KEY_KINDS)`` per line, hashed) stay one array per document; each document's distinct keys
are counted per (site, key), divided by the site's document count and joined back to the keys exploded
with their position, as one array per document in key order. Nothing is collected to the driver; the
per-document arrays are persisted (on disk) for the job that reads them, which unpersists them.

A document has no site shares (``site_shares`` null: missing) when the site column is null or
empty, the URL has no host, the table has neither column, or its site has fewer than
``site_keys.MIN_SITE_DOCUMENTS`` documents (the shares would say nothing). A null key (a blank
line; a short line's edge keys) has a null share.
"""
from __future__ import annotations

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DoubleType, StringType

from lakerefine.conf.settings import SiteSettings
from lakerefine.udfs.classifier.site_keys import MIN_SITE_DOCUMENTS

SITE_SHARES = "site_shares"
SHARES_TYPE = ArrayType(DoubleType(), True)


def site_of(frame: DataFrame, settings: SiteSettings) -> Column:
    """A document's site: ``site_column`` when set (it must exist), else the host of ``url_column``
    (``site_keys.url_host``: null when the table has no such column or the URL has no host)."""
    if settings.site_column:
        if settings.site_column not in frame.columns:
            raise ValueError(f"site_column {settings.site_column!r} is not a column of the table "
                             f"(columns: {sorted(frame.columns)})")
        site = F.col(settings.site_column).cast("string")
    elif settings.url_column in frame.columns:
        site = _url_host(F.col(settings.url_column).cast("string"))
    else:
        return F.lit(None).cast("string")
    return F.when(F.length(site) > 0, site)


def site_shares(frame: DataFrame, settings: SiteSettings, text_column: str = "text") -> DataFrame:
    """(doc_id, site_shares) for every document of ``frame`` that has a site, persisted; unpersist
    it when done. ``site_shares[k * i + j]`` is line i's share of key kind j (``k = len(KEY_KINDS)``;
    lines as ``program.lines.split_lines`` numbers them). Document ids are unique (the corpus contract)."""
    sited = frame.select("doc_id", site_of(frame, settings).alias("site"), F.col(text_column).alias("text"))
    # "doc" numbers the persisted rows. A lost block is recomputed from the same input split with the same
    # numbers as long as ``frame`` reads its rows in a fixed order: a table scan, as both callers pass.
    documents = (sited.where(F.col("site").isNotNull())
                 .select("doc_id", F.monotonically_increasing_id().alias("doc"), F.xxhash64("site").alias("site"),
                         F.transform(_line_keys(F.col("text")),
                                     lambda key: F.when(key.isNotNull(), F.xxhash64(key))).alias("keys"))
                 .persist(StorageLevel.DISK_ONLY))   # rows grow with the corpus: never on the heap
    try:
        return _shares_per_document(documents).persist(StorageLevel.DISK_ONLY).transform(_materialized)
    finally:
        documents.unpersist()


def _shares_per_document(documents: DataFrame) -> DataFrame:
    """Each document's distinct keys counted per (site, key) (one shuffle, combined map-side), divided by
    the site's document count, and joined back to every key position of the documents. Only positions
    with a key go through that join (null keys would all hash to their site's one partition), hashed on
    the (site, key) shares rather than sorted, and the positions carry the document's number, not its id
    string: a row per key position is shuffled twice, so its width is most of the pass's cost."""
    site_docs = (documents.groupBy("site").agg(F.count("*").alias("site_docs"))
                 .where(F.col("site_docs") >= MIN_SITE_DOCUMENTS))
    distinct_keys = F.array_distinct(F.filter("keys", lambda key: key.isNotNull()))
    key_docs = (documents.select("site", F.explode(distinct_keys).alias("key"))
                .groupBy("site", "key").agg(F.count("*").alias("key_docs")))
    shares = (key_docs.join(site_docs, "site")
              .select("site", "key", (F.col("key_docs") / F.col("site_docs")).alias("share")))
    positions = (documents.join(site_docs.select("site"), "site", "left_semi")
                 .select("doc", "site", F.posexplode_outer("keys").alias("pos", "key")))
    keyed = (positions.where(F.col("key").isNotNull())
             .join(shares.hint("shuffle_hash"), ["site", "key"], "left").select("doc", "pos", "share"))
    unkeyed = positions.where(F.col("key").isNull()).select("doc", "pos", F.lit(None).cast("double").alias("share"))
    line = F.when(F.col("pos").isNotNull(), F.struct("pos", "share"))   # pos is null for a document without keys
    per_doc = (keyed.unionByName(unkeyed)
               .groupBy("doc").agg(F.array_sort(F.collect_list(line)).alias("lines"))
               .select("doc", F.transform("lines", lambda x: x["share"]).cast(SHARES_TYPE).alias(SITE_SHARES)))
    return per_doc.join(documents.select("doc", "doc_id").hint("shuffle_hash"), "doc").select("doc_id", SITE_SHARES)


def _materialized(frame: DataFrame) -> DataFrame:
    frame.count()
    return frame


@F.pandas_udf(StringType())
def _url_host(urls: pd.Series) -> pd.Series:
    from lakerefine.udfs.classifier.site_keys import url_host

    return urls.map(lambda url: url_host(url) if isinstance(url, str) else None)


@F.pandas_udf(ArrayType(StringType(), True))
def _line_keys(texts: pd.Series) -> pd.Series:
    from lakerefine.udfs.classifier.site_keys import line_keys

    return texts.map(lambda text: list(line_keys(text)) if isinstance(text, str) and text else [])
