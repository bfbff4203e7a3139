"""lakerefine refine: corpus -> refine_edits (audit, one row per document) -> refined (one Delta version per run)."""
from __future__ import annotations

import argparse
import sys

NAME = "refine"
HELP = ("Write and execute deletion programs for every document of a corpus table; audit each "
        "document in refine_edits and publish one new version of the refined table.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="corpus", help="corpus table: a path or catalog name (default: corpus)")
    parser.add_argument("--input-version", type=int, default=None,
                        help="refine this Delta version of the input (default: the latest)")
    parser.add_argument("--output", default="refined", help="refined table (default: refined)")
    parser.add_argument("--incremental", action="store_true",
                        help="refine only documents new or changed since the run that last published --output, "
                             "and merge them in")


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Fail before any Spark work: table names, the prompt, the model directory."""
    from pathlib import Path

    from lakerefine.conf.identifiers import check_table_name
    from lakerefine.udfs.refine.prompts import load_prompt
    from lakerefine.udfs.refine.saved_queries import check_plain

    check_table_name(args.input)
    check_table_name(args.output)
    if args.run_id is not None:
        check_plain("--run-id", args.run_id)  # saved queries quote run ids into SQL
    if args.input_version is not None and args.input_version < 0:
        raise ValueError("--input-version must be >= 0")
    backend = settings.refine.backend
    if backend in ("hf", "vllm"):
        lm = getattr(settings.refine, backend)
        load_prompt(lm.prompt)
        if "://" not in lm.model_path and not Path(lm.model_path).is_dir():
            raise ValueError(f"refine.{backend}.model_path: {lm.model_path} is not a directory "
                             "(models load from local paths; see udfs/models/assets.py)")


def run(spark, settings, args, run) -> str:
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.refine.refine_corpus import RefineTables, refine_corpus
    from lakerefine.udfs.refine.summary import format_summary, run_totals

    tables = RefineTables(input=TableRef.resolve(args.input, settings.tables),
                          output=TableRef.resolve(args.output, settings.tables),
                          edits=TableRef.resolve(settings.refine.edits_table, settings.tables))
    result = refine_corpus(spark, settings.refine, tables, args.input_version, args.incremental, run)
    with run.timed("summary"):
        totals = result.totals or run_totals(spark, tables.edits, run.run_id)
        run.counts.update(totals.as_counts())
        run.count("slices", result.slices)
        run.output_version = tables.output.commit_version_of(spark, run.run_id)
        run.other_outputs[str(tables.edits)] = tables.edits.version(spark)
    runs_table = TableRef.resolve(settings.tables.runs, settings.tables)
    where = {
        "input": f"{tables.input} (version {result.input_version})",
        "refine_edits": f"{tables.edits} (run_id = '{run.run_id}')",
        "refined": f"{tables.output} (version {run.output_version})",
        "runs": str(runs_table),
    }
    return format_summary(run.run_id, result.mode, totals, settings.refine.drop_emptied, where)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
