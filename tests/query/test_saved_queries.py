"""Saved queries (conf/queries/*.sql) over the audit tables of real refine runs."""
from __future__ import annotations

import json

import pytest

from lakerefine.udfs.query.saved import bind, check_given, load_query, query_names
from tests.support.corpus import FOOTER, NAV, PROSE, sample_docs, write_corpus

RULES = ("--set", "refine.backend=rules")   # the assertions know the rules backend's edits


def rows(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_saved_queries_over_a_full_and_an_incremental_run(spark, cli, table_path):
    docs = sample_docs(8) + [("nav", f"{NAV}\n{PROSE}\n", "web"), ("nav2", f"{NAV}\n{PROSE} Two.\n", "web"),
                             ("boiler", f"{NAV}\n{FOOTER}\n", "web")]
    write_corpus(spark, table_path("corpus"), docs)
    assert cli("refine", "--run-id", "q-0", *RULES)[0] == 0
    write_corpus(spark, table_path("corpus"), docs[1:] + [("new", f"{PROSE} New.\n", "web")])
    assert cli("refine", "--run-id", "q-1", "--incremental", *RULES)[0] == 0

    def query(*args: str) -> list[dict]:
        code, out = cli("query", *args, "--format", "json")
        assert code == 0, out
        return rows(out)

    newest = query("status_breakdown")
    assert {r["status"]: r["docs"] for r in newest} == {"carried": 10, "deleted": 1, "unchanged": 1}
    first = query("status_breakdown", "--param", "run_id=q-0")
    assert sum(r["docs"] for r in first) == 11 and {r["status"] for r in first} >= {"refined", "emptied"}
    assert sum(r["pct_docs"] for r in first) == pytest.approx(100.0, abs=0.005 * len(first))  # each rounded to .01

    ratios = query("deletion_ratio", "--param", "run_id=q-0")
    assert sum(r["docs"] for r in ratios) == 11 and ratios[-1]["cumulative_pct"] == 100.0

    lines = query("removed_lines", "--param", "run_id=q-0")
    assert {"line": NAV, "times": 3, "docs": 3} in lines
    strings = query("removed_strings", "--param", "run_id=q-0", "--param", "top=5")
    raw = "\n".join(d[1] for d in docs)
    assert len(strings) <= 5 and all(r["removed"] in raw for r in strings)

    emptied = query("emptied_documents", "--param", "run_id=q-0")
    assert [r["doc_id"] for r in emptied] == ["boiler"]

    changes = {r["change"]: r for r in query("refined_changes", "--param", "version_a=0", "--param", "version_b=1")}
    assert changes["added"]["docs"] == 1 and changes["added"]["example_doc_id"] == "new"
    assert changes["removed"]["docs"] == 1 and changes["same text"]["docs"] == 10

    assert [r["run_id"] for r in query("refine_runs")] == ["q-1", "q-0"]
    assert cli("query", "status_breakdown", "--param", "run_id=missing-run")[0] == 2

    # The same views and query file in plain Spark SQL, as `spark-sql -i views.sql` runs them.
    code, script = cli("query", "removed_lines", "--param", "run_id=q-0", "--spark-sql")
    assert code == 0
    assert "SET run_id=q-0;" in script and "refine_input AS SELECT * FROM delta.`" in script
    for statement in filter(None, (s.strip() for s in script.split(";\n"))):
        spark.sql(statement.rstrip(";"))
    sql = load_query("removed_lines").sql.replace("${top}", "5")  # ${run_id} comes from SET
    assert {"line": NAV, "times": 3, "docs": 3} in [r.asDict() for r in spark.sql(sql).collect()]


def test_query_parameters_are_checked_before_any_sql():
    status = load_query("status_breakdown")
    with pytest.raises(ValueError, match="letters, digits"):
        bind(status, {"run_id": "x' OR '1'='1"})
    with pytest.raises(ValueError, match="expected an integer"):
        bind(load_query("emptied_documents"), {"run_id": "r", "top": "5; DROP TABLE x"})
    with pytest.raises(ValueError, match="needs --param version_b"):
        check_given(load_query("refined_changes"), {"version_a": "0"})
    with pytest.raises(ValueError, match="has no param 'bogus'"):
        check_given(status, {"bogus": "1"})
    with pytest.raises(ValueError, match="no saved query"):
        load_query("../local")
    assert bind(status, {"run_id": "refine-1"}).count("'refine-1'") == 1


def test_query_command_rejects_bad_input_with_exit_code_2(cli):
    assert cli("query", "status_breakdown", "--param", "run_id=x' OR '1'='1")[0] == 2
    assert cli("query", "no_such_query")[0] == 2
    code, out = cli("query", "--list")
    assert code == 0 and all(name in out for name in query_names())


def test_the_newest_run_comes_from_the_commit_log_else_from_the_rows(spark, lake):
    from datetime import datetime

    from lakerefine.udfs.query.views import newest_run

    def rows(run_id: str, hour: int):
        return spark.createDataFrame([(run_id, datetime(2026, 1, 1, hour))], "run_id string, refined_at timestamp")

    named, unnamed = lake.table("named_edits"), lake.table("unnamed_edits")
    named.write(rows("r-1", 9), "append", metadata={"run_id": "r-1"})
    named.write(rows("r-2", 8), "append", metadata={"run_id": "r-2"})   # newest commit, older rows
    named.compact(spark)                                                 # a commit that names no run
    assert named.newest_commit_run_id(spark) == newest_run(spark, named) == "r-2"
    assert named.commit_version_of(spark, "r-1") == 0

    unnamed.write(rows("u-1", 9).union(rows("u-2", 8)), "append")
    assert unnamed.newest_commit_run_id(spark) is None and newest_run(spark, unnamed) == "u-1"
