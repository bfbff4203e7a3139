"""How well the `rules` backend's deletions match the labelled boilerplate set.

    python bench/bench_rules_quality.py

For every labelled document (udfs/samples/labelled.py) the rules generator
writes a program with no source hint (mail and wikitext are auto-detected), the
executor runs it, and its deleted spans are scored per character against the
labels: precision, recall and F1 per kind and split, recall per boilerplate
part. Writes bench/results/rules_quality.json.

Read the numbers with their provenance in mind: the newsgroup signatures were
labelled by hand before the rules were written, but header, attribution and
divider labels are structural rules much like the generator's own; the web
pages wrap real text in boilerplate written by the same hand as the rules, so
their recall measures coverage of those templates (the "untuned" part excepted:
it was added after tuning and never tuned against). Precision on web pages is
the informative number there: every false positive is real article text lost.
"""
from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.rules.generator import RulesGenerator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/support: the labelled set
from tests.support.samples.labelled import KINDS, LabelledDoc, build_labelled_set  # noqa: E402
from tests.support.samples.scoring import DeletionScore, length, overlap, score_document  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "rules_quality.json"


def main() -> None:
    docs = build_labelled_set()
    generator = RulesGenerator()
    scores: dict[str, DeletionScore] = defaultdict(DeletionScore)
    part_found: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # "kind/part" -> [found, total]
    generate_seconds = 0.0
    for doc in docs:
        started = time.perf_counter()
        program = generator.generate(doc.text)
        generate_seconds += time.perf_counter() - started
        deleted = execute(doc.text, program).spans
        score = score_document(doc, deleted)
        for key in ("all", doc.kind, f"{doc.kind}/{doc.split}", doc.split):
            scores[key].add(score)
        _count_parts(doc, deleted, part_found)

    chars = sum(len(doc.text) for doc in docs)
    print(f"{len(docs)} labelled documents, {chars:,} characters; rules generate at "
          f"{chars / generate_seconds / 1e6:.2f} MB/s ({len(docs) / generate_seconds:,.0f} docs/s)\n")
    print(f"{'set':<22}{'docs':>6}{'precision':>11}{'recall':>9}{'f1':>8}{'FP chars':>10}{'FN chars':>10}")
    order = ["all", "dev", "held_out"] + [f"{k}{s}" for k in KINDS for s in ("", "/dev", "/held_out")]
    for key in order:
        s = scores[key]
        print(f"{key:<22}{s.documents:>6}{s.precision:>11.4f}{s.recall:>9.4f}{s.f1:>8.4f}"
              f"{s.false_positive:>10,}{s.false_negative:>10,}")
    print(f"\n{'recall by part':<30}{'chars':>9}{'recall':>9}")
    for key, (found, total) in sorted(part_found.items()):
        print(f"{key:<30}{total:>9,}{found / total:>9.4f}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "documents": len(docs),
        "characters": chars,
        "generate_mb_per_s": round(chars / generate_seconds / 1e6, 3),
        "scores": {key: scores[key].as_dict() for key in order},
        "recall_by_part": {key: {"chars": total, "recall": round(found / total, 4)}
                           for key, (found, total) in sorted(part_found.items())},
        "notes": __doc__.split("\n\n", 3)[3].replace("\n", " "),
    }, indent=2) + "\n")
    print(f"\nwrote {RESULTS}")


def _count_parts(doc: LabelledDoc, deleted: list[tuple[int, int]],
                 part_found: dict[str, list[int]]) -> None:
    for part, spans in doc.part_spans.items():
        counts = part_found[f"{doc.kind}/{part}"]
        counts[0] += overlap(deleted, spans)
        counts[1] += length(spans)


if __name__ == "__main__":
    main()
