"""Training rows from Spark to the training loop on the driver.

Training happens in one process (the driver, on its GPU if it has one); its data is a
small table (a distill run's accepted refiner_sft rows, a high-quality sft table, one
self-evolving subset), streamed in partition by partition (``toLocalIterator``) in
sample_id order, so a seeded shuffle sees the same examples in the same order on every
run. Refiner rows are kept as int32 token arrays: about 4 bytes a token, fine for the tens
of thousands of chunks a refiner needs (the paper's 2M documents would want a sharded reader).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lakerefine.schemas.vocab import ACCEPTED, IGNORE_INDEX
from lakerefine.udfs.train.examples import Example, TrainingExample, tokenize_example


def training_examples(rows: DataFrame) -> list[Example]:
    """token_masks rows with ``input_ids`` and ``labels`` (no error, at least one label kept) as examples."""
    usable = (rows.where(F.col("error").isNull() & F.col("input_ids").isNotNull()
                         & F.exists("labels", lambda label: label != IGNORE_INDEX))
              .select("sample_id", "input_ids", "labels").orderBy("sample_id"))
    return [Example(list(row.input_ids), list(row.labels)) for row in usable.toLocalIterator()]


@dataclass
class RefinerExamples:
    examples: list[TrainingExample] = field(default_factory=list)
    rows_accepted: int = 0
    skipped_too_long: int = 0       # prompt + program + end token over train_refiner.max_seq_tokens


def refiner_examples(rows: DataFrame, tokenizer, base_model: str, max_seq_tokens: int) -> RefinerExamples:
    """One distill run's accepted refiner_sft rows, tokenized."""
    accepted = rows.where(F.col("status") == ACCEPTED)
    check_tokenizer(accepted, base_model)
    loaded = RefinerExamples()
    for row in accepted.select("sample_id", "prompt", "program").orderBy("sample_id").toLocalIterator():
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
