"""Imports from the live sources into the database, each all-or-nothing.

Statistics, boundaries, designated areas and crime change what everything else is computed from, so
they are merged into the database's :class:`Dataset` and the database is rebuilt from it in one
atomic step (``build_dataset``). Events and incident counts are added in one transaction each.
Any failure leaves the database exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from lagesbild.config import BUNDLED_SNAPSHOT, resolve_db_url
from lagesbild.errors import InvalidRowsError, LagesbildError
from lagesbild.sources import bra, incidents, polisen_areas, polisen_events, scb, scb_geo
from lagesbild.sources.endpoints import Endpoints
from lagesbild.sources.http import RateLimiter, SourceClient
from lagesbild.sources.snapshot import CrimeRecord, DesignationRecord, DesoRecord, Snapshot
from lagesbild.sources.tabular import read_location
from lagesbild.store import models as m
from lagesbild.store.build import BuildSummary, Dataset, build_dataset
from lagesbild.store.dataset import has_database, load_database, require_database
from lagesbild.store.db import make_engine

Progress = Callable[[str, int, int], None]


def _noop(_t: str, _d: int, _n: int) -> None:
    pass


def _today() -> date:
    return datetime.now(UTC).date()


def empty_dataset() -> Dataset:
    """No areas yet; Sweden's 290 kommuner and 21 län (with police regions) from the bundled reference."""
    snap = Snapshot(BUNDLED_SNAPSHOT)
    return Dataset(lan=snap.lan(), kommuner=snap.kommuner(), deso=[], designations=[], crime=[], sources=[],
                   location="lagesbild sync")


def current_dataset(url: str) -> Dataset:
    return load_database(url) if has_database(url) else empty_dataset()


def _upsert_source(ds: Dataset, row: dict[str, Any]) -> None:
    ds.sources = [s for s in ds.sources if s["id"] != row["id"]] + [row]


def _within(ds: Dataset, kommun: list[str] | None, lan: list[str] | None) -> list[str] | None:
    """The kommun or län code prefixes of a scope; None means all of Sweden."""
    if kommun:
        bad = [k for k in kommun if k not in ds.kommuner]
        if bad:
            raise LagesbildError(f"unknown kommun code(s) {', '.join(bad)}")
        return kommun
    if lan:
        bad = [c for c in lan if c not in ds.lan]
        if bad:
            raise LagesbildError(f"unknown län code(s) {', '.join(bad)}")
        return lan
    return None


def scope_kommuner(ds: Dataset, within: list[str] | None) -> list[str] | None:
    if within is None:
        return None
    return sorted(k for k in ds.kommuner if any(k.startswith(w) for w in within))


def default_scope(ds: Dataset) -> list[str]:
    """The kommuner the database already has DeSO data for."""
    have = sorted({r.kommun for r in ds.deso})
    if not have:
        raise LagesbildError("the database has no areas yet: give --kommun, --lan or --all")
    return have


# -- the parts: each fetches, validates and merges into a dataset --------------------------------------

@dataclass
class PartResult:
    source: str
    ok: bool
    message: str
    changes: dict[str, int] = field(default_factory=dict)


def merge_boundaries(ds: Dataset, ep: Endpoints, within: list[str] | None, client: SourceClient,
                     progress: Progress = _noop) -> dict[str, int]:
    kommuner = scope_kommuner(ds, within)
    feats = scb_geo.fetch_features(client, ep.scb_wfs, ep.deso_layer, kommuner, progress)
    records = scb_geo.deso_records(feats, ep.scb_wfs)
    unknown = sorted({r.kommun for r in records} - set(ds.kommuner))
    if unknown:
        raise LagesbildError(f"SCB geodata: kommun code(s) {', '.join(unknown)} are not Swedish kommuner")
    in_scope = (lambda k: True) if kommuner is None else (lambda k: k in set(kommuner))
    old = {r.code: r for r in ds.deso}
    new_codes = {r.code for r in records}
    removed = [c for c, r in old.items() if in_scope(r.kommun) and c not in new_codes]
    added = changed = 0
    for r in records:
        prev = old.get(r.code)
        if prev is None:
            added += 1
            old[r.code] = r
        else:
            if prev.geometry is None or not prev.geometry.equals_exact(r.geometry, 0.001):
                changed += 1
            prev.geometry, prev.rings, prev.regso = r.geometry, [], r.regso
    for c in removed:
        del old[c]
    ds.deso = sorted(old.values(), key=lambda r: r.code)
    _upsert_source(ds, dict(id="scb_geo", publisher="SCB", title="DeSO 2025, gränser (öppna geodata)", licence="CC0",
                            url=ep.scb_wfs, retrieved=_today(), note=f"WFS-lager {ep.deso_layer}, SWEREF 99 TM."))
    return {"DeSO nya": added, "DeSO ändrade gränser": changed, "DeSO borttagna": len(removed),
            "DeSO hämtade": len(records)}


def crosswalk_links(url: str) -> list[scb_geo.Link]:
    if not has_database(url):
        return []
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [scb_geo.Link(r.old, r.new, r.weight, r.method) for r in conn.execute(select(m.DesoCrosswalk))]
    finally:
        engine.dispose()


def merge_published(ds: Dataset, ep: Endpoints, level: str, within: list[str] | None, years: list[str] | None,
                    client: SourceClient, progress: Progress = _noop) -> dict[str, int]:
    """SCB's own figures for RegSO, kommun or län (true medians and shares instead of weighted means)."""
    px = scb.PxWebClient(ep.scb_api, client)
    results = scb.fetch_indicators(px, level, within, years, None, progress)
    known = set(ds.kommuner) | set(ds.lan) | {r.regso for r in ds.deso}
    written = unknown = 0
    for res in results:
        src = scb.source_id(res.table)
        _upsert_source(ds, scb.source_row(res, ep.scb_api, _today()))
        for ind, areas in res.values.items():
            for area, series in areas.items():
                if area not in known:
                    unknown += 1
                    continue
                for period, v in series.items():
                    ds.published[(area, ind, period)] = (v, src)
                    written += 1
    return {"värden": written, "tabeller": len(results), "anrop": sum(r.calls for r in results),
            "saknade celler": sum(r.missing for r in results), "okända områden": unknown}


def merge_statistics(ds: Dataset, ep: Endpoints, within: list[str] | None, years: list[str] | None,
                     client: SourceClient, links: list[scb_geo.Link] | None = None,
                     progress: Progress = _noop, indicators: list[str] | None = None) -> dict[str, int]:
    px = scb.PxWebClient(ep.scb_api, client)
    results = scb.fetch_indicators(px, "deso", within, years, indicators, progress, links)
    by_code = {r.code: r for r in ds.deso}
    written = no_area = 0
    today = _today()
    for res in results:
        src = scb.source_id(res.table)
        _upsert_source(ds, scb.source_row(res, ep.scb_api, today))
        if res.via_crosswalk:
            _upsert_source(ds, dict(scb.source_row(res, ep.scb_api, today), id=f"{src}_deso2018",
                                    title=f"{res.label} ({res.table}), DeSO 2018 omräknat till DeSO 2025",
                                    note="Värden på 2018 års indelning flyttade till dagens DeSO med "
                                         "korrespondenstabellen (lagesbild import crosswalk); metoden står per par."))
        for ind, areas in res.values.items():
            for area, series in areas.items():
                rec = by_code.get(area)
                if rec is None:
                    no_area += 1
                    continue
                for period, v in series.items():
                    rec.values.setdefault(ind, {})[period] = v
                    via = (ind, area, period) in res.via_crosswalk
                    rec.value_sources[f"{ind}|{period}"] = f"{src}_deso2018" if via else src
                    written += 1
    missing_pop = [r.code for r in ds.deso if "pop" not in r.values]
    if missing_pop:
        raise LagesbildError(f"SCB: no population for {len(missing_pop)} DeSO (e.g. {missing_pop[0]}); "
                             "cannot build without it")
    return {"värden": written, "tabeller": len(results), "anrop": sum(r.calls for r in results),
            "saknade celler": sum(r.missing for r in results), "utan gräns (hoppade över)": no_area}


def merge_designations(ds: Dataset, records: list[DesignationRecord], list_year: int,
                       label: str) -> polisen_areas.ListDiff:
    years = sorted({d.list_year for d in ds.designations})
    prev_year = list_year if list_year in years else max((y for y in years if y < list_year), default=None)
    prev = [d for d in ds.designations if d.list_year == prev_year]
    change = polisen_areas.diff(prev, records, prev_year, list_year)
    ds.designations = [d for d in ds.designations if d.list_year != list_year] + records
    _upsert_source(ds, dict(id="polisen_uso", publisher="Polismyndigheten",
                            title="Utsatta och särskilt utsatta områden", licence=None, url=label,
                            retrieved=_today(), note=f"Listor i databasen: "
                            f"{', '.join(str(y) for y in sorted({d.list_year for d in ds.designations}))}."))
    return change


def fetch_designations(location: str, list_year: int | None, client: SourceClient) -> tuple[
        list[DesignationRecord], int, str]:
    data, label = read_location(location, client)
    year = list_year or polisen_areas.list_year_from(label)
    if year is None:
        raise LagesbildError(f"{label}: cannot tell which year's list this is; give --list-year")
    return polisen_areas.read_zip(data, label, year), year, label


def merge_crime(ds: Dataset, records: list[CrimeRecord], label: str) -> dict[str, int]:
    keys = {(r.kommun, r.period, r.group) for r in records}
    old = {(r.kommun, r.period, r.group): r for r in ds.crime}
    changed = sum(1 for r in records if (k := (r.kommun, r.period, r.group)) in old
                  and (old[k].count, old[k].per100k) != (r.count, r.per100k))
    added = sum(1 for k in keys if k not in old)
    ds.crime = [r for r in ds.crime if (r.kommun, r.period, r.group) not in keys] + records
    _upsert_source(ds, dict(id="bra", publisher="Brå", title="Anmälda brott per kommun", licence=None, url=label,
                            retrieved=_today(), note="Export ur Brås statistikdatabas; per 100 000 invånare enligt "
                            "Brå."))
    return {"rader": len(records), "nya": added, "ändrade": changed}


# -- commands -----------------------------------------------------------------------------------------

def _client(source: str, ep: Endpoints, limiter: RateLimiter | None = None) -> SourceClient:
    return SourceClient(source, limiter, settings=ep.http)


def _rebuild(ds: Dataset, db: str | None, progress: Progress) -> BuildSummary:
    ds.fingerprint = ""
    return build_dataset(ds, db, progress)


def import_boundaries(db: str | None, ep: Endpoints, kommun: list[str] | None, lan: list[str] | None,
                      all_: bool, progress: Progress = _noop) -> dict[str, int]:
    ds = current_dataset(resolve_db_url(db))
    within = None if all_ else (_within(ds, kommun, lan) or default_scope(ds))
    with _client(scb_geo.SOURCE, ep) as client:
        changes = merge_boundaries(ds, ep, within, client, progress)
    missing = [r.code for r in ds.deso if "pop" not in r.values]
    if missing:
        raise LagesbildError(f"{len(missing)} DeSO have boundaries but no statistics yet (e.g. {missing[0]}); "
                             "run `lagesbild import scb` for the same kommuner, or `lagesbild sync`, which does both")
    _rebuild(ds, db, progress)
    return changes


def import_statistics(db: str | None, ep: Endpoints, kommun: list[str] | None, lan: list[str] | None, all_: bool,
                      years: list[str] | None, progress: Progress = _noop, level: str = "deso") -> dict[str, int]:
    """SCB statistics for DeSO (the default), or SCB's own figures for RegSO, kommun or län."""
    url = resolve_db_url(db)
    if level not in scb.LEVEL_PATTERNS:
        raise LagesbildError(f"unknown level {level!r}; choose one of {', '.join(scb.LEVEL_PATTERNS)}")
    ds = load_database(url)
    within = None if all_ else (_within(ds, kommun, lan) or default_scope(ds))
    with _client(scb.SOURCE, ep, RateLimiter(scb.DEFAULT_LIMIT)) as client:
        if level == "deso":
            changes = merge_statistics(ds, ep, within, years, client, crosswalk_links(url), progress)
        else:
            changes = merge_published(ds, ep, level, within, years, client, progress)
    _rebuild(ds, db, progress)
    return changes


def import_designations(db: str | None, ep: Endpoints, location: str | None, list_year: int | None,
                        progress: Progress = _noop) -> polisen_areas.ListDiff:
    url = resolve_db_url(db)
    ds = load_database(url)
    with _client(polisen_areas.SOURCE, ep) as client:
        records, year, label = fetch_designations(location or ep.polisen_areas, list_year, client)
    change = merge_designations(ds, records, year, label)
    _rebuild(ds, db, progress)
    return change


def import_crime(db: str | None, ep: Endpoints, location: str | None, progress: Progress = _noop) -> dict[str, int]:
    url = resolve_db_url(db)
    location = location or ep.bra
    if not location:
        raise LagesbildError("give an export from Brå's statistics database (a file or URL), or set `bra` in the "
                             "sources file")
    ds = load_database(url)
    with _client("Brå", ep) as client:
        records, label = bra.load(location, ds.kommuner, client)
    changes = merge_crime(ds, records, label)
    _rebuild(ds, db, progress)
    return changes


def import_crosswalk(db: str | None, ep: Endpoints, location: str | None, kommun: list[str] | None,
                     lan: list[str] | None, progress: Progress = _noop) -> dict[str, int]:
    """SCB's correspondence table (file/URL) or, without one, area weights from both boundary layers."""
    url = resolve_db_url(db)
    ds = load_database(url)
    within = _within(ds, kommun, lan) or default_scope(ds)
    location = location or ep.crosswalk
    with _client(scb_geo.SOURCE, ep) as client:
        if location:
            data, label = read_location(location, client)
            links = scb_geo.parse_crosswalk(data, label)
        else:
            kommuner = scope_kommuner(ds, within)
            old = scb_geo.old_areas(scb_geo.fetch_features(client, ep.scb_wfs, ep.deso2018_layer, kommuner, progress),
                                    ep.scb_wfs)
            new = {r.code: r.geometry for r in ds.deso if any(r.kommun.startswith(w) for w in within)}
            links = scb_geo.area_crosswalk(old, new)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            olds = sorted({lk.old for lk in links})
            for start in range(0, len(olds), 500):
                conn.execute(delete(m.DesoCrosswalk).where(m.DesoCrosswalk.old.in_(olds[start:start + 500])))
            conn.execute(insert(m.DesoCrosswalk), [dict(old=lk.old, new=lk.new, weight=lk.weight, method=lk.method)
                                                   for lk in links])
    finally:
        engine.dispose()
    return {"par": len(links), "DeSO 2018": len({lk.old for lk in links}),
            "oförändrade (vikt 1)": sum(1 for lk in links if lk.weight > 0.999 and lk.old == lk.new)}


@dataclass
class EventsResult:
    fetched: int
    new: int
    located_kommun: int
    located_lan_only: int
    unlocated: int


def _places(url: str) -> polisen_events.Places:
    """Kommun and län names of the database (all of Sweden's, whatever the DeSO coverage)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(m.Area.code, m.Area.level, m.Area.name)
                                .where(m.Area.level.in_(("kommun", "lan")))).all()
    finally:
        engine.dispose()
    return polisen_events.Places.from_reference({c: (n, c[:2]) for c, lvl, n in rows if lvl == "kommun"},
                                                {c: (n,) for c, lvl, n in rows if lvl == "lan"})


def poll_events(db: str | None, ep: Endpoints, client: SourceClient | None = None) -> EventsResult:
    url = resolve_db_url(db)
    require_database(url)
    places = _places(url)
    own = client is None
    client = client or polisen_events.client(ep.http)
    try:
        events = polisen_events.fetch(client, ep.polisen_events, places)
    finally:
        if own:
            client.close()
    engine = make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        with engine.begin() as conn:
            ids = [e.id for e in events]
            have: set[int] = set()
            for start in range(0, len(ids), 500):
                have |= set(conn.execute(select(m.PoliceEvent.id).where(
                    m.PoliceEvent.id.in_(ids[start:start + 500]))).scalars())
            fresh = {e.id: e for e in events if e.id not in have}  # the API may repeat an id: keep one
            if fresh:
                conn.execute(insert(m.PoliceEvent), [
                    dict(id=e.id, occurred=e.occurred, type_raw=e.type_raw, type=e.type, name=e.name,
                         summary=e.summary, url=e.url, location_name=e.location_name, kommun=e.kommun, lan=e.lan,
                         located_by=e.located_by, raw=e.raw, fetched=now) for e in fresh.values()])
    finally:
        engine.dispose()
    return EventsResult(len(events), len(fresh), sum(1 for e in fresh.values() if e.kommun),
                        sum(1 for e in fresh.values() if e.lan and not e.kommun),
                        sum(1 for e in fresh.values() if not e.lan))


@dataclass
class IncidentResult:
    dataset: str
    rows: int
    loaded: int
    rejected: int
    cells: int
    rejects_file: Path | None
    replaced: bool


def import_incidents(db: str | None, path: Path, mapping: Path | None, skip_invalid: bool,
                     dataset: str | None = None) -> IncidentResult:
    from lagesbild.files import write_text_atomic
    from lagesbild.geo.geometry import from_wkb

    url = resolve_db_url(db)
    require_database(url)
    parsed = incidents.read(Path(path), incidents.load_mapping(mapping))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            deso = {code: from_wkb(g) for code, g in conn.execute(
                select(m.Area.code, m.Area.geometry).where(m.Area.level == "deso"))}
        counts, outside = incidents.place(parsed, deso)
        rejects = parsed.rejects + outside
        rejects_file = None
        if rejects and not skip_invalid:
            bad = [(r.line, r.field, r.reason) for r in sorted(rejects, key=lambda r: r.line)]
            raise InvalidRowsError(str(path), bad, parsed.total)
        if rejects:
            rejects_file = Path(str(path) + ".rejects.csv")
        name = dataset or re.sub(r"\s+", "_", Path(path).stem)
        loaded = sum(counts.values())
        if loaded == 0:
            raise LagesbildError(f"{path}: no valid rows to load")
        with engine.begin() as conn:
            old = conn.execute(select(m.IncidentImport.id).where(m.IncidentImport.dataset == name)).scalar()
            if old is not None:
                conn.execute(delete(m.IncidentCount).where(m.IncidentCount.import_id == old))
                conn.execute(delete(m.IncidentImport).where(m.IncidentImport.id == old))
            new_id = (conn.execute(select(func.max(m.IncidentImport.id))).scalar() or 0) + 1
            conn.execute(insert(m.IncidentImport), [dict(
                id=new_id, dataset=name, file_name=Path(path).name, sha256=parsed.sha256, rows=parsed.total,
                loaded=loaded, rejected=len(rejects), imported=datetime.now(UTC).replace(tzinfo=None))])
            conn.execute(insert(m.IncidentCount), [dict(import_id=new_id, deso=d, category=c, week=w, count=n)
                                                   for (d, c, w), n in sorted(counts.items())])
            if rejects_file is not None:  # written inside the transaction: a failed write rolls it back
                write_text_atomic(rejects_file, incidents.rejects_csv(rejects, parsed.header))
    finally:
        engine.dispose()
    return IncidentResult(name, parsed.total, loaded, len(rejects), len(counts), rejects_file, old is not None)


# -- sync -----------------------------------------------------------------------------------------------

@dataclass
class SyncReport:
    parts: list[PartResult] = field(default_factory=list)
    built: BuildSummary | None = None
    diff: polisen_areas.ListDiff | None = None

    @property
    def failed(self) -> list[PartResult]:
        return [p for p in self.parts if not p.ok]


def sync(db: str | None, ep: Endpoints, kommun: list[str] | None, lan: list[str] | None, all_: bool,
         years: list[str] | None = None, events: bool = True, progress: Progress = _noop) -> SyncReport:
    """Every source in turn; a failed one is reported and skipped, the others still land.

    Boundaries and statistics belong together: if either fails, neither is used. The database is
    rebuilt once from everything that succeeded; events are then added in their own transaction.
    """
    url = resolve_db_url(db)
    ds = current_dataset(url)
    report = SyncReport()
    within = None if all_ else (_within(ds, kommun, lan) or default_scope(ds))
    changed = False

    def part(name: str, fn: Callable[[], dict[str, int]]) -> bool:
        try:
            report.parts.append(PartResult(name, True, "ok", fn()))
            return True
        except LagesbildError as exc:
            report.parts.append(PartResult(name, False, str(exc)))
            return False

    saved = ([DesoRecord(r.code, r.kommun, r.regso, r.lan, r.rings, {k: dict(v) for k, v in r.values.items()},
                         dict(r.counts), r.source_file, r.geometry, dict(r.value_sources)) for r in ds.deso],
             list(ds.sources))
    with _client(scb_geo.SOURCE, ep) as geo_client, \
            _client(scb.SOURCE, ep, RateLimiter(scb.DEFAULT_LIMIT)) as scb_client:
        ok = part("SCB gränser", lambda: merge_boundaries(ds, ep, within, geo_client, progress))
        ok = ok and part("SCB statistik", lambda: merge_statistics(ds, ep, within, years, scb_client,
                                                                    crosswalk_links(url), progress))
        if ok:
            changed = True
        else:
            ds.deso, ds.sources = saved  # one without the other would leave areas without statistics
    with _client(polisen_areas.SOURCE, ep) as pol_client:
        def designations() -> dict[str, int]:
            records, year, label = fetch_designations(ep.polisen_areas, None, pol_client)
            report.diff = merge_designations(ds, records, year, label)
            d = report.diff
            names = {"added": "tillkommit", "removed": "borttagna", "recategorised": "ny kategori",
                     "renamed": "nytt namn", "split": "delade", "merged": "sammanslagna", "reshaped": "omritade"}
            return {"lista": year, "oförändrade": d.unchanged,
                    **{name: d.count(k) for k, name in names.items() if d.count(k)}}
        changed = part("Polisen utsatta områden", designations) or changed
    if ep.bra:
        with _client("Brå", ep) as bra_client:
            def crime() -> dict[str, int]:
                records, label = bra.load(ep.bra, ds.kommuner, bra_client)
                return merge_crime(ds, records, label)
            changed = part("Brå anmälda brott", crime) or changed
    else:
        report.parts.append(PartResult("Brå anmälda brott", True, "hoppades över: ingen `bra` i källfilen", {}))
    if changed and ds.deso:
        try:
            report.built = _rebuild(ds, db, progress)
        except LagesbildError as exc:
            report.parts.append(PartResult("Databasen", False, str(exc)))
            return report
    elif not ds.deso:
        report.parts.append(PartResult("Databasen", False, "inga områden: gränser och statistik saknas"))
        return report
    if events:
        def ev() -> dict[str, int]:
            r = poll_events(db, ep)
            return {"hämtade": r.fetched, "nya": r.new, "kommun": r.located_kommun, "bara län": r.located_lan_only,
                    "utan plats": r.unlocated}
        part("Polisen händelser", ev)
    return report
