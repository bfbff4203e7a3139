"""lakerefine ingest-sft: SFT JSONL (messages, or prompt + response) -> the ``sft`` Delta table (+ quarantine)."""
from __future__ import annotations

import argparse
import sys

NAME = "ingest-sft"
HELP = ("Load SFT conversations (JSONL of messages, or prompt + response) into an sft Delta table; "
        "bad records go to quarantine with a reason.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="a .jsonl[.gz|.zst] file or a folder of them")
    parser.add_argument("--output", default="sft", help="sft table: a path or catalog name (default: sft)")


def check_arguments(settings, args: argparse.Namespace) -> None:
    from lakerefine.conf.identifiers import check_table_name
    check_table_name(args.output)


def run(spark, settings, args, run) -> str:
    from lakerefine.udfs.ingest.ingest_sft import ingest_sft, read_sft_checked
    from lakerefine.udfs.ingest.report import report_ingest
    from lakerefine.udfs.lake.tables import TableRef

    output = TableRef.resolve(args.output, settings.tables)
    quarantine = TableRef.resolve(settings.tables.sft_quarantine, settings.tables)
    run.input_table, run.output_table = args.input, str(output)
    with run.timed("read"):
        checked = read_sft_checked(spark, args.input, settings.sft_ingest)
    counts = ingest_sft(checked, output, quarantine, run)
    return report_ingest(spark, run, counts, output, quarantine, output_label="sft")


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
