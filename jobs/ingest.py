"""lakerefine ingest: JSONL / Parquet / .txt files -> the ``corpus`` Delta table (+ quarantine)."""
from __future__ import annotations

import argparse
import sys

NAME = "ingest"
HELP = "Load source files into a corpus Delta table; bad records go to quarantine with a reason."
TABLES = {"output": ("corpus", "corpus table")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="a file or folder: .jsonl[.gz|.zst], .parquet, or .txt files")
    parser.add_argument("--format", choices=["jsonl", "parquet", "txt"], default=None,
                        help="input format (default: from the file names)")


def run(spark, settings, args, run):
    from lakerefine.udfs.ingest.run import ingest_corpus
    from lakerefine.udfs.ingest.sources import detect_format, read_checked
    from lakerefine.udfs.lake.shuffles import size_shuffles, stored_bytes
    from lakerefine.udfs.lake.tables import TableRef

    run.read_input(args.input, None)
    with run.timed("read"):
        size_shuffles(spark, stored_bytes(spark, args.input), settings.spark)
        checked, extras_schema = read_checked(spark, args.input, args.format or detect_format(args.input),
                                              settings.ingest)
    return ingest_corpus(checked, extras_schema, TableRef.resolve(args.output, settings.tables),
                         TableRef.resolve(settings.tables.corpus_quarantine, settings.tables), run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
