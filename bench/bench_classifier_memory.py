"""Peak memory of the line classifier on documents of many short lines, with and without the line bound.

The features take about 3 KB a line at once, so a document's memory follows its lines, not its characters:
a million-character document of blank lines is a million lines. ``LineModel`` featurises at most
``GROUP_LINES`` lines at once (udfs/classifier/model.py); this bench refines one such document per fresh
process (peak RSS is per process) with the shipped model, once with the bound as shipped and once with it
lifted (every text whole, as before the bound), and reports each process's peak RSS and CPU seconds.

    python bench/bench_classifier_memory.py [--chars 1000000]

Writes bench/results/classifier_memory.{md,json}.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"
LINE_OF = {"two-character lines": "a\n", "blank lines": "\n", "prose lines": "This is a sentence of prose. " * 4 + "\n"}
UNBOUNDED = 10**12


def document(kind: str, chars: int) -> str:
    line = LINE_OF[kind]
    return line * (chars // len(line))


def measure(kind: str, chars: int, group_lines: int) -> dict:
    """In this process: refine the document once; its peak RSS and CPU seconds."""
    from lakerefine.udfs.classifier import model as model_module
    from lakerefine.udfs.refine.backends.classifier import shipped_model

    model = model_module.LineModel.load(shipped_model())
    model_module.GROUP_LINES = group_lines
    text = document(kind, chars)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.process_time()
    program = model.programs([text])[0]
    return {"document": kind, "chars": len(text), "lines": text.count("\n"),
            "group_lines": None if group_lines == UNBOUNDED else group_lines,
            "cpu_s": round(time.process_time() - started, 2), "rss_before_mb": round(loaded),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "program": program}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--one", nargs=2, metavar=("KIND", "GROUP_LINES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one[0], args.chars, int(args.one[1]))))
        return 0
    from lakerefine.udfs.classifier.model import GROUP_LINES

    rows = []
    for kind in LINE_OF:
        for group_lines in (GROUP_LINES, UNBOUNDED):
            out = subprocess.run([sys.executable, __file__, "--chars", str(args.chars), "--one", kind,
                                  str(group_lines)], check=True, capture_output=True, text=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
    table = ["| document | lines | line bound | peak RSS MB | CPU s |", "|---|---|---|---|---|"]
    table += [f"| {r['document']} | {r['lines']:,} | {r['group_lines'] or 'none'} | {r['peak_rss_mb']} | {r['cpu_s']} |"
              for r in rows]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "classifier_memory.json").write_text(json.dumps({"rows": rows, "table": "\n".join(table)}, indent=1))
    (RESULTS / "classifier_memory.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
