"""One local Spark + Delta session for the whole test run, and a fresh table location per test."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from lakerefine.conf.loader import load_settings
from lakerefine.conf.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "data" / "sample"


def pytest_collection_modifyitems(items):
    """Every test that uses the Spark session is a ``spark`` test: the fast lane
    (``-m "not slow and not spark"``) never starts a JVM."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def lake_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lakehouse")


@pytest.fixture(scope="session")
def spark(lake_root):
    from lakerefine.udfs.lake.session import build_session

    settings = load_settings("local", [f"spark.warehouse_dir={lake_root / '_warehouse'}",
                                       "spark.master=local[2]"])
    session = build_session(settings.spark)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def model_dirs() -> dict:
    """The offline models: SmolLM2-135M-Instruct and a tiny random Llama with its tokenizer.
    scripts/setup.sh prepares them, so a missing one fails the tests that need it."""
    from lakerefine.udfs.models.assets import prepare_default_models

    return prepare_default_models()


@pytest.fixture(scope="session")
def smollm2(model_dirs) -> str:
    return str(model_dirs["smollm2"])


@pytest.fixture(scope="session")
def tiny_model(model_dirs) -> str:
    """A tiny random Llama with SmolLM2's tokenizer: the real tokenizer, a model that loads in a blink."""
    return str(model_dirs["tiny_llama"])


@pytest.fixture(scope="session")
def token_models(model_dirs) -> dict[str, str]:
    """Token cleaning's model pairs: SmolLM2 (real) and two tiny random Llamas (seeds 0 and 1)
    with its tokenizer."""
    from lakerefine.udfs.models.assets import build_tiny_llama, default_models_dir

    seed1 = build_tiny_llama(default_models_dir() / "tiny-llama-seed1", model_dirs["smollm2"], seed=1)
    return {"smollm2": str(model_dirs["smollm2"]), "tiny0": str(model_dirs["tiny_llama"]), "tiny1": str(seed1)}


@pytest.fixture
def overrides(lake_root) -> list[str]:
    """Config overrides for one test: its own table folder, so tests never see each other's tables."""
    base = lake_root / f"t_{uuid.uuid4().hex[:8]}"
    return [f"tables.base_path={base}", f"spark.warehouse_dir={lake_root / '_warehouse'}"]


@pytest.fixture
def settings(overrides) -> Settings:
    return load_settings("local", overrides)


@pytest.fixture
def cli(spark, overrides, capsys):
    """cli("ingest", "--input", p) runs the real `lakerefine` command in this test's tables;
    returns (exit code, what it printed: stdout then stderr)."""
    from lakerefine.jobs.cli import main

    def run(*argv: str) -> tuple[int, str]:
        code = main([*argv, *(arg for item in overrides for arg in ("--set", item))])
        printed = capsys.readouterr()
        return code, printed.out + printed.err

    return run


@pytest.fixture
def table_path(settings) -> callable:
    """table_path("corpus") -> the absolute path a bare table name resolves to in this test."""
    from lakerefine.udfs.lake.tables import TableRef

    return lambda name: TableRef.resolve(name, settings.tables).path
