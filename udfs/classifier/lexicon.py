"""Word scores learned from labelled lines: how much more often a word occurs in kept lines than in
dropped ones (smoothed log-odds), for words seen in at least ``min_count`` lines of the training data.

Words are ``\\w+`` runs, lowercased, every digit written as 0, each identified by a 64-bit polynomial
hash of its code points computed with numpy over a whole text (no per-word Python). A line's scores are
the mean, min and max over its words that the lexicon knows (NaN when it knows none). A word counts once
per line when the lexicon is built.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

_BASE = np.uint64(0x100000001B3)  # odd, so it has an inverse modulo 2**64
_INVERSE = np.uint64(pow(int(_BASE), -1, 2**64))
_LENGTH_MIX = np.uint64(0x9E3779B97F4A7C15)


# Words are hashed in blocks of at most this many code points (a longer word alone), so the tables of powers
# kept per process stay this size however large a batch is (a whole batch at once kept 16 bytes per code point
# of the largest batch seen: 1 GB after 64 documents of a million characters).
BLOCK = 1 << 20


def word_hashes(codes: np.ndarray, word_starts: np.ndarray, word_ends: np.ndarray) -> np.ndarray:
    """One uint64 per word ``codes[start:end]`` (codes already normalised: see features.parse); the words in
    text order (starts and ends non-decreasing), an empty span hashing to 0."""
    hashes = np.empty(word_starts.size, dtype=np.uint64)
    first = 0
    while first < word_starts.size:
        offset = word_starts[first]
        last = max(int(np.searchsorted(word_ends, offset + BLOCK, side="right")), first + 1)
        hashes[first:last] = _block_hashes(codes[offset:word_ends[last - 1]], word_starts[first:last] - offset,
                                           word_ends[first:last] - offset)
        first = last
    return hashes


def _block_hashes(codes: np.ndarray, word_starts: np.ndarray, word_ends: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        powers, inverse = _powers(_BASE, codes.size + 1), _powers(_INVERSE, codes.size + 1)  # BASE**i, BASE**-i
        prefix = np.concatenate([[np.uint64(0)], np.cumsum(codes.astype(np.uint64) * powers[:-1], dtype=np.uint64)])
        spans = (prefix[word_ends] - prefix[word_starts]) * inverse[word_starts]
        return spans ^ ((word_ends - word_starts).astype(np.uint64) * _LENGTH_MIX)


def _powers(base: np.uint64, count: int) -> np.ndarray:
    """base**0 .. base**(count-1) modulo 2**64 (read-only; grown and kept per base, so a batch pays once)."""
    table = _POWERS.get(int(base))
    if table is None or table.size < count:
        table = np.ones(max(count, min(2 * (table.size if table is not None else 0), BLOCK + 1), 1 << 16),
                        dtype=np.uint64)
        with np.errstate(over="ignore"):
            table[1:] = np.cumprod(np.full(table.size - 1, base, dtype=np.uint64))  # modulo 2**64
        table.flags.writeable = False
        _POWERS[int(base)] = table
    return table[:count]


_POWERS: dict[int, np.ndarray] = {}


@dataclass(frozen=True)
class Lexicon:
    hashes: np.ndarray  # sorted uint64
    scores: np.ndarray  # float64, one per hash

    def score_words(self, hashes: np.ndarray) -> np.ndarray:
        """Each word's score, NaN for words the lexicon does not know."""
        if not self.hashes.size:
            return np.full(hashes.size, np.nan)
        at = self._index.get_indexer(hashes)  # -1: unknown
        return np.where(at >= 0, self.scores[at], np.nan)

    @cached_property
    def _index(self) -> pd.Index:
        """The hashes in a hash table (7x faster than a binary search of each text's distinct words)."""
        return pd.Index(self.hashes)

    def to_dict(self) -> dict:
        return {"hashes": [int(h) for h in self.hashes], "scores": [round(float(s), 4) for s in self.scores]}

    @classmethod
    def from_dict(cls, document: dict) -> Lexicon:
        hashes = np.array(document["hashes"], dtype=np.uint64)
        order = np.argsort(hashes)
        hashes = hashes[order]
        if np.any(hashes[1:] == hashes[:-1]):
            raise ValueError("the lexicon holds a word hash twice")
        return cls(hashes, np.array(document["scores"], dtype=np.float64)[order])


def build_lexicon(hashes: np.ndarray, lines: np.ndarray, kept: np.ndarray, min_count: int) -> Lexicon:
    """The lexicon of words ``hashes`` found on lines ``lines`` (indexes into ``kept``, the lines' labels)."""
    pairs = np.unique(np.column_stack([hashes, lines.astype(np.uint64)]), axis=0)  # a word once per line
    words, inverse = np.unique(pairs[:, 0], return_inverse=True)
    in_kept = kept[pairs[:, 1].astype(np.int64)] > 0
    kept_counts = np.bincount(inverse, weights=in_kept, minlength=words.size)
    dropped_counts = np.bincount(inverse, weights=~in_kept, minlength=words.size)
    kept_lines, dropped_lines = max(int((kept > 0).sum()), 1), max(int((kept <= 0).sum()), 1)
    frequent = kept_counts + dropped_counts >= min_count
    scores = np.log((kept_counts + 1) / kept_lines) - np.log((dropped_counts + 1) / dropped_lines)
    return Lexicon(words[frequent], np.round(scores[frequent], 4))


def line_scores(word_scores: np.ndarray, word_line: np.ndarray, lines: int) -> np.ndarray:
    """(mean, min, max) of the known words' scores per line; NaN for a line without one."""
    known = ~np.isnan(word_scores)
    line, score = word_line[known], word_scores[known]
    counts = np.bincount(line, minlength=lines)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(line, weights=score, minlength=lines) / counts
    low, high = np.full(lines, np.inf), np.full(lines, -np.inf)
    np.minimum.at(low, line, score)
    np.maximum.at(high, line, score)
    empty = counts == 0
    low[empty], high[empty] = np.nan, np.nan
    return np.column_stack([mean, low, high])
