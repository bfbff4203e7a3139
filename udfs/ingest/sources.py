"""Read an input path into checked records: JSONL (plain, .gz, .zst), Parquet, or a folder of .txt;
SFT JSONL too.

Every reader returns the same columns (``CHECKED_COLUMNS``): a record is either
accepted (``reason`` null, ``doc_id`` and ``text`` set, other fields in ``extras_json``)
or carries the reason it must be quarantined.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

from lakerefine.conf.settings import IngestSettings, IngestSftSettings
from lakerefine.schemas import vocab as Q
from lakerefine.schemas.vocab import CONTENT_HASH
from lakerefine.udfs.ingest.records import (
    CORPUS_COLUMNS,
    CORPUS_ID_FIELDS,
    RENAMED_PREFIX,
    check_json_line,
    check_record,
)
from lakerefine.udfs.ingest.sft_records import check_sft_record
from lakerefine.udfs.ingest.udf import check_lines_udf, zst_lines_udf


def checked_schema(value_column: str) -> StructType:
    """Checked records: where each came from, the record (cut), its id, its value, its other
    fields, why it is quarantined (null: accepted), and the field its id came from."""
    return StructType([
        StructField("source_file", StringType(), True),
        StructField("block_start", LongType(), True),      # where the record's file split starts
        StructField("seq", LongType(), True),              # increases with the record's place in its split
        StructField("record", StringType(), True),
        StructField("doc_id", StringType(), True),
        StructField(value_column, StringType(), True),
        StructField("extras_json", StringType(), True),
        StructField("reason", StringType(), True),
        StructField("detail", StringType(), True),
        StructField("id_source", StringType(), True),      # the id's field, or content_hash
    ])


CHECKED_SCHEMA = checked_schema("text")
CHECKED_SFT_SCHEMA = checked_schema("messages_json")
ZST_LINES = StructType([StructField("source_file", StringType(), True), StructField("line", StringType(), True),
                        StructField("utf8", BooleanType(), True)])
CHECKED_COLUMNS = [f.name for f in CHECKED_SCHEMA.fields]
FORMATS = ("jsonl", "parquet", "txt")


def detect_format(path: str) -> str:
    """jsonl / parquet / txt from the path's extension or, for a folder, the files in it."""
    names = [path] if not Path(path).is_dir() else [p.name for p in Path(path).rglob("*") if p.is_file()]
    suffixes = {"".join(Path(n).suffixes[-2:]).lower() for n in names if not Path(n).name.startswith((".", "_"))}
    if any(s.endswith(".parquet") for s in suffixes):
        return "parquet"
    if any(s.endswith((".jsonl", ".json", ".jsonl.gz", ".json.gz", ".jsonl.zst", ".json.zst", ".zst", ".gz"))
           for s in suffixes):
        return "jsonl"
    if any(s.endswith(".txt") for s in suffixes):
        return "txt"
    raise ValueError(f"cannot tell the format of {path!r}: give --format jsonl|parquet|txt")


def read_checked(spark: SparkSession, path: str, fmt: str,
                 settings: IngestSettings) -> tuple[DataFrame, StructType | None]:
    """(checked records, schema of ``extras_json`` or None when it must be inferred)."""
    if fmt == "jsonl":
        return _read_jsonl(spark, path, settings), None
    if fmt == "parquet":
        return _check_columns(spark.read.parquet(path), settings)
    if fmt == "txt":
        return _read_txt(spark, path), StructType([StructField("file_name", StringType())])
    raise ValueError(f"unknown input format {fmt!r}: expected one of {FORMATS}")


class UnreadableInput(ValueError):
    """An input file Spark could not read to its end (a gzip cut short, a corrupt file)."""


@contextmanager
def unreadable_files_named() -> Iterator[None]:
    """Spark's FAILED_READ_FILE inside the block as an UnreadableInput naming the file and the cause."""
    try:
        yield
    except Exception as err:
        text = str(err)
        if "FAILED_READ_FILE" not in text:
            raise
        where = re.search(r"reading file (\S+?)\.?(?:\s|$)", text)
        kind = re.search(r"FAILED_READ_FILE\.?(\w*)", text).group(1) or "NO_HINT"
        causes = [c for c in re.findall(r"(\w+(?:Exception|Error): [^\n]+)", text.split("FAILED_READ_FILE", 1)[1])
                  if not c.startswith("OriginalTryStackTrace")]   # the last named is the root cause
        raise UnreadableInput(
            f"input file {where.group(1) if where else '?'} cannot be read to its end "
            f"(FAILED_READ_FILE.{kind}: {causes[-1] if causes else 'see the cause'}): it is truncated, "
            "corrupt, or of another schema than the other files; nothing was ingested; "
            "fix or remove it and run again") from err


# -- JSONL ------------------------------------------------------------------------------------

def jsonl_lines(spark: SparkSession, path: str) -> DataFrame:
    """(source_file, block_start, seq, line, utf8) for every non-blank line; bytes that are not
    UTF-8 show as U+FFFD in ``line`` and make ``utf8`` false. .zst is decompressed in Python
    (Hadoop can't)."""
    files = [str(p) for p in Path(path).rglob("*") if p.is_file()] if Path(path).is_dir() else [path]
    files = [f for f in files if not Path(f).name.startswith((".", "_"))]
    zst = [f for f in files if f.endswith(".zst")]
    plain = [f for f in files if not f.endswith(".zst")]
    parts = []
    if plain:
        parts.append(spark.read.text(plain).select(F.col("_metadata.file_path").alias("source_file"),
                                                   F.col("_metadata.file_block_start").alias("block_start"),
                                                   F.monotonically_increasing_id().alias("seq"),
                                                   F.make_valid_utf8("value").alias("line"),
                                                   F.is_valid_utf8("value").alias("utf8")))
    if zst:
        parts.append(spark.read.format("binaryFile").load(zst)
                     .mapInPandas(zst_lines_udf(ZST_LINES), ZST_LINES)
                     .select("source_file", F.lit(0).cast("long").alias("block_start"),
                             F.monotonically_increasing_id().alias("seq"), "line", "utf8"))
    lines = parts[0]
    for extra in parts[1:]:
        lines = lines.unionByName(extra)
    return lines.where(F.trim("line") != "")


def _read_jsonl(spark: SparkSession, path: str, settings: IngestSettings) -> DataFrame:
    check = partial(check_json_line, check=partial(check_record, id_column=settings.id_column,
                                                   text_column=settings.text_column, missing_id=settings.missing_id))
    return jsonl_lines(spark, path).mapInPandas(
        check_lines_udf(check, CHECKED_SCHEMA, "text", settings.max_record_chars_in_quarantine), CHECKED_SCHEMA)


def read_sft_checked(spark: SparkSession, path: str, settings: IngestSftSettings) -> DataFrame:
    """Every non-blank line of the SFT JSONL file(s) at ``path``, checked (``CHECKED_SFT_SCHEMA``;
    the id column is called doc_id here, as the shared quarantine table has it)."""
    check = partial(check_json_line, check=partial(check_sft_record, id_column=settings.id_column,
                                                   missing_id=settings.missing_id))
    return jsonl_lines(spark, path).mapInPandas(
        check_lines_udf(check, CHECKED_SFT_SCHEMA, "messages_json", settings.max_record_chars_in_quarantine),
        CHECKED_SFT_SCHEMA)


# -- Parquet and text -------------------------------------------------------------------------

def _check_columns(df: DataFrame, settings: IngestSettings) -> tuple[DataFrame, StructType | None]:
    """The same checks as check_record, as Spark expressions over a typed table."""
    text_col, id_col = settings.text_column, settings.id_column
    if text_col not in df.columns:
        raise ValueError(f"input has no text column '{text_col}' (columns: {df.columns}); set ingest.text_column")
    text_type = df.schema[text_col].dataType
    if not isinstance(text_type, StringType):
        raise ValueError(f"input column '{text_col}' is {text_type.simpleString()}, not a string")
    text = F.col(text_col)
    id_col = id_col or next((c for c in CORPUS_ID_FIELDS if c in df.columns), None)
    has_id = bool(id_col) and id_col in df.columns
    raw_id = F.col(id_col).cast("string") if has_id else F.lit(None).cast("string")
    hashed = F.substring(F.sha2(text, 256), 1, 32)
    doc_id = F.when(raw_id.isNotNull(), raw_id) if settings.missing_id == "quarantine" else F.coalesce(raw_id, hashed)
    reason: Column = (F.when(text.isNull(), F.lit(Q.NULL_TEXT))
                      .when(F.trim(text) == "", F.lit(Q.EMPTY_TEXT))
                      .when(doc_id.isNull(), F.lit(Q.MISSING_ID))
                      .when(F.trim(doc_id) == "", F.lit(Q.BAD_ID)))
    extras = [F.col(c).alias(RENAMED_PREFIX + c if c in CORPUS_COLUMNS else c)
              for c in df.columns if c not in (text_col, id_col)]
    limit = settings.max_record_chars_in_quarantine
    checked = df.select(
        F.col("_metadata.file_path").alias("source_file"),
        F.col("_metadata.file_block_start").alias("block_start"),
        F.monotonically_increasing_id().alias("seq"),
        F.substring(F.to_json(F.struct(*df.columns)), 1, limit).alias("record"),
        doc_id.alias("doc_id"), text.alias("text"),
        (F.to_json(F.struct(*extras)) if extras else F.lit(None).cast("string")).alias("extras_json"),
        reason.alias("reason"), F.lit(None).cast("string").alias("detail"),
        F.when(raw_id.isNotNull(), F.lit(id_col)).otherwise(F.lit(CONTENT_HASH)).alias("id_source"))
    return checked, (df.select(*extras).schema if extras else None)


def _read_txt(spark: SparkSession, path: str) -> DataFrame:
    """One document per .txt file (empty files included, so they are quarantined); id = content hash."""
    df = (spark.read.format("binaryFile").option("recursiveFileLookup", True)
          .option("pathGlobFilter", "*.txt").load(path))
    text = F.make_valid_utf8(F.col("content").cast("string"))
    utf8 = F.is_valid_utf8(F.col("content").cast("string"))
    files = df.select(
        F.col("path").alias("source_file"),
        F.lit(0).cast("long").alias("block_start"),
        F.lit(0).cast("long").alias("seq"),
        F.lit(None).cast("string").alias("record"),
        F.substring(F.sha2(text, 256), 1, 32).alias("doc_id"),
        text.alias("text"),
        F.to_json(F.struct(F.element_at(F.split("path", "/"), -1).alias("file_name"))).alias("extras_json"),
        F.when(~utf8, F.lit(Q.INVALID_UTF8)).when(F.trim(text) == "", F.lit(Q.EMPTY_TEXT)).alias("reason"),
        F.when(~utf8, F.lit("the file is not valid UTF-8")).alias("detail"),
        F.lit(CONTENT_HASH).alias("id_source"))
    empty = [(name, 0, 0, None, None, None, None, Q.EMPTY_TEXT, "empty file", None)
             for name in _empty_files(spark, path, ".txt")]
    return files.unionByName(spark.createDataFrame(empty, CHECKED_SCHEMA)) if empty else files


def _empty_files(spark: SparkSession, path: str, suffix: str) -> list[str]:
    """Zero-byte files, which Spark's file sources skip without a word."""
    jvm = spark.sparkContext._jvm
    root = jvm.org.apache.hadoop.fs.Path(path)
    fs = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    found, listing = [], fs.listFiles(root, True)
    while listing.hasNext():
        status = listing.next()
        if status.getLen() == 0 and status.getPath().getName().endswith(suffix):
            found.append(status.getPath().toString())
    return found
