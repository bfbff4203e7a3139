"""The training runs, on the driver: the refiner (train-refiner) and Token Cleaning's reference model
(train-reference).

- train-refiner: one distill run's accepted refiner_sft rows -> ``transformers.Trainer`` (full or
  LoRA) -> ``<run_dir>/model``. What the first attempt trained on (distill run, input version) is
  pinned in ``<run_dir>/lakerefine_input.json``, so a resumed run trains on the same rows.
- train-reference: a high-quality sft table, tokenized on the executors exactly as token-clean
  tokenizes it (``token_clean.scoring``), -> LoRA, merged (udfs/train/lora.py).
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import Settings
from lakerefine.schemas.sft import check_sft_schema
from lakerefine.udfs.generate.assets import load_tokenizer
from lakerefine.udfs.lake.runs import Run, RunResult
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.lake.versions import latest_run_id, pin_input_version
from lakerefine.udfs.train.hf_trainer import train_refiner_model
from lakerefine.udfs.train.lora import train_lora
from lakerefine.udfs.train.rows import refiner_examples, training_examples

INPUT_FILE = "lakerefine_input.json"   # what the first attempt trained on


def run_train_refiner(spark: SparkSession, settings: Settings, table: TableRef, sft_run_id: str | None,
                      run_dir: Path, run: Run) -> RunResult:
    config = settings.train_refiner
    pinned = pinned_input(run_dir)
    if pinned and sft_run_id and sft_run_id != pinned["sft_run_id"]:
        raise ValueError(f"{run_dir} already trains on distill run {pinned['sft_run_id']}; "
                         "resume it without --sft-run-id, or use a new --run-id")
    with run.timed("read"):
        version = pin_input_version(spark, table, pinned.get("input_version"),
                                    hint=": run `lakerefine distill` first")
        run.read_input(table, version)
        rows = table.read(spark, version)
        sft_run_id = pinned.get("sft_run_id") or sft_run_id or latest_run_id(
            rows, "created_at", str(table), hint=": run `lakerefine distill` first")
        loaded = refiner_examples(rows.where(F.col("run_id") == F.lit(sft_run_id)),
                                  load_tokenizer(config.base_model), config.base_model, config.max_seq_tokens)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / INPUT_FILE).write_text(json.dumps({"sft_run_id": sft_run_id, "input_version": version}))
    with run.timed("train"):
        result = train_refiner_model(loaded.examples, config, run_dir, provenance={
            "run_id": run.run_id, "sft_table": str(table), "sft_version": version,
            "sft_run_id": sft_run_id, "base_model": config.base_model, "method": config.method})
    loss = "n/a" if result.train_loss is None else f"{result.train_loss:.4f}"
    return RunResult(
        f"{len(loaded.examples)} examples from distill run {sft_run_id} ({loaded.skipped_too_long} skipped as "
        f"longer than {config.max_seq_tokens} tokens), {result.steps} steps ({config.method}), mean loss {loss}"
        + (" (already trained: nothing done)" if result.already_trained else ""),
        details=[f"use it: --set refine.backend=hf --set refine.hf.model_path={result.model_dir}"],
        tables={"model": result.model_dir}, output_table=result.model_dir,
        counts={"rows_accepted": loaded.rows_accepted, "examples": len(loaded.examples),
                "skipped_too_long": loaded.skipped_too_long, "steps": result.steps,
                "program_tokens": result.program_tokens},
        metrics={"sft_run_id": sft_run_id, "train_loss": result.train_loss, "losses": result.losses,
                 "resumed_from": result.resumed_from, "already_trained": result.already_trained,
                 "method": config.method})


def pinned_input(run_dir: Path) -> dict:
    path = run_dir / INPUT_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def run_train_reference(spark: SparkSession, settings: Settings, table: TableRef, dest: Path, run: Run,
                        limit: int | None = None) -> RunResult:
    from lakerefine.udfs.tokenclean.udf import scored_samples

    base = settings.token_clean.base_model
    with run.timed("tokenize"):
        version = pin_input_version(spark, table)
        run.read_input(table, version)
        sft = table.read(spark, version)
        check_sft_schema(sft.schema)
        if limit:
            sft = sft.orderBy("sample_id").limit(limit)
        examples = training_examples(scored_samples(sft, base, None, settings.token_clean.scoring))
    with run.timed("train"):
        report = train_lora(base, examples, dest, settings.train_reference)
    return RunResult(
        f"{report.examples} examples, {report.steps} steps, loss {report.first_loss:.3f} -> {report.last_loss:.3f} "
        f"({report.seconds:.0f} s on {report.device})",
        tables={"reference model": str(dest)}, output_table=str(dest),
        counts={"examples": len(examples), "steps": report.steps}, metrics={"training": asdict(report)})
