"""The tokenizer and the two scoring models a Python worker loads (on the GPU Spark assigned the
task, else the CPU); the scoring step keeps one pair per worker (lake/batch_udf.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.generate.device import resolve_device, resolve_dtype, use_task_cores
from lakerefine.udfs.tokenclean.batching import forward_overhead_tokens
from lakerefine.udfs.tokenclean.formatting import padding_token_id
from lakerefine.udfs.tokenclean.scoring import TokenScorer

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from lakerefine.conf.settings import TokenScoringSettings


@dataclass
class WorkerModels:
    tokenizer: PreTrainedTokenizerBase
    scorer: TokenScorer | None      # None: tokenize only
    device: str


def scoring_device(scoring: TokenScoringSettings) -> str:
    return resolve_device(scoring.device, setting="token_clean.scoring.device")


def models_key(base_path: str, ref_path: str | None, scoring: TokenScoringSettings) -> tuple:
    """What makes a loaded pair the right one: the model directories (and their newest file
    times: a directory rewritten in place is loaded anew), the device and the precision."""
    return (_fingerprint(base_path), _fingerprint(ref_path) if ref_path else None, scoring_device(scoring),
            scoring.dtype, scoring.max_batch_tokens, scoring.forward_overhead_tokens)


def load_worker_models(base_path: str, ref_path: str | None, scoring: TokenScoringSettings) -> WorkerModels:
    device = scoring_device(scoring)
    use_task_cores(device)
    tokenizer = load_tokenizer(base_path)
    scorer = None
    if ref_path is not None:
        dtype = resolve_dtype(scoring.dtype, device)
        scorer = TokenScorer(load_causal_lm(base_path, device, dtype), load_causal_lm(ref_path, device, dtype),
                             pad_token_id=padding_token_id(tokenizer), max_batch_tokens=scoring.max_batch_tokens,
                             overhead_tokens=forward_overhead_tokens(device, scoring.forward_overhead_tokens))
    return WorkerModels(tokenizer, scorer, device)


def _fingerprint(path: str) -> tuple[str, int]:
    folder = Path(path)
    newest = max((f.stat().st_mtime_ns for f in folder.iterdir() if f.is_file()), default=0)
    return str(folder.resolve()), newest
