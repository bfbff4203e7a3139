"""Line keys for the site share: the share of a site's documents that contain a line.

A line's key is the line casefolded, with whitespace runs collapsed to one space and trimmed,
and every digit written as 0 (so "Page 3 of 12" and "Page 4 of 12" share a key); a line with
nothing but whitespace has no key. The Spark pass calls ``line_keys`` inside a pandas UDF and
the training script calls it in plain Python, so both count the same keys by construction.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from lakerefine.udfs.program.lines import split_lines

_DIGIT = re.compile(r"\d")
# Below this many documents a site's shares say nothing (one document: every share is 1).
MIN_SITE_DOCUMENTS = 3


def line_keys(text: str) -> list[str | None]:
    """One key per line of ``text`` (lines as numbered by lines.py), None for blank lines."""
    normalised = _DIGIT.sub("0", text.casefold())
    return [" ".join(line.split()) or None for line in split_lines(normalised)]  # split(): str.isspace runs


def document_keys(text: str) -> set[str]:
    """The distinct keys of one document: what it contributes to its site's counts."""
    return {key for key in line_keys(text) if key is not None}


def site_shares(
    keys: list[str | None], key_documents: Mapping[str, int], site_documents: int
) -> list[float] | None:
    """Each line's share of the site's documents containing its key (NaN for blank lines),
    or None when the site has fewer than MIN_SITE_DOCUMENTS documents."""
    if site_documents < MIN_SITE_DOCUMENTS:
        return None
    return [float("nan") if key is None else key_documents.get(key, 0) / site_documents for key in keys]
