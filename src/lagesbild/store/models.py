"""The data model (SQLAlchemy 2). Portable types only: it runs on SQLite and PostgreSQL alike.

Geometries are stored as WKB in SWEREF 99 TM (EPSG:3006), so areas and overlaps are in metres.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 2
LEVELS = ("deso", "regso", "kommun", "lan", "riket")
STATUSES = ("ok", "suppressed", "missing")
CATEGORIES = ("utsatt", "risk", "sarskilt")
CATEGORY_LABELS = {"utsatt": "Utsatt område", "risk": "Riskområde", "sarskilt": "Särskilt utsatt område"}
CATEGORY_LABELS_EN = {"utsatt": "Vulnerable area", "risk": "Risk area", "sarskilt": "Especially vulnerable area"}


def category_label(category: str | None, lang: str = "sv") -> str:
    if not category:
        return ""
    return (CATEGORY_LABELS_EN if lang == "en" else CATEGORY_LABELS).get(category, category)


class Base(DeclarativeBase):
    pass


class Source(Base):
    """Where data came from: publisher, what, licence, when it was retrieved."""

    __tablename__ = "source"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    publisher: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    licence: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(500))
    retrieved: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class Area(Base):
    """An area at one level. ``parent`` is the next level up (DeSO → RegSO → kommun → län → riket).

    Kommun and län rows exist for all of Sweden; ``n_deso`` says how many DeSOs the data holds for
    them and ``complete`` whether that is all of the area (aggregates say which areas they cover).
    """

    __tablename__ = "area"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    parent: Mapped[str | None] = mapped_column(String(16), index=True)
    kommun: Mapped[str | None] = mapped_column(String(4), index=True)
    lan: Mapped[str | None] = mapped_column(String(2), index=True)
    regso: Mapped[str | None] = mapped_column(String(16))
    police_region: Mapped[str | None] = mapped_column(String(40))
    population: Mapped[float | None] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    n_deso: Mapped[int] = mapped_column(Integer, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    coverage: Mapped[str | None] = mapped_column(Text)
    geometry: Mapped[bytes | None] = mapped_column(LargeBinary)


class Indicator(Base):
    __tablename__ = "indicator"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_sv: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(60))
    worse: Mapped[str | None] = mapped_column(String(8))  # "higher", "lower" or NULL: neither
    source: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    aggregation: Mapped[str] = mapped_column(String(12))
    grp: Mapped[str] = mapped_column(String(20))


class Observation(Base):
    """One value of one indicator for one area and period, in long form."""

    __tablename__ = "observation"
    __table_args__ = (UniqueConstraint("area", "indicator", "period", name="uq_observation"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    area: Mapped[str] = mapped_column(String(16), index=True)
    indicator: Mapped[str] = mapped_column(ForeignKey("indicator.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="ok")
    preliminary: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(ForeignKey("source.id"))
    retrieved: Mapped[date | None] = mapped_column(Date)
    n: Mapped[int | None] = mapped_column(Integer)  # areas or units behind an aggregate value


class Designation(Base):
    """One police-designated area on one list (list year)."""

    __tablename__ = "designation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(10))
    list_year: Mapped[int] = mapped_column(Integer, index=True)
    since: Mapped[date | None] = mapped_column(Date)
    ort: Mapped[str | None] = mapped_column(String(100))
    kommun: Mapped[str | None] = mapped_column(String(4), index=True)
    police_region: Mapped[str | None] = mapped_column(String(40))
    area_km2: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(ForeignKey("source.id"))
    geometry: Mapped[bytes] = mapped_column(LargeBinary)


class DesignationOverlap(Base):
    """The part of a DeSO inside one designated area (intersections under 1 ha are left out)."""

    __tablename__ = "designation_overlap"
    deso: Mapped[str] = mapped_column(String(16), primary_key=True)
    designation_id: Mapped[int] = mapped_column(ForeignKey("designation.id"), primary_key=True)
    area_m2: Mapped[float] = mapped_column(Float)
    share: Mapped[float] = mapped_column(Float)


class DesoDesignationShare(Base):
    """Per DeSO and list year: the share inside designated areas, by category and for any category."""

    __tablename__ = "deso_designation_share"
    deso: Mapped[str] = mapped_column(String(16), primary_key=True)
    list_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    share_any: Mapped[float] = mapped_column(Float)
    share_utsatt: Mapped[float] = mapped_column(Float, default=0.0)
    share_risk: Mapped[float] = mapped_column(Float, default=0.0)
    share_sarskilt: Mapped[float] = mapped_column(Float, default=0.0)
    category: Mapped[str | None] = mapped_column(String(10))


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated: Mapped[datetime | None] = mapped_column(DateTime)


# -- Data that is imported over time and survives a rebuild (see store.build.PERSISTENT_TABLES) --------


class PoliceEvent(Base):
    """One event from the Police's events API, stored once (by the Police's id) with its raw JSON.

    A selection published by the Police, not crime statistics; located only to a kommun or län.
    """

    __tablename__ = "police_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred: Mapped[datetime] = mapped_column(DateTime, index=True)  # local time as published
    type_raw: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(30), index=True)  # normalised, see sources.polisen_events
    name: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    location_name: Mapped[str] = mapped_column(String(100))
    kommun: Mapped[str | None] = mapped_column(String(4), index=True)
    lan: Mapped[str | None] = mapped_column(String(2), index=True)
    located_by: Mapped[str] = mapped_column(String(10))  # "location" (the API's field), "title" or "none"
    raw: Mapped[str] = mapped_column(Text)
    fetched: Mapped[datetime] = mapped_column(DateTime)


class IncidentImport(Base):
    """One loaded file of a kommun's local incident data (EST). Only counts are kept, never the rows."""

    __tablename__ = "incident_import"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset: Mapped[str] = mapped_column(String(100), unique=True)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    loaded: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    imported: Mapped[datetime] = mapped_column(DateTime)


class IncidentCount(Base):
    """Incidents per DeSO, category and ISO week (``2025-W07``) from one import."""

    __tablename__ = "incident_count"
    import_id: Mapped[int] = mapped_column(ForeignKey("incident_import.id", ondelete="CASCADE"), primary_key=True)
    deso: Mapped[str] = mapped_column(String(16), primary_key=True)
    category: Mapped[str] = mapped_column(String(100), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class DesoCrosswalk(Base):
    """DeSO 2018 → DeSO 2025: the share of an old area's counts that belongs to a new one.

    ``method`` is "scb" (SCB's correspondence table), "area" (area-weighted) or "population"
    (population-weighted interpolation); it is the provenance of every value moved through it.
    """

    __tablename__ = "deso_crosswalk"
    old: Mapped[str] = mapped_column(String(16), primary_key=True)
    new: Mapped[str] = mapped_column(String(16), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(12))
