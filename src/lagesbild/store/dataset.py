"""A database read back as a :class:`~lagesbild.store.build.Dataset`.

An import of one source (SCB, the Police's areas, Brå) replaces that source's part of the dataset
and rebuilds the database from it with ``build_dataset``: aggregates, overlaps and coverage are
then computed by the one code path that builds every database, and the rebuild is atomic.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
from sqlalchemy import inspect, select

from lagesbild.config import sqlite_path
from lagesbild.errors import NoDatabaseError
from lagesbild.geo.geometry import from_wkb
from lagesbild.indicators.registry import CRIME_INDICATORS, crime_group_of
from lagesbild.sources.snapshot import CrimeRecord, DesignationRecord, DesoRecord
from lagesbild.store import models as m
from lagesbild.store.build import AGGREGATE_SOURCE, Dataset
from lagesbild.store.db import make_engine
from lagesbild.store.queries import published_rows


def has_database(url: str) -> bool:
    """Whether ``url`` holds a lägesbild database (a missing SQLite file is not created)."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return False
    engine = make_engine(url)
    try:
        return inspect(engine).has_table("meta")
    finally:
        engine.dispose()


def _designations(conn: Any, where: Any = None) -> list[DesignationRecord]:
    d = m.Designation
    stmt = select(d).order_by(d.list_year, d.id)
    if where is not None:
        stmt = stmt.where(where)
    return [DesignationRecord(r.name, r.category, r.ort or "", r.police_region or "", r.since, None, r.list_year,
                              shape=from_wkb(r.geometry), source=r.source)
            for r in conn.execute(stmt)]


def older_designation_lists(url: str, exclude_years: set[int]) -> list[DesignationRecord]:
    """The designation lists of other years in the database at ``url`` (none if there is none)."""
    if not has_database(url):
        return []
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return _designations(conn, m.Designation.list_year.not_in(exclude_years) if exclude_years else None)
    finally:
        engine.dispose()


def require_database(url: str) -> None:
    if not has_database(url):
        raise NoDatabaseError(f"no lägesbild database at {url}; run `lagesbild data build` (the embedded data) "
                              "or `lagesbild sync --kommun K` (the live sources) first")


def load_database(url: str) -> Dataset:
    """The dataset a database was built from (DeSO values, areas, designations, crime, sources)."""
    require_database(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            meta = dict(conn.execute(select(m.Meta.key, m.Meta.value)).all())
            areas = pd.read_sql(select(m.Area.code, m.Area.level, m.Area.name, m.Area.name_en, m.Area.kommun,
                                       m.Area.lan, m.Area.regso, m.Area.police_region, m.Area.geometry), conn)
            o = m.Observation
            deso_codes = areas.loc[areas["level"] == "deso", "code"]
            obs = pd.read_sql(select(o.area, o.indicator, o.period, o.value, o.n, o.source)
                              .join(m.Area, m.Area.code == o.area)
                              .where(m.Area.level == "deso", o.value.is_not(None)), conn)
            published = pd.read_sql(select(o.area, o.indicator, o.period, o.value, o.source)
                                    .join(m.Area, m.Area.code == o.area)
                                    .where(published_rows(), o.value.is_not(None)), conn)
            crime = pd.read_sql(select(o.area, o.indicator, o.period, o.value, o.preliminary, o.source, o.status)
                                .where(o.indicator.in_([i.id for i in CRIME_INDICATORS]),
                                       o.source != AGGREGATE_SOURCE), conn)
            sources = [dict(r._mapping) for r in conn.execute(select(m.Source.__table__))]
            designations = _designations(conn)
    finally:
        engine.dispose()

    lan = {r.code: (r.name, r.name_en or r.name, r.police_region or "")
           for r in areas[areas["level"] == "lan"].itertuples()}
    kommuner = {r.code: (r.name, r.lan) for r in areas[areas["level"] == "kommun"].itertuples()}
    values: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    value_sources: dict[str, dict[str, str]] = defaultdict(dict)
    for r in obs.itertuples(index=False):
        values[r.area].setdefault(r.indicator, {})[r.period] = float(r.value)
        value_sources[r.area][f"{r.indicator}|{r.period}"] = r.source
        if not pd.isna(r.n):
            counts[r.area][r.indicator] = int(r.n)
    deso = []
    for r in areas[areas["code"].isin(deso_codes)].itertuples():
        deso.append(DesoRecord(r.code, r.kommun, r.regso, r.lan, [], values=values.get(r.code, {}),
                               counts=counts.get(r.code, {}), source_file=url, geometry=from_wkb(r.geometry),
                               value_sources=value_sources.get(r.code, {})))
    return Dataset(lan=lan, kommuner=kommuner, deso=deso, designations=designations,
                   crime=crime_records(crime), sources=sources, location=meta.get("source", url), fingerprint="",
                   retrieved=None, published={(r.area, r.indicator, r.period): (float(r.value), r.source)
                                              for r in published.itertuples(index=False)})


def crime_records(obs: pd.DataFrame) -> list[CrimeRecord]:
    """Crime observations (count and rate rows) back to one record per kommun, period and group."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in obs.itertuples(index=False):
        group, rate = crime_group_of(r.indicator)
        rec = out.setdefault((r.area, r.period, group), dict(count=None, per100k=None, prel=False, source=r.source))
        rec["prel"] = rec["prel"] or bool(r.preliminary)
        if rate:
            rec["per100k"] = None if r.status != "ok" or pd.isna(r.value) else float(r.value)
        else:
            rec["count"] = int(r.value)
    return [CrimeRecord(k, p, g, rec["count"], rec["per100k"], rec["prel"], rec["source"])
            for (k, p, g), rec in sorted(out.items()) if rec["count"] is not None]
