"""Self-evolving Token Cleaning: T rounds over T deterministic subsets of the sft table.

Round 0 trains the base model on every response token of subset 0. Round t >= 1
scores subset t with ``loss_base - loss_{model after round t-1}``, keeps the
top ``keep`` of the subset's scored tokens (the global rule, within the subset)
and continues training that model on the kept tokens. Every round trains LoRA
adapters and merges them (``training`` settings), so each round's model is a
plain model directory.

Subsets: ``pmod(xxhash64(sample_id), T)``, stable across reruns and independent
of the table's order and partitioning, about N/T samples each (the paper cuts
its unshuffled pool into contiguous blocks; a hash needs no global sort and
mixes sources evenly across rounds).

Everything a round makes lives in the run folder ``<run_root>/<run_id>/``:
``run.json`` (what the run was started on: input table and version, models,
settings), ``round-<t>/masks`` (a Delta table of the subset's token_masks rows,
committed with the run's metadata) and ``round-<t>/model`` (written atomically,
with ``training.json``). A round is finished when both exist; a rerun with the
same run id reads the input at the pinned version, skips finished rounds and
goes on from the last finished round's model. At the end every round's rows are
published to the output table in one commit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.settings import Settings
from lakerefine.schemas.sft import check_sft_schema
from lakerefine.schemas.vocab import SELF_EVOLVING
from lakerefine.udfs.lake.runs import Run
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.lake.versions import pin_input_version
from lakerefine.udfs.tokenclean.masks import KeepRule, masked_samples
from lakerefine.udfs.tokenclean.run import Cleaned, CleanTables, mask_rows
from lakerefine.udfs.tokenclean.stats import mask_counts
from lakerefine.udfs.tokenclean.threshold import global_selection
from lakerefine.udfs.tokenclean.udf import scored_samples
from lakerefine.udfs.train.lora import read_report, train_lora
from lakerefine.udfs.train.rows import training_examples


def after_round(committed: int) -> None:
    """Called after each round this attempt finished. A test hook: tests replace it to stop a
    run as if it were killed there."""


def subset_index(rounds: int) -> Column:
    return F.pmod(F.xxhash64("sample_id"), F.lit(rounds)).cast("int")


@dataclass(frozen=True)
class RunFolder:
    root: Path

    @classmethod
    def of(cls, run_root: str, run_id: str) -> RunFolder:
        return cls(Path(run_root).resolve() / run_id)

    def model_dir(self, round_index: int) -> Path:
        return self.root / f"round-{round_index}" / "model"

    def masks(self, round_index: int) -> TableRef:
        path = str(self.root / f"round-{round_index}" / "masks")
        return TableRef(name=path, path=path)

    def finished(self, spark: SparkSession, round_index: int, run_id: str) -> bool:
        return (self.model_dir(round_index).is_dir()
                and self.masks(round_index).commit_version_of(spark, run_id) is not None)

    def pin_plan(self, plan: dict[str, Any]) -> dict[str, Any]:
        """The plan an earlier attempt recorded (which must match), else ``plan``, now recorded."""
        path = self.root / "run.json"
        if path.is_file():
            recorded = json.loads(path.read_text())
            changed = sorted(k for k in plan if k != "input_version" and recorded.get(k) != plan[k])
            if changed:
                raise ValueError(f"run folder {self.root} was started with other {', '.join(changed)}; "
                                 "resume with the same input and settings, or use a new --run-id")
            return recorded
        self.root.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(plan, indent=2, sort_keys=True))
        return plan


def run_rounds(spark: SparkSession, settings: Settings, tables: CleanTables, run: Run) -> Cleaned:
    clean = settings.token_clean
    base, rounds = clean.base_model, clean.self_evolving.rounds
    folder = RunFolder.of(clean.self_evolving.run_root, run.run_id)
    with run.timed("prepare"):
        plan = folder.pin_plan(run_plan(settings, tables, base, pin_input_version(spark, tables.input)))
        run.read_input(tables.input, plan["input_version"])
        if tables.output.commit_version_of(spark, run.run_id) is not None:
            return Cleaned(already_published=True)
        sft = tables.input.read(spark, plan["input_version"])
        check_sft_schema(sft.schema)
        check_subsets_not_empty(sft, rounds)
    metrics: dict[str, Any] = {"run_folder": str(folder.root), "rounds": []}
    outputs: dict[str, int] = {}
    model, finished_now = base, 0
    for t in range(rounds):
        resumed = folder.finished(spark, t, run.run_id)
        if not resumed:
            with run.timed(f"round_{t}"):
                write_round_masks(sft.where(subset_index(rounds) == t), t, base, model, folder.masks(t), settings,
                                  run)
                train_lora(model, training_examples(folder.masks(t).read(spark)), folder.model_dir(t),
                           settings.train_reference)
            finished_now += 1
            after_round(finished_now)
        model = str(folder.model_dir(t))
        metrics["rounds"].append(round_metrics(spark, folder, t, run.run_id, resumed))
        outputs[str(folder.masks(t))] = folder.masks(t).commit_version_of(spark, run.run_id)
    metrics["final_model"] = model
    with run.timed("publish"):
        rows = union_all([folder.masks(t).read(spark, folder.masks(t).commit_version_of(spark, run.run_id))
                          for t in range(rounds)])
        tables.output.write(rows, "overwrite", overwriteSchema="true", metadata=run.commit_metadata(
            mode=SELF_EVOLVING, keep=clean.keep, rounds=rounds, base_model=base, final_model=model,
            run_folder=str(folder.root)))
    return Cleaned(metrics=metrics, other_outputs=outputs)


def write_round_masks(part: DataFrame, t: int, base: str, model: str, table: TableRef, settings: Settings,
                      run: Run) -> None:
    """Score (t >= 1) and mask subset t into the round's masks table."""
    clean = settings.token_clean
    if t == 0:
        scored, threshold, rule = scored_samples(part, base, None, clean.scoring), None, KeepRule("all")
    else:
        scored = scored_samples(part, base, model, clean.scoring).persist(StorageLevel.MEMORY_AND_DISK)
        threshold = global_selection(scored, clean.keep, clean.selection, clean.approx_accuracy).threshold
        rule = KeepRule("threshold", clean.keep, threshold)
    try:
        rows = mask_rows(masked_samples(scored, rule), run, SELF_EVOLVING, threshold, t)
        table.write(rows, "overwrite", overwriteSchema="true",
                    metadata=run.commit_metadata(round=t, reference_model=None if t == 0 else model))
    finally:
        scored.unpersist()


def round_metrics(spark: SparkSession, folder: RunFolder, t: int, run_id: str, resumed: bool) -> dict[str, Any]:
    masks = folder.masks(t).read(spark, folder.masks(t).commit_version_of(spark, run_id))
    threshold = masks.select(F.first("threshold", ignorenulls=True)).first()[0]
    return {"round": t, "resumed": resumed, "threshold": threshold, **mask_counts(masks),
            "model": str(folder.model_dir(t)), "training": read_report(folder.model_dir(t))}


def run_plan(settings: Settings, tables: CleanTables, base: str, input_version: int) -> dict[str, Any]:
    clean = settings.token_clean
    return {"input_table": str(tables.input), "input_version": input_version, "base_model": base,
            "rounds": clean.self_evolving.rounds, "keep": clean.keep, "selection": clean.selection,
            "scoring": clean.scoring.model_dump(mode="json"),
            "training": settings.train_reference.model_dump(mode="json")}


def check_subsets_not_empty(sft: DataFrame, rounds: int) -> None:
    sizes = {r[0]: r[1] for r in sft.groupBy(subset_index(rounds)).count().collect()}
    empty = [t for t in range(rounds) if not sizes.get(t)]
    if empty:
        raise ValueError(f"token_clean.self_evolving.rounds={rounds}: subsets {empty} of the input are empty "
                         "(fewer samples than rounds?)")


def union_all(frames: list[DataFrame]) -> DataFrame:
    rows = frames[0]
    for frame in frames[1:]:
        rows = rows.unionByName(frame)
    return rows
