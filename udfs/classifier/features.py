"""Per-line features of a text, vectorised with numpy over the whole text (no per-character Python).

Rows are the text's lines as numbered by lines.py. Columns: a line's own features (``LINE_FEATURES``),
the same features of the lines -3..+3 around it, their means over that window, and the site share.
A value that does not exist is NaN (shares of an empty line, neighbours past the text's ends, the site
share when unknown); LightGBM treats NaN as missing.
"""
from __future__ import annotations

import re
import warnings
from collections import Counter
from functools import lru_cache

import numpy as np

from .site_keys import line_keys

# Character classes, as bits of a lookup over code points.
LETTER, DIGIT, UPPER, SPACE, WORD, CODE = 1, 2, 4, 8, 16, 32
_CODE_CHARS = set("{}[]()<>=;$#/\\|*+_")
_SENTENCE_END = {ord(c) for c in ".!?\u2026"}
_CLOSERS = {ord(c) for c in "\"'\u201d\u2019)]"}
_BULLETS = {ord(c) for c in "*-\u2022\u00b7>\u25cf\u25aa\u2013\u2014|"}

LINE_FEATURES = (
    "chars", "words", "letter_share", "digit_share", "punct_share", "upper_share", "space_share", "code_share",
    "ends_sentence", "ends_colon", "ends_comma", "ends_letter", "starts_upper", "starts_digit", "starts_bullet",
    "capitalised_word_share", "mean_word_length", "word_length_std", "indent", "is_blank", "key_repeats",
    "block_lines", "block_words", "chars_vs_document",
)
POSITION_FEATURES = ("relative_line", "relative_char", "lines_before", "lines_after", "document_lines",
                     "document_words")
WINDOW = 3
OFFSETS = tuple(o for o in range(-WINDOW, WINDOW + 1) if o)
FEATURE_NAMES = (
    *LINE_FEATURES,
    *POSITION_FEATURES,
    *(f"{name}@{offset:+d}" for offset in OFFSETS for name in LINE_FEATURES),
    *(f"{name}@mean" for name in LINE_FEATURES),
    "site_share", "site_share@mean",
)


def _ascii_flags() -> np.ndarray:
    return np.array([_flags_of(chr(code)) for code in range(128)], dtype=np.uint8)


@lru_cache(maxsize=65536)
def _flags_of(char: str) -> int:
    flags = 0
    if char.isalpha():
        flags |= LETTER
    if char.isdigit():
        flags |= DIGIT
    if char.isupper():
        flags |= UPPER
    if char.isspace():
        flags |= SPACE
    if re.match(r"\w", char):
        flags |= WORD
    if char in _CODE_CHARS:
        flags |= CODE
    return flags


_ASCII = _ascii_flags()


def _code_set(codes: set[int]) -> np.ndarray:
    """A lookup: ``table[code]`` is True for these code points (all below 0x2600)."""
    table = np.zeros(0x2600, dtype=bool)
    table[list(codes)] = True
    return table


_ENDS_SENTENCE = _code_set(_SENTENCE_END | _CLOSERS)
_ENDS_COLON = _code_set({ord(":"), ord(";")})
_STARTS_BULLET = _code_set(_BULLETS)


def _in(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    return table[np.minimum(codes, table.size - 1)] & (codes < table.size)


def char_flags(codes: np.ndarray) -> np.ndarray:
    flags = _ASCII[np.minimum(codes, 127)]
    wide = codes >= 128
    if wide.any():
        unique, inverse = np.unique(codes[wide], return_inverse=True)
        flags[wide] = np.array([_flags_of(chr(code)) for code in unique.tolist()], dtype=np.uint8)[inverse]
    return flags


def line_features(text: str, site_shares: list[float] | None = None) -> np.ndarray:
    """The feature matrix of ``text``: one row per line, ``len(FEATURE_NAMES)`` columns (float32)."""
    own, position = _own_features(text)
    lines = own.shape[0]
    shares = np.full(lines, np.nan) if site_shares is None else np.asarray(site_shares, dtype=np.float64)
    if shares.shape != (lines,):
        raise ValueError(f"site_shares has {shares.shape[0]} values for {lines} lines")
    shifted = [_shift(own, offset) for offset in OFFSETS]
    window = np.stack([own, *shifted])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: NaN is the answer
        means = np.nanmean(window, axis=0)
        share_mean = np.nanmean(np.stack([shares, *(_shift(shares[:, None], o)[:, 0] for o in OFFSETS)]), axis=0)
    return np.hstack([own, position, *shifted, means, shares[:, None], share_mean[:, None]]).astype(np.float32)


def _own_features(text: str) -> tuple[np.ndarray, np.ndarray]:
    if not text:
        return np.zeros((0, len(LINE_FEATURES))), np.zeros((0, len(POSITION_FEATURES)))
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if codes[-1] == 10:
        codes = codes[:-1]  # a final "\n" ends the last line (lines.py)
    newlines = np.flatnonzero(codes == 10)
    starts = np.concatenate([[0], newlines + 1])
    ends = np.concatenate([newlines, [codes.size]])
    flags = char_flags(codes)

    def per_line(mask: np.ndarray) -> np.ndarray:
        total = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
        return (total[ends] - total[starts]).astype(np.float64)

    chars = (ends - starts).astype(np.float64)
    space = (flags & SPACE) > 0
    word = (flags & WORD) > 0
    letters, digits = per_line((flags & LETTER) > 0), per_line((flags & DIGIT) > 0)
    spaces, word_chars = per_line(space), per_line(word)
    uppers, code_chars = per_line((flags & UPPER) > 0), per_line((flags & CODE) > 0)
    word_start = word & ~np.concatenate([[False], word[:-1]])
    word_end = word & ~np.concatenate([word[1:], [False]])
    word_starts = np.flatnonzero(word_start)
    word_lengths = (np.flatnonzero(word_end) + 1 - word_starts).astype(np.float64)
    word_line = np.searchsorted(starts, word_starts, side="right") - 1
    lines = starts.size
    words = np.bincount(word_line, minlength=lines).astype(np.float64)
    capitalised = np.bincount(word_line, weights=((flags[word_starts] & UPPER) > 0), minlength=lines)
    squares = np.bincount(word_line, weights=word_lengths**2, minlength=lines)

    visible = np.flatnonzero(~space)
    first_index = np.searchsorted(visible, starts)
    last_index = np.searchsorted(visible, ends) - 1
    padded = np.concatenate([visible, [codes.size]])
    has_visible = padded[first_index] < ends
    codes_or_zero = np.append(codes, 0)
    first_code = np.where(has_visible, codes_or_zero[padded[first_index]], 0)
    last_code = np.where(has_visible, codes_or_zero[padded[np.maximum(last_index, 0)]], 0)
    last_flags = char_flags(last_code.astype(np.uint32))
    first_flags = char_flags(first_code.astype(np.uint32))
    indent = np.where(has_visible, padded[first_index] - starts, np.nan)

    blank = ~has_visible
    block = np.cumsum(blank)  # lines between blank lines share a block number
    block_lines = np.bincount(block, weights=~blank)[block]
    block_words = np.bincount(block, weights=words)[block]
    keys = line_keys(text)
    repeats = Counter(key for key in keys if key is not None)
    key_repeats = np.array([repeats[key] if key is not None else np.nan for key in keys], dtype=np.float64)

    with np.errstate(invalid="ignore", divide="ignore"):
        nonspace = chars - spaces
        mean_length = word_chars / words
        own = np.column_stack([
            np.log1p(chars), np.log1p(words), letters / nonspace, digits / nonspace,
            (nonspace - word_chars) / nonspace, uppers / letters, spaces / chars, code_chars / nonspace,
            _in(last_code, _ENDS_SENTENCE), _in(last_code, _ENDS_COLON), last_code == ord(","),
            (last_flags & LETTER) > 0, (first_flags & UPPER) > 0, (first_flags & DIGIT) > 0,
            _in(first_code, _STARTS_BULLET),
            capitalised / words, mean_length, np.sqrt(np.maximum(squares / words - mean_length**2, 0)),
            np.log1p(indent), blank, np.log1p(key_repeats), np.log1p(block_lines), np.log1p(block_words),
            chars / max(chars.mean(), 1.0),
        ]).astype(np.float64)
        own[blank, 2:8] = np.nan
        number = np.arange(lines, dtype=np.float64)
        position = np.column_stack([
            number / max(lines - 1, 1), starts / max(codes.size, 1), np.log1p(number), np.log1p(lines - 1 - number),
            np.full(lines, np.log1p(lines)), np.full(lines, np.log1p(word_starts.size)),
        ])
    return own, position


def _shift(matrix: np.ndarray, offset: int) -> np.ndarray:
    """Row i holds row i + offset of ``matrix`` (NaN past the ends)."""
    shifted = np.full(matrix.shape, np.nan)
    if offset > 0:
        shifted[:-offset] = matrix[offset:]
    else:
        shifted[-offset:] = matrix[:offset]
    return shifted
