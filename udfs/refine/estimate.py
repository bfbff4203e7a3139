"""A dry run's arithmetic (pure Python): from a stratified sample to the whole input.

Each stratum (a value of the source column) is measured on its sampled documents: the
seconds the backend took and the characters it deleted. The whole input's deletion ratio
and backend time are those of each stratum scaled by the stratum's total characters, so a
sample that over- or under-represents a source does not skew the estimate. A stratum the
sample missed (too small for a quota) takes the rate of the whole sample.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Stratum:
    name: str | None
    docs: int                 # in the whole input
    chars: int
    sampled_docs: int = 0
    sampled_chars: int = 0
    removed_chars: int = 0
    seconds: float = 0.0      # backend time on the sampled documents, one worker


@dataclass(frozen=True)
class Estimate:
    docs: int
    chars: int
    sampled_docs: int
    sampled_chars: int
    sample_deletion_ratio: float
    deletion_ratio: float     # whole input, weighted by each stratum's characters
    worker_seconds: float     # whole input, one worker (core or GPU)
    chars_per_second: float   # the sample's, one worker

    def wall_seconds(self, workers: int) -> float:
        return self.worker_seconds / max(workers, 1)


def estimate(strata: list[Stratum]) -> Estimate:
    sampled_chars = sum(s.sampled_chars for s in strata)
    seconds = sum(s.seconds for s in strata)
    removed = sum(s.removed_chars for s in strata)
    overall_ratio = removed / sampled_chars if sampled_chars else 0.0
    overall_s_per_char = seconds / sampled_chars if sampled_chars else 0.0
    chars = sum(s.chars for s in strata)
    deleted = worker_seconds = 0.0
    for s in strata:
        ratio = s.removed_chars / s.sampled_chars if s.sampled_chars else overall_ratio
        s_per_char = s.seconds / s.sampled_chars if s.sampled_chars else overall_s_per_char
        deleted += ratio * s.chars
        worker_seconds += s_per_char * s.chars
    return Estimate(docs=sum(s.docs for s in strata), chars=chars, sampled_docs=sum(s.sampled_docs for s in strata),
                    sampled_chars=sampled_chars, sample_deletion_ratio=overall_ratio,
                    deletion_ratio=deleted / chars if chars else 0.0, worker_seconds=worker_seconds,
                    chars_per_second=sampled_chars / seconds if seconds else 0.0)


def line_diff(before: str, after: str, max_lines: int = 12, width: int = 100) -> list[str]:
    """The changed lines of ``before`` -> ``after`` (``-`` removed, ``+`` what is left of a cut
    line), each cut to ``width`` characters, at most ``max_lines`` of them."""
    changed = [line for line in difflib.unified_diff(before.split("\n"), after.split("\n"), n=0, lineterm="")
               if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    shown = [line if len(line) <= width else line[:width - 1] + "…" for line in changed[:max_lines]]
    if len(changed) > max_lines:
        shown.append(f"… {len(changed) - max_lines} more changed lines")
    return shown


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"
