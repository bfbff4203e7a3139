"""Saved SQL queries (conf/queries/*.sql) and their parameters.

A query file starts with comment lines: first what it shows, then one line per
parameter, ``-- param NAME: TYPE [= DEFAULT]  description``. TYPE is ``int``,
``string`` or ``run`` (a refine run id; default: the newest run). The SQL reads
only the views of query_views.py and writes a parameter as ``${NAME}`` (a string
one inside quotes) -- Spark's own variable syntax, so the same file runs in
``spark-sql`` after ``SET NAME=value;``. Values are checked against their type
before they are put in, so nothing but a number or a plain name reaches the SQL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources

from lakerefine.conf.identifiers import check_plain

PARAM_LINE = re.compile(r"^--\s*param\s+(\w+)\s*:\s*(int|string|run)\s*(?:=\s*(\S+))?\s*(.*)$")
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str                   # int | string | run
    default: str | None = None
    help: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    params: dict[str, Param] = field(default_factory=dict)
    sql: str = ""


def query_names() -> list[str]:
    folder = resources.files("lakerefine.conf") / "queries"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".sql"))


def load_query(name: str) -> SavedQuery:
    if not re.fullmatch(r"\w+", name) or name not in query_names():
        raise ValueError(f"no saved query {name!r}; saved queries: {', '.join(query_names())}")
    return parse_query(name, (resources.files("lakerefine.conf") / "queries" / f"{name}.sql").read_text("utf-8"))


def parse_query(name: str, text: str) -> SavedQuery:
    description, params = [], {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = PARAM_LINE.match(line)
        if match:
            pname, ptype, default, help_text = match.groups()
            params[pname] = Param(pname, ptype, default, help_text.strip())
        elif not params:
            description.append(line.lstrip("- ").strip())
    undeclared = set(PLACEHOLDER.findall(text)) - set(params)
    if undeclared:
        raise ValueError(f"query {name}: ${{{sorted(undeclared)[0]}}} is not declared as a param")
    return SavedQuery(name, " ".join(d for d in description if d), params, text)


def check_value(param: Param, value: str) -> str:
    """The value as it goes into SQL; ValueError names the param when it does not fit its type."""
    if param.type == "int":
        try:
            return str(int(value))
        except ValueError:
            raise ValueError(f"--param {param.name}: expected an integer, got {value!r}") from None
    return check_plain(param.name, value)


def check_given(query: SavedQuery, given: dict[str, str]) -> dict[str, str]:
    """Checked values of the given params; ValueError for an unknown, missing or ill-typed one."""
    unknown = set(given) - set(query.params)
    if unknown:
        raise ValueError(f"query {query.name} has no param {sorted(unknown)[0]!r} "
                         f"(params: {', '.join(query.params) or 'none'})")
    missing = [p.name for p in query.params.values() if p.name not in given and p.type != "run"
               and p.default is None]
    if missing:
        raise ValueError(f"query {query.name} needs --param {missing[0]}=...")
    return {name: check_value(query.params[name], value) for name, value in given.items()}


def bind(query: SavedQuery, values: dict[str, str]) -> str:
    """The query's SQL with every ``${name}`` replaced by its checked value (all params given)."""
    checked = check_given(query, values)
    absent = [name for name in query.params if name not in checked]
    if absent:
        raise ValueError(f"query {query.name} needs --param {absent[0]}=...")
    return PLACEHOLDER.sub(lambda m: checked[m.group(1)], query.sql)


def parse_param_args(items: list[str]) -> dict[str, str]:
    """``["run_id=x", "limit=5"]`` -> {"run_id": "x", "limit": "5"}."""
    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--param {item!r}: expected name=value")
        values[key.strip()] = value.strip()
    return values
