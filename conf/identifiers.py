"""Table names that are safe to place in SQL.

Nothing read from config or the command line is pasted raw into SQL: a table is
either a path (quoted as a Delta path literal) or a catalog name whose every part
is a plain identifier.
"""
from __future__ import annotations

import re

_PART = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_PLAIN = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,200}$")


def is_path(table: str) -> bool:
    """A table given as a storage location rather than a catalog name."""
    return "/" in table or "\\" in table or table.startswith(".") or "://" in table or ":" in table


def check_table_name(table: str) -> str:
    """Return ``table`` if it is a valid path or ``[catalog.][schema.]name``; raise ValueError if not."""
    if not isinstance(table, str) or not table.strip():
        raise ValueError("a table must be a non-empty path or catalog name")
    if is_path(table):
        if any(ch in table for ch in "`\n\r\0"):
            raise ValueError(f"table path {table!r} contains a backquote, newline or NUL")
        return table
    parts = table.split(".")
    if len(parts) > 3 or not all(_PART.match(p) for p in parts):
        raise ValueError(
            f"table name {table!r} is not a path nor [catalog.][schema.]name of plain identifiers "
            "(letters, digits, underscore)")
    return table


def check_column_name(column: str) -> str:
    if not _PART.match(column or ""):
        raise ValueError(f"column name {column!r} must be a plain identifier (letters, digits, underscore)")
    return column


def check_plain(name: str, value: str) -> str:
    """A string value safe inside SQL quotes (a run id, a query parameter): letters, digits and
    ``_ . : @ + -`` only; ValueError names ``name``."""
    if not _PLAIN.match(value):
        raise ValueError(f"{name}: {value!r} must be letters, digits and _ . : @ + - only")
    return value
