"""The scoring step Spark runs: SFT samples tokenized and scored on the executors.

Input rows: ``sample_id``, ``messages``. Output rows: ``SCORED_FIELDS``
(schemas/token_masks.py): the sample's tokens, its labels (-100 on prompt tokens
and the assistant header), per-token scores ``loss_base - loss_ref`` (null where a
token is not scored) and the truncated flag. A sample that cannot be tokenized or
scored gets an ``error`` and null arrays; the others in its batch are unaffected.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakerefine.conf.settings import TokenScoringSettings
from lakerefine.schemas.token_masks import SCORED_FIELDS
from lakerefine.udfs.lake.batch_udf import BatchFn, map_batches
from lakerefine.udfs.tokenclean.formatting import TokenizedSample, format_sample
from lakerefine.udfs.tokenclean.models import WorkerModels, load_worker_models, models_key


def scored_samples(sft: DataFrame, base_path: str, ref_path: str | None, scoring: TokenScoringSettings) -> DataFrame:
    """``SCORED_FIELDS`` for every row of ``sft``; ``ref_path`` None tokenizes only (scores all null).

    Each task's rows are sorted by conversation length, so the Arrow batches a
    worker scores hold samples of similar length (less padding).
    """
    tasks = scoring.tasks or 2 * sft.sparkSession.sparkContext.defaultParallelism
    samples = (sft.select("sample_id", "messages").repartition(tasks, "sample_id")
               .sortWithinPartitions(conversation_chars(), "sample_id"))
    return samples.mapInPandas(score_udf(base_path, ref_path, scoring), SCORED_FIELDS)


def conversation_chars() -> Column:
    """Characters of a conversation's messages."""
    return F.aggregate("messages", F.lit(0), lambda total, m: total + F.coalesce(F.length(m["content"]), F.lit(0)))


def score_udf(base_path: str, ref_path: str | None, scoring: TokenScoringSettings) -> BatchFn:
    """One pair of models per worker (the next pair, say the next self-evolving round's, replaces it)."""

    def score(models: WorkerModels, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return scored_rows([row["sample_id"] for row in rows], [row["messages"] for row in rows], models, scoring)

    return map_batches(score, SCORED_FIELDS, load=lambda: load_worker_models(base_path, ref_path, scoring),
                       key=lambda: models_key(base_path, ref_path, scoring), keep_one=True)


def scored_rows(sample_ids: list[str], conversations: list[Any], models: WorkerModels,
                scoring: TokenScoringSettings) -> list[dict[str, Any]]:
    samples, errors = [], []
    for messages in conversations:
        try:
            samples.append(format_sample({"messages": _messages(messages)}, models.tokenizer,
                                         scoring.chat_format, scoring.max_length))
            errors.append(None)
        except (ValueError, TypeError, KeyError) as err:
            samples.append(None)
            errors.append(f"tokenize: {type(err).__name__}: {err}"[:1000])
    scores, score_errors = sample_scores(samples, models)
    for i, error in score_errors.items():
        samples[i], errors[i] = None, error
    return [{"sample_id": sample_id, "input_ids": np.asarray(s.input_ids, np.int32) if s else None,
             "labels": np.asarray(s.labels, np.int32) if s else None, "scores": scores[i] if s else None,
             "truncated": s.truncated if s else None, "error": errors[i]}
            for i, (sample_id, s) in enumerate(zip(sample_ids, samples, strict=True))]


def sample_scores(samples: Sequence[TokenizedSample | None],
                  models: WorkerModels) -> tuple[list[np.ndarray | None], dict[int, str]]:
    """(float32 scores per sample, NaN where not scored; errors by index of the samples that failed).

    A batch that fails is retried sample by sample, so one bad sample costs only itself.
    """
    todo = [i for i, s in enumerate(samples) if s is not None]
    scores: list[np.ndarray | None] = [None] * len(samples)
    if models.scorer is None:  # tokenize only
        for i in todo:
            scores[i] = np.full(len(samples[i].input_ids), np.nan, np.float32)
        return scores, {}
    errors: dict[int, str] = {}
    try:
        for i, values in zip(todo, _score(models, [samples[i] for i in todo]), strict=True):
            scores[i] = values
    except Exception:  # noqa: BLE001 - find the sample that fails, keep the rest
        for i in todo:
            try:
                scores[i] = _score(models, [samples[i]])[0]
            except Exception as err:  # noqa: BLE001 - recorded on the row, never dropped
                errors[i] = f"score: {type(err).__name__}: {err}"[:1000]
    return scores, errors


def _score(models: WorkerModels, samples: Sequence[TokenizedSample]) -> list[np.ndarray]:
    return models.scorer.score_samples([s.input_ids for s in samples], [s.labels for s in samples])


def _messages(messages: Any) -> list[dict[str, str]]:
    """Spark hands an array of structs to pandas as an array of dicts (or Rows)."""
    if messages is None:
        raise ValueError("the sample has no messages")
    return [{"role": m["role"], "content": m["content"]} for m in messages]

