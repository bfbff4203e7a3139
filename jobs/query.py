"""lakerefine query: run a saved SQL query (conf/queries/NAME.sql) over the audit tables.

Read-only, so unlike a job it adds no row to ``runs``.

    lakerefine query --list
    lakerefine query status_breakdown [--param run_id=...]
    lakerefine query refined_changes --param version_a=0 --param version_b=1
    lakerefine query removed_lines --spark-sql > views.sql   # for spark-sql -i views.sql
"""
from __future__ import annotations

import argparse
import json
import sys

from lakerefine.jobs.common import add_output_arguments, configure_logging

HELP = "Run a saved SQL query (conf/queries/*.sql) over refine_edits, refined and runs."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="the saved query (see --list)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a query parameter, e.g. --param run_id=refine-... (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the saved queries and their parameters")
    parser.add_argument("--spark-sql", action="store_true",
                        help="print the SET and CREATE TEMP VIEW statements the query needs, for spark-sql -i")
    parser.add_argument("--refined", default="refined", help="the refined table (default: refined)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--limit", type=int, default=100, help="print at most this many rows (default: 100)")
    parser.add_argument("--config", default="local", help="local | databricks | emr, or a YAML file")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    add_output_arguments(parser)


def main(args: argparse.Namespace) -> int:
    from lakerefine.conf.identifiers import check_table_name
    from lakerefine.conf.loader import ConfigError, load_settings
    from lakerefine.udfs.query.saved import check_given, load_query, parse_param_args, query_names

    configure_logging(args)
    if args.list:
        print(describe_queries([load_query(n) for n in query_names()]))
        return 0
    try:
        settings = load_settings(args.config, args.set)
        check_table_name(args.refined)
        given = parse_param_args(args.param)
        if args.name:
            check_given(load_query(args.name), given)   # before any Spark work
        elif not args.spark_sql:
            raise ValueError("name a saved query (see lakerefine query --list)")
    except (ConfigError, ValueError) as err:
        print(f"lakerefine query: {err}", file=sys.stderr)
        return 2
    return run_query(settings, args, given)


def run_query(settings, args: argparse.Namespace, given: dict[str, str]) -> int:
    from lakerefine.udfs.lake.session import build_session
    from lakerefine.udfs.query.views import QueryTables, run_saved_query, spark_sql_script

    spark = build_session(settings.spark, verbose=args.verbose)
    tables = QueryTables.from_settings(settings, args.refined)
    try:
        if args.spark_sql:
            print(spark_sql_script(spark, settings, tables, args.name, given), end="")
            return 0
        result = run_saved_query(spark, settings, tables, args.name, given)
    except ValueError as err:
        print(f"lakerefine query: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        for row in result.limit(args.limit).collect():
            print(json.dumps(row.asDict(recursive=True), default=str, ensure_ascii=False))
    else:
        result.show(args.limit, truncate=80)
    return 0


def describe_queries(queries) -> str:
    lines = []
    for query in queries:
        lines.append(f"{query.name}: {query.description}")
        for param in query.params.values():
            default = " (default: newest run)" if param.type == "run" else (
                f" (default: {param.default})" if param.default is not None else " (required)")
            lines.append(f"    --param {param.name}=<{param.type}>  {param.help}{default}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="lakerefine query", description=HELP)
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
