"""The line model: two stages of LightGBM trees over line features (auto-context).

Stage 1 scores each line from its features and its neighbours' (features.py). Stage 2 sees the same
features plus stage 1's probabilities of the lines around it, smoothed over windows of the document
(``context_features``), and gives the keep probability. Each stage predicts a whole batch's matrix in one
LightGBM call. The model is one JSON file (both boosters' text dumps, the threshold, name, version,
training notes); ``content_hash`` is the sha256 of that file's bytes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import lightgbm
import numpy as np

from .features import FEATURE_NAMES, LINE_FEATURES, line_features

FORMAT = "lakerefine-line-model/1"
CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_WINDOWS = (1, 3, 10)
CONTEXT_NAMES = (
    "p", *(f"p@{offset:+d}" for offset in CONTEXT_OFFSETS), *(f"p@mean{w}" for w in CONTEXT_WINDOWS),
    "p@block", "p@document",
)
_BLANK = LINE_FEATURES.index("is_blank")


@dataclass
class LineModel:
    stage1: lightgbm.Booster
    stage2: lightgbm.Booster
    threshold: float
    name: str
    version: str
    training: dict = field(default_factory=dict)  # provenance and held-out scores, kept in the file
    content_hash: str | None = None  # sha256 of the file this model was loaded from or saved to
    num_threads: int = 1  # LightGBM threads per predict call (Spark already runs one task per core)

    def keep_probabilities(
        self, texts: list[str], site_shares: list[list[float] | None] | None = None
    ) -> list[np.ndarray]:
        """One array per text, one keep probability per line (lines as numbered by lines.py)."""
        shares = site_shares if site_shares is not None else [None] * len(texts)
        if len(shares) != len(texts):
            raise ValueError(f"{len(shares)} site_shares for {len(texts)} texts")
        matrices = [line_features(text, share) for text, share in zip(texts, shares, strict=True)]
        lengths = [matrix.shape[0] for matrix in matrices]
        features = np.vstack(matrices) if matrices else np.zeros((0, len(FEATURE_NAMES)), np.float32)
        if not features.shape[0]:
            return [np.zeros(0) for _ in texts]
        first = self.stage1.predict(features, num_threads=self.num_threads)
        second_features = np.hstack([features, context_features(first, features[:, _BLANK], lengths)])
        second = self.stage2.predict(second_features, num_threads=self.num_threads)
        return np.split(second, np.cumsum(lengths)[:-1])

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT, "name": self.name, "version": self.version, "threshold": self.threshold,
            "features": list(FEATURE_NAMES), "context": list(CONTEXT_NAMES), "training": self.training,
            "stage1": self.stage1.model_to_string(), "stage2": self.stage2.model_to_string(),
        }
        return json.dumps(document, sort_keys=True, indent=0).encode("utf-8")

    def save(self, path: str | Path) -> str:
        """Write the model; returns (and records) its content hash."""
        data = self.to_json()
        Path(path).write_bytes(data)
        self.content_hash = hashlib.sha256(data).hexdigest()
        return self.content_hash

    @classmethod
    def load(cls, path: str | Path) -> LineModel:
        data = Path(path).read_bytes()
        document = json.loads(data)
        if document.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file (format {document.get('format')!r})")
        if document["features"] != list(FEATURE_NAMES) or document["context"] != list(CONTEXT_NAMES):
            raise ValueError(f"{path}: trained on other features than this code computes")
        return cls(
            stage1=lightgbm.Booster(model_str=document["stage1"]),
            stage2=lightgbm.Booster(model_str=document["stage2"]),
            threshold=float(document["threshold"]), name=document["name"], version=document["version"],
            training=document["training"], content_hash=hashlib.sha256(data).hexdigest(),
        )


def context_features(probability: np.ndarray, blank: np.ndarray, lengths: list[int]) -> np.ndarray:
    """Stage 2's extra columns: stage-1 probabilities around each line, per document."""
    parts = []
    start = 0
    for length in lengths:
        p = probability[start:start + length]
        parts.append(_document_context(p, blank[start:start + length] > 0))
        start += length
    return np.vstack(parts) if parts else np.zeros((0, len(CONTEXT_NAMES)))


def _document_context(p: np.ndarray, blank: np.ndarray) -> np.ndarray:
    n = p.size
    columns = [p]
    for offset in CONTEXT_OFFSETS:
        shifted = np.full(n, np.nan)
        if offset > 0:
            shifted[:-offset] = p[offset:]
        else:
            shifted[-offset:] = p[:offset]
        columns.append(shifted)
    total = np.concatenate([[0.0], np.cumsum(p)])
    index = np.arange(n)
    for window in CONTEXT_WINDOWS:
        low, high = np.maximum(index - window, 0), np.minimum(index + window + 1, n)
        columns.append((total[high] - total[low]) / (high - low))
    block = np.cumsum(blank)
    block_sum = np.bincount(block, weights=np.where(blank, 0.0, p))
    block_lines = np.bincount(block, weights=~blank)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns.append((block_sum / block_lines)[block])
    columns.append(np.full(n, p.mean() if n else np.nan))
    return np.column_stack(columns)
