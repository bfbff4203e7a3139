#!/usr/bin/env bash
# The main job on the built-in sample: ingest the sample corpus, refine it with the
# `rules` backend, and print where every table is. Tables go under ./lakehouse.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:-demo-$(date -u +%Y%m%dT%H%M%S)}
.venv/bin/lakerefine ingest --input data/sample/corpus.jsonl.gz --output corpus --run-id "$RUN-ingest" "$@"
.venv/bin/lakerefine refine --input corpus --output refined --run-id "$RUN-refine" "$@"
.venv/bin/lakerefine query status_breakdown "$@"
