"""Load a YAML config (plus ``--set key=value`` overrides) into ``Settings``."""
from __future__ import annotations

import typing
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from lakerefine.conf.settings import Settings


class ConfigError(ValueError):
    """Bad configuration: raised before any Spark work, naming the key."""


def config_path(name_or_path: str) -> Path | Traversable:
    """``local`` / ``databricks`` / ``emr`` name a packaged config; anything else is a file path."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.exists():
            raise ConfigError(f"config file {name_or_path!r} does not exist")
        return candidate
    packaged = resources.files("lakerefine.conf") / f"{name_or_path}.yaml"   # also inside a zip bundle
    if not packaged.is_file():
        raise ConfigError(f"no packaged config named {name_or_path!r} (try local, databricks, emr or a .yaml path)")
    return packaged


def load_settings(name_or_path: str = "local", overrides: Iterable[str] = (),
                  values: dict[str, Any] | None = None) -> Settings:
    """The config file, then ``--set key=value`` overrides (YAML values), then ``values`` (typed
    values by dotted key: a job's own flags), validated together."""
    path = config_path(name_or_path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    for item in overrides:
        _apply_override(data, item)
    for key, value in (values or {}).items():
        _place(data, key, value, f"{key}={value!r}")
    return validate_settings(data, source=str(path))


def validate_settings(data: dict[str, Any], source: str = "config") -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        raise ConfigError(f"{source}: " + "; ".join(_describe(e) for e in err.errors())) from None


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    if error["type"] == "missing":
        return f"missing required key '{key}'"
    return f"'{key}': {error['msg']} (got {error.get('input')!r})"


def _apply_override(data: dict[str, Any], item: str) -> None:
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {item!r}: expected key=value, e.g. refine.backend=hf")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as err:
        raise ConfigError(f"--set {item!r}: value is not valid YAML: {err}") from err
    _place(data, key.strip(), value, item)


def _place(data: dict[str, Any], key: str, value: Any, item: str) -> None:
    *parents, leaf = _split_key(key)
    node = data
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"--set {item!r}: '{part}' is not a section")
        node = child
    node[leaf] = value


def _split_key(key: str) -> list[str]:
    """Split on dots, except inside a free-form mapping: spark.conf.spark.ui.enabled ->
    ["spark", "conf", "spark.ui.enabled"]."""
    parts, model = key.split("."), Settings
    for i, part in enumerate(parts):
        field = model.model_fields.get(part) if model else None
        if field is None:
            return parts
        annotation = field.annotation
        if typing.get_origin(annotation) is dict and i + 1 < len(parts):
            return parts[: i + 1] + [".".join(parts[i + 1:])]
        model = next((a for a in (annotation, *typing.get_args(annotation))
                      if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return parts
