"""Build the small committed sample data under data/sample/ from offline registry packages.

    python scripts/build_samples.py [--out data/sample] [--downloads /tmp/lakerefine-samples]

Downloads (``pip download --no-deps``) two wheels and reads files out of them
with ``zipfile``; neither package is imported or installed:

- ``gensim==4.4.0``: ``gensim/test/test_data/`` holds 200 Usenet posts
  (``mini_newsgroup``), 106 raw-wikitext Wikipedia articles (the enwiki .bz2) and
  300 news articles (``lee_background.cor``) -> ``corpus.jsonl.gz``.
- ``chatterbot-corpus==1.3.3``: English YAML conversations -> ``sft.jsonl``.

The output is deterministic: same wheels, same bytes (gzip without a timestamp).
See data/sample/SOURCES.md for licences.
"""
from __future__ import annotations

import argparse
import bz2
import gzip
import io
import json
import pickle
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

GENSIM = "gensim==4.4.0"
CHATTERBOT = "chatterbot-corpus==1.3.3"
TEST_DATA = "gensim/test/test_data/"
NEWSGROUP_FILE = TEST_DATA + "mini_newsgroup"
ENWIKI_FILE = TEST_DATA + "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
LEE_FILE = TEST_DATA + "lee_background.cor"
CHATTERBOT_DIR = "chatterbot_corpus/data/english/"

# Long wiki articles keep their head and their tail (where the boilerplate-like
# appendix sections and category links live), each cut at line boundaries.
WIKI_HEAD_CHARS = 8000
WIKI_TAIL_CHARS = 5000
WIKI_APPENDIX = re.compile(
    r"^==+\s*(See also|Notes|References|External links|Further reading|Bibliography|Sources)\s*==+\s*$",
    re.IGNORECASE)
SFT_PER_FILE = 9


def download(requirement: str, into: Path) -> Path:
    """The wheel of ``requirement``, downloaded once into ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    name = requirement.split("==")[0].replace("-", "_")
    version = requirement.split("==")[1]
    found = sorted(into.glob(f"{name}-{version}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                        requirement, "-d", str(into)], check=True)
        found = sorted(into.glob(f"{name}-{version}-*.whl"))
    if not found:
        raise FileNotFoundError(f"no wheel for {requirement} in {into}")
    return found[0]


class _BunchUnpickler(pickle.Unpickler):
    """Reads scikit-learn's pickled ``Bunch`` as a plain dict, without scikit-learn."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("sklearn"):
            return dict
        return super().find_class(module, name)


def newsgroup_posts(wheel: zipfile.ZipFile) -> list[str]:
    raw = zlib.decompress(wheel.read(NEWSGROUP_FILE))
    bunch = _BunchUnpickler(io.BytesIO(raw), encoding="latin1").load()
    return [str(post) for post in bunch["data"]]


def header_value(post: str, name: str) -> str | None:
    for line in post.split("\n"):
        if not line.strip():
            return None
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return None


def wiki_articles(wheel: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(title, wikitext) of every main-namespace page that is not a redirect."""
    root = ElementTree.fromstring(bz2.decompress(wheel.read(ENWIKI_FILE)))
    ns = root.tag.split("}")[0] + "}"
    for page in root.iter(ns + "page"):
        if page.findtext(ns + "ns") != "0" or page.find(ns + "redirect") is not None:
            continue
        text = page.findtext(f"{ns}revision/{ns}text") or ""
        if text.strip():
            yield page.findtext(ns + "title") or "", text


def lines_within(lines: list[str], budget: int) -> int:
    """How many leading lines fit in ``budget`` characters (at least one)."""
    used = 0
    for count, line in enumerate(lines):
        used += len(line) + 1
        if used > budget:
            return max(count, 1)
    return len(lines)


def shorten_wikitext(text: str) -> str:
    lines = text.rstrip("\n").split("\n")
    if len(text) <= WIKI_HEAD_CHARS + WIKI_TAIL_CHARS:
        return "\n".join(lines)
    head = lines[:lines_within(lines, WIKI_HEAD_CHARS)]
    rest = lines[len(head):]
    tail_count = lines_within(rest[::-1], WIKI_TAIL_CHARS)
    tail_start = len(rest) - tail_count
    # Start the tail at an appendix heading when one fits in the budget.
    for i in range(tail_start, len(rest)):
        if WIKI_APPENDIX.match(rest[i]):
            tail_start = i
            break
    return "\n".join(head + rest[tail_start:])


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def lee_articles(wheel: zipfile.ZipFile) -> list[str]:
    text = wheel.read(LEE_FILE).decode("utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


def corpus_records(gensim_wheel: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    with zipfile.ZipFile(gensim_wheel) as wheel:
        for i, post in enumerate(newsgroup_posts(wheel), start=1):
            records.append({"id": f"newsgroup-{i:04d}", "source": "newsgroup",
                            "title": header_value(post, "Subject"), "text": post})
        seen: set[str] = set()
        for title, text in wiki_articles(wheel):
            doc_id = f"enwiki-{slug(title)}"
            if doc_id in seen:
                raise ValueError(f"two wiki articles slug to {doc_id}")
            seen.add(doc_id)
            records.append({"id": doc_id, "source": "enwiki", "title": title,
                            "text": shorten_wikitext(text)})
        for i, article in enumerate(lee_articles(wheel), start=1):
            records.append({"id": f"lee-{i:04d}", "source": "news", "title": None, "text": article})
    return records


def evenly_spaced(items: list[Any], count: int) -> list[Any]:
    if len(items) <= count:
        return items
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def sft_records(chatterbot_wheel: Path, per_file: int = SFT_PER_FILE) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    with zipfile.ZipFile(chatterbot_wheel) as wheel:
        files = sorted(n for n in wheel.namelist() if n.startswith(CHATTERBOT_DIR) and n.endswith(".yml"))
        for name in files:
            # BaseLoader keeps every scalar a string ("Yes" stays "Yes", not True).
            data = yaml.load(wheel.read(name).decode("utf-8"), Loader=yaml.BaseLoader)
            topic = Path(name).stem
            conversations = []
            for index, turns in enumerate(data.get("conversations") or []):
                turns = [t.strip() for t in turns if isinstance(t, str) and t.strip()]
                turns = turns[: len(turns) // 2 * 2]
                key = json.dumps(turns)
                if len(turns) >= 2 and key not in seen:
                    seen.add(key)
                    conversations.append((index, turns))
            for index, turns in evenly_spaced(conversations, per_file):
                messages = [{"role": "user" if k % 2 == 0 else "assistant", "content": t}
                            for k, t in enumerate(turns)]
                records.append({"id": f"chatterbot-{topic}-{index:03d}",
                                "source": f"chatterbot-corpus/english/{topic}.yml",
                                "messages": messages})
    return records


def write_jsonl_gz(path: Path, records: list[dict[str, Any]]) -> None:
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(payload)


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "sample")
    parser.add_argument("--downloads", type=Path, default=Path("/tmp/lakerefine-samples"))
    parser.add_argument("--sft-only", action="store_true", help="write sft.jsonl only (e.g. a bigger one for a bench)")
    parser.add_argument("--sft-per-file", type=int, default=SFT_PER_FILE, help="conversations per topic file")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    sft = sft_records(download(CHATTERBOT, args.downloads), args.sft_per_file)
    write_jsonl(args.out / "sft.jsonl", sft)
    print(f"sft.jsonl: {len(sft)} samples, {sum(len(r['messages']) > 2 for r in sft)} multi-turn")
    if args.sft_only:
        return
    corpus = corpus_records(download(GENSIM, args.downloads))
    write_jsonl_gz(args.out / "corpus.jsonl.gz", corpus)

    by_source: dict[str, int] = {}
    for record in corpus:
        by_source[record["source"]] = by_source.get(record["source"], 0) + 1
    print(f"corpus.jsonl.gz: {len(corpus)} documents {by_source}, "
          f"{(args.out / 'corpus.jsonl.gz').stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
