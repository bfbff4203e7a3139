"""The ``classifier`` backend: the line classifier (udfs/classifier/) behind the backend interface.

A document is read whole (one of more than ``model.GROUP_LINES`` lines is scored in pieces of that many
lines and decided whole), with its lines' site shares when the job computed them
(udfs/refine/site_shares.py). All documents of a batch are scored in one call; a line whose
keep probability is under the model's threshold is removed (``remove_lines`` over each run of
such lines; a document that would keep less than the model's page floor of its words is kept
whole), so the programs run through the same executor and audit as every backend's.
``refine.classifier.threshold`` and ``page_floor`` override the file's own for a run. ``model`` names the
model file, its content hash and any override that differs from the file (``<path>@<sha256>``, then e.g.
``?threshold=0.25``): what ``refine_edits.model`` and the run's metrics record, so two runs with the same
``model`` made the same decisions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lakerefine.udfs.classifier.model import LineModel
from lakerefine.udfs.classifier.site_keys import KEY_KINDS
from lakerefine.udfs.program.lines import count_lines
from lakerefine.udfs.refine.backends.base import DocumentContext, Prompt

if TYPE_CHECKING:
    from lakerefine.conf.settings import ClassifierSettings

SHIPPED_MODELS = Path(__file__).resolve().parents[2] / "classifier" / "models"


@dataclass(frozen=True)
class LinePrompt(Prompt):
    """A whole document and its lines' site shares (site_keys.KEY_KINDS per line; None: no site; NaN: a
    line without that key)."""

    site_shares: tuple[float, ...] | None = None


class ClassifierBackend:
    name = "classifier"

    def __init__(self, model: LineModel, path: Path, threshold: float | None = None, page_floor: float | None = None):
        """``model`` as loaded from ``path``, deciding at ``threshold`` and ``page_floor`` (None: the file's)."""
        overrides = {name: value for name, value in (("threshold", threshold), ("page_floor", page_floor))
                     if value is not None and value != getattr(model, name)}
        self.line_model = replace(model, **overrides)
        self.path = path
        self.model = model_id(path, model, overrides)

    @classmethod
    def load(cls, settings: ClassifierSettings) -> ClassifierBackend:
        path = resolve_model_path(settings.model_path)
        return cls(LineModel.load(path), path, settings.threshold, settings.page_floor)

    def prompts(self, text: str, source: str | None, context: DocumentContext | None = None) -> list[Prompt]:
        shares = context.site_shares if context is not None else None
        if shares is not None and len(shares) != len(KEY_KINDS) * count_lines(text):
            raise ValueError(f"{len(shares)} site shares for {count_lines(text)} lines "
                             f"(expected {len(KEY_KINDS)} per line: {', '.join(KEY_KINDS)})")
        return [LinePrompt(text, source, site_shares=None if shares is None else tuple(
            math.nan if share is None else share for share in shares))]

    def generate(self, prompts: list[Prompt]) -> list[str]:
        texts = [prompt.text for prompt in prompts]
        shares = [getattr(prompt, "site_shares", None) for prompt in prompts]
        return self.line_model.programs(texts, shares)


def resolve_model_path(model_path: str | None) -> Path:
    """``refine.classifier.model_path`` as a file: null is the model shipped in the package."""
    path = shipped_model() if model_path is None else Path(model_path).resolve()
    if not path.is_file():
        raise ValueError(f"refine.classifier.model_path: {path} is not a file "
                         "(a `lakerefine train-classifier` output, or null for the shipped model)")
    return path


def shipped_model() -> Path:
    """The one model file (*.json) under udfs/classifier/models/."""
    found = sorted(SHIPPED_MODELS.glob("*.json")) if SHIPPED_MODELS.is_dir() else []
    if len(found) != 1:
        raise ValueError(f"expected one shipped classifier model under {SHIPPED_MODELS}, found {len(found)}")
    return found[0]


def model_id(path: Path, model: LineModel, overrides: dict[str, float] | None = None) -> str:
    """``<path>@<sha256>``, then the decision settings that differ from the file's as a query string."""
    query = "&".join(f"{name}={value:g}" for name, value in (overrides or {}).items())
    return f"{path}@{model.content_hash}" + (f"?{query}" if query else "")
