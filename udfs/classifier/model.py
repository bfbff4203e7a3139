"""The line model: LightGBM trees over line features (features.py) and a lexicon of word scores (lexicon.py),
then, when the file has one, a context stage (context.py): trees over those probabilities around each line.

Lines with text get a keep probability from one ``predict`` per stage over a whole batch's matrix. A blank
line has no words to keep: it takes the larger probability of the nearest lines with text above and below
it, so it goes only when the text on both sides goes. The model is one JSON file (the boosters' text dumps,
the lexicon, the threshold and page floor, name, version, training notes; a file without a page floor or a
context stage has none); ``content_hash`` is the sha256 of that file.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import lightgbm
import numpy as np

from lakerefine.udfs.program.lines import count_lines, line_pieces

from .context import CONTEXT_FEATURE_NAMES, context_features
from .features import BLANK, FEATURE_NAMES, batch_features, floor_words, line_words
from .lexicon import Lexicon
from .program import deletion_program
from .site_keys import KEY_KINDS
from .unwrap import read_batch

FORMAT = "lakerefine-line-model/2"
# A batch is featurised in groups of at most this many characters and lines (a longer text alone): the features'
# memory grows with both (about 70 bytes a character and 3 KB a line at once: 32 documents of a million characters
# in one call peaked at 2.1 GB RSS, in groups of 2 M characters at 512 MB; one document of 500,000 two-character
# lines at 1.6 GB, of a million blank lines at 3.1 GB: bench/bench_classifier_memory.py). A text of more lines than
# GROUP_LINES (a data dump or a list; the longest page of the web, documentation and language sets has 3,341) is
# featurised in pieces of that many lines, each as a text of its own, and its program decided on the whole text.
GROUP_CHARS = 2_000_000
GROUP_LINES = 100_000


@dataclass
class LineModel:
    booster: lightgbm.Booster
    lexicon: Lexicon
    threshold: float
    name: str
    version: str
    training: dict = field(default_factory=dict)  # provenance and held-out scores, kept in the file
    content_hash: str | None = None  # sha256 of the file this model was loaded from or saved to
    num_threads: int = 1  # LightGBM threads per predict call (Spark already runs one task per core)
    page_floor: float = 0.0  # a text keeping less than this share of its words is kept whole (program.py)
    context_booster: lightgbm.Booster | None = None  # the context stage (context.py), None: the first stage decides

    def programs(self, texts: list[str], site_shares: list[list[float] | None] | None = None) -> list[str]:
        """One deletion program per text: its lines under the threshold go, unless the page floor holds."""
        return self.programs_of(texts, *self.line_scores(texts, site_shares))

    def programs_of(self, texts: list[str], probabilities: list[np.ndarray], words: list[np.ndarray]) -> list[str]:
        """``programs`` from each text's keep probabilities and \\w+ words per line."""
        return [deletion_program(text, keep, self.threshold, floor_words(text, line_words), self.page_floor)
                for text, keep, line_words in zip(texts, probabilities, words, strict=True)]

    def keep_probabilities(
        self, texts: list[str], site_shares: list[list[float] | None] | None = None
    ) -> list[np.ndarray]:
        """One array per text, one keep probability per line (lines as numbered by lines.py)."""
        return self.line_scores(texts, site_shares)[0]

    def line_scores(
        self, texts: list[str], site_shares: list[list[float] | None] | None = None
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per text, its lines' keep probabilities and \\w+ words. A hard-wrapped text is read as its paragraph
        view (unwrap.py): each of its lines takes the probability of the joined line that holds it."""
        if site_shares is not None and len(site_shares) != len(texts):
            raise ValueError(f"{len(site_shares)} site_shares for {len(texts)} texts")
        reading = read_batch(texts, site_shares)
        keep, words = self.read_scores(reading.texts, reading.site_shares)
        return reading.per_given_line(keep), reading.given_words(words)

    def read_scores(
        self, texts: list[str], site_shares: list[list[float] | None] | None = None
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per text as read, its lines' keep probabilities and \\w+ words, featurised in groups (GROUP_CHARS,
        GROUP_LINES: the same rows as all at once) and a text of more than GROUP_LINES lines in pieces."""
        shares = site_shares if site_shares is not None else [None] * len(texts)
        pieces = [(i, piece, piece_shares(text_shares, first, piece))
                  for i, (text, text_shares) in enumerate(zip(texts, shares, strict=True))
                  for first, piece in line_pieces(text, max_lines=GROUP_LINES)]
        piece_texts = [text for _, text, _ in pieces]
        keep: list[np.ndarray] = []
        words: list[np.ndarray] = []
        for start, end in text_groups(piece_texts, GROUP_CHARS, GROUP_LINES):
            group_shares = None if site_shares is None else [piece[2] for piece in pieces[start:end]]
            features, lengths = self.feature_matrix(piece_texts[start:end], group_shares)
            keep += self.probabilities(features, lengths)
            words += per_text(line_words(features), lengths)
        of_text: list[list[int]] = [[] for _ in texts]  # each text's pieces (one at least)
        for index, (owner, _, _) in enumerate(pieces):
            of_text[owner].append(index)
        return ([np.concatenate([keep[j] for j in indexes]) for indexes in of_text],
                [np.concatenate([words[j] for j in indexes]) for indexes in of_text])

    def feature_matrix(
        self, texts: list[str], site_shares: list[list[float] | None] | None = None
    ) -> tuple[np.ndarray, list[int]]:
        """Every text's line features stacked, and the number of lines of each text."""
        if site_shares is not None and len(site_shares) != len(texts):
            raise ValueError(f"{len(site_shares)} site_shares for {len(texts)} texts")
        features, lengths = batch_features(texts, site_shares, self.lexicon)
        return features, lengths.tolist()

    def probabilities(self, features: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
        """Per text, its lines' keep probabilities, from ``feature_matrix``'s output (one predict call)."""
        text_lines = features[:, BLANK] == 0
        probability = np.zeros(features.shape[0])
        if text_lines.any():
            probability[text_lines] = self.booster.predict(features[text_lines], num_threads=self.num_threads)
            if self.context_booster is not None:
                context = context_features(probability, text_lines, line_words(features), np.asarray(lengths))
                probability[text_lines] = self.context_booster.predict(context[text_lines],
                                                                       num_threads=self.num_threads)
        return [fill_blank_lines(piece, ~text) for piece, text in
                zip(per_text(probability, lengths), per_text(text_lines, lengths), strict=True)]

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT, "name": self.name, "version": self.version, "threshold": self.threshold,
            "page_floor": self.page_floor, "features": list(FEATURE_NAMES), "training": self.training,
            "lexicon": self.lexicon.to_dict(),
            "booster": self.booster.model_to_string(),
        }
        if self.context_booster is not None:
            document["context_features"] = list(CONTEXT_FEATURE_NAMES)
            document["context_booster"] = self.context_booster.model_to_string()
        return json.dumps(document, sort_keys=True, indent=0).encode("utf-8")

    def save(self, path: str | Path) -> str:
        """Write the model; returns (and records) its content hash."""
        data = self.to_json()
        Path(path).write_bytes(data)
        self.content_hash = hashlib.sha256(data).hexdigest()
        return self.content_hash

    @classmethod
    def load(cls, path: str | Path) -> LineModel:
        data = Path(path).read_bytes()
        document = json.loads(data)
        if document.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file (format {document.get('format')!r}); "
                             "retrain it with `lakerefine train-classifier`")
        if document["features"] != list(FEATURE_NAMES):
            raise ValueError(f"{path}: trained on other features than this code computes")
        context = document.get("context_booster")
        if context is not None and document.get("context_features") != list(CONTEXT_FEATURE_NAMES):
            raise ValueError(f"{path}: its context stage has other features than this code computes")
        return cls(
            booster=lightgbm.Booster(model_str=document["booster"]), lexicon=Lexicon.from_dict(document["lexicon"]),
            threshold=float(document["threshold"]), page_floor=float(document.get("page_floor", 0.0)),
            context_booster=lightgbm.Booster(model_str=context) if context is not None else None,
            name=document["name"], version=document["version"],
            training=document["training"], content_hash=hashlib.sha256(data).hexdigest(),
        )


def fill_blank_lines(probability: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """Each blank line takes the larger probability of the nearest text lines before and after it
    (the one that exists, or 1 in a text without a text line)."""
    if not blank.any():
        return probability
    index = np.arange(probability.size)
    text_index = np.flatnonzero(~blank)
    if not text_index.size:
        return np.ones(probability.size)
    before = np.searchsorted(text_index, index, side="right") - 1
    after = np.searchsorted(text_index, index, side="left")
    previous = np.where(before >= 0, probability[text_index[np.maximum(before, 0)]], -np.inf)
    following = np.where(after < text_index.size, probability[text_index[np.minimum(after, text_index.size - 1)]],
                         -np.inf)
    return np.where(blank, np.maximum(previous, following), probability)


def per_text(rows: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
    """A batch's rows (its texts' lines one after another) cut into one array per text."""
    return np.split(rows, np.cumsum(lengths)[:-1])


def piece_shares(site_shares: list[float] | None, first_line: int, piece: str) -> list[float] | None:
    """The site shares (KEY_KINDS per line) of a piece of a text that starts at line ``first_line`` (the list
    itself, not a copy, for a piece that is the whole text)."""
    if site_shares is None:
        return None
    start = (first_line - 1) * len(KEY_KINDS)
    end = start + count_lines(piece) * len(KEY_KINDS)
    return site_shares if (start, end) == (0, len(site_shares)) else site_shares[start:end]


def text_groups(texts: list[str], max_chars: int, max_lines: int) -> list[tuple[int, int]]:
    """(start, end) of runs of consecutive texts holding at most ``max_chars`` characters and ``max_lines`` lines
    together, a longer text alone; every text in exactly one run, in order."""
    groups, start, chars, lines = [], 0, 0, 0
    for i, text in enumerate(texts):
        text_lines = count_lines(text)
        if i > start and (chars + len(text) > max_chars or lines + text_lines > max_lines):
            groups.append((start, i))
            start, chars, lines = i, 0, 0
        chars += len(text)
        lines += text_lines
    if start < len(texts):
        groups.append((start, len(texts)))
    return groups
