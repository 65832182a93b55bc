"""Read queries over the database, returned as pandas frames for the analysis and report layers.

All queries are plain SQLAlchemy Core selects, portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from sqlalchemy import ColumnElement, Engine, String, func, select

from lagesbild.errors import UnknownCodeError
from lagesbild.geo import codes
from lagesbild.geo.geometry import from_wkb
from lagesbild.store import models as m


@dataclass
class AreaInfo:
    code: str
    level: str
    name: str
    name_en: str | None
    parent: str | None
    kommun: str | None
    lan: str | None
    regso: str | None
    police_region: str | None
    population: float | None
    area_km2: float | None
    n_deso: int
    complete: bool
    coverage: str | None


def published_rows() -> ColumnElement[bool]:
    """Observations that are SCB's own figure for a RegSO, kommun or län (source ``scb_TAB…``), which
    replace lägesbild's aggregate of the DeSO values; select from Observation joined with Area."""
    o = m.Observation
    return (m.Area.level != "deso") & o.source.like("scb\\_%", escape="\\")


class Repository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _frame(self, stmt) -> pd.DataFrame:  # type: ignore[no-untyped-def]
        with self.engine.connect() as conn:
            return pd.read_sql(stmt, conn)

    # -- areas -----------------------------------------------------------------------------------
    @cached_property
    def _area_names(self) -> dict[str, dict[str, str]]:
        """level -> code -> name, for the levels that have data (kommun and län: only those with DeSOs)."""
        out: dict[str, dict[str, str]] = {}
        stmt = select(m.Area.code, m.Area.level, m.Area.name).where(m.Area.n_deso > 0)
        with self.engine.connect() as conn:
            for code, level, name in conn.execute(stmt):
                out.setdefault(level, {})[code] = name
        return out

    def resolve(self, value: str, level: str) -> str:
        """A valid code with data at ``level`` for a code or name; UnknownCodeError with suggestions."""
        candidates = self._area_names.get(level, {})
        code = codes.normalise(value)
        if code not in candidates and level in ("kommun", "lan"):
            # Known in Sweden but without data here: say so, and suggest areas that have data.
            with self.engine.connect() as conn:
                name = conn.execute(select(m.Area.name).where(m.Area.code == code, m.Area.level == level)).scalar()
            if name:
                raise UnknownCodeError(f"{name} ({code}) finns inte i datamängden (ingen DeSO-data)",
                                       codes.suggest(code, candidates))
        return codes.resolve(value, level, candidates)

    def area(self, code: str) -> AreaInfo:
        stmt = select(*[getattr(m.Area, f) for f in AreaInfo.__dataclass_fields__]).where(m.Area.code == code)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        if row is None:
            raise UnknownCodeError(f"området '{code}' finns inte")
        return AreaInfo(**row)

    def areas(self, level: str, kommun: str | None = None, lan: str | None = None,
              with_geometry: bool = False) -> pd.DataFrame:
        cols = [m.Area.code, m.Area.name, m.Area.parent, m.Area.kommun, m.Area.lan, m.Area.regso,
                m.Area.population, m.Area.area_km2, m.Area.n_deso, m.Area.complete, m.Area.coverage]
        if with_geometry:
            cols.append(m.Area.geometry)
        stmt = select(*cols).where(m.Area.level == level)
        if kommun:
            stmt = stmt.where(m.Area.kommun == kommun)
        if lan:
            stmt = stmt.where(m.Area.lan == lan)
        df = self._frame(stmt.order_by(m.Area.code))
        if with_geometry:
            df["geometry"] = [from_wkb(g) if g is not None else None for g in df["geometry"]]
        return df

    def police_regions(self) -> dict[str, str]:
        """län code -> police region."""
        stmt = select(m.Area.code, m.Area.police_region).where(m.Area.level == "lan")
        with self.engine.connect() as conn:
            return dict(conn.execute(stmt).all())

    # -- indicators and observations ----------------------------------------------------------------
    def indicators(self) -> pd.DataFrame:
        return self._frame(select(m.Indicator)).set_index("id")

    def latest_period(self, indicator: str, level: str = "deso") -> str | None:
        """The latest dated period of an indicator at a level (undated values only if nothing else)."""
        stmt = (select(m.Observation.period).join(m.Area, m.Area.code == m.Observation.area)
                .where(m.Observation.indicator == indicator, m.Area.level == level).distinct())
        with self.engine.connect() as conn:
            periods = [p for (p,) in conn.execute(stmt)]
        dated = sorted(p for p in periods if p[:4].isdigit())
        return dated[-1] if dated else (periods[0] if periods else None)

    def observations(self, areas: list[str], indicators: list[str],
                     periods: list[str] | None = None) -> pd.DataFrame:
        o = m.Observation
        stmt = select(o.area, o.indicator, o.period, o.value, o.status, o.preliminary, o.source, o.n).where(
            o.area.in_(areas), o.indicator.in_(indicators))
        if periods is not None:
            stmt = stmt.where(o.period.in_(periods))
        return self._frame(stmt.order_by(o.area, o.indicator, o.period))

    def latest_values(self, areas: list[str], indicators: list[str], level: str = "deso",
                      periods: dict[str, str | None] | None = None, obs: pd.DataFrame | None = None) -> tuple[
            pd.DataFrame, dict[str, str | None]]:
        """Wide frame (area × indicator) of each indicator's latest period at ``level``; and those periods.

        An area without a value in that period gets NaN (missing), never an older value. ``periods``
        (e.g. the DeSO periods, for the kommun values beside them) and ``obs`` (the areas' observations,
        when already read) save the queries.
        """
        periods = periods or {ind: self.latest_period(ind, level) for ind in indicators}
        obs = self.observations(areas, indicators) if obs is None else obs
        keep = obs[[periods.get(i) == p for i, p in zip(obs["indicator"], obs["period"], strict=True)]]
        wide = keep.pivot_table(index="area", columns="indicator", values="value", aggfunc="first")
        wide = wide.reindex(index=areas, columns=indicators)
        return wide, periods

    def published(self, areas: list[str], indicators: list[str]) -> set[tuple[str, str, str]]:
        """(area, indicator, period) where a RegSO, kommun or län value is SCB's own figure, not an aggregate."""
        o = m.Observation
        stmt = (select(o.area, o.indicator, o.period).join(m.Area, m.Area.code == o.area)
                .where(o.area.in_(areas), o.indicator.in_(indicators), published_rows()))
        with self.engine.connect() as conn:
            return {tuple(r) for r in conn.execute(stmt)}  # type: ignore[misc]

    # -- designations ------------------------------------------------------------------------------
    @cached_property
    def list_year(self) -> int:
        """The current designation list (the newest in the database); older lists are kept for history."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(m.Designation.list_year))).scalar_one() or 0)

    def designations(self, kommun: str | None = None, lan: str | None = None,
                     with_geometry: bool = False, list_year: int | None = None) -> pd.DataFrame:
        d = m.Designation
        cols = [d.id, d.name, d.category, d.list_year, d.since, d.ort, d.kommun, d.police_region, d.area_km2]
        if with_geometry:
            cols.append(d.geometry)
        stmt = select(*cols).where(d.list_year == (list_year or self.list_year))
        if kommun:
            stmt = stmt.where(d.kommun == kommun)
        if lan:
            stmt = stmt.where(func.substr(d.kommun, 1, 2) == lan)
        df = self._frame(stmt.order_by(d.category.desc(), d.name))
        if with_geometry:
            df["geometry"] = [from_wkb(g) for g in df["geometry"]]
        return df

    def deso_shares(self, deso_codes: list[str]) -> pd.DataFrame:
        """Per DeSO: share inside designated areas (any and by category), category, and the areas' names."""
        s = m.DesoDesignationShare
        shares = self._frame(select(s).where(s.deso.in_(deso_codes), s.list_year == self.list_year))
        ov = self._frame(select(m.DesignationOverlap.deso, m.DesignationOverlap.share, m.Designation.name)
                         .join(m.Designation, m.Designation.id == m.DesignationOverlap.designation_id)
                         .where(m.DesignationOverlap.deso.in_(deso_codes), m.Designation.list_year == self.list_year))
        names = ov.sort_values("share", ascending=False).groupby("deso")["name"].agg(lambda x: ", ".join(x))
        out = pd.DataFrame(index=pd.Index(deso_codes, name="deso"))
        out = out.join(shares.set_index("deso")[["share_any", "share_utsatt", "share_risk", "share_sarskilt",
                                                 "category"]])
        for c in ("share_any", "share_utsatt", "share_risk", "share_sarskilt"):
            out[c] = out[c].fillna(0.0)
        out["designation_names"] = names.reindex(out.index).fillna("")
        return out

    def designation_members(self, threshold: float = 0.25) -> dict[int, list[str]]:
        """designation id -> the DeSOs that lie at least ``threshold`` inside designated areas and overlap it."""
        s, o = m.DesoDesignationShare, m.DesignationOverlap
        stmt = (select(o.designation_id, o.deso).join(s, s.deso == o.deso)
                .join(m.Designation, m.Designation.id == o.designation_id)
                .where(s.share_any >= threshold, s.list_year == self.list_year,
                       m.Designation.list_year == self.list_year).order_by(o.designation_id, o.deso))
        out: dict[int, list[str]] = {}
        with self.engine.connect() as conn:
            for des_id, deso in conn.execute(stmt):
                out.setdefault(des_id, []).append(deso)
        return out

    # -- events ------------------------------------------------------------------------------------
    def events_version(self) -> str:
        """Changes whenever events are added (number and newest fetch time)."""
        e = m.PoliceEvent
        with self.engine.connect() as conn:
            n, last = conn.execute(select(func.count(), func.max(e.fetched))).one()
        return f"{n}|{last}"

    def event_counts(self, kommun: str | None = None, lan: str | None = None,
                     lan_only: bool = False) -> pd.DataFrame:
        """Police events per month ("2026-02") and normalised type, for a kommun or a län.

        ``lan_only``: the län's events that are not placed in any kommun.
        """
        e = m.PoliceEvent
        month = func.substr(func.cast(e.occurred, String), 1, 7)
        stmt = select(month.label("month"), e.type, func.count().label("n")).group_by(month, e.type)
        if kommun:
            stmt = stmt.where(e.kommun == kommun)
        if lan:
            stmt = stmt.where(e.lan == lan)
        if lan_only:
            stmt = stmt.where(e.kommun.is_(None))
        return self._frame(stmt.order_by(month, e.type))

    # -- local incidents (counts only) ---------------------------------------------------------------
    def incident_counts(self, kommun: str | None = None, lan: str | None = None, first_week: str | None = None,
                        last_week: str | None = None) -> pd.DataFrame:
        """Incidents per DeSO and category summed over the weeks in range, from every imported dataset."""
        c, a = m.IncidentCount, m.Area
        stmt = (select(c.deso, c.category, func.sum(c.count).label("count"), func.min(c.week).label("first_week"),
                       func.max(c.week).label("last_week"))
                .join(a, a.code == c.deso).group_by(c.deso, c.category))
        if kommun:
            stmt = stmt.where(a.kommun == kommun)
        if lan:
            stmt = stmt.where(a.lan == lan)
        if first_week:
            stmt = stmt.where(c.week >= first_week)
        if last_week:
            stmt = stmt.where(c.week <= last_week)
        return self._frame(stmt.order_by(c.deso, c.category))

    def meta(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(m.Meta.key, m.Meta.value)).all())

    def sources(self) -> pd.DataFrame:
        return self._frame(select(m.Source)).set_index("id")
