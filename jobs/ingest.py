"""lakerefine ingest: JSONL / Parquet / .txt files -> the ``corpus`` Delta table (+ quarantine)."""
from __future__ import annotations

import argparse
import sys

NAME = "ingest"
HELP = "Load source files into a corpus Delta table; bad records go to quarantine with a reason."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="a file or folder: .jsonl[.gz|.zst], .parquet, or .txt files")
    parser.add_argument("--output", default="corpus", help="corpus table: a path or catalog name (default: corpus)")
    parser.add_argument("--format", choices=["jsonl", "parquet", "txt"], default=None,
                        help="input format (default: from the file names)")


def check_arguments(settings, args: argparse.Namespace) -> None:
    from lakerefine.conf.identifiers import check_table_name
    check_table_name(args.output)


def run(spark, settings, args, run) -> str:
    from lakerefine.udfs.ingest.ingest_corpus import ingest_corpus
    from lakerefine.udfs.ingest.report import report_ingest
    from lakerefine.udfs.ingest.sources import detect_format, read_checked
    from lakerefine.udfs.lake.tables import TableRef

    output = TableRef.resolve(args.output, settings.tables)
    quarantine = TableRef.resolve(settings.tables.corpus_quarantine, settings.tables)
    run.input_table, run.output_table = args.input, str(output)
    with run.timed("read"):
        checked, extras_schema = read_checked(spark, args.input, args.format or detect_format(args.input),
                                              settings.ingest)
    counts = ingest_corpus(checked, extras_schema, output, quarantine, run)
    return report_ingest(spark, run, counts, output, quarantine, output_label="corpus")


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
