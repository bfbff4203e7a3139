"""Which labelled pages train refiners and which are held out to report on.

One rule everywhere (training scripts, the quality bench, tests): a page is held out
(``test``) when the first 8 hex digits of the sha256 of its id, as an integer, are
``< 3`` modulo 10 (about 30% of each set), else it is ``train``. The rule depends on
the id alone, so a page keeps its side whatever else is added to the data.
"""
from __future__ import annotations

import hashlib

TRAIN = "train"
TEST = "test"
TEST_TENTHS = 3


def split_of(page_id: str) -> str:
    bucket = int(hashlib.sha256(page_id.encode("utf-8")).hexdigest()[:8], 16) % 10
    return TEST if bucket < TEST_TENTHS else TRAIN
