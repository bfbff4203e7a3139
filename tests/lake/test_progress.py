"""Progress lines of a job's Spark work: which mode where, and the log mode on a real small job."""
from __future__ import annotations

import io
import json
import re

from lakerefine.conf.settings import ProgressSettings
from lakerefine.udfs.lake.batch_udf import map_batches
from lakerefine.udfs.lake.progress import StageTasks, choose_mode, job_progress, progress_line, rows_counter


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_live_line_is_off_when_stderr_is_not_a_terminal_or_quiet():
    assert choose_mode("auto", False, Terminal(), "local[2]") == "tty"
    assert choose_mode("auto", False, io.StringIO(), "local[2]") == "off"
    assert choose_mode("auto", False, io.StringIO(), "spark://master:7077") == "log"   # cluster mode
    assert choose_mode("tty", False, io.StringIO(), "local[2]") == "log"
    assert choose_mode("auto", True, Terminal(), "local[2]") == "off"
    assert choose_mode("log", True, io.StringIO(), "yarn") == "off"


def test_a_line_says_tasks_done_rate_and_eta():
    line = progress_line("refine", [StageTasks(3, 10, 40), StageTasks(4, 0, 10)], {3: 0.0, 4: 4.0}, now=5.0)
    assert line == "refine: stage 3,4: tasks 10/50 (20%), 2.00 tasks/s, ETA 20 s"
    assert progress_line("refine", [StageTasks(3, 1, 2)], {3: 0.0}, now=1.0, rows=1234).endswith("; 1,234 rows done")


def test_batch_functions_count_their_rows_while_a_job_shows_progress(spark):
    frame = spark.range(0, 300, numPartitions=3)
    assert rows_counter() is None
    with job_progress(spark, "count", ProgressSettings(mode="log", interval_s=60), quiet=False):
        counted = map_batches(lambda _, rows: rows, frame.schema)
        assert frame.mapInPandas(counted, frame.schema).count() == 300
        assert rows_counter().value == 300
    assert rows_counter() is None
    uncounted = map_batches(lambda _, rows: rows, frame.schema)   # no job showing progress: no counter
    assert frame.mapInPandas(uncounted, frame.schema).count() == 300


def test_log_mode_on_a_real_job_prints_lines_with_counts(spark, lake, capsys, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps({"id": f"d{i}", "text": f"document {i}\n" * 20}) + "\n" for i in range(40)))
    code = lake.run("ingest", "--input", str(source), "--set", "progress.mode=log", "--set", "progress.interval_s=0.05")
    assert code == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ingest: stage")]
    assert lines, "no progress line"
    for line in lines:
        done, total = map(int, re.search(r"tasks (\d+)/(\d+)", line).groups())
        assert 0 <= done <= total and total > 0
