"""Benchmarks for the deletion-program language (pure Python, no Spark).

(a) executor throughput on real Wikipedia articles with realistic programs;
(b) our distiller vs the RefineX paper's recipe (difflib.SequenceMatcher over the
    full character strings, delete opcodes -> calls) on the same 5-50 KB pairs,
    timing and round-trip correctness side by side;
(c) peak memory (tracemalloc) of executor and distiller against document size;
(d) scaling: wall time at 8x the input over time at 1x for hostile program shapes and
    for document size (linear: about 8; quadratic: about 64; the target is under 32).

Text: the 106 raw-wikitext Wikipedia articles shipped in the gensim 4.4.0 wheel
(read with zipfile, gensim is never imported). The "expert" deletes what a
refiner should: templates, infobox rows, comments, category and link lines, some
blank lines, and inline <ref>...</ref> citations and {{...}} templates.

    python bench/bench_program.py [--quick] [--wheel PATH]
"""
from __future__ import annotations

import argparse
import bz2
import glob
import io
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import xml.etree.ElementTree as ET
import zipfile
from difflib import SequenceMatcher
from pathlib import Path

from lakerefine.udfs.program.calls import RemoveLines, RemoveStr, format_program
from lakerefine.udfs.program.distiller import DistillConfig, distill
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.program.lines import DEFAULT_MAX_LINE_CHARS, LineIndex, split_lines

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/support: program shapes
from tests.support.programs import PROGRAM_FAMILIES, is_subsequence  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "program.json"
WIKI_MEMBER = "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
BOILERPLATE_LINE = re.compile(r"^\s*(\{\{|\}\}|\||<!--|\[\[Category:|\[\[File:|\*\s*\[http|==\s*External links)")
INLINE_JUNK = re.compile(r"<ref[^>/]*/>|<ref[^>]*>[^<]*</ref>|\{\{[^{}\n]*\}\}")


# -- data ---------------------------------------------------------------------------

def find_wheel(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    found = glob.glob("/tmp/gensim/gensim-4.4.0-*.whl")
    if found:
        return Path(found[0])
    target = Path(tempfile.gettempdir()) / "gensim"
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "gensim==4.4.0", "-d", str(target)],
                   check=True, capture_output=True)
    return Path(glob.glob(str(target / "gensim-4.4.0-*.whl"))[0])


def load_articles(wheel: Path) -> list[str]:
    xml = bz2.decompress(zipfile.ZipFile(wheel).read(WIKI_MEMBER))
    texts = [element.text for _, element in ET.iterparse(io.BytesIO(xml))
             if element.tag.endswith("}text") and element.text]
    return [text for text in texts if not text.startswith("#REDIRECT")]


def cut_at_line(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: text.rfind("\n", 0, limit) + 1]


def synthesize_expert(raw: str, rng: random.Random) -> str:
    """What an expert refiner keeps: boilerplate lines and inline citations go."""
    kept = []
    for line in split_lines(raw):
        if BOILERPLATE_LINE.match(line) or (not line.strip() and rng.random() < 0.5):
            continue
        kept.append(INLINE_JUNK.sub(lambda m: "" if rng.random() < 0.8 else m.group(), line))
    return "\n".join(kept) + ("\n" if kept and raw.endswith("\n") else "")


BUCKETS = [("5-15KB", 5, 15), ("15-30KB", 15, 30), ("30-50KB", 30, 51)]


def documents(articles: list[str], per_bucket: int) -> list[str]:
    """Up to ``per_bucket`` articles (cut to 50 KB at a line end) in each size bucket."""
    docs = [cut_at_line(article, 50_000) for article in articles]
    return [doc for _, low, high in BUCKETS
            for doc in [doc for doc in docs if low <= len(doc) / 1000 < high][:per_bucket]]


# -- the paper's distillation, for comparison ----------------------------------------

def paper_distill(raw: str, expert: str) -> str:
    """RefineX's recipe: char-level SequenceMatcher (default autojunk); delete
    opcodes; fully covered lines -> remove_lines (grouped), partly covered ->
    remove_str of the covered text, clipped to the line (MEHTODS.md's fix)."""
    lines = LineIndex.of(raw)
    covered = bytearray(len(raw))
    for tag, i1, i2, _, _ in SequenceMatcher(None, raw, expert).get_opcodes():
        if tag == "delete":
            covered[i1:i2] = b"\x01" * (i2 - i1)
    calls, run_start = [], None
    for line in range(lines.count):
        start, end = lines.starts[line], lines.ends[line]
        full = end > start and covered.find(0, start, end) < 0
        if full:
            run_start = line if run_start is None else run_start
            continue
        if run_start is not None:
            calls.append(RemoveLines(run_start + 1, line))
            run_start = None
        for match in re.finditer(rb"\x01+", bytes(covered[start:end])):
            calls.append(RemoveStr(line + 1, raw[start + match.start():start + match.end()]))
    if run_start is not None:
        calls.append(RemoveLines(run_start + 1, lines.count))
    return format_program(calls)


# -- benchmarks ---------------------------------------------------------------------

def timed(function, *arguments, repeats: int = 1):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*arguments)
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_executor(pairs: list[tuple[str, str]], big_doc: str, big_program: str) -> dict:
    programs = [distill(raw, expert).program for raw, expert in pairs]
    total_bytes = sum(len(raw.encode()) for raw, _ in pairs)
    seconds = sum(timed(execute, raw, program, repeats=3)[0] for (raw, _), program in zip(pairs, programs, strict=True))
    big_seconds, _ = timed(execute, big_doc, big_program, repeats=3)
    calls = statistics.mean(program.count("\n") + 1 for program in programs)
    return {
        "docs": len(pairs), "mean_calls": round(calls, 1),
        "mb_per_s": round(total_bytes / seconds / 1e6, 1),
        "big_doc_mb": round(len(big_doc.encode()) / 1e6, 2),
        "big_doc_calls": big_program.count("\n") + 1,
        "big_doc_mb_per_s": round(len(big_doc.encode()) / big_seconds / 1e6, 1),
    }


def outcome(raw: str, expert: str, program: str, max_line_chars: int | None = None) -> dict:
    """exact: the program gives the expert text; safe: it deleted nothing the
    expert kept; share: the part of the expert's deletions it reproduced (if safe)."""
    text = execute(raw, program, max_rejected_calls=None, max_rejected_fraction=None,
                   max_line_chars=max_line_chars).text
    safe = is_subsequence(expert, text)
    wanted = len(raw) - len(expert)
    share = ((len(raw) - len(text)) / wanted if wanted else 1.0) if safe else None
    return {"exact": text == expert, "safe": safe, "share": share}




def bench_distiller(pairs: list[tuple[str, str]]) -> dict:
    """Like for like: no line truncation (the paper has none). ``ours_exact_truncated``
    is ours with the default max_line_chars, where remove_str past the shown part of a
    long line is inexpressible by design."""
    untruncated = DistillConfig(min_expressed_fraction=0.0, max_line_chars=None)
    truncated = DistillConfig(min_expressed_fraction=0.0)
    rows = []
    for raw, expert in pairs:
        ours_s, ours = timed(distill, raw, expert, untruncated)
        paper_s, paper_program = timed(paper_distill, raw, expert)
        rows.append({
            "kb": len(raw) / 1000, "ours_s": ours_s, "paper_s": paper_s,
            "expressible": ours.inexpressible_chars == 0,
            "ours": outcome(raw, expert, ours.program),
            "paper": outcome(raw, expert, paper_program),
            "truncated": outcome(raw, expert, distill(raw, expert, truncated).program, DEFAULT_MAX_LINE_CHARS),
        })
    buckets = {}
    for name, low, high in BUCKETS:
        chosen = [row for row in rows if low <= row["kb"] < high]
        if chosen:
            buckets[name] = summarize(chosen)
    buckets["all"] = summarize(rows)
    return buckets


def summarize(rows: list[dict]) -> dict:
    ours, paper = sum(row["ours_s"] for row in rows), sum(row["paper_s"] for row in rows)
    expressible = [row for row in rows if row["expressible"]]

    def rate(who: str, key: str, among: list[dict] = rows) -> float | None:
        values = [row[who][key] for row in among if row[who][key] is not None]
        return round(statistics.mean(values), 3) if values else None

    return {
        "pairs": len(rows), "mean_kb": round(statistics.mean(row["kb"] for row in rows), 1),
        "ours_ms": round(1000 * ours / len(rows), 1), "paper_ms": round(1000 * paper / len(rows), 1),
        "speedup": round(paper / ours, 1),
        "ours_exact": rate("ours", "exact"), "paper_exact": rate("paper", "exact"),
        "expressible_pairs": len(expressible),
        "ours_exact_if_expressible": rate("ours", "exact", expressible),
        "paper_exact_if_expressible": rate("paper", "exact", expressible),
        "ours_safe": rate("ours", "safe"), "paper_safe": rate("paper", "safe"),
        "ours_share_if_safe": rate("ours", "share"), "paper_share_if_safe": rate("paper", "share"),
        "ours_exact_truncated": rate("truncated", "exact"),
    }


def peak_bytes(function, *arguments) -> int:
    tracemalloc.start()
    function(*arguments)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def bench_memory(corpus: str, sizes: list[int]) -> list[dict]:
    rows = []
    for size in sizes:
        raw = cut_at_line(corpus, size)
        expert = synthesize_expert(raw, random.Random(size))
        program = distill(raw, expert).program
        execute_peak = peak_bytes(execute, raw, program)
        distill_peak = peak_bytes(distill, raw, expert)
        rows.append({
            "doc_kb": round(len(raw) / 1000), "calls": program.count("\n") + 1,
            "execute_peak_mb": round(execute_peak / 1e6, 2), "execute_peak_per_char": round(execute_peak / len(raw), 1),
            "distill_peak_mb": round(distill_peak / 1e6, 2), "distill_peak_per_char": round(distill_peak / len(raw), 1),
        })
    return rows


SCALING_TARGET = 32


def bench_scaling(n: int) -> list[dict]:
    """Best-of-3 time at 8n over best-of-3 time at n (programs on a fixed document, then documents)."""
    doc = "".join(f"line {k}: some text, a link | menu | footer\n" for k in range(1, 201))
    cases = {name: (lambda p: execute(doc, p), build(n), build(8 * n)) for name, build in PROGRAM_FAMILIES.items()}
    line = "Home | About | a sentence of real length with words in it.\n"
    program = "remove_lines(1, 3)\nremove_str(5, 'About')\nremove_lines(10, 12)\n"
    cases["document size"] = (lambda text: execute(text, program), line * (12 * n), line * (96 * n))
    rows = []
    for name, (run, small, large) in cases.items():
        ratio = timed(run, large, repeats=3)[0] / max(timed(run, small, repeats=3)[0], 1e-6)
        rows.append({"input": name, "time_ratio_8x": round(ratio, 1), "under_target": ratio < SCALING_TARGET})
    return rows


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    columns = list(rows[0])
    widths = [max(len(str(column)), *(len(str(row[column])) for row in rows)) for column in columns]
    print("  ".join(str(column).rjust(width) for column, width in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row[column]).rjust(width) for column, width in zip(columns, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer documents and sizes")
    parser.add_argument("--wheel", help="path to the gensim 4.4.0 wheel (downloaded if absent)")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()

    articles = load_articles(find_wheel(args.wheel))
    rng = random.Random(0)
    raws = documents(articles, 4 if args.quick else 25)
    pairs = [(raw, synthesize_expert(raw, rng)) for raw in raws]
    corpus = "\n".join(articles)
    big_doc = cut_at_line(corpus, 2_000_000)
    big_program = distill(big_doc, synthesize_expert(big_doc, rng)).program

    executor = bench_executor(pairs, big_doc, big_program)
    distiller = bench_distiller(pairs)
    sizes = [50_000, 200_000, 800_000] if args.quick else [50_000, 200_000, 800_000, 3_200_000]
    memory = bench_memory(corpus * 2, sizes)
    scaling = bench_scaling(100 if args.quick else 400)

    print_table("(a) executor throughput (parse + execute, real wikitext, distilled programs)", [executor])
    print_table("(b) distiller vs paper (difflib over full chars), same pairs",
                [{"docs": name, **row} for name, row in distiller.items()])
    print_table("(c) peak memory (tracemalloc) vs document size", memory)
    print_table(f"(d) scaling: time at 8x the input / time at 1x (target < {SCALING_TARGET})", scaling)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"quick": args.quick, "executor": executor, "distiller": distiller,
                                          "memory": memory, "scaling": scaling}, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
