"""Internal: JSON Schemas of the record and the draft, generated from the models.

``schemas/`` in the repository holds the committed copies; ``summarizer schema``
rewrites them and a test fails when they drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["SCHEMA_DIR", "check_schemas", "write_schemas"]

SCHEMA_DIR = Path("schemas")


def _schema_files() -> dict[str, type[BaseModel]]:
    """Each schema file's name and its model, imported only now: the command line names
    ``SCHEMA_DIR`` in its help, which must not wait for pydantic."""
    from .draft import Draft
    from .record import ArticleSummary

    return {"record.schema.json": ArticleSummary, "draft.schema.json": Draft}


def _schema_text(model: type[BaseModel]) -> str:
    """The model's JSON Schema as stable, readable text."""
    schema = model.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema file into ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in _schema_files().items():
        path = directory / name
        path.write_text(_schema_text(model), encoding="utf-8")
        written.append(path)
    return written


def check_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of the schema files in ``directory`` that are missing or differ from the models."""
    stale = []
    for name, model in _schema_files().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != _schema_text(model):
            stale.append(name)
    return stale
