"""Stopping a job part-way as if it were killed, through the jobs' test hooks (tests of resumption)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType

import pytest

from lakerefine.udfs.lake import slices
from lakerefine.udfs.tokenclean import self_evolving


class SimulatedKill(RuntimeError):
    """The job was stopped by a test as if killed."""


@contextmanager
def _killed(module: ModuleType, hook: str, stop_at: Callable[..., bool]) -> Iterator[None]:
    """Inside the block, ``module.hook`` raises SimulatedKill when ``stop_at(*its arguments)``."""
    def stop(*args: object) -> None:
        if stop_at(*args):
            raise SimulatedKill(f"stopped as if killed at {hook}{args}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, hook, stop)
        with pytest.raises(SimulatedKill):
            yield


def killed_after_slices(committed: int):
    """A sliced job stops once ``committed`` slices are committed (0: before the first)."""
    return _killed(slices, "after_slice", lambda stage, done: done == committed)


def killed_after_rounds(finished: int):
    """A self-evolving run stops once this attempt finished ``finished`` rounds."""
    return _killed(self_evolving, "after_round", lambda done: done == finished)
