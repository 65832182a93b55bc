"""Engines and sessions, and the safe replacement of a database by a freshly built one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session

from lagesbild.config import resolve_db_url, sqlite_path
from lagesbild.errors import NoDatabaseError


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    return engine


def open_engine(db: str | None = None, must_exist: bool = True) -> Engine:
    url = resolve_db_url(db)
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise NoDatabaseError(f"no database at {path}; run `lagesbild data build` first")
    engine = make_engine(url)
    if must_exist and not inspect(engine).has_table("meta"):
        raise NoDatabaseError(f"the database {url} has no lägesbild schema; run `lagesbild data build`")
    if must_exist:
        from sqlalchemy import select

        from lagesbild.store import models as m

        with engine.connect() as conn:
            version = conn.execute(select(m.Meta.value).where(m.Meta.key == "schema_version")).scalar()
        if version != str(m.SCHEMA_VERSION):
            raise NoDatabaseError(f"the database {url} was built by another version of lägesbild (schema {version}, "
                                  f"this version reads {m.SCHEMA_VERSION}); run `lagesbild data build` or "
                                  "`lagesbild sync` (imported events and incident counts are kept)")
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, future=True) as session, session.begin():
        yield session


def replace_file_atomically(tmp: Path, final: Path) -> None:
    """Move a finished database file into place in one step (readers see the old or the new one)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
