"""A job run the way a user runs it prints its summary, not a screen of JVM noise; --verbose
brings Spark's own logging back. Each test starts its own Python and JVM."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.spark]

# What Spark and the JVM print when nobody configures them (see conf/log4j2.properties).
NOISE = re.compile(r"\bWARN\b|WARNING|NativeCodeLoader|loopback|SparkStringUtils|WindowExec|"
                   r"log4j|Using Spark's default|incubator")


def run_jobs(tmp_path: Path, *commands: list[str]) -> subprocess.CompletedProcess:
    """One Python process running several `lakerefine` commands (one JVM), as in scripts/demo.sh."""
    common = ["--set", f"tables.base_path={tmp_path / 'lake'}", "--set", f"spark.warehouse_dir={tmp_path / 'wh'}"]
    script = ("import sys; from lakerefine.jobs.cli import main\n"
              f"for argv in {[c + common for c in commands]!r}:\n"
              "    code = main(argv)\n"
              "    if code: sys.exit(code)\n")
    return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600)


def corpus_file(tmp_path: Path) -> str:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Home | News | Contact\nDocument {i}.\n"}) + "\n"
                            for i in range(12)))
    return str(path)


def test_ingest_refine_and_query_print_no_jvm_warnings(tmp_path):
    done = run_jobs(tmp_path, ["ingest", "--input", corpus_file(tmp_path)], ["refine"],
                    ["query", "status_breakdown"], ["query", "deletion_ratio"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "read 12 = accepted 12 + quarantined 0" in done.stdout and "refined" in done.stdout
    noisy = [line for line in (done.stdout + done.stderr).splitlines() if NOISE.search(line)]
    assert noisy == [], "\n".join(noisy[:20])


def test_verbose_brings_spark_logging_back(tmp_path):
    done = run_jobs(tmp_path, ["ingest", "--input", corpus_file(tmp_path), "--verbose"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Using incubator modules" in done.stderr
