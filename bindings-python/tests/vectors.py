"""Reading the language-neutral vector files under ``tests/vectors/``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def files(area: str) -> list[Path]:
    """Every ``*.json`` file under ``tests/vectors/<area>``, sorted."""
    return sorted((ROOT / area).rglob("*.json"))


def cases(area: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, case)`` for every case of every file of ``area``."""
    for path in files(area):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["about"], f"{path}: missing about"
        for case in data["cases"]:
            yield f"{path.relative_to(ROOT)}#{case['name']}", case


def lookup(value: Any, path: str) -> Any:
    """The value at a vector path such as ``a.b[0].c``; KeyError if absent."""
    for segment in path.split("."):
        key, *indexes = re.split(r"\[", segment)
        if key:
            value = value[key]
        for index in indexes:
            value = value[int(index.rstrip("]"))]
    return value
