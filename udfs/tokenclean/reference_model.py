"""The reference model of Token Cleaning: the base model fine-tuned (LoRA, merged) on a high-quality sft table.

Samples are tokenized on the executors exactly as token-clean tokenizes them
(``token_clean.scoring``: chat format, max length), then trained on in the driver.
"""
from __future__ import annotations

from pathlib import Path

from pyspark.sql import SparkSession

from lakerefine.conf.settings import Settings
from lakerefine.schemas.sft import check_sft_schema
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef

from .clean_table import latest_version
from .lora_training import TrainingReport, train_lora
from .score_udf import scored_samples
from .training_data import training_examples


def train_reference(spark: SparkSession, settings: Settings, table: TableRef, base: str, dest: Path,
                    run: Run, limit: int | None = None) -> TrainingReport:
    with run.timed("tokenize"):
        version = latest_version(spark, table)
        run.input_table, run.input_version, run.output_table = str(table), version, str(dest)
        sft = table.read(spark, version)
        check_sft_schema(sft.schema)
        if limit:
            sft = sft.orderBy("sample_id").limit(limit)
        examples = training_examples(scored_samples(sft, base, None, settings.token_clean.scoring))
    run.count("examples", len(examples))
    with run.timed("train"):
        return train_lora(base, examples, dest, settings.training)
