"""Fail fast, on the driver, when the two scoring models cannot be compared token by token."""
from __future__ import annotations

from pathlib import Path

from lakerefine.udfs.generate.assets import load_tokenizer


def check_model_dir(path: str, key: str) -> None:
    if not (Path(path) / "config.json").is_file():
        raise ValueError(f"{key}: {path} is not a model directory (no config.json); models load from local "
                         "paths (see udfs/models/assets.py)")


def check_model_pair(base: str, ref: str | None) -> None:
    """Both are model directories, and the reference reads text with the base's vocabulary.

    Scores subtract two models' losses on the same token ids, which is only
    meaningful when both tokenizers map text to the same ids.
    """
    check_model_dir(base, "token_clean.base_model")
    if ref is None:
        return
    check_model_dir(ref, "token_clean.ref_model")
    if load_tokenizer(base).get_vocab() != load_tokenizer(ref).get_vocab():
        raise ValueError(f"token_clean.ref_model: {ref} has another vocabulary than the base model {base}; "
                         "scores need the same tokenizer")
