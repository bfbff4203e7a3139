"""The temporary views saved queries read, and running a saved query.

Views: ``refine_edits`` (the audit, plus chars_removed and deletion_ratio),
``refined``, ``runs``; with a run selected, ``refine_input`` (the run's input
table at the version it refined, by Delta time travel); with ``version_a`` /
``version_b``, ``refined_a`` / ``refined_b`` (the refined table at those versions).
Every table name comes from a validated ``TableRef``; versions are integers.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakerefine.conf.identifiers import check_plain
from lakerefine.conf.settings import Settings
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.query.saved import SavedQuery, bind, load_query
from lakerefine.udfs.refine.audit import earlier_attempt


@dataclass(frozen=True)
class QueryTables:
    edits: TableRef
    refined: TableRef
    runs: TableRef

    @classmethod
    def from_settings(cls, settings: Settings, refined: str = "refined") -> QueryTables:
        resolve = lambda name: TableRef.resolve(name, settings.tables)  # noqa: E731
        return cls(resolve(settings.refine.edits_table), resolve(refined), resolve(settings.tables.runs))


def newest_run(spark: SparkSession, edits: TableRef) -> str | None:
    """The run of the audit's newest commit that names one (a few commit files, however many runs the table
    holds); for a table whose commits name no run, the run of its newest row (a scan of every file)."""
    named = edits.newest_commit_run_id(spark)
    if named is not None:
        return named
    row = edits.read(spark).agg(F.max_by("run_id", "refined_at").alias("run_id")).first()
    return row.run_id if row else None


def resolve_values(spark: SparkSession, tables: QueryTables, query: SavedQuery,
                   given: dict[str, str]) -> dict[str, str]:
    """The given values plus defaults; a ``run`` param defaults to the newest run."""
    values = dict(given)
    for name, param in query.params.items():
        if name in values:
            continue
        if param.type == "run":
            if not tables.edits.exists(spark) or (run := newest_run(spark, tables.edits)) is None:
                raise ValueError(f"no refine run in {tables.edits} yet: run `lakerefine refine` first")
            values[name] = run
        elif param.default is not None:
            values[name] = param.default
    return values


def view_statements(spark: SparkSession, settings: Settings, tables: QueryTables,
                    values: dict[str, str]) -> list[str]:
    if not tables.edits.exists(spark):
        raise ValueError(f"no refine_edits table at {tables.edits}: run `lakerefine refine` first")
    statements = [
        "CREATE OR REPLACE TEMP VIEW refine_edits AS SELECT *, chars_in - chars_out AS chars_removed, "
        "CASE WHEN chars_in > 0 THEN (chars_in - chars_out) / chars_in END AS deletion_ratio "
        f"FROM {tables.edits.sql}"]
    for view, table in (("refined", tables.refined), ("runs", tables.runs)):
        if table.exists(spark):
            statements.append(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {table.sql}")
    run_id = values.get("run_id")
    if run_id:
        recorded = earlier_attempt(spark, tables.edits, check_plain("run_id", run_id))
        if recorded is None:
            raise ValueError(f"no refine run {run_id!r} in {tables.edits}")
        source = TableRef.resolve(recorded.input_table, settings.tables)
        statements.append(f"CREATE OR REPLACE TEMP VIEW refine_input AS "
                          f"SELECT * FROM {source.sql} VERSION AS OF {int(recorded.input_version)}")
    for tag in ("a", "b"):
        version = values.get(f"version_{tag}")
        if version is not None:
            statements.append(f"CREATE OR REPLACE TEMP VIEW refined_{tag} AS "
                              f"SELECT * FROM {tables.refined.sql} VERSION AS OF {int(version)}")
    return statements


def run_saved_query(spark: SparkSession, settings: Settings, tables: QueryTables, name: str,
                    given: dict[str, str]) -> DataFrame:
    query = load_query(name)
    values = resolve_values(spark, tables, query, given)
    sql = bind(query, values)
    for statement in view_statements(spark, settings, tables, values):
        spark.sql(statement)
    return spark.sql(sql)


def spark_sql_script(spark: SparkSession, settings: Settings, tables: QueryTables,
                     name: str | None, given: dict[str, str]) -> str:
    """What to give ``spark-sql -i``: the SET lines of the parameters and the views."""
    values = dict(given)
    if name:
        values = resolve_values(spark, tables, load_query(name), given)
        bind(load_query(name), values)  # checks every value
    sets = [f"SET {k}={check_plain(k, v)};" for k, v in sorted(values.items())]
    return "\n".join(sets + [s + ";" for s in view_statements(spark, settings, tables, values)]) + "\n"
