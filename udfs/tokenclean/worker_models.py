"""The tokenizer and the two scoring models of a Python worker, loaded once and kept.

Like ``pyspark.ml.functions.predict_batch_udf``: Spark reuses Python workers
(``spark.python.worker.reuse``), so a module-level cache lets every later task of
the worker find its models loaded. One pair is kept: asking for another pair (the
next self-evolving round's reference) replaces it. A model goes on the GPU Spark
assigned the task (``TaskContext.resources()["gpu"]``), else the CPU.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import PreTrainedTokenizerBase

from lakerefine.conf.settings import TokenScoringSettings
from lakerefine.udfs.lake.task_resources import task_cpus, task_device
from lakerefine.udfs.models.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.tokens.formatting import padding_token_id
from lakerefine.udfs.tokens.scoring import TokenScorer


@dataclass
class WorkerModels:
    tokenizer: PreTrainedTokenizerBase
    scorer: TokenScorer | None      # None: tokenize only
    device: str


_LOADED: dict[tuple, WorkerModels] = {}


def worker_models(base_path: str, ref_path: str | None, scoring: TokenScoringSettings) -> WorkerModels:
    device = task_device(scoring.device, setting="token_clean.scoring.device")
    key = (_fingerprint(base_path), _fingerprint(ref_path) if ref_path else None, device, scoring.dtype,
           scoring.max_batch_tokens)
    if key not in _LOADED:
        _LOADED.clear()  # free the previous pair before loading the next
        _LOADED[key] = load_worker_models(base_path, ref_path, scoring, device)
    return _LOADED[key]


def load_worker_models(base_path: str, ref_path: str | None, scoring: TokenScoringSettings,
                       device: str) -> WorkerModels:
    if device == "cpu" and task_cpus():
        torch.set_num_threads(task_cpus())  # this task's share of the cores
    tokenizer = load_tokenizer(base_path)
    scorer = None
    if ref_path is not None:
        dtype = scoring_dtype(scoring.dtype, device)
        scorer = TokenScorer(load_causal_lm(base_path, device, dtype), load_causal_lm(ref_path, device, dtype),
                             pad_token_id=padding_token_id(tokenizer), max_batch_tokens=scoring.max_batch_tokens)
    return WorkerModels(tokenizer, scorer, device)


def scoring_dtype(name: str, device: str) -> torch.dtype:
    if name == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, name)


def _fingerprint(path: str) -> tuple[str, int]:
    """A model directory and its newest file time: a directory rewritten in place is loaded anew."""
    folder = Path(path)
    newest = max((f.stat().st_mtime_ns for f in folder.iterdir() if f.is_file()), default=0)
    return str(folder.resolve()), newest
