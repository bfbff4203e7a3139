"""lakerefine export: token_masks -> Parquet or JSONL of input_ids, attention_mask, labels for an HF trainer."""
from __future__ import annotations

import argparse
import sys

NAME = "export"
HELP = ("Write a token_masks table (a version of it) as files an HF trainer loads directly: "
        "input_ids, attention_mask, labels (-100 where masked), as Parquet or JSONL.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="token_masks", help="token_masks table (default: token_masks)")
    parser.add_argument("--input-version", type=int, default=None, help="a Delta version (default: the latest)")
    parser.add_argument("--output", required=True, help="a folder to write (replaced if it exists)")
    parser.add_argument("--format", choices=["parquet", "jsonl"], default="parquet")


def check_arguments(settings, args: argparse.Namespace) -> None:
    from lakerefine.conf.identifiers import check_table_name
    check_table_name(args.input)
    if args.input_version is not None and args.input_version < 0:
        raise ValueError("--input-version must be >= 0")


def run(spark, settings, args, run) -> str:
    from pathlib import Path

    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.tokenclean.export import export_counts, export_rows, write_export

    table = TableRef.resolve(args.input, settings.tables)
    version = args.input_version if args.input_version is not None else table.version(spark)
    if version is None:
        raise ValueError(f"input table {table} does not exist")
    output = args.output if "://" in args.output else str(Path(args.output).resolve())
    run.input_table, run.input_version, run.output_table = str(table), version, output
    masks = table.read(spark, version)
    include = settings.token_clean.export_no_token_kept
    with run.timed("export"):
        write_export(export_rows(masks, include), output, args.format)
    counts = export_counts(masks)
    dropped = counts["no_token_kept"] if not include else 0
    run.counts.update(counts)
    run.count("exported", counts["rows"] - counts["errors"] - dropped)
    return (f"export {run.run_id}: {table} (version {version}) -> {output} ({args.format})\n"
            f"  rows {counts['rows']} = exported {run.counts['exported']} + errors {counts['errors']} "
            f"+ dropped with no token kept {dropped}")


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
