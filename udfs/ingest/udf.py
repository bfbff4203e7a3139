"""The ingest checks Spark runs: raw lines in, checked records out (and .zst files into lines)."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pyspark.sql.types import StructType

from lakerefine.udfs.ingest.records import NOT_UTF8, Checked, encodable
from lakerefine.udfs.lake.batch_udf import BatchFn, map_batches


def check_lines_udf(check: Callable[[str], Checked], schema: StructType, value_column: str, limit: int) -> BatchFn:
    """Lines (source_file, block_start, seq, line, utf8) -> checked rows of ``schema``: where each came
    from, the record cut to ``limit`` characters, its id, its value (only when accepted), its other
    fields, why it is quarantined (null: accepted) and where its id came from. A line whose bytes
    were not UTF-8 (``utf8`` false) or whose record holds a lone surrogate is quarantined."""

    def checked_rows(_: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            checked = encodable(check(row["line"])) if row["utf8"] else NOT_UTF8
            out.append({"source_file": row["source_file"], "block_start": row["block_start"], "seq": row["seq"],
                        "record": row["line"][:limit], "doc_id": checked.id,
                        value_column: checked.value if checked.reason is None else None,
                        "extras_json": checked.extras_json, "reason": checked.reason, "detail": checked.detail,
                        "id_source": checked.id_source})
        return out

    return map_batches(checked_rows, schema)


def zst_lines_udf(schema: StructType) -> BatchFn:
    """Files (path, content) compressed with zstd -> their lines (source_file, line, utf8): a line
    that is not UTF-8 has ``utf8`` false and its bad bytes as U+FFFD."""

    def lines(_: Any, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import zstandard

        out = []
        for file in files:
            reader = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(io.BytesIO(file["content"])))
            for raw in reader:
                line, utf8 = decode_line(raw.rstrip(b"\n"))
                out.append({"source_file": file["path"], "line": line, "utf8": utf8})
        return out

    return map_batches(lines, schema)


def decode_line(raw: bytes) -> tuple[str, bool]:
    """(the line as text, whether its bytes were UTF-8); bad bytes become U+FFFD."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), False
