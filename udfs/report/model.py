"""What a report shows, as small plain data the driver holds: aggregates and a sample (no pyspark)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunInfo:
    """The run's ``runs`` row, the part a report prints."""

    run_id: str
    job: str
    status: str
    attempt: int
    started_at: str
    ended_at: str
    input_table: str | None
    input_version: int | None
    output_table: str | None
    output_version: int | None
    config_hash: str
    code_version: str
    counts: dict[str, int]
    error: str | None = None


@dataclass
class SampleDocument:
    """One document of the browser: its raw text, the deleted spans, why it was picked."""

    doc_id: str
    source: str
    status: str
    picked: list[str]
    chars_in: int
    chars_out: int
    text: str | None
    spans: list[tuple[int, int]]
    program: str | None = None
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class StatusRow:
    status: str
    docs: int
    chars_in: int
    chars_removed: int
    calls_rejected: int


@dataclass
class SourceRow:
    source: str
    docs: int
    chars_in: int
    chars_removed: int


@dataclass
class RefineReport:
    run: RunInfo
    backend: str
    model: str | None
    by_status: list[StatusRow]
    by_source: list[SourceRow]
    ratio_bins: list[tuple[float, int]]          # (bin start, documents) over [0, 1]
    rejected_by_reason: dict[str, int]
    top_lines: list[tuple[str, int]]             # (deleted line, times)
    top_strings: list[tuple[str, int]]           # (deleted span, times)
    sample: list[SampleDocument]


@dataclass
class TokenSample:
    sample_id: str
    picked: str
    tokens: list[str]
    labels: list[int]
    scores: list[float | None]
    kept_tokens: int | None
    scored_tokens: int | None
    error: str | None = None


@dataclass
class TokenReport:
    run: RunInfo
    mode: str
    keep: float
    threshold: float | None
    base_model: str
    ref_model: str | None
    counts: dict[str, int]
    target_kept: int
    score_bins: list[tuple[float, int, int]]     # (bin start, kept tokens, masked tokens)
    score_bin_width: float
    ratio_bins: list[tuple[float, int]]          # (bin start, samples) of kept / scored per sample
    samples: list[TokenSample]
    metrics: dict[str, Any] = field(default_factory=dict)
