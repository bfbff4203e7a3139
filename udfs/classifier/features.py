"""Per-line features of a text, vectorised with numpy over the whole text (no per-character Python).

Rows are the text's lines as numbered by lines.py. Columns: a line's own features (``LINE_FEATURES``),
its position, the same features of the lines -3..+3 around it and their means over that window, the
site share, and the scores of its words in the model's lexicon (lexicon.py) with their means over
windows of 1, 3 and 10 lines around it. A value that does not exist is NaN (shares of an empty line,
neighbours past the text's ends, the site share when unknown, the word scores of a line without a known
word); LightGBM treats NaN as missing.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexicon import Lexicon, line_scores, word_hashes

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
WORD_SCORE_FEATURES = ("word_score_mean", "word_score_min", "word_score_max")
WORD_SCORE_WINDOWS = (1, 3, 10)
WINDOW = 3
OFFSETS = tuple(o for o in range(-WINDOW, WINDOW + 1) if o)
FEATURE_NAMES = (
    *LINE_FEATURES,
    *POSITION_FEATURES,
    *(f"{name}@{offset:+d}" for offset in OFFSETS for name in LINE_FEATURES),
    *(f"{name}@mean" for name in LINE_FEATURES),
    "site_share", "site_share@mean",
    *WORD_SCORE_FEATURES,
    *(f"word_score_mean@mean{radius}" for radius in WORD_SCORE_WINDOWS),
)
BASE_COLUMNS = len(FEATURE_NAMES) - len(WORD_SCORE_FEATURES) - len(WORD_SCORE_WINDOWS)
BLANK = LINE_FEATURES.index("is_blank")
WORDS = LINE_FEATURES.index("words")


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


@dataclass(frozen=True)
class ParsedText:
    """A text as code points, cut into lines and words (positions index ``codes``)."""

    codes: np.ndarray  # uint32 code points, without a final "\n"
    flags: np.ndarray  # character classes of each code point
    normalised: np.ndarray  # codes lowercased, digits as "0" (what word and line hashes read)
    starts: np.ndarray  # first code point of each line
    ends: np.ndarray  # one past its last
    word_starts: np.ndarray
    word_ends: np.ndarray
    word_line: np.ndarray  # the line of each word

    @property
    def lines(self) -> int:
        return self.starts.size


def parse(text: str) -> ParsedText:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if codes.size and codes[-1] == 10:
        codes = codes[:-1]  # a final "\n" ends the last line (lines.py)
    if not text:
        empty = np.zeros(0, dtype=np.int64)
        return ParsedText(codes, np.zeros(0, np.uint8), codes, empty, empty, empty, empty, empty)
    newline = codes == 10
    newlines = np.flatnonzero(newline)
    starts = np.concatenate([[0], newlines + 1])
    ends = np.concatenate([newlines, [codes.size]])
    flags = char_flags(codes)
    word = (flags & WORD) > 0
    word_starts = np.flatnonzero(word & ~np.concatenate([[False], word[:-1]]))
    word_ends = np.flatnonzero(word & ~np.concatenate([word[1:], [False]])) + 1
    word_line = np.cumsum(newline)[word_starts]
    return ParsedText(codes, flags, lower_codes(codes, flags), starts, ends, word_starts, word_ends, word_line)


def line_features(
    text: str, site_shares: list[float] | None = None, lexicon: Lexicon | None = None, out: np.ndarray | None = None
) -> np.ndarray:
    """The feature matrix of ``text``: one row per line, ``len(FEATURE_NAMES)`` columns (float32), written
    into ``out`` when given (a batch's matrix is filled text by text without copies)."""
    parsed = parse(text)
    if out is None:
        out = np.empty((parsed.lines, len(FEATURE_NAMES)), dtype=np.float32)
    if out.shape != (parsed.lines, len(FEATURE_NAMES)):
        raise ValueError(f"out has shape {out.shape} for {parsed.lines} lines")
    base_features(text, parsed, site_shares, out[:, :BASE_COLUMNS])
    out[:, BASE_COLUMNS:] = word_score_features(parsed, lexicon)
    return out


def base_features(text: str, parsed: ParsedText, site_shares: list[float] | None,
                  out: np.ndarray | None = None) -> np.ndarray:
    """Every column before the word scores (they depend on the model's lexicon, these do not)."""
    own, position = _own_features(text, parsed)
    lines = own.shape[0]
    shares = np.full(lines, np.nan) if site_shares is None else np.asarray(site_shares, dtype=np.float64)
    if shares.shape != (lines,):
        raise ValueError(f"site_shares has {shares.shape[0]} values for {lines} lines")
    out = np.empty((lines, BASE_COLUMNS), dtype=np.float32) if out is None else out
    own_columns, position_columns = len(LINE_FEATURES), len(POSITION_FEATURES)
    out[:, :own_columns] = own
    out[:, own_columns:own_columns + position_columns] = position
    window = np.full((len(OFFSETS) + 1, lines, own_columns), np.nan, dtype=np.float32)  # own, then each offset
    window[0] = own
    for i, offset in enumerate(OFFSETS, start=1):
        if offset > 0:
            window[i, :-offset] = own[offset:]
        else:
            window[i, -offset:] = own[:offset]
        column = own_columns + position_columns + (i - 1) * own_columns
        out[:, column:column + own_columns] = window[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: NaN is the answer
        out[:, -own_columns - 2:-2] = np.nanmean(window, axis=0)
        out[:, -1] = np.nanmean(np.stack([shares, *(_shift(shares[:, None], o)[:, 0] for o in OFFSETS)]), axis=0)
    out[:, -2] = shares
    return out


def word_score_features(parsed: ParsedText, lexicon: Lexicon | None) -> np.ndarray:
    """The word-score columns: per line (mean, min, max), and the mean's window means (NaN without a lexicon)."""
    if lexicon is None or not parsed.lines:
        return np.full((parsed.lines, len(WORD_SCORE_FEATURES) + len(WORD_SCORE_WINDOWS)), np.nan, dtype=np.float32)
    return word_score_columns(text_word_hashes(parsed), parsed.word_line, parsed.lines, lexicon)


def word_score_columns(hashes: np.ndarray, word_line: np.ndarray, lines: int, lexicon: Lexicon) -> np.ndarray:
    scores = line_scores(lexicon.score_words(hashes), word_line, lines)
    windows = [_window_mean(scores[:, 0], radius) for radius in WORD_SCORE_WINDOWS]
    return np.column_stack([scores, *windows]).astype(np.float32)


def text_word_hashes(parsed: ParsedText) -> np.ndarray:
    """The lexicon's hash of each word: lowercased, digits as 0."""
    return word_hashes(parsed.normalised, parsed.word_starts, parsed.word_ends)


def line_repeats(parsed: ParsedText, blank: np.ndarray) -> np.ndarray:
    """How many lines of the text equal each line up to case, digits and whitespace (NaN for blank lines)."""
    visible = (parsed.flags & SPACE) == 0
    before = np.concatenate([[0], np.cumsum(visible)])  # visible code points before each position
    hashes = word_hashes(parsed.normalised[visible], before[parsed.starts], before[parsed.ends])
    _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
    return np.where(blank, np.nan, counts[inverse].astype(np.float64))


def lower_codes(codes: np.ndarray, flags: np.ndarray) -> np.ndarray:
    lowered = np.where(codes < 128, _ASCII_LOWER[np.minimum(codes, 127)], codes)
    wide = codes >= 128
    if wide.any():
        unique, inverse = np.unique(codes[wide], return_inverse=True)
        lowered[wide] = np.array([_lower_of(int(code)) for code in unique], dtype=np.uint32)[inverse]
    return np.where((flags & DIGIT) > 0, ord("0"), lowered).astype(np.uint32)


@lru_cache(maxsize=65536)
def _lower_of(code: int) -> int:
    lowered = chr(code).lower()
    return ord(lowered) if len(lowered) == 1 else code


_ASCII_LOWER = np.array([ord(chr(code).lower()) for code in range(128)], dtype=np.uint32)


def _window_mean(column: np.ndarray, radius: int) -> np.ndarray:
    """The mean of ``column``'s non-NaN values over lines i-radius..i+radius (NaN if there are none)."""
    known = ~np.isnan(column)
    values = np.concatenate([[0.0], np.cumsum(np.where(known, column, 0.0))])
    counts = np.concatenate([[0], np.cumsum(known)])
    index = np.arange(column.size)
    low, high = np.maximum(index - radius, 0), np.minimum(index + radius + 1, column.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (values[high] - values[low]) / (counts[high] - counts[low])


def _own_features(text: str, parsed: ParsedText) -> tuple[np.ndarray, np.ndarray]:
    if not text:
        return np.zeros((0, len(LINE_FEATURES))), np.zeros((0, len(POSITION_FEATURES)))
    codes, flags, starts, ends = parsed.codes, parsed.flags, parsed.starts, parsed.ends

    def per_line(mask: np.ndarray) -> np.ndarray:
        total = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
        return (total[ends] - total[starts]).astype(np.float64)

    chars = (ends - starts).astype(np.float64)
    space = (flags & SPACE) > 0
    word = (flags & WORD) > 0
    letters, digits = per_line((flags & LETTER) > 0), per_line((flags & DIGIT) > 0)
    spaces, word_chars = per_line(space), per_line(word)
    uppers, code_chars = per_line((flags & UPPER) > 0), per_line((flags & CODE) > 0)
    word_starts, word_line = parsed.word_starts, parsed.word_line
    word_lengths = (parsed.word_ends - word_starts).astype(np.float64)
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
    key_repeats = line_repeats(parsed, blank)

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
