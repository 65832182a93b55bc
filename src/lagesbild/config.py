"""Where things live: the database URL and the bundled data."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "LAGESBILD_DB"
BUNDLED_SNAPSHOT = Path(__file__).resolve().parent / "data" / "snapshot.zip"


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/lagesbild/lagesbild.sqlite`` (``~/.local/share/lagesbild/lagesbild.sqlite``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lagesbild" / "lagesbild.sqlite"


def resolve_db_url(db: str | None = None) -> str:
    """``--db`` wins, then ``LAGESBILD_DB``, then the default SQLite file.

    A bare path is taken as a SQLite file; anything with ``://`` is a SQLAlchemy URL.
    """
    value = db or os.environ.get(DB_ENV) or str(default_db_path())
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url[len(prefix):] not in ("", ":memory:"):
        return Path(url[len(prefix):])
    return None
