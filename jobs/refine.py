"""lakerefine refine: corpus -> refine_edits (audit, one row per document) -> refined (one Delta version per run)."""
from __future__ import annotations

import argparse
import sys

NAME = "refine"
HELP = ("Write and execute deletion programs for every document of a corpus table; audit each "
        "document in refine_edits and publish one new version of the refined table.")
TABLES = {"input": ("corpus", "corpus table"), "output": ("refined", "refined table")}
INPUT_VERSION = "refine this Delta version of the input"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--incremental", action="store_true",
                        help="refine only documents new or changed since the run that last published --output, "
                             "and merge them in")
    parser.add_argument("--dry-run", action="store_true",
                        help="run the backend on a stratified sample of the input, write no table, and print "
                             "diffs, the deletion ratio and the time the whole input would take")
    parser.add_argument("--sample", type=int, default=200, metavar="N",
                        help="documents in the --dry-run sample (default: 200)")


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Fail before any Spark work: the prompt, the model directory."""
    from pathlib import Path

    from lakerefine.udfs.generate.prompts import load_prompt

    if args.sample < 1:
        raise ValueError("--sample must be >= 1")
    if args.dry_run and args.incremental:
        raise ValueError("--dry-run samples the whole input: leave out --incremental")
    backend = settings.refine.backend
    if backend == "classifier":
        from lakerefine.udfs.refine.backends.classifier import resolve_model_path
        resolve_model_path(settings.refine.classifier.model_path)
    if backend in ("hf", "vllm"):
        load_prompt(settings.refine.prompt)
        model_path = getattr(settings.refine, backend).model_path
        if "://" not in model_path and not Path(model_path).is_dir():
            raise ValueError(f"refine.{backend}.model_path: {model_path} is not a directory "
                             "(models load from local paths; see udfs/generate/assets.py)")


def dry_run(spark, settings, args) -> str:
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.refine.dry_run import dry_run_refine

    table = TableRef.resolve(args.input, settings.tables)
    return dry_run_refine(spark, settings.refine, settings.spark, table, args.input_version, args.sample).summary()


def run(spark, settings, args, run):
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.refine.run import RefineTables, run_refine

    def table(name: str) -> TableRef:
        return TableRef.resolve(name, settings.tables)

    tables = RefineTables(input=table(args.input), output=table(args.output),
                          edits=table(settings.refine.edits_table), runs=table(settings.tables.runs))
    return run_refine(spark, settings.refine, tables, args.input_version, args.incremental, run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
