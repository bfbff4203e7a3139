"""spark-submit the ingest job to a real Spark standalone cluster on localhost.

The code reaches the cluster the way it reaches a real one: the built bundle on
``--py-files`` and Delta's jars on ``--jars``. The driver and executors run a
Python that has the dependencies but not lakerefine itself, so an import that
works proves the bundle was shipped.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
from deltalake import DeltaTable as RustDeltaTable

REPO = Path(__file__).resolve().parents[2]
SPARK_HOME = Path(__import__("pyspark").__file__).parent
pytestmark = [pytest.mark.slow, pytest.mark.spark]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python_without_lakerefine(folder: Path) -> Path:
    """A venv whose site-packages points at ours by a plain .pth path (so our editable
    install's finder is not loaded): pyspark, pandas, ... import; lakerefine does not."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next(folder.glob("lib/python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = folder / "bin" / "python"
    probe = subprocess.run([str(python), "-c", "import pyspark, pandas; import lakerefine.jobs"],
                           capture_output=True, text=True)
    assert "No module named 'lakerefine" in probe.stderr, probe.stderr
    return python


def wait_for(log: Path, pattern: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if log.exists() and re.search(pattern, log.read_text(errors="replace")):
            return
        if process.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    raise TimeoutError(f"no {pattern!r} in {log} after {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def standalone_cluster(tmp_path):
    env = {**os.environ, "SPARK_HOME": str(SPARK_HOME), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_WORKER_DIR": str(tmp_path / "work")}
    port = free_port()
    url = f"spark://127.0.0.1:{port}"
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    master_log, worker_log = tmp_path / "master.log", tmp_path / "worker.log"
    master = subprocess.Popen(
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
         "--webui-port", str(free_port())], env=env, stdout=master_log.open("w"), stderr=subprocess.STDOUT)
    processes = [master]
    try:
        wait_for(master_log, r"I have been elected leader", master)
        worker = subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2",
             "--memory", "2g", "--webui-port", str(free_port()), url],
            env=env, stdout=worker_log.open("w"), stderr=subprocess.STDOUT)
        processes.append(worker)
        wait_for(worker_log, r"Successfully registered with master", worker)
        yield url, env
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_spark_submit_ingest_to_standalone_cluster(standalone_cluster, tmp_path):
    url, env = standalone_cluster
    bundle = subprocess.run(["bash", str(REPO / "scripts" / "build_bundle.sh")], cwd=REPO, env={
        **os.environ, "PY": sys.executable}, capture_output=True, text=True, check=True).stdout.split()
    zip_bundle = REPO / bundle[-1]
    python = python_without_lakerefine(tmp_path / "cluster-python")
    jars = ",".join(str(j) for j in sorted((REPO / "jars").glob("delta-*.jar")))
    sample = tmp_path / "in.jsonl"
    sample.write_text("".join(f'{{"id": "c{i}", "text": "cluster doc {i}"}}\n' for i in range(50))
                      + '{"id": "bad", "text": null}\n')
    lake = tmp_path / "lake"
    submit = subprocess.run(
        [str(SPARK_HOME / "bin" / "spark-submit"), "--master", url, "--deploy-mode", "client",
         "--py-files", str(zip_bundle), "--jars", jars,
         "--conf", f"spark.pyspark.python={python}", "--conf", f"spark.pyspark.driver.python={python}",
         "--conf", "spark.executor.memory=1g", "--conf", "spark.ui.enabled=false",
         str(REPO / "jobs" / "ingest.py"), "--input", str(sample), "--output", "corpus",
         "--run-id", "cluster-1", "--set", f"tables.base_path={lake}",
         "--set", f"spark.warehouse_dir={tmp_path / 'wh'}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=400)
    assert submit.returncode == 0, submit.stdout[-3000:] + submit.stderr[-5000:]
    assert "read 51 = accepted 50 + quarantined 1" in submit.stdout
    assert list((tmp_path / "work").glob("app-*/*/stderr")), "no executor ran on the standalone worker"
    corpus = RustDeltaTable(str(lake / "corpus")).to_pandas()
    assert len(corpus) == 50 and set(corpus["ingest_run_id"]) == {"cluster-1"}
    runs = RustDeltaTable(str(lake / "runs")).to_pandas()
    assert list(runs["status"]) == ["succeeded"] and runs["code_version"].iloc[0].startswith("0.1.0")
