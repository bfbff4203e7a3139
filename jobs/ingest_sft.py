"""lakerefine ingest-sft: SFT JSONL (messages, or prompt + response) -> the ``sft`` Delta table (+ quarantine)."""
from __future__ import annotations

import argparse
import sys

NAME = "ingest-sft"
HELP = ("Load SFT conversations (JSONL of messages, or prompt + response) into an sft Delta table; "
        "bad records go to quarantine with a reason.")
TABLES = {"output": ("sft", "sft table")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="a .jsonl[.gz|.zst] file or a folder of them")


def run(spark, settings, args, run):
    from lakerefine.udfs.ingest.run import ingest_sft
    from lakerefine.udfs.ingest.sources import read_sft_checked
    from lakerefine.udfs.lake.shuffles import size_shuffles, stored_bytes
    from lakerefine.udfs.lake.tables import TableRef

    run.read_input(args.input, None)
    with run.timed("read"):
        size_shuffles(spark, stored_bytes(spark, args.input), settings.spark)
        checked = read_sft_checked(spark, args.input, settings.ingest_sft)
    return ingest_sft(checked, TableRef.resolve(args.output, settings.tables),
                      TableRef.resolve(settings.tables.sft_quarantine, settings.tables), run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
