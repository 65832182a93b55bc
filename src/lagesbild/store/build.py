"""``lagesbild data build``: a complete database from a snapshot, or nothing.

Everything is read and validated first (sources.snapshot), then computed (geometries, overlaps,
aggregates), then written in one go: a SQLite file is built beside the target and moved into place
with one rename; any other database gets the whole rebuild in one transaction. A failure at any step
leaves the previous database as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from sqlalchemy import Connection, insert, inspect, select

from lagesbild import __version__
from lagesbild.config import BUNDLED_SNAPSHOT, resolve_db_url, sqlite_path
from lagesbild.errors import SourceDataError
from lagesbild.geo.codes import place_key
from lagesbild.geo.geometry import geojson_to_geometry, rings_latlon_to_geometry, to_wkb
from lagesbild.geo.overlay import CATEGORY_ORDER, overlaps
from lagesbild.indicators.aggregate import aggregate
from lagesbild.indicators.registry import ALL_INDICATORS, BY_ID, DESO_INDICATORS, OTHER_INDICATORS, crime_indicator_id
from lagesbild.sources.snapshot import CrimeRecord, DesignationRecord, DesoRecord, Snapshot
from lagesbild.store import models as m
from lagesbild.store.db import make_engine, replace_file_atomically

# Tables filled by imports over time (events, incidents, crosswalk): a rebuild copies them
# from the database it replaces instead of starting them empty.
PERSISTENT_TABLES = (m.PoliceEvent, m.IncidentImport, m.IncidentCount, m.DesoCrosswalk)

Progress = Callable[[str, int, int], None]
RIKET = "00"
AGGREGATE_SOURCE = "lagesbild_aggregat"


@dataclass
class BuildSummary:
    database: str
    source: str
    fingerprint: str
    counts: dict[str, int] = field(default_factory=dict)


def _noop(_task: str, _done: int, _total: int) -> None:
    pass


# Places the Police name as "ort" that are not kommun names.
ORT_ALIASES = {"västra frölunda": "göteborg"}


def _retrieved(snapshot: Snapshot) -> date | None:
    try:
        text = snapshot.read_bytes("README.md").decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the README is optional provenance
        return None
    match = re.search(r"Copied on (\d{4}-\d{2}-\d{2})", text)
    return date.fromisoformat(match.group(1)) if match else None


def _sources(retrieved: date | None) -> list[dict[str, Any]]:
    return [
        dict(id="scb", publisher="SCB", title="Statistik på DeSO-nivå (befolkning, inkomst, sysselsättning, "
             "utbildning, boende) och DeSO-gränser 2025", licence="CC0", url="https://www.scb.se",
             retrieved=retrieved, note="Via datamängden i shared/data (am-dashboard-se)."),
        dict(id="skola", publisher="Skolverket, Skolinspektionen", title="Skolresultat åk 9 och Skolenkäten",
             licence=None, url=None, retrieved=retrieved, note="Period anges inte i källfilen."),
        dict(id="klimat", publisher="MCF, SMHI, SGU", title="Översvämning, kust, havsnivå och skred",
             licence=None, url=None, retrieved=retrieved, note="Period anges inte i källfilen."),
        dict(id="polisen_uso", publisher="Polismyndigheten", title="Utsatta och särskilt utsatta områden",
             licence=None, url="https://polisen.se", retrieved=retrieved, note=None),
        dict(id="bra", publisher="Brå", title="Anmälda brott per kommun", licence=None, url="https://bra.se",
             retrieved=retrieved, note="Per 100 000 invånare enligt källan."),
        dict(id=AGGREGATE_SOURCE, publisher="lägesbild", title="Aggregat av DeSO-värden (befolkningsviktade)",
             licence=None, url=None, retrieved=None,
             note="Beräknat av lägesbild ur DeSO-värdena; n anger hur många DeSO eller kommuner som ingår."),
    ]


def _with_aggregate_source(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if any(s["id"] == AGGREGATE_SOURCE for s in sources):
        return sources
    return sources + [s for s in _sources(None) if s["id"] == AGGREGATE_SOURCE]


def _source_for(indicator_id: str) -> str:
    ind = BY_ID[indicator_id]
    if ind.group == "skola":
        return "skola"
    if ind.group == "klimat":
        return "klimat"
    return "scb"


def _designation_kommun(d: DesignationRecord, overlap_by_kommun: dict[str, float],
                        kommun_by_name: dict[str, str]) -> str | None:
    if overlap_by_kommun:
        return max(overlap_by_kommun, key=lambda k: overlap_by_kommun[k])
    name = place_key(d.ort)
    return kommun_by_name.get(ORT_ALIASES.get(name, name))


@dataclass
class Dataset:
    """Everything a database is built from, read and validated: from a snapshot, live sources or a database."""

    lan: dict[str, tuple[str, str, str]]  # code -> (name, English name, police region)
    kommuner: dict[str, tuple[str, str]]  # code -> (name, län code)
    deso: list[DesoRecord]
    designations: list[DesignationRecord]  # every list version; the newest is the current one
    crime: list[CrimeRecord]
    sources: list[dict[str, Any]]
    location: str
    fingerprint: str = ""
    retrieved: date | None = None
    # Values SCB publishes for RegSO, kommun or län themselves: (area, indicator, period) -> (value, source).
    # They replace lägesbild's population-weighted aggregate of the DeSO values for that key.
    published: dict[tuple[str, str, str], tuple[float, str]] = field(default_factory=dict)

    def content_fingerprint(self) -> str:
        """A hash of the content (for data that does not come from a snapshot file)."""
        h = hashlib.sha256()
        for r in sorted(self.deso, key=lambda r: r.code):
            h.update(r.code.encode())
            h.update(json.dumps(r.values, sort_keys=True).encode())
            h.update(to_wkb(_deso_geometry(r)))
        for d in self.designations:
            h.update(f"{d.name}|{d.category}|{d.list_year}|{d.since}".encode())
        for c in self.crime:
            h.update(f"{c.kommun}|{c.period}|{c.group}|{c.count}|{c.per100k}".encode())
        return h.hexdigest()[:16]


def _deso_geometry(r: DesoRecord) -> Any:
    return r.geometry if r.geometry is not None else rings_latlon_to_geometry(r.rings)


def load_snapshot(source: Path | None = None, progress: Progress = _noop) -> Dataset:
    snapshot = Snapshot(source or BUNDLED_SNAPSHOT)
    retrieved = _retrieved(snapshot)
    lan, kommuner = snapshot.lan(), snapshot.kommuner()  # the reference first: DeSO files are checked against it
    files = snapshot.deso_files()
    if not files:
        raise SourceDataError(snapshot.label("deso/"), "no DeSO files")
    deso: list[DesoRecord] = []
    for i, name in enumerate(files):
        progress("Läser DeSO-filer", i, len(files))
        deso.extend(snapshot.deso_records(name))
    progress("Läser DeSO-filer", len(files), len(files))
    crime = snapshot.crime("bra/bra_crime_selected.csv")
    crime_q = snapshot.crime("bra/bra_crime_quarterly.csv") if snapshot.names("bra", "quarterly.csv") else []
    return Dataset(lan=lan, kommuner=kommuner, deso=deso,
                   designations=snapshot.designations(), crime=crime + crime_q, sources=_sources(retrieved),
                   location=str(snapshot.location), fingerprint=snapshot.fingerprint(), retrieved=retrieved)


def build(source: Path | None = None, db: str | None = None, progress: Progress = _noop) -> BuildSummary:
    """A database from a snapshot (the bundled one by default).

    Designation lists of other years already in the database are kept, as are the imported tables
    that a snapshot does not hold (events, incidents, crosswalk; see PERSISTENT_TABLES).
    """
    dataset = load_snapshot(source, progress)
    from lagesbild.store.dataset import older_designation_lists

    dataset.designations += older_designation_lists(resolve_db_url(db), {d.list_year for d in dataset.designations})
    return build_dataset(dataset, db, progress)


def build_dataset(ds: Dataset, db: str | None = None, progress: Progress = _noop) -> BuildSummary:
    url = resolve_db_url(db)
    retrieved = ds.retrieved
    lan, kommuner, deso, designations = ds.lan, ds.kommuner, ds.deso, ds.designations
    if not deso:
        raise SourceDataError(ds.location, "no DeSO areas")
    if not designations:
        raise SourceDataError(ds.location, "no designated areas")
    fingerprint = ds.fingerprint or ds.content_fingerprint()
    retrieved_by_source = {s["id"]: s.get("retrieved") for s in ds.sources}

    # 2. Geometry in SWEREF 99 TM.
    geoms: dict[str, Any] = {}
    for i, rec in enumerate(deso):
        if i % 100 == 0:
            progress("Projicerar gränser", i, len(deso))
        if rec.code in geoms:
            raise SourceDataError(rec.source_file, "DeSO code appears twice", rec.code)
        geoms[rec.code] = _deso_geometry(rec)
    progress("Projicerar gränser", len(deso), len(deso))
    des_geoms = [d.shape if d.shape is not None else geojson_to_geometry(d.geometry) for d in designations]
    list_years = sorted({d.list_year for d in designations})
    pairs, shares = [], []  # per list version: pairs carry the index into ``designations``
    for year in list_years:
        idx = [j for j, d in enumerate(designations) if d.list_year == year]
        p, sh = overlaps(geoms, [(designations[j].category, des_geoms[j]) for j in idx])
        pairs += [replace(x, designation=idx[x.designation]) for x in p]
        shares += [(year, x) for x in sh]
    progress("Beräknar överlapp", 1, 1)

    # 3. Areas.
    pop_latest = {r.code: r.values["pop"][max(r.values["pop"])] for r in deso}
    by_kommun: dict[str, list[DesoRecord]] = {}
    for r in deso:
        if r.kommun not in kommuner:
                raise SourceDataError(r.source_file, f"kommun {r.kommun} is not in reference/kommuner.csv", r.code)
        by_kommun.setdefault(r.kommun, []).append(r)
    areas: list[dict[str, Any]] = []
    for r in deso:
        g = geoms[r.code]
        areas.append(dict(code=r.code, level="deso", name=r.code, name_en=r.code, parent=r.regso,
                          kommun=r.kommun, lan=r.lan, regso=r.regso, police_region=lan[r.lan][2],
                          population=pop_latest[r.code], area_km2=g.area / 1e6, n_deso=1, complete=True,
                          coverage=None, geometry=to_wkb(g)))
    regso: dict[str, list[DesoRecord]] = {}
    for r in deso:
        regso.setdefault(r.regso, []).append(r)
    for code, members in sorted(regso.items()):
        g = shapely.union_all([geoms[r.code] for r in members])
        k = members[0].kommun
        areas.append(dict(code=code, level="regso", name=code, name_en=code, parent=k, kommun=k,
                          lan=members[0].lan, regso=None, police_region=lan[members[0].lan][2],
                          population=sum(pop_latest[r.code] for r in members), area_km2=g.area / 1e6,
                          n_deso=len(members), complete=True, coverage=f"{len(members)} DeSO", geometry=to_wkb(g)))
    progress("Bygger områden", 1, 3)
    for code, (kname, lcode) in sorted(kommuner.items()):
        members = by_kommun.get(code, [])
        g = shapely.union_all([geoms[r.code] for r in members]) if members else None
        areas.append(dict(code=code, level="kommun", name=kname, name_en=kname, parent=lcode, kommun=code,
                          lan=lcode, regso=None, police_region=lan[lcode][2],
                          population=sum(pop_latest[r.code] for r in members) if members else None,
                          area_km2=g.area / 1e6 if g is not None else None, n_deso=len(members),
                          complete=bool(members),
                          coverage=f"alla {len(members)} DeSO i kommunen" if members else "ingen DeSO-data",
                          geometry=to_wkb(g) if g is not None else None))
    progress("Bygger områden", 2, 3)
    for lcode, (lname, lname_en, region) in sorted(lan.items()):
        in_lan = [k for k, (_, lc) in kommuner.items() if lc == lcode]
        covered = [k for k in in_lan if k in by_kommun]
        members = [r for k in covered for r in by_kommun[k]]
        g = shapely.union_all([geoms[r.code] for r in members]) if members else None
        complete = bool(in_lan) and len(covered) == len(in_lan)
        coverage = (f"alla {len(in_lan)} kommuner i länet" if complete
                    else f"DeSO i {len(covered)} av länets {len(in_lan)} kommuner" if covered else "ingen DeSO-data")
        areas.append(dict(code=lcode, level="lan", name=lname, name_en=lname_en, parent=RIKET, kommun=None,
                          lan=lcode, regso=None, police_region=region,
                          population=sum(pop_latest[r.code] for r in members) if members else None,
                          area_km2=g.area / 1e6 if g is not None else None, n_deso=len(members),
                          complete=complete, coverage=coverage, geometry=to_wkb(g) if g is not None else None))
    complete_all = len(by_kommun) == len(kommuner)
    areas.append(dict(code=RIKET, level="riket", name="Riket" if complete_all else "Alla DeSO i datamängden",
                      name_en="Sweden" if complete_all else "All DeSO areas in the dataset", parent=None,
                      kommun=None, lan=None, regso=None, police_region=None,
                      population=sum(pop_latest.values()), area_km2=None, n_deso=len(deso), complete=complete_all,
                      coverage=f"{len(deso)} DeSO i {len(by_kommun)} av {len(kommuner)} kommuner", geometry=None))
    progress("Bygger områden", 3, 3)

    # 4. Observations: DeSO values, then aggregates to RegSO, kommun, län and the whole dataset.
    observations: list[dict[str, Any]] = []
    long_rows = []
    for r in deso:
        for ind, series in r.values.items():
            for period, value in series.items():
                long_rows.append((r.code, ind, period, value, r.counts.get(ind)))
    long = pd.DataFrame(long_rows, columns=["area", "indicator", "period", "value", "n"])
    # indicator -> source, or "indicator|period" -> source where one period came from elsewhere (crosswalk)
    overrides = {r.code: r.value_sources for r in deso if r.value_sources}
    for row in long.itertuples(index=False):
        vs = overrides.get(row.area, {})
        src = vs.get(f"{row.indicator}|{row.period}") or vs.get(row.indicator) or _source_for(row.indicator)
        observations.append(dict(area=row.area, indicator=row.indicator, period=row.period, value=row.value,
                                 status="ok", preliminary=False, source=src,
                                 retrieved=retrieved_by_source.get(src), n=None if pd.isna(row.n) else int(row.n)))
    weights = pd.Series(pop_latest)
    parents = {
        "regso": pd.Series({r.code: r.regso for r in deso}),
        "kommun": pd.Series({r.code: r.kommun for r in deso}),
        "lan": pd.Series({r.code: r.lan for r in deso}),
        "riket": pd.Series({r.code: RIKET for r in deso}),
    }
    for ind in DESO_INDICATORS + OTHER_INDICATORS:
        values = long[long["indicator"] == ind.id]
        for parent in parents.values():
            agg = aggregate(values, weights, parent, ind)
            for row in agg.itertuples(index=False):
                observations.append(dict(area=row.area, indicator=ind.id, period=row.period, value=row.value,
                                         status="ok", preliminary=False, source=AGGREGATE_SOURCE,
                                         retrieved=None, n=int(row.n)))
    if ds.published:
        known = {a["code"] for a in areas}
        observations = [o for o in observations if (o["area"], o["indicator"], o["period"]) not in ds.published]
        observations.extend(dict(area=a, indicator=i, period=p, value=v, status="ok", preliminary=False, source=src,
                                 retrieved=retrieved_by_source.get(src), n=None)
                            for (a, i, p), (v, src) in sorted(ds.published.items()) if a in known)
    progress("Aggregerar indikatorer", 1, 1)
    observations.extend(_crime_observations(ds.crime, kommuner, retrieved_by_source))
    progress("Brottsstatistik", 1, 1)

    # 5. Designations and overlaps.
    kommun_by_name = {place_key(n): c for c, (n, _) in kommuner.items()}
    deso_kommun = {r.code: r.kommun for r in deso}
    des_rows = []
    for j, (d, g) in enumerate(zip(designations, des_geoms, strict=True)):
        per_kommun: dict[str, float] = {}
        for p in pairs:
            if p.designation == j:
                per_kommun[deso_kommun[p.deso]] = per_kommun.get(deso_kommun[p.deso], 0.0) + p.area_m2
        des_rows.append(dict(id=j + 1, name=d.name, category=d.category, list_year=d.list_year, since=d.since,
                             ort=d.ort, kommun=_designation_kommun(d, per_kommun, kommun_by_name),
                             police_region=d.police_region, area_km2=g.area / 1e6, source=d.source,
                             geometry=to_wkb(g)))
    overlap_rows = [dict(deso=p.deso, designation_id=p.designation + 1, area_m2=p.area_m2, share=p.share)
                    for p in pairs]
    list_year = list_years[-1]
    share_rows = [dict(deso=s.deso, list_year=year, share_any=s.share_any,
                       **{f"share_{c}": s.share_by_category.get(c, 0.0) for c in CATEGORY_ORDER},
                       category=s.category) for year, s in shares]

    meta = {"schema_version": str(m.SCHEMA_VERSION), "lagesbild_version": __version__,
            "source": ds.location, "fingerprint": fingerprint,
            "retrieved": retrieved.isoformat() if retrieved else "",
            "designation_list_year": str(list_year),
            "designation_list_years": ",".join(str(y) for y in list_years)}
    now = datetime.now(UTC).replace(tzinfo=None)
    meta_rows = [dict(key=k, value=v, updated=now) for k, v in meta.items()]
    indicator_rows = [dict(id=i.id, label_sv=i.label_sv, label_en=i.label_en, unit=i.unit, worse=i.worse,
                           source=i.source, definition=i.definition, aggregation=i.aggregation, grp=i.group)
                      for i in ALL_INDICATORS]

    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (m.Source, _with_aggregate_source(ds.sources)), (m.Indicator, indicator_rows), (m.Area, areas),
        (m.Observation, observations), (m.Designation, des_rows), (m.DesignationOverlap, overlap_rows),
        (m.DesoDesignationShare, share_rows), (m.Meta, meta_rows),
    ]
    _write(url, tables, progress)
    return BuildSummary(url, ds.location, fingerprint,
                        {t.__tablename__: len(rows) for t, rows in tables})


def _crime_observations(rows: list, kommuner: dict[str, tuple[str, str]],
                        retrieved: dict[str, date | None]) -> list[dict]:
    """Brå per kommun as observations, plus län and whole-dataset rates from the kommuner in the data.

    A län or dataset rate is sum(count) / sum(population) × 100 000, the population of each kommun and
    year implied by Brå's own count and rate (count / rate × 100 000); ``n`` counts the kommuner.
    """
    out = []
    df = pd.DataFrame([r.__dict__ for r in rows])
    if df.empty:
        return out
    for r in df.itertuples(index=False):
        base = dict(area=r.kommun, period=r.period, status="ok", preliminary=bool(r.preliminary), source=r.source,
                    retrieved=retrieved.get(r.source), n=None)
        out.append(dict(base, indicator=crime_indicator_id(r.group, False), value=float(r.count)))
        out.append(dict(base, indicator=crime_indicator_id(r.group, True),
                        value=None if pd.isna(r.per100k) else float(r.per100k),
                        status="missing" if pd.isna(r.per100k) else "ok"))
    df = df[df["per100k"].notna() & (df["per100k"] > 0)].copy()
    df["pop"] = df["count"] / df["per100k"] * 1e5
    df["lan"] = df["kommun"].map(lambda k: kommuner.get(k, ("", k[:2]))[1])
    for level_col in ("lan", None):
        keys = [level_col, "period", "group"] if level_col else ["period", "group"]
        g = df.groupby(keys, sort=True).agg(count=("count", "sum"), pop=("pop", "sum"), n=("kommun", "nunique"),
                                            prel=("preliminary", "max"))
        for idx, row in g.iterrows():
            area, period, group = idx if level_col else (RIKET, *idx)
            base = dict(area=area, period=period, status="ok", preliminary=bool(row["prel"]),
                        source=AGGREGATE_SOURCE, retrieved=None, n=int(row["n"]))
            out.append(dict(base, indicator=crime_indicator_id(group, False), value=float(row["count"])))
            out.append(dict(base, indicator=crime_indicator_id(group, True),
                            value=float(row["count"] / row["pop"] * 1e5)))
    return out


def _insert_all(conn: Connection, tables: list[tuple[Any, list[dict[str, Any]]]], progress: Progress) -> None:
    for i, (model, rows) in enumerate(tables):
        progress("Skriver databasen", i, len(tables))
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(model), rows[start:start + 20_000])
    progress("Skriver databasen", len(tables), len(tables))


def _persistent_rows(url: str) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The persistent tables' rows in the database at ``url`` (none if it or they do not exist yet)."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return []
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names())
        out = []
        with engine.connect() as conn:
            for model in PERSISTENT_TABLES:
                if model.__tablename__ in names:
                    # Columns of this version only: a table from an older version loses what was dropped
                    # and gets defaults for what was added (the data-level migration of a rebuild).
                    cols = {c.name for c in model.__table__.columns}
                    rows = [{k: v for k, v in r._mapping.items() if k in cols}
                            for r in conn.execute(select(model.__table__))]
                    out.append((model, rows))
        return out
    finally:
        engine.dispose()


def _write(url: str, tables: list[tuple[Any, list[dict[str, Any]]]], progress: Progress) -> None:
    path = sqlite_path(url)
    if path is not None:
        kept = _persistent_rows(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".lagesbild-build-", suffix=".sqlite", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            engine = make_engine(f"sqlite:///{tmp}")
            with engine.begin() as conn:
                m.Base.metadata.create_all(conn)
                _insert_all(conn, tables + kept, progress)
            engine.dispose()
            replace_file_atomically(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
        return
    engine = make_engine(url)
    rebuilt = [t for t in m.Base.metadata.sorted_tables if t not in {p.__table__ for p in PERSISTENT_TABLES}]
    with engine.begin() as conn:  # one transaction: PostgreSQL DDL is transactional too
        m.Base.metadata.drop_all(conn, tables=rebuilt)
        m.Base.metadata.create_all(conn)  # the persistent tables only if missing
        _insert_all(conn, tables, progress)
    engine.dispose()
