"""Line keys for the site shares: the share of a site's documents that contain a line, or its edges.

A line is normalised: casefolded, whitespace runs collapsed to one space and trimmed, every digit
written as 0 (so "Page 3 of 12" and "Page 4 of 12" share a key). Each line has ``len(KEY_KINDS)``
keys: the whole normalised line, its first ``EDGE_WORDS`` words and its last ``EDGE_WORDS`` words.
The edge keys catch templated furniture whose middle varies from page to page ("Next: X, Previous:
Y, Up: Z [ Contents ][ Index ]", "<title> - Site 3.2 documentation"); a line of fewer than
``MIN_EDGE_WORDS`` words has no edge keys (its whole key says it all) and a blank line has no key
at all. A document's site is the host of its URL (``url_host``). The Spark pass calls ``line_keys`` and
``url_host`` inside pandas UDFs and the training script calls them in plain Python, so both count the same
keys of the same sites by construction.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from lakerefine.udfs.program.lines import split_lines

_DIGIT = re.compile(r"\d")
# Below this many documents a site's shares say nothing (one document: every share is 1).
MIN_SITE_DOCUMENTS = 3


KEY_KINDS = ("line", "first_words", "last_words")
EDGE_WORDS = 2
MIN_EDGE_WORDS = 4


def url_host(url: str | None) -> str | None:
    """A URL's host, lower-cased, as ``urllib.parse`` reads it; None without one or for a string it cannot
    parse. Hosts that java.net.URI (Spark's parse_url) does not return, with "_" or "+" in them, are hosts."""
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # an unbalanced "[" in the authority
        return None


def line_keys(text: str) -> list[str | None]:
    """``len(KEY_KINDS)`` keys per line of ``text`` (lines as numbered by lines.py), line after line, in
    the order of KEY_KINDS; None where a line has no such key."""
    keys: list[str | None] = []
    for line in split_lines(_DIGIT.sub("0", text.casefold())):
        words = line.split()  # str.isspace runs
        if len(words) < MIN_EDGE_WORDS:
            keys += [" ".join(words) or None, None, None]
        else:  # "\n" is in no line: edge keys never equal a line's key
            keys += [" ".join(words), "\n<" + " ".join(words[:EDGE_WORDS]), "\n>" + " ".join(words[-EDGE_WORDS:])]
    return keys


def document_keys(text: str) -> set[str]:
    """The distinct keys of one document: what it contributes to its site's counts."""
    return {key for key in line_keys(text) if key is not None}


def site_shares(
    keys: list[str | None], key_documents: Mapping[str, int], site_documents: int
) -> list[float] | None:
    """Each key's share of the site's documents containing it (NaN where a line has no such key),
    in the order of ``keys``, or None when the site has fewer than MIN_SITE_DOCUMENTS documents."""
    if site_documents < MIN_SITE_DOCUMENTS:
        return None
    return [float("nan") if key is None else key_documents.get(key, 0) / site_documents for key in keys]
