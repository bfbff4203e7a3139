"""The labelled web pages in ../shared/data/webpages (not in the repository: tests using them skip without it)."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import pytest

WEBPAGES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "webpages" / "webpages.jsonl.gz"
needs_webpages = pytest.mark.skipif(not WEBPAGES.exists(), reason="../shared/data/webpages is not beside the checkout")


@lru_cache(maxsize=1)
def all_pages() -> tuple[dict, ...]:
    with gzip.open(WEBPAGES, "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines)


def pages_of(page_set: str, count: int, every: int = 1) -> list[dict]:
    """The first ``count`` pages of ``page_set`` taking every ``every``-th (file order)."""
    return [page for page in all_pages() if page["set"] == page_set][::every][:count]
