#!/usr/bin/env bash
# The main job on the built-in sample: ingest the sample corpus, refine it with the
# `classifier` backend (the line classifier shipped in the package; conf/local.yaml's default;
# add `--set refine.backend=rules` for the rules), and print where every table is.
# Tables go under ./lakehouse.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:-demo-$(date -u +%Y%m%dT%H%M%S)}
.venv/bin/lakerefine ingest --input data/sample/corpus.jsonl.gz --output corpus --run-id "$RUN-ingest" "$@"
.venv/bin/lakerefine refine --input corpus --output refined --run-id "$RUN-refine" \
  --set refine.backend="${BACKEND:-classifier}" "$@"
.venv/bin/lakerefine query status_breakdown "$@"
