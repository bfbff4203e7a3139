"""Train the shipped line model on the labelled pages and score it on the held-out ones.

    python scripts/train_classifier_model.py \\
        --webpages ../shared/data/webpages/webpages.jsonl.gz \\
        --docpages data/docpages/docpages.jsonl.gz \\
        --out udfs/classifier/models/line_model.json

Train: webpages whose ``split_of(id)`` is train, docpages of train packages (their ``split`` field). Test: the
rest, scored per set (4-gram shingle P/R/F1, and character-level deletion P/R against the alignment's line
labels: deleted characters of lines the expert dropped are right, of lines it kept wrong, blank lines neutral).
Site shares: per URL host over all pages of the host (what the refine job's site pass sees: raw text only);
none for hosts with fewer than MIN_SITE_DOCUMENTS pages and for pages without a URL. The data never enters
the repository; the model file records the data files' sha256 and the held-out scores, no time stamps, so
the same data and code rebuild it byte for byte (LightGBM deterministic, one thread).
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from lakerefine.udfs.classifier.site_keys import document_keys, line_keys, site_shares, url_host
from lakerefine.udfs.classifier.training import TrainingPage, TrainingParams, train_line_model
from lakerefine.udfs.program.align import kept_lines
from lakerefine.udfs.program.executor import delete_spans, execute
from lakerefine.udfs.program.lines import LineIndex
from lakerefine.udfs.quality.deletions import DeletionScore, score_deletions
from lakerefine.udfs.quality.shingles import ShingleScore, score_page
from lakerefine.udfs.quality.splits import TEST, TRAIN, split_of

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WEBPAGES = ROOT / ".." / "shared" / "data" / "webpages" / "webpages.jsonl.gz"
DEFAULT_OUT = ROOT / "udfs" / "classifier" / "models" / "line_model.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--webpages", type=Path, default=DEFAULT_WEBPAGES)
    parser.add_argument("--docpages", type=Path, help="docpages.jsonl.gz (train packages train, test ones score)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-site-shares", action="store_true", help="train and score without the site feature")
    add_param_argument(parser)
    parser.add_argument("--scores", type=Path, help="also write the held-out scores here (JSON)")
    args = parser.parse_args(argv)

    pages = load_pages(args.webpages, args.docpages)
    shares = {} if args.no_site_shares else host_shares(pages)
    train = [page for page in pages if page["split"] == TRAIN]
    test = [page for page in pages if page["split"] == TEST]
    print(f"{len(train)} train pages, {len(test)} test pages", file=sys.stderr)
    model = train_line_model(
        (TrainingPage(page["raw"], page["gold"], shares.get(page["id"]), page["host"]) for page in train),
        training_params(args.param),
    )
    scores = score(model, test, shares)
    model.training["data"] = {str(path.name): sha256_of(path) for path in (args.webpages, args.docpages) if path}
    model.training["train_pages"] = len(train)
    model.training["site_shares"] = not args.no_site_shares
    model.training["held_out"] = scores
    digest = model.save(args.out)
    print(table(scores))
    print(f"wrote {args.out} sha256 {digest} threshold {model.threshold} page floor {model.page_floor}")
    if args.scores:
        args.scores.parent.mkdir(parents=True, exist_ok=True)
        args.scores.write_text(json.dumps(scores, indent=1, sort_keys=True))
    return 0


def load_pages(webpages: Path, docpages: Path | None) -> list[dict]:
    pages = []
    for path in (webpages, docpages):
        if path is None:
            continue
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                page = json.loads(line)
                page.pop("html", None)
                page["split"] = page.get("split") or split_of(page["id"])
                page["host"] = url_host(page.get("url"))
                pages.append(page)
    return pages


def host_shares(pages: list[dict]) -> dict[str, list[float]]:
    """Site shares per page id, counted over all pages of its host."""
    documents: Counter = Counter(page["host"] for page in pages if page["host"])
    key_documents: dict[str, Counter] = defaultdict(Counter)
    for page in pages:
        if page["host"]:
            key_documents[page["host"]].update(document_keys(page["raw"]))
    shares = {}
    for page in pages:
        if page["host"]:
            found = site_shares(line_keys(page["raw"]), key_documents[page["host"]], documents[page["host"]])
            if found is not None:
                shares[page["id"]] = found
    return shares


def score(model, pages: list[dict], shares: dict[str, list[float]]) -> dict:
    by_set: dict[str, dict] = defaultdict(lambda: {"raw": ShingleScore(), "model": ShingleScore(),
                                                   "deletions": DeletionScore(), "new_chars": 0})
    programs = model.programs([page["raw"] for page in pages], [shares.get(p["id"]) for p in pages])
    for page, program in zip(pages, programs, strict=True):
        done = execute(page["raw"], program)
        row = by_set[page["set"]]
        row["raw"].add_page(score_page(page["raw"], page["gold"]))
        row["model"].add_page(score_page(done.text, page["gold"]))
        row["deletions"].add(score_deletions(done.spans, *label_spans(page["raw"], page["gold"])))
        row["new_chars"] += new_characters(page["raw"], done.spans, done.text)
    return {name: {"pages": row["model"].pages, "raw": row["raw"].as_dict(), "model": row["model"].as_dict(),
                   "deletions": row["deletions"].as_dict(), "new_chars": row["new_chars"]}
            for name, row in sorted(by_set.items())}


def label_spans(raw: str, gold: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(boilerplate, neutral) character spans: dropped lines with text, and blank lines."""
    index = LineIndex.of(raw)
    boilerplate, neutral = [], []
    for i, kept in enumerate(kept_lines(raw, gold)):
        end = index.ends[i] + (1 if index.has_newline_after(i) else 0)
        span = (index.starts[i], end)
        if not raw[span[0]:index.ends[i]].strip():
            neutral.append(span)
        elif not kept:
            boilerplate.append(span)
    return boilerplate, neutral


def new_characters(raw: str, spans: list[tuple[int, int]], refined: str) -> int:
    """Output characters beyond the input minus its deleted spans (0 for every true deletion)."""
    return 0 if refined == delete_spans(raw, spans) else len(refined)


def table(scores: dict) -> str:
    rows = ["| set | pages | raw F1 | model P | model R | model F1 | deletion P | deletion R | new chars |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, row in scores.items():
        model, deletions = row["model"], row["deletions"]
        rows.append(f"| {name} | {row['pages']} | {row['raw']['f1']:.3f} | {model['precision']:.3f} | "
                    f"{model['recall']:.3f} | {model['f1']:.3f} | {deletions['precision']:.3f} | "
                    f"{deletions['recall']:.3f} | {row['new_chars']} |")
    return "\n".join(rows)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_param_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="override a TrainingParams field (repeatable)")


def training_params(overrides: list[str]) -> TrainingParams:
    """TrainingParams with ``name=value`` overrides, each value parsed as its field's type."""
    fields = {field.name: field for field in dataclasses.fields(TrainingParams)}
    defaults, changes = TrainingParams(), {}
    for override in overrides:
        name, _, value = override.partition("=")
        if name not in fields:
            raise SystemExit(f"--param {override!r}: TrainingParams has no field {name!r} ({', '.join(fields)})")
        changes[name] = _parsed(value, getattr(defaults, name), override)
    return dataclasses.replace(defaults, **changes)


def _parsed(value: str, default, override: str):
    if isinstance(default, bool):  # bool("false") is True
        if value.lower() not in ("true", "false"):
            raise SystemExit(f"--param {override!r}: true or false")
        return value.lower() == "true"
    return type(default)(value) if default is not None else float(value)


if __name__ == "__main__":
    sys.exit(main())
