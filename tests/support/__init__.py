"""What tests and benches build on: the sample data, labelled sets, test models, a lake per test."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "data" / "sample"
