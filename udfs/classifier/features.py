"""Per-line features of a text, vectorised with numpy over the whole text (no per-character Python).

Rows are the text's lines as numbered by lines.py. Columns: a line's own features (``LINE_FEATURES``),
its position (in lines, in characters, and among the text's prose lines: ``_prose_lines``), the same
features of the lines -3..+3 around it and their means over that window, the site shares (site_keys.py:
of the line, with its window mean, and of its first and of its last words), and the scores of its words
in the model's lexicon (lexicon.py) with their means over windows of 1, 3 and 10 lines around it. A value
that does not exist is NaN (shares of an empty line, neighbours past the text's ends, the site share when
unknown, the word scores of a line without a known word); LightGBM treats NaN as missing.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lakerefine.udfs.program.lines import count_lines

from .lexicon import Lexicon, line_scores, word_hashes
from .markup import link_text
from .site_keys import KEY_KINDS

# Character classes, as bits of a lookup over code points.
LETTER, DIGIT, UPPER, SPACE, WORD, CODE = 1, 2, 4, 8, 16, 32
_CODE_CHARS = set("{}[]()<>=;$#/\\|*+_")
_SENTENCE_END = {ord(c) for c in ".!?\u2026"}
_CLOSERS = {ord(c) for c in "\"'\u201d\u2019)]"}
# Scripts written without spaces between words (kana, CJK ideographs with extension A, compatibility and
# extensions B and up, half-width katakana), where \w+ makes a whole sentence one word.
UNSPACED = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
            (0x20000, 0x323AF))
_BULLETS = {ord(c) for c in "*-\u2022\u00b7>\u25cf\u25aa\u2013\u2014|"}

LINE_FEATURES = (
    "chars", "words", "letter_share", "digit_share", "punct_share", "upper_share", "space_share", "code_share",
    "ends_sentence", "ends_colon", "ends_comma", "ends_letter", "starts_upper", "starts_digit", "starts_bullet",
    "capitalised_word_share", "mean_word_length", "word_length_std", "indent", "is_blank", "key_repeats",
    "block_lines", "block_words", "chars_vs_document",
)
POSITION_FEATURES = ("relative_line", "relative_char", "lines_before", "lines_after", "document_lines",
                     "document_words", "prose_before", "prose_after")
WORD_SCORE_FEATURES = ("word_score_mean", "word_score_min", "word_score_max")
WORD_SCORE_WINDOWS = (1, 3, 10)
WINDOW = 3
OFFSETS = tuple(o for o in range(-WINDOW, WINDOW + 1) if o)
FEATURE_NAMES = (
    *LINE_FEATURES,
    *POSITION_FEATURES,
    *(f"{name}@{offset:+d}" for offset in OFFSETS for name in LINE_FEATURES),
    *(f"{name}@mean" for name in LINE_FEATURES),
    "site_share", "site_share@mean", "first_words_share", "last_words_share",
    *WORD_SCORE_FEATURES,
    *(f"word_score_mean@mean{radius}" for radius in WORD_SCORE_WINDOWS),
)
BASE_COLUMNS = len(FEATURE_NAMES) - len(WORD_SCORE_FEATURES) - len(WORD_SCORE_WINDOWS)
BLANK = LINE_FEATURES.index("is_blank")
WORDS = LINE_FEATURES.index("words")


def line_words(features: np.ndarray) -> np.ndarray:
    """The \\w+ words of each row's line, from the feature matrix (which holds their log1p)."""
    return np.rint(np.expm1(features[:, WORDS].astype(np.float64)))


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
    """A lookup: ``table[code]`` is True for these code points (``_in`` reads it past its end as False)."""
    table = np.zeros(max(codes) + 1, dtype=bool)
    table[list(codes)] = True
    return table


_ENDS_SENTENCE = _code_set(_SENTENCE_END | _CLOSERS)
_ENDS_COLON = _code_set({ord(":"), ord(";")})
_STARTS_BULLET = _code_set(_BULLETS)
# A prose line ends a sentence (in any script) and holds PROSE_WORDS words, or, in a script written without
# spaces, PROSE_CHARS visible characters of words longer than PROSE_WORDS characters on average.
_ENDS_PROSE = _code_set(_SENTENCE_END | _CLOSERS | {ord(c) for c in "\u3002\uff01\uff1f\u300d"})
PROSE_WORDS, PROSE_CHARS = 8, 40


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
class ParsedBatch:
    """Texts as one array of code points, cut into lines and words (positions index ``codes``).

    The texts' lines follow one another (a text without lines adds none), so every per-line
    computation runs once per batch; ``line_text`` says which text a line belongs to, and whatever
    looks past a line (neighbours, windows, blocks, repeats, positions) stops at its text's ends.
    """

    codes: np.ndarray  # uint32 code points: the texts without their final "\n", joined by "\n" ("\r\n" as "\n")
    flags: np.ndarray  # character classes of each code point
    normalised: np.ndarray  # codes lowercased, digits as "0" (what word and line hashes read)
    starts: np.ndarray  # first code point of each line
    ends: np.ndarray  # one past its last
    word_starts: np.ndarray
    word_ends: np.ndarray
    word_line: np.ndarray  # the line of each word
    lengths: np.ndarray  # lines per text
    line_text: np.ndarray  # the text of each line

    @property
    def lines(self) -> int:
        return self.starts.size

    @property
    def first_line(self) -> np.ndarray:
        """Per line, the index of its text's first line."""
        return (np.cumsum(self.lengths) - self.lengths)[self.line_text]


def parse(texts: list[str]) -> ParsedBatch:
    texts = [link_text(text).replace("\r\n", "\n") for text in texts]  # a line's "\r\n" ends it as "\n" does
    lengths = np.array([count_lines(text) for text in texts], dtype=np.int64)
    joined = "\n".join(text[:-1] if text.endswith("\n") else text for text in texts if text)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    line_text = np.repeat(np.arange(len(texts)), lengths)
    if not lengths.sum():
        empty = np.zeros(0, dtype=np.int64)
        return ParsedBatch(codes, np.zeros(0, np.uint8), codes, empty, empty, empty, empty, empty, lengths, line_text)
    newline = codes == 10
    newlines = np.flatnonzero(newline)
    starts = np.concatenate([[0], newlines + 1])
    ends = np.concatenate([newlines, [codes.size]])
    flags = char_flags(codes)
    word = (flags & WORD) > 0
    word_starts = np.flatnonzero(word & ~np.concatenate([[False], word[:-1]]))
    word_ends = np.flatnonzero(word & ~np.concatenate([word[1:], [False]])) + 1
    word_line = np.searchsorted(newlines, word_starts)  # newlines before each word
    return ParsedBatch(codes, flags, lower_codes(codes, flags), starts, ends, word_starts, word_ends, word_line,
                       lengths, line_text)


def text_line_words(text: str) -> np.ndarray:
    """The \\w+ words of each line of ``text``, as the ``words`` feature counts them."""
    parsed = parse([text])
    return np.bincount(parsed.word_line, minlength=parsed.lines).astype(np.float64)


def floor_words(text: str, line_words: np.ndarray) -> np.ndarray:
    """The words of each line of ``text`` as the page floor counts them (program.py): ``line_words`` (its \\w+
    runs), except that every word character of a script written without spaces (``UNSPACED``) is a word, so
    that a line of Chinese or Japanese weighs by its length as a line of English does. (The features keep \\w+
    runs: segmenting them too cost the documentation pages out of fold; MODEL_CARD.md.)"""
    if text.isascii():
        return line_words
    codes = np.frombuffer(link_text(text).encode("utf-32-le"), dtype=np.uint32)
    if not _unspaced(codes[codes >= UNSPACED[0][0]]).any():
        return line_words
    word = (char_flags(codes) & WORD) > 0
    alone = word & _unspaced(codes)
    cut_before = ~np.concatenate([[False], word[:-1]]) | alone | np.concatenate([[False], alone[:-1]])
    line = np.searchsorted(np.flatnonzero(codes == 10), np.flatnonzero(word & cut_before))
    return np.bincount(line, minlength=line_words.size).astype(line_words.dtype)


def _unspaced(codes: np.ndarray) -> np.ndarray:
    found = np.zeros(codes.shape, dtype=bool)
    for first, last in UNSPACED:
        found |= (codes >= first) & (codes <= last)
    return found


def batch_features(
    texts: list[str], site_shares: list[list[float] | None] | None = None, lexicon: Lexicon | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The feature matrix of a batch of texts (their lines' rows one after another, float32, one column
    per name in ``FEATURE_NAMES``) and the number of lines of each text."""
    parsed = parse(texts)
    out = np.empty((parsed.lines, len(FEATURE_NAMES)), dtype=np.float32)
    base_features(parsed, site_shares, out[:, :BASE_COLUMNS])
    out[:, BASE_COLUMNS:] = word_score_features(parsed, lexicon)
    return out, parsed.lengths


def line_features(text: str, site_shares: list[float] | None = None, lexicon: Lexicon | None = None) -> np.ndarray:
    """The feature matrix of one text: one row per line (lines as numbered by lines.py)."""
    return batch_features([text], [site_shares], lexicon)[0]


def base_features(parsed: ParsedBatch, site_shares: list[list[float] | None] | None,
                  out: np.ndarray | None = None) -> np.ndarray:
    """Every column before the word scores (they depend on the model's lexicon, these do not)."""
    own, position = _own_features(parsed)
    shares, edge_shares = _share_columns(parsed, site_shares)
    lines, own_columns, position_columns = parsed.lines, len(LINE_FEATURES), len(POSITION_FEATURES)
    out = np.empty((lines, BASE_COLUMNS), dtype=np.float32) if out is None else out
    out[:, :own_columns] = own
    out[:, own_columns:own_columns + position_columns] = position
    window = np.empty((len(OFFSETS) + 1, lines, own_columns), dtype=np.float32)  # own, then each offset
    share_window = np.empty((len(OFFSETS) + 1, lines))
    window[0], share_window[0] = own, shares
    for i, offset in enumerate(OFFSETS, start=1):
        window[i] = shift_rows(own, offset, parsed.line_text)
        share_window[i] = shift_rows(shares[:, None], offset, parsed.line_text)[:, 0]
        column = own_columns + position_columns + (i - 1) * own_columns
        out[:, column:column + own_columns] = window[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: NaN is the answer
        out[:, -own_columns - 4:-4] = np.nanmean(window, axis=0)
        out[:, -3] = np.nanmean(share_window, axis=0)
    out[:, -4] = shares
    out[:, -2:] = edge_shares
    return out


def _share_columns(
    parsed: ParsedBatch, site_shares: list[list[float] | None] | None
) -> tuple[np.ndarray, np.ndarray]:
    """The line's site share and its edges' (site_keys.KEY_KINDS per line, NaN when unknown)."""
    kinds = len(KEY_KINDS)
    if site_shares is None:
        return np.full(parsed.lines, np.nan), np.full((parsed.lines, kinds - 1), np.nan)
    if len(site_shares) != parsed.lengths.size:
        raise ValueError(f"{len(site_shares)} site_shares for {parsed.lengths.size} texts")
    parts = []
    for shares, lines in zip(site_shares, parsed.lengths.tolist(), strict=True):
        column = np.full(lines * kinds, np.nan) if shares is None else np.asarray(shares, dtype=np.float64)
        if column.shape != (lines * kinds,):
            raise ValueError(f"site_shares has {column.shape[0]} values for {lines} lines "
                             f"(expected {kinds} per line: {', '.join(KEY_KINDS)})")
        parts.append(column.reshape(lines, kinds))
    table = np.concatenate(parts) if parts else np.zeros((0, kinds))
    return table[:, 0], table[:, 1:]


def word_score_features(parsed: ParsedBatch, lexicon: Lexicon | None) -> np.ndarray:
    """The word-score columns: per line (mean, min, max), and the mean's window means (NaN without a lexicon)."""
    if lexicon is None or not parsed.lines:
        return np.full((parsed.lines, len(WORD_SCORE_FEATURES) + len(WORD_SCORE_WINDOWS)), np.nan, dtype=np.float32)
    return word_score_columns(text_word_hashes(parsed), parsed.word_line, parsed.line_text, lexicon)


def word_score_columns(hashes: np.ndarray, word_line: np.ndarray, line_text: np.ndarray,
                       lexicon: Lexicon) -> np.ndarray:
    scores = line_scores(lexicon.score_words(hashes), word_line, line_text.size)
    windows = [_window_mean(scores[:, 0], radius, line_text) for radius in WORD_SCORE_WINDOWS]
    return np.column_stack([scores, *windows]).astype(np.float32)


def text_word_hashes(parsed: ParsedBatch) -> np.ndarray:
    """The lexicon's hash of each word: lowercased, digits as 0."""
    return word_hashes(parsed.normalised, parsed.word_starts, parsed.word_ends)


def line_repeats(parsed: ParsedBatch, visible_chars: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """How many lines of its text equal each line up to case, digits and whitespace (NaN for blank lines);
    ``visible_chars``: each line's code points that are not space (a newline is space)."""
    visible = (parsed.flags & SPACE) == 0
    first = np.concatenate([[0], np.cumsum(visible_chars)[:-1]])  # visible code points before each line
    hashes = word_hashes(parsed.normalised[visible], first, first + visible_chars)
    with np.errstate(over="ignore"):
        keys = hashes ^ (parsed.line_text.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93))  # a key per text
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return np.where(blank, np.nan, counts[inverse].astype(np.float64))


def line_sums(mask: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per line, how many of its code points ``mask`` marks (lines ``starts[i]:ends[i]``, each but the last
    followed by its newline at ``ends[i]``): one pass of ``np.add.reduceat``, a few times faster than
    differences of a cumulative sum over every code point."""
    padded = np.zeros(mask.size + 1, dtype=np.int64)  # the pad: a last line may start at the end
    padded[:-1] = mask
    sums = np.add.reduceat(padded, starts)  # line i up to the next line's start, its newline included
    sums[:-1] -= padded[ends[:-1]]
    return sums


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


def _window_mean(column: np.ndarray, radius: int, line_text: np.ndarray) -> np.ndarray:
    """The mean of ``column``'s non-NaN values over lines i-radius..i+radius of line i's text (NaN if none).
    Summed in a fixed order per line, so a text's values do not depend on the texts batched with it."""
    window = np.stack([column, *(shift_rows(column[:, None], o, line_text)[:, 0]
                                 for o in range(-radius, radius + 1) if o)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: NaN is the answer
        return np.nanmean(window, axis=0)


def _own_features(parsed: ParsedBatch) -> tuple[np.ndarray, np.ndarray]:
    if not parsed.lines:
        return np.zeros((0, len(LINE_FEATURES))), np.zeros((0, len(POSITION_FEATURES)))
    codes, flags, starts, ends = parsed.codes, parsed.flags, parsed.starts, parsed.ends

    def per_line(mask: np.ndarray) -> np.ndarray:
        return line_sums(mask, starts, ends).astype(np.float64)

    def per_text(values: np.ndarray) -> np.ndarray:
        return np.bincount(parsed.line_text, weights=values, minlength=parsed.lengths.size)[parsed.line_text]

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
    first = parsed.first_line
    block = np.cumsum(blank | (np.arange(lines) == first))  # lines between blank lines (of one text) share a block
    block_lines = np.bincount(block, weights=~blank)[block]
    block_words = np.bincount(block, weights=words)[block]
    nonspace = chars - spaces
    key_repeats = line_repeats(parsed, nonspace.astype(np.int64), blank)

    with np.errstate(invalid="ignore", divide="ignore"):
        mean_length = word_chars / words
        own = np.column_stack([
            np.log1p(chars), np.log1p(words), letters / nonspace, digits / nonspace,
            (nonspace - word_chars) / nonspace, uppers / letters, spaces / chars, code_chars / nonspace,
            _in(last_code, _ENDS_SENTENCE), _in(last_code, _ENDS_COLON), last_code == ord(","),
            (last_flags & LETTER) > 0, (first_flags & UPPER) > 0, (first_flags & DIGIT) > 0,
            _in(first_code, _STARTS_BULLET),
            capitalised / words, mean_length, np.sqrt(np.maximum(squares / words - mean_length**2, 0)),
            np.log1p(indent), blank, np.log1p(key_repeats), np.log1p(block_lines), np.log1p(block_words),
            chars / np.maximum(per_text(chars) / parsed.lengths[parsed.line_text], 1.0),
        ]).astype(np.float64)
        own[blank, 2:8] = np.nan
        text_lines = parsed.lengths[parsed.line_text].astype(np.float64)
        number = (np.arange(lines) - first).astype(np.float64)
        text_start = starts[first]
        prose = _prose_lines(last_code, words, nonspace)
        prose_before = np.cumsum(prose) - prose
        prose_before -= prose_before[first]  # the prose lines of the texts before
        prose_after = per_text(prose) - prose_before - prose
        text_chars = per_text(chars + 1) - 1  # its lines and the newlines between them
        position = np.column_stack([
            number / np.maximum(text_lines - 1, 1), (starts - text_start) / np.maximum(text_chars, 1),
            np.log1p(number), np.log1p(text_lines - 1 - number), np.log1p(text_lines), np.log1p(per_text(words)),
            np.log1p(prose_before), np.log1p(prose_after),
        ])
    return own, position


def _prose_lines(last_code: np.ndarray, words: np.ndarray, visible: np.ndarray) -> np.ndarray:
    """1.0 for each line of prose (above), else 0.0: the lines before a page's first prose and after its last
    are where its menus, contents lists and footers are."""
    unspaced = (visible >= PROSE_CHARS) & (words * PROSE_WORDS < visible)
    return (_in(last_code, _ENDS_PROSE) & ((words >= PROSE_WORDS) | unspaced)).astype(np.float64)


def shift_rows(matrix: np.ndarray, offset: int, line_text: np.ndarray) -> np.ndarray:
    """Row i holds row i + offset of ``matrix`` (NaN past its text's ends)."""
    shifted = np.full(matrix.shape, np.nan)
    same = np.zeros(line_text.size, dtype=bool)
    if offset > 0:
        shifted[:-offset] = matrix[offset:]
        same[:-offset] = line_text[offset:] == line_text[:-offset]
    else:
        shifted[-offset:] = matrix[:offset]
        same[-offset:] = line_text[:offset] == line_text[-offset:]
    shifted[~same] = np.nan
    return shifted
