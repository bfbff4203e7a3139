"""Saving a trained model: model, tokenizer and a JSON record of the training, all at once.

The directory is written as a temporary sibling and renamed into place
(``generate.assets.build_once``), so a directory at ``dest`` always holds a whole model:
its presence marks the training as finished.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lakerefine.udfs.generate.assets import build_once


def save_model_dir(dest: Path, model, tokenizer, info_file: str, info: dict[str, Any]) -> Path:
    """Write ``model``, ``tokenizer`` and ``info`` (as ``info_file``) into the new directory ``dest``."""
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists already; give another output directory")

    def write(tmp: Path) -> None:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        (tmp / info_file).write_text(json.dumps(info, indent=2, sort_keys=True, default=str))

    return build_once(dest, write)


def read_info(model_dir: Path, info_file: str) -> dict[str, Any] | None:
    path = Path(model_dir) / info_file
    return json.loads(path.read_text()) if path.is_file() else None
