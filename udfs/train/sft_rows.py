"""Reading one distill run's accepted refiner_sft rows to the driver, tokenized.

Rows stream to the driver (``toLocalIterator``) in sample_id order and are kept
as int32 token arrays: about 4 bytes a token, so the driver holds the whole
training set (fine for the tens of thousands of chunks a refiner needs; the
paper's 2M documents would want a sharded reader instead).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lakerefine.schemas.refiner_sft import ACCEPTED
from lakerefine.udfs.lake.tables import TableRef

from .examples import TrainingExample, tokenize_example


@dataclass
class LoadedExamples:
    sft_run_id: str
    input_version: int
    examples: list[TrainingExample] = field(default_factory=list)
    rows_accepted: int = 0
    skipped_too_long: int = 0       # prompt + program + end token over train_refiner.max_seq_tokens


def latest_distill_run(sft: DataFrame) -> str:
    row = sft.groupBy("run_id").agg(F.max("created_at").alias("at")).orderBy(F.desc("at")).first()
    if row is None:
        raise ValueError("the refiner_sft table is empty: run `lakerefine distill` first")
    return row.run_id


def load_examples(spark, table: TableRef, sft_run_id: str | None, tokenizer, base_model: str,
                  max_seq_tokens: int, input_version: int | None = None) -> LoadedExamples:
    version = table.version(spark) if input_version is None else input_version
    if version is None:
        raise ValueError(f"input table {table} does not exist: run `lakerefine distill` first")
    sft = table.read(spark, version)
    run_id = sft_run_id or latest_distill_run(sft)
    rows = sft.where((F.col("run_id") == F.lit(run_id)) & (F.col("status") == ACCEPTED))
    check_tokenizer(rows, base_model)
    loaded = LoadedExamples(run_id, version)
    for row in rows.select("sample_id", "prompt", "program").orderBy("sample_id").toLocalIterator():
        loaded.rows_accepted += 1
        example = tokenize_example(tokenizer, row.sample_id, row.prompt, row.program)
        if len(example.input_ids) > max_seq_tokens:
            loaded.skipped_too_long += 1
        else:
            loaded.examples.append(example)
    return loaded


def check_tokenizer(rows: DataFrame, base_model: str) -> None:
    """The prompts were chunked with the tokenizer of the model being trained (else the chunk
    budgets and chat template would differ from what the refiner sees at inference)."""
    used = {r.tokenizer for r in rows.select("tokenizer").distinct().collect()}
    others = sorted(path for path in used if Path(path).resolve() != Path(base_model).resolve())
    if others:
        raise ValueError(f"train_refiner.base_model is {base_model}, but these refiner_sft rows were rendered "
                         f"with the tokenizer of {others}: distill again with distill.tokenizer_path "
                         "(or train the model they were rendered for)")
