"""Kernels import no Spark (and no torch): they run anywhere, and their tests need no JVM.

One fresh interpreter imports the kernels one by one and reports what each import loaded;
the first kernel that brings pyspark (or torch) in is named.
"""
from __future__ import annotations

import json
import subprocess
import sys

KERNELS = [
    "lakerefine.schemas.vocab", "lakerefine.conf.rules",
    *(f"lakerefine.udfs.program.{m}" for m in
      ("align", "calls", "chunking", "diff", "distiller", "executor", "lines", "literals", "parser", "render")),
    *(f"lakerefine.udfs.rules.{m}" for m in ("generator", "junk", "mail", "phrases", "text", "web", "wiki")),
    "lakerefine.udfs.quality.shingles", "lakerefine.udfs.quality.deletions", "lakerefine.udfs.quality.splits",
    "lakerefine.udfs.quality.labels", "lakerefine.udfs.quality.scoring", "lakerefine.udfs.quality.intervals",
    "lakerefine.udfs.ingest.records", "lakerefine.udfs.ingest.sft_records",
    "lakerefine.udfs.tokenclean.formatting", "lakerefine.udfs.tokenclean.selection",
    "lakerefine.udfs.tokenclean.float_keys",
    "lakerefine.udfs.refine.documents", "lakerefine.udfs.refine.backends.rules",
    "lakerefine.udfs.refine.backends.classifier",
    "lakerefine.udfs.refine.backends.replay",
    "lakerefine.udfs.expert.answers", "lakerefine.udfs.expert.pairs", "lakerefine.udfs.expert.quotas",
    "lakerefine.udfs.expert.columns", "lakerefine.udfs.expert.backends.gold", "lakerefine.udfs.expert.backends.html",
    *(f"lakerefine.udfs.classifier.{m}" for m in
      ("context", "features", "lexicon", "markup", "model", "program", "site_keys", "training", "unwrap",
       "wrapping")),
    "lakerefine.udfs.distill.chunk_pairs", "lakerefine.udfs.generate.chunks", "lakerefine.udfs.generate.prompts",
    "lakerefine.udfs.report.model", "lakerefine.udfs.report.figures", "lakerefine.udfs.report.render",
    "lakerefine.udfs.generate.batching", "lakerefine.udfs.platforms.emr",
]
HEAVY = ("pyspark", "torch", "transformers")

PROBE = f"""
import importlib, json, sys
found = {{}}
for name in sys.argv[1:]:
    importlib.import_module(name)
    found[name] = sorted(m for m in {HEAVY!r} if m in sys.modules)
print(json.dumps(found))
"""


def test_kernels_load_neither_spark_nor_torch():
    done = subprocess.run([sys.executable, "-c", PROBE, *KERNELS], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout)
    assert list(loaded) == KERNELS
    first_heavy = next(((name, mods) for name, mods in loaded.items() if mods), None)
    assert first_heavy is None, f"importing {first_heavy[0]} loaded {first_heavy[1]}"
