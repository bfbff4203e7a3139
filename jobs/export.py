"""lakerefine export: token_masks -> Parquet or JSONL of input_ids, attention_mask, labels for an HF trainer."""
from __future__ import annotations

import argparse
import sys

NAME = "export"
HELP = ("Write a token_masks table (a version of it) as files an HF trainer loads directly: "
        "input_ids, attention_mask, labels (-100 where masked), as Parquet or JSONL.")
TABLES = {"input": ("token_masks", "token_masks table")}
INPUT_VERSION = "export this Delta version of the input"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", required=True, help="a folder to write (replaced if it exists)")
    parser.add_argument("--format", choices=["parquet", "jsonl"], default="parquet")


def run(spark, settings, args, run):
    from pathlib import Path

    from lakerefine.udfs.lake.runs import RunResult
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.lake.versions import pin_input_version
    from lakerefine.udfs.tokenclean.export import export_counts, export_rows, write_export

    table = TableRef.resolve(args.input, settings.tables)
    version = pin_input_version(spark, table, args.input_version)
    output = args.output if "://" in args.output else str(Path(args.output).resolve())
    run.read_input(table, version)
    masks = table.read(spark, version)
    include = settings.export.include_no_token_kept
    with run.timed("export"):
        write_export(export_rows(masks, include), output, args.format)
    counts = export_counts(masks)
    dropped = counts["no_token_kept"] if not include else 0
    counts["exported"] = counts["rows"] - counts["errors"] - dropped
    return RunResult(f"{table} (version {version}) -> {output} ({args.format})",
                     details=[f"rows {counts['rows']} = exported {counts['exported']} + errors {counts['errors']} "
                              f"+ dropped with no token kept {dropped}"],
                     output_table=output, counts=counts)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
