"""Leave one documentation theme out, on the train split: how the line model's training procedure does on a
theme it never saw.

    python scripts/cv_themes.py --docpages data/docpages/docpages.jsonl.gz --out bench/results/classifier_themes.json

cv_classifier.py's folds group pages by site, and the documentation pages' train sites (18) fall into its four
folds unevenly (by a hash of the host). Here each theme of the train packages (``DocPackage.theme`` in
build_docpages.py; the three Furo packages, say, leave together) is held out in turn: the shipped procedure
(``train_line_model``, default TrainingParams or ``--param`` overrides as in cv_classifier.py, threshold picked on
its own out-of-fold probabilities) trains on
every other train page, web pages included, and its deletion programs on the held-out theme's pages are
scored with the benchmark's metrics: character-level deletion precision / recall against the line labels (the
documentation pages' target) and 4-gram shingle F1. With --baseline (a JSON this script wrote, e.g. the shipped
procedure's, bench/results/classifier_themes_shipped.json) each theme's and the pooled row are printed beside the
baseline's, with the change: how a training change is judged on themes it never saw, beside the three seeds of
cv_classifier.py (MODEL_CARD.md, "Unseen themes"). No test page's gold is read (their raw text counts toward
the site shares, as in train_classifier_model.py). One model per theme: about a minute and a half each on one
core. Writes a table and, with --out, JSON.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from lakerefine.udfs.classifier.training import TrainingPage, train_line_model
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.quality.deletions import DeletionScore
from lakerefine.udfs.quality.labels import label_lines
from lakerefine.udfs.quality.scoring import ALL, LabelledPage, score_outputs
from lakerefine.udfs.quality.splits import TRAIN

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_docpages import PACKAGES  # noqa: E402
from cv_classifier import train_pages  # noqa: E402
from train_classifier_model import DEFAULT_WEBPAGES, add_param_argument, training_params  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--webpages", type=Path, default=DEFAULT_WEBPAGES)
    parser.add_argument("--docpages", type=Path, required=True)
    parser.add_argument("--themes", nargs="+", help="only these themes (default: every train theme)")
    add_param_argument(parser)
    parser.add_argument("--out", type=Path, help="write the scores here (JSON)")
    parser.add_argument("--baseline", type=Path, help="a JSON this script wrote: print each theme beside it")
    args = parser.parse_args(argv)
    params = training_params(args.param)

    shares, train = train_pages(args.webpages, args.docpages)
    themes = train_themes()
    results, pooled = {}, DeletionScore()
    for theme in args.themes or sorted(set(themes.values())):
        held = [page for page in train if themes.get(page.get("package")) == theme]
        if not held:
            raise SystemExit(f"no train pages of theme {theme!r} (themes: {sorted(set(themes.values()))})")
        rest = [page for page in train if themes.get(page.get("package")) != theme]
        model = train_line_model((TrainingPage(p["raw"], p["gold"], shares.get(p["id"]), p["host"]) for p in rest),
                                 params)
        programs = model.programs([p["raw"] for p in held], [shares.get(p["id"]) for p in held])
        executions = [execute(page["raw"], program) for page, program in zip(held, programs, strict=True)]
        scores = score_outputs([LabelledPage(p["id"], theme, p["raw"], p["gold"]) for p in held],
                               [e.text for e in executions], [e.spans for e in executions],
                               [label_lines(p["raw"], p["gold"]) for p in held])
        results[theme] = {"packages": sorted({p["package"] for p in held}), "pages": len(held),
                          "threshold": model.threshold, **scores[theme].as_dict(True)}
        pooled.add(scores[theme].deletions)
        print(row(theme, results[theme]), flush=True)
    results[ALL] = {"deletions": pooled.as_dict()}  # each theme's pages scored by the model without it
    print(row(ALL, results[ALL]))
    if args.baseline:
        print("\n".join(compared(results, json.loads(args.baseline.read_text())["themes"])))
    if args.out:
        args.out.write_text(json.dumps({"params": dataclasses.asdict(params), "themes": results}, indent=1))
    return 0


def train_themes() -> dict[str, str]:
    """Each train package's theme."""
    return {package.name: package.theme for package in PACKAGES if package.split == TRAIN}


def row(theme: str, result: dict) -> str:
    deletions = result["deletions"]
    shingles = f"; shingle F1 {result['shingles']['f1']:.3f}" if "shingles" in result else ""
    return (f"{theme:32s} deleted chars P {deletions['precision']:.3f} R {deletions['recall']:.3f} "
            f"({deletions['true_positive'] + deletions['false_negative']} boilerplate){shingles}")


def compared(results: dict, baseline: dict) -> list[str]:
    """Deleted characters P / R of each theme scored in both runs (and the pooled row, over the themes of this
    run): this run's, the baseline's, and the change."""
    lines = [f"{'theme':32s} {'P':>5s} {'R':>5s}   baseline P / R   change P / R"]
    for theme in [name for name in results if name in baseline and name != ALL] + [ALL]:
        now = results[theme]["deletions"]
        before = baseline[theme]["deletions"] if theme != ALL else pooled_deletions(baseline, results)
        change = [now[key] - before[key] for key in ("precision", "recall")]
        lines.append(f"{theme:32s} {now['precision']:.3f} {now['recall']:.3f}   {before['precision']:.3f} / "
                     f"{before['recall']:.3f}    {change[0]:+.3f} / {change[1]:+.3f}")
    return lines


def pooled_deletions(baseline: dict, results: dict) -> dict:
    """The baseline's deleted characters pooled over the themes this run scored (so a run of some themes is
    compared with the same themes)."""
    pooled = DeletionScore()
    for theme in results:
        if theme != ALL and theme in baseline:
            pooled.add(DeletionScore.from_dict(baseline[theme]["deletions"]))
    return pooled.as_dict()


if __name__ == "__main__":
    sys.exit(main())
