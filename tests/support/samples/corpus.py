"""Reading the committed sample data under data/sample/ (see its SOURCES.md).

The files live in the repository, not in the installed package: these readers
work from a source checkout (editable install), or from any folder passed in.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "data" / "sample"
CORPUS_FILE = "corpus.jsonl.gz"
SFT_FILE = "sft.jsonl"
NEWSGROUP_SIGNATURES_FILE = "newsgroup_signatures.json"


@dataclass(frozen=True)
class SampleDoc:
    id: str
    source: str  # newsgroup | enwiki | news
    text: str
    title: str | None = None


def load_corpus(sample_dir: Path = SAMPLE_DIR) -> list[SampleDoc]:
    with gzip.open(sample_dir / CORPUS_FILE, "rt", encoding="utf-8") as handle:
        return [SampleDoc(r["id"], r["source"], r["text"], r.get("title"))
                for r in map(json.loads, handle)]


def load_sft(sample_dir: Path = SAMPLE_DIR) -> list[dict[str, Any]]:
    """SFT samples: ``{"id", "source", "messages": [{"role", "content"}, ...]}``."""
    with open(sample_dir / SFT_FILE, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_newsgroup_signatures(sample_dir: Path = SAMPLE_DIR) -> dict[str, dict[str, list[list[int]]]]:
    """Hand labels per post id: ``{"signature": [[first, last], ...], "neutral": [...]}``,
    1-based inclusive line ranges."""
    with open(sample_dir / NEWSGROUP_SIGNATURES_FILE, encoding="utf-8") as handle:
        return json.load(handle)["posts"]
