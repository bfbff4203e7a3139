"""The ingest checks Spark runs: raw lines in, checked records out (and .zst files into lines)."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pyspark.sql.types import StructType

from lakerefine.udfs.ingest.records import Checked
from lakerefine.udfs.lake.batch_udf import BatchFn, map_batches


def check_lines_udf(check: Callable[[str], Checked], schema: StructType, value_column: str, limit: int) -> BatchFn:
    """Lines (source_file, block_start, seq, line) -> checked rows of ``schema``: where each came
    from, the record cut to ``limit`` characters, its id, its value (only when accepted), its other
    fields, why it is quarantined (null: accepted) and where its id came from."""

    def checked_rows(_: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            checked = check(row["line"])
            out.append({"source_file": row["source_file"], "block_start": row["block_start"], "seq": row["seq"],
                        "record": row["line"][:limit], "doc_id": checked.id,
                        value_column: checked.value if checked.reason is None else None,
                        "extras_json": checked.extras_json, "reason": checked.reason, "detail": checked.detail,
                        "id_source": checked.id_source})
        return out

    return map_batches(checked_rows, schema)


def zst_lines_udf(schema: StructType) -> BatchFn:
    """Files (path, content) compressed with zstd -> their lines (source_file, line)."""

    def lines(_: Any, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import zstandard

        out = []
        for file in files:
            reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(file["content"]))
            text = io.TextIOWrapper(reader, encoding="utf-8", errors="replace", newline="\n")
            out += [{"source_file": file["path"], "line": line.rstrip("\n")} for line in text]
        return out

    return map_batches(lines, schema)
