"""Fitted models and computed results kept on disk until the data or the settings change."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

import joblib

T = TypeVar("T")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lagesbild" / "models"


def load(path: Path, kind: type[T]) -> T | None:
    """The cached object, or None when there is none or it is broken or of another kind (never trusted)."""
    if not path.exists():
        return None
    try:
        obj: Any = joblib.load(path)
    except Exception:  # noqa: BLE001 - a broken cache file is recomputed
        return None
    return obj if isinstance(obj, kind) else None


def save(path: Path, obj: object) -> None:
    """Write atomically: a temporary file, then one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(obj, tmp)
    os.replace(tmp, path)
