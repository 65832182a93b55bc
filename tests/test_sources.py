"""The live sources, offline: every client runs against a local HTTP server (tests/fakesources.py)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from lagesbild.errors import LagesbildError, SourceDataError, SourceFetchError
from lagesbild.sources.endpoints import Endpoints
from lagesbild.sources.http import RateLimit, RateLimiter

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fixtures"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# -- the whole sync ------------------------------------------------------------------------------------

def test_sync_fills_a_fresh_database_like_the_embedded_data(fake, tmp_path, db_path, fresh_state, repo):
    from lagesbild.report.lagesbild import build_context, render
    from lagesbild.store.db import open_engine
    from lagesbild.store.imports import sync
    from lagesbild.store.queries import Repository

    ep = Endpoints.load(fake.sources_toml(tmp_path / "sources.toml"))
    db = tmp_path / "synced.sqlite"
    report = sync(str(db), ep, None, None, True)
    assert not report.failed, [p.message for p in report.failed]
    assert report.built is not None and report.built.counts["area"] == 2919

    # Every SCB and Brå value of the embedded database (DeSO and the aggregates) is there, equal.
    with sqlite3.connect(db) as conn:
        conn.execute(f"attach '{db_path}' as e")
        n, bad, missing = conn.execute(
            "select count(*), sum(a.id is not null and abs(a.value - b.value) > 1e-9 * abs(b.value) + 1e-9), "
            "sum(a.id is null) from e.observation b left join observation a on a.area = b.area "
            "and a.indicator = b.indicator and a.period = b.period "
            "where b.indicator not like 'school%' and b.source not in ('skola', 'klimat')").fetchone()
        assert n > 60_000 and bad == 0 and missing == 0
        assert conn.execute("select count(*) from e.area a join area b using (code) "
                            "where abs(a.area_km2 - b.area_km2) > 1e-9 or a.population != b.population"
                            ).fetchone()[0] == 0
        # Every value says where it came from: the SCB table and the retrieval date.
        sources = dict(conn.execute("select id, url from source").fetchall())
        assert {"scb_TAB6574", "scb_TAB6680", "scb_geo", "polisen_uso", "bra"} <= set(sources)
        assert conn.execute("select count(*) from observation where source = 'scb_TAB6685' "
                            "and retrieved is null").fetchone()[0] == 0

    # The Norrköping report: the same areas, designations, risk, typology and crime figures.
    synced = Repository(open_engine(str(db)))
    a, b = build_context(repo, "0581", "kommun"), build_context(synced, "0581", "kommun")
    for key in ("designations", "typology", "key_figures", "rows", "labelled", "focus"):
        assert json.dumps(a[key], default=str, sort_keys=True) == json.dumps(b[key], default=str, sort_keys=True), key
    for key in ("latest", "trends", "table", "rates"):
        assert json.dumps(a["crime"][key], default=str) == json.dumps(b["crime"][key], default=str), key
    warn_a = [(r["code"], round(r["risk_value"], 6), r["interval"]) for r in a["warning"]["rows"]]
    warn_b = [(r["code"], round(r["risk_value"], 6), r["interval"]) for r in b["warning"]["rows"]]
    assert warn_a == warn_b and len(a["rows"]) == 79

    # Events were stored once, with their raw JSON, and show in the report as counts per type and month.
    assert _rows(db, "select count(*), count(distinct id) from police_event") == [(191, 191)]
    n_kommun, n_lan_only = _rows(db, "select sum(kommun = '0581'), sum(kommun is null) from police_event "
                                     "where lan = '05'")[0]
    assert n_kommun > 0 and n_lan_only > 0
    assert b["events"]["available"] and b["events"]["total"] == n_kommun and b["events"]["lan_total"] == n_lan_only
    html = render(b)
    assert "Polisens händelser" in html and "inte brottsstatistik" in html
    # ... and on the kommun page of the web app, in Swedish and in English.
    from fastapi.testclient import TestClient

    from lagesbild.web.app import create_app

    web = TestClient(create_app(synced))
    page = web.get("/kommun/0581").text
    table = page[page.index('<table class="events">'):]
    table = table[:table.index("</table>")]
    import re

    totals = [int(x) for x in re.findall(r'<td class="num">(\d+)</td></tr>', table)]
    assert totals and sum(totals) == n_kommun  # the last column: events per type over all months
    assert "Police events" in web.get("/kommun/0581?lang=en").text


def test_sync_reports_a_failed_source_and_keeps_the_rest(fake, tmp_path, db_copy, fresh_state):
    from lagesbild.store.imports import sync

    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    fake.faults["/polisen/uso"] = ["500"] * 5
    report = sync(str(db_copy), ep, ["0581"], None, False, events=False)
    assert [p.source for p in report.failed] == ["Polisen utsatta områden"]
    assert "HTTP 500" in report.failed[0].message and "Polismyndigheten" in report.failed[0].message
    assert report.built is not None  # SCB and Brå still landed


def test_cli_sync_exit_code(fake, tmp_path, db_copy, fresh_state):
    from typer.testing import CliRunner
    from werkzeug import Response

    from lagesbild.cli import app

    toml = fake.sources_toml(tmp_path / "s.toml")
    # A 404 is not retried (a 5xx would be, each retry waiting out the Police's 10 s between calls).
    fake.faults["/polisen/api/events"] = [lambda r: Response("gone", status=404)]
    res = CliRunner().invoke(app, ["--db", str(db_copy), "sync", "--kommun", "0581", "--sources", str(toml)])
    assert res.exit_code == 5, res.output
    assert "Polisen händelser" in res.output and "HTTP 404" in res.output and "SCB statistik" in res.output


# -- SCB PxWeb --------------------------------------------------------------------------------------------

def test_jsonstat_parses_the_real_scb_sample():
    from lagesbild.sources.scb import parse_jsonstat

    doc = json.loads((FIXTURES / "scb_pxweb_sample.json").read_text(encoding="utf-8"))
    data = parse_jsonstat(doc, "sample")
    assert data.ids == ["Region", "Civilstand", "Alder", "Kon", "ContentsCode", "Tid"]
    assert data.get(Region="00", Civilstand="OG", Alder="0", Kon="1", ContentsCode="BE0101N1",
                    Tid=data.codes["Tid"][0]) == 50937.0
    cut = dict(doc, value=[])
    cut["size"] = [1, 1, 1, 1, 2, 1]
    with pytest.raises(SourceFetchError, match="categories"):
        parse_jsonstat(cut, "sample")


def test_scb_requests_stay_under_the_cell_limit(httpserver, db_copy, tmp_path):
    from fakesources import SHARED, FakeSources
    from lagesbild.store.imports import import_statistics

    if not SHARED.exists():
        pytest.skip("needs ../shared/data")
    fake = FakeSources(httpserver, max_cells=1500)  # the fake answers 403 to anything larger
    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    before = _rows(db_copy, "select area, indicator, period, value from observation where area like '0581%' "
                            "and source = 'scb' order by 1, 2, 3")
    changes = import_statistics(str(db_copy), ep, None, ["05"], False, None)
    posts = [p for method, p in fake.log if method == "POST"]
    assert len(posts) > 10  # more than one request per table
    assert changes["anrop"] == len(posts)
    after = _rows(db_copy, "select area, indicator, period, value from observation where area like '0581%' "
                           "and source like 'scb_TAB%' order by 1, 2, 3")
    got = {r[:3]: r[3] for r in after}  # SCB also gives population for the year before (for the change)
    assert all(abs(got[r[:3]] - r[3]) < 1e-9 for r in before) and len(before) > 1500


def test_scb_published_kommun_figures_replace_the_aggregate(fake, tmp_path, db_copy):
    from fakesources import bra_export
    from lagesbild.store.imports import import_crime, import_statistics

    agg = _rows(db_copy, "select value, source from observation where area = '0581' and indicator = 'income_med' "
                         "and period = '2024'")
    assert agg[0][1] == "lagesbild_aggregat"
    fake.tables["TAB6684"].cells[("0581", "000008AB", "2024")] = 298.4  # SCB's own median for Norrköping
    changes = import_statistics(str(db_copy), Endpoints.load(fake.sources_toml(tmp_path / "s.toml")), ["0581"], None,
                                False, ["2024"], level="kommun")
    assert changes["värden"] == 1 and changes["saknade celler"] > 0  # the other tables have no kommun cells here
    query = ("select value, source from observation where area = '0581' and indicator = 'income_med' "
             "and period = '2024'")
    assert _rows(db_copy, query) == [(298.4, "scb_TAB6684")]
    # It survives a rebuild by another import.
    path = tmp_path / "bra.csv"
    path.write_text(bra_export(), encoding="utf-8")
    import_crime(str(db_copy), Endpoints(), str(path))
    assert _rows(db_copy, query) == [(298.4, "scb_TAB6684")]
    # The report marks it as SCB's own figure.
    from lagesbild.report.lagesbild import build_context, render
    from lagesbild.store.db import open_engine
    from lagesbild.store.queries import Repository

    ctx = build_context(Repository(open_engine(str(db_copy))), "0581", "kommun")
    row = next(k for k in ctx["key_figures"] if k["period"] == "2024" and "inkomst" in k["label"].lower())
    assert row["values"][0] == "298,4 *" and not row["values"][1].endswith("*")
    assert "SCB:s egna siffror" in render(ctx)


@pytest.mark.parametrize(("fault", "message"), [
    ("500", "HTTP 500"),
    ("truncated", "not valid JSON"),
    ("timeout", "timeout"),
    ("schema", "no 'Tid' dimension"),
])
def test_scb_failures_leave_the_database_unchanged(fake, tmp_path, db_copy, fault, message):
    from lagesbild.store.imports import import_statistics

    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    if fault == "schema":
        from werkzeug import Response

        def renamed(request):  # SCB renames the time dimension
            doc = json.loads(fake.respond(request).get_data())
            doc["id"] = [("Period" if d == "Tid" else d) for d in doc["id"]]
            doc["dimension"]["Period"] = doc["dimension"].pop("Tid")
            return Response(json.dumps(doc), content_type="application/json")

        fake.faults["/scb/api/v2/tables/TAB6534/metadata"] = [renamed]
    else:
        fake.faults["/scb/api/v2/tables/TAB6534/data"] = [fault] * 3
    before = _sha(db_copy)
    with pytest.raises(LagesbildError, match=message) as exc:
        import_statistics(str(db_copy), ep, ["0581"], None, False, None)
    assert "SCB" in str(exc.value)
    assert _sha(db_copy) == before
    assert not list(db_copy.parent.glob(".lagesbild-build-*"))


def test_scb_retries_after_429(fake, tmp_path, db_copy):
    from lagesbild.store.imports import import_statistics

    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    fake.faults["/scb/api/v2/tables/TAB6680/data"] = ["429"]
    changes = import_statistics(str(db_copy), ep, ["0581"], None, False, None)
    data_calls = [p for m, p in fake.log if p.endswith("TAB6680/data")]
    assert len(data_calls) == 2 and changes["värden"] > 0


def test_rate_limiter_keeps_scb_and_police_limits():
    now = [0.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    scb = RateLimiter(RateLimit(30, 10.0), clock=lambda: now[0], sleep=sleep)
    for _ in range(30):
        scb.acquire()
    assert waits == []
    scb.acquire()  # the 31st call within 10 s waits for the window
    assert waits == [pytest.approx(10.0)]

    waits.clear()
    now[0] = 0.0
    police = RateLimiter(RateLimit(60, 3600.0, min_interval=10.0), clock=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(61):
        police.acquire()
        times.append(now[0])
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 10.0 - 1e-9
    assert times[60] - times[0] >= 3600.0 - 1e-9  # the 61st call comes an hour after the first


# -- the Police's designated areas -----------------------------------------------------------------------

def _zip_with(features: list[dict], path: Path) -> Path:
    import zipfile

    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
           "features": features}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("uso.geojson", json.dumps(doc, ensure_ascii=False))
    return path


def _fixture_features() -> list[dict]:
    import zipfile

    with zipfile.ZipFile(FIXTURES / "uso_2025_geojson.zip") as zf:
        return json.loads(zf.read(zf.namelist()[0]))["features"]


def test_police_areas_same_list_from_the_zip(fake, tmp_path, db_copy):
    from lagesbild.store.imports import import_designations

    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    before = dict(_rows(db_copy, "select deso, share_any from deso_designation_share"))
    d = import_designations(str(db_copy), ep, None, None)
    assert d.new_year == 2025 and d.old_year == 2025 and d.unchanged == 65 and d.changes == []
    after = dict(_rows(db_copy, "select deso, share_any from deso_designation_share"))
    assert before.keys() == after.keys()
    # The zip's coordinates are the WGS84 file re-projected to the millimetre: shares agree to 1e-5.
    assert max(abs(before[k] - after[k]) for k in before) < 1e-5


def test_police_areas_new_list_diff(tmp_path, db_copy):
    import shapely

    from lagesbild.store.imports import import_designations

    feats = _fixture_features()
    by_name = {f["properties"]["NAMN"]: f for f in feats}
    new = [f for f in feats if f["properties"]["NAMN"] not in ("Hageby", "Navestad", "Skäggetorp", "Rinkeby")]
    recat = json.loads(json.dumps(by_name["Skäggetorp"]))
    recat["properties"]["KATEGORI"] = "Utsatt område"
    new.append(recat)
    # Hageby and Navestad merged into one area
    union = shapely.union_all([shapely.geometry.shape(by_name[n]["geometry"]) for n in ("Hageby", "Navestad")])
    new.append({"type": "Feature", "geometry": shapely.geometry.mapping(union),
                "properties": {"NAMN": "Norrköping syd", "KATEGORI": "Utsatt område", "ORT": "Norrköping",
                               "REGION": "Öst", "AKTUALITET_START": "2027-12-01"}})
    # Rinkeby split in two along a vertical line through its centre
    rink = shapely.geometry.shape(by_name["Rinkeby"]["geometry"])
    cx = rink.centroid.x
    minx, miny, maxx, maxy = rink.bounds
    halves = (shapely.box(minx - 1, miny - 1, cx, maxy + 1), shapely.box(cx, miny - 1, maxx + 1, maxy + 1))
    for side, box in zip(("västra", "östra"), halves, strict=True):
        new.append({"type": "Feature", "geometry": shapely.geometry.mapping(rink.intersection(box)),
                    "properties": dict(by_name["Rinkeby"]["properties"], NAMN=f"Rinkeby {side}")})
    zip_path = _zip_with(new, tmp_path / "uso_2027.zip")
    d = import_designations(str(db_copy), Endpoints(), str(zip_path), None)
    kinds = {(c.kind, tuple(n.split(" (")[0] for n in c.old), tuple(n.split(" (")[0] for n in c.new))
             for c in d.changes}
    assert ("merged", ("Hageby", "Navestad"), ("Norrköping syd",)) in kinds
    assert ("split", ("Rinkeby",), ("Rinkeby västra", "Rinkeby östra")) in kinds
    assert any(k == "recategorised" and o == ("Skäggetorp",) for k, o, _ in kinds)
    assert d.old_year == 2025 and d.new_year == 2027 and d.unchanged == 61
    # Both lists are kept; the newest is current and its overlaps were computed.
    assert _rows(db_copy, "select list_year, count(*) from designation group by 1") == [(2025, 65), (2027, 65)]
    assert _rows(db_copy, "select value from meta where key = 'designation_list_year'") == [("2027",)]
    n27 = _rows(db_copy, "select count(*) from deso_designation_share where list_year = 2027")[0][0]
    assert n27 > 200


def test_police_areas_unknown_category_fails_loudly(tmp_path, db_copy):
    from lagesbild.store.imports import import_designations

    feats = _fixture_features()
    feats[3]["properties"]["KATEGORI"] = "Mycket utsatt område"
    before = _sha(db_copy)
    with pytest.raises(SourceDataError, match=r"feature 4 .*unknown KATEGORI 'Mycket utsatt område'"):
        import_designations(str(db_copy), Endpoints(), str(_zip_with(feats, tmp_path / "uso_2027.zip")), None)
    assert _sha(db_copy) == before


def test_police_areas_in_degrees_are_refused(tmp_path, db_copy):
    from lagesbild.store.imports import import_designations

    doc = json.loads((FIXTURES.parent / "polisen" / "uso_2025.geojson").read_text(encoding="utf-8"))
    feats = [{"type": "Feature", "geometry": f["geometry"],
              "properties": {"NAMN": f["properties"]["name"], "KATEGORI": f["properties"]["kategori"]}}
             for f in doc["features"]]
    with pytest.raises(SourceDataError, match="not SWEREF 99 TM"):
        import_designations(str(db_copy), Endpoints(), str(_zip_with(feats, tmp_path / "x_2026.zip")), None)


# -- the Police's events ------------------------------------------------------------------------------------

def test_events_are_normalised_located_and_stored_once(fake, tmp_path, db_copy):
    from lagesbild.sources import polisen_events as pe
    from lagesbild.sources.http import SourceClient
    from lagesbild.store.imports import poll_events

    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    now = [1_000_000.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    client = SourceClient(pe.SOURCE, RateLimiter(pe.LIMIT, pe.FileCallLog("t", tmp_path), clock=lambda: now[0],
                                                 sleep=sleep), settings=ep.http)
    first = poll_events(str(db_copy), ep, client)
    second = poll_events(str(db_copy), ep, client)
    assert (first.fetched, first.new, second.new) == (191, 191, 0)
    assert waits and waits[0] >= 10.0  # the second call waited out the Police's 10 s
    rows = dict(_rows(db_copy, "select type_raw || '|' || location_name || '|' || name, "
                               "type || '|' || coalesce(kommun, '') || '|' || coalesce(lan, '') || '|' || located_by "
                               "from police_event"))
    types = {k.split("|")[0]: v.split("|")[0] for k, v in rows.items()}
    assert types["Misshandel, grov"] == "misshandel" and types["Stöld/inbrott"] == "inbrott"
    assert types["Rån"] == "ran" and types["Vapenlagen"] == "vapen" and types["Trafikolycka, vilt"] == "trafik"
    ronneby = next(v for k, v in rows.items() if k.endswith("Brand, Ronneby"))
    assert ronneby == "brand|1081|10|title"
    assert all(v.split("|")[2] for v in rows.values())  # every event has at least a län
    raw = _rows(db_copy, "select raw from police_event where id = 625986")[0][0]
    assert json.loads(raw)["location"]["gps"] == "56.278384,15.018006"


def test_events_schema_change_is_an_error(fake, tmp_path, db_copy, fresh_state):
    from werkzeug import Response

    from lagesbild.store.imports import poll_events

    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    fake.faults["/polisen/api/events"] = [lambda r: Response(json.dumps([{"id": 1, "when": "x"}]),
                                                             content_type="application/json")]
    before = _sha(db_copy)
    with pytest.raises(SourceFetchError, match="Polisen.*'datetime' is missing"):
        poll_events(str(db_copy), ep)
    assert _sha(db_copy) == before


# -- Brå ------------------------------------------------------------------------------------------------------

def test_bra_export_gives_the_same_crime_series(fake, tmp_path, db_copy):
    from fakesources import bra_export
    from lagesbild.store.imports import import_crime

    before = _rows(db_copy, "select area, indicator, period, value, preliminary from observation "
                            "where indicator like 'brott%' order by 1, 2, 3")
    path = tmp_path / "bra.csv"
    path.write_text(bra_export(), encoding="utf-8")
    changes = import_crime(str(db_copy), Endpoints(), str(path))
    assert changes == {"rader": 9114, "nya": 0, "ändrade": 0}
    after = _rows(db_copy, "select area, indicator, period, value, preliminary from observation "
                           "where indicator like 'brott%' order by 1, 2, 3")
    assert after == before


def test_bra_bad_row_names_the_line(tmp_path, db_copy):
    from fakesources import bra_export
    from lagesbild.store.imports import import_crime

    lines = bra_export().split("\r\n")
    lines[7] = lines[7].replace("Inbrott", "Cykelstöld").replace("Samtliga brott", "Cykelstöld")
    path = tmp_path / "bra.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    before = _sha(db_copy)
    with pytest.raises(SourceDataError, match="line 8: unknown offence group 'Cykelstöld'"):
        import_crime(str(db_copy), Endpoints(), str(path))
    assert _sha(db_copy) == before


# -- a kommun's local incident data (EST) ------------------------------------------------------------------

def _incident_points(db: Path, kommun: str = "0581", n: int = 12) -> list[tuple[str, float, float]]:
    """(DeSO, lat, lon) of a point inside each of the first ``n`` DeSO of a kommun."""
    from shapely import from_wkb

    from lagesbild.geo.geometry import to_wgs84

    out = []
    for code, wkb in _rows(db, f"select code, geometry from area where level = 'deso' and kommun = '{kommun}' "
                              f"order by code limit {n}"):
        p = to_wgs84(from_wkb(wkb).representative_point())
        out.append((code, p.y, p.x))
    return out


def _incident_csv(db: Path, path: Path, bad: list[str] | None = None) -> dict[tuple[str, str, str], int]:
    """A CSV in a typical EST layout; returns the expected counts per (DeSO, category, week)."""
    from collections import Counter
    from datetime import date, timedelta

    from lagesbild.sources.incidents import iso_week

    lines = ["Datum;Händelsetyp;Lat;Long;Kommentar"]
    expected: Counter = Counter()
    cats = ["Skadegörelse", "Klotter", "Nedskräpning", "Bränder"]
    for i, (code, lat, lon) in enumerate(_incident_points(db) * 3):
        d = date(2025, 1, 6) + timedelta(days=5 * i)
        cat = cats[(i + i // 12) % len(cats)]  # each DeSO: three categories, one incident each
        lines.append(f"{d.isoformat()};{cat};{lat:.6f};{lon:.6f};fri text, sparas inte".replace(".", ",", 0))
        expected[(code, cat, iso_week(d))] += 1
    lines += bad or []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dict(expected)


def test_incidents_are_counted_per_deso_category_and_week(tmp_path, db_copy):
    from lagesbild.store.imports import import_incidents

    path = tmp_path / "est_2025.csv"
    expected = _incident_csv(db_copy, path)
    r = import_incidents(str(db_copy), path, None, False)
    assert (r.rows, r.loaded, r.rejected) == (36, 36, 0)
    got = {(d, c, w): n for d, c, w, n in _rows(db_copy, "select deso, category, week, count from incident_count")}
    assert got == expected
    # The single rows (and their free text) are not stored anywhere.
    assert not _rows(db_copy, "select * from incident_count where category like '%fri text%'")
    # The CLI shows counts per DeSO and category, small counts hidden unless --exact.
    from typer.testing import CliRunner

    from lagesbild.cli import app

    res = CliRunner().invoke(app, ["--db", str(db_copy), "incidents", "--kommun", "0581", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "<3" in res.stdout and res.stdout.count("\n0581") == 12
    res = CliRunner().invoke(app, ["--db", str(db_copy), "incidents", "--kommun", "0581", "--format", "json",
                                   "--exact"])
    assert sum(r["Totalt"] for r in json.loads(res.stdout)) == 36
    # Loading the same dataset again replaces it instead of doubling it.
    import_incidents(str(db_copy), path, None, False)
    assert _rows(db_copy, "select sum(count), count(distinct import_id) from incident_count") == [(36, 1)]


def test_incidents_in_sweref_from_excel_with_a_mapping(tmp_path, db_copy):
    import openpyxl
    from shapely import from_wkb

    from lagesbild.store.imports import import_incidents

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Vecka", "Typ av händelse", "Nkoord", "Ekoord"])
    rows = _rows(db_copy, "select code, geometry from area where level = 'deso' and kommun = '0580' order by code "
                          "limit 5")
    for _, wkb in rows:
        p = from_wkb(wkb).representative_point()
        ws.append(["2025-W10", "Otrygghet", round(p.y, 1), round(p.x, 1)])  # N before E, as often in Sweden
    path = tmp_path / "est.xlsx"
    wb.save(path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"week": "Vecka", "category": "Typ av händelse", "x": "Nkoord", "y": "Ekoord"}))
    r = import_incidents(str(db_copy), path, mapping, False, dataset="linkoping")
    assert r.loaded == 5 and r.cells == 5
    assert sorted(_rows(db_copy, "select deso, week from incident_count")) == sorted((c, "2025-W10") for c, _ in rows)


def test_incidents_with_bad_rows_are_rejected_whole_or_skipped(tmp_path, db_copy):
    from lagesbild.errors import InvalidRowsError
    from lagesbild.store.imports import import_incidents

    path = tmp_path / "est.csv"
    bad = ["2025-13-40;Klotter;58.59;16.18;x", "2025-03-01;;58.59;16.18;x", "2025-03-01;Klotter;58,59;;x",
           "2025-03-01;Klotter;40.0;16.18;x", "2025-03-01;Klotter;67.85;20.22;x"]  # the last is Kiruna: no DeSO here
    expected = _incident_csv(db_copy, path, bad)
    before = _sha(db_copy)
    with pytest.raises(InvalidRowsError) as exc:
        import_incidents(str(db_copy), path, None, False)
    assert [(line, fld) for line, fld, _ in exc.value.rows] == [(38, "date"), (39, "category"), (40, "lon"),
                                                                (41, "lat/lon"), (42, "place")]
    assert "line 38, date" in str(exc.value) and "--skip-invalid" in str(exc.value)
    assert _sha(db_copy) == before
    r = import_incidents(str(db_copy), path, None, True)
    assert (r.loaded, r.rejected) == (sum(expected.values()), 5)
    rejects = r.rejects_file.read_text(encoding="utf-8").splitlines()
    assert rejects[0].startswith("line;field;reason;Datum") and len(rejects) == 6


def test_incident_importer_survives_malformed_rows(db_path, tmp_path_factory):
    import shutil

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from lagesbild.errors import InvalidRowsError
    from lagesbild.store.imports import import_incidents

    work = tmp_path_factory.mktemp("prop")
    db = work / "db.sqlite"
    shutil.copy(db_path, db)
    good = [f"2025-02-{d:02d};Klotter;{lat:.6f};{lon:.6f}" for d, (_, lat, lon) in
            zip(range(1, 6), _incident_points(db, n=5), strict=True)]
    cell = st.one_of(st.text(max_size=12), st.sampled_from(["", "2025-02-30", "2025-W54", "nan", "inf", "1e400",
                                                            "58.6", "16.2", "-1", "6500000", "'; DROP TABLE x"]))
    row = st.lists(cell, min_size=0, max_size=6).map(lambda cs: ";".join(c.replace("\n", " ").replace("\r", " ")
                                                                       .replace('"', "") for c in cs))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(row, min_size=1, max_size=8))
    def check(bad_rows: list[str]) -> None:
        path = work / "in.csv"
        path.write_text("\n".join(["Datum;Kategori;Lat;Lon", *good, *bad_rows]) + "\n", encoding="utf-8")
        before = _sha(db)
        try:
            r = import_incidents(str(db), path, None, False, dataset="prop")
        except InvalidRowsError as exc:
            assert _sha(db) == before  # rejected whole: nothing written
            assert all(line >= 7 for line, _, _ in exc.rows)  # the good rows are never blamed
            return
        except LagesbildError:
            assert _sha(db) == before
            return
        assert r.loaded >= 5  # every row that passed was placed and counted
        total = _rows(db, "select sum(count) from incident_count c join incident_import i on i.id = c.import_id "
                          "where i.dataset = 'prop'")[0][0]
        assert total == r.loaded

    check()


# -- DeSO 2018 -> 2025 ------------------------------------------------------------------------------------

def test_crosswalk_moves_2018_values_to_todays_areas(fake, tmp_path, db_copy):
    from lagesbild.store.imports import import_crosswalk, import_statistics

    old = fake.add_2018_division("0581")
    merged = {o: news for o, news in old.items() if len(news) == 2}
    assert len(merged) >= 10 and len(old) - len(merged) >= 5
    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    changes = import_crosswalk(str(db_copy), ep, None, ["0581"], None)
    links = _rows(db_copy, "select old, new, weight, method from deso_crosswalk")
    assert changes["DeSO 2018"] == len(old) == len({r[0] for r in links})
    weights: dict[str, float] = {}
    for o, _, w, method in links:
        weights[o] = weights.get(o, 0.0) + w
        assert method == "area"
    assert all(abs(w - 1.0) < 1e-9 for w in weights.values())
    # The constructed layer is a union of today's areas, so every old area links to its own parts. The
    # shared boundaries are simplified and without holes (a rural DeSO's ring also covers the town it
    # surrounds), so some old areas also link to areas they overlap: area weighting states that.
    assert {(o, n) for o, news in old.items() for n in news} <= {(o, n) for o, n, _, _ in links}
    clean = {o for o in old if sum(1 for x in links if x[0] == o) == len(old[o])
             and all(sum(1 for x in links if x[1] == n) == 1 for n in old[o])}

    import_statistics(str(db_copy), ep, ["0581"], None, False, ["2023", "2024"])
    got = {(a, i, p): (v, s) for a, i, p, v, s in _rows(
        db_copy, "select area, indicator, period, value, source from observation where area like '0581%' "
                 "and period in ('2023', '2024') and length(area) = 9")}
    single = next(o for o, news in old.items() if len(news) == 1 and o in clean)
    for ind in ("low_econ", "unemp", "higher_ed", "income_med"):
        v23, src = got[(single, ind, "2023")]
        assert src.endswith("_deso2018") and abs(v23 - got[(single, ind, "2024")][0]) < 1e-6
    # A merged pair: both of today's areas get the pooled share (counts moved by area, then divided) ...
    a, b = next(news for o, news in merged.items() if o in clean)
    ue = [got[(c, "unemp", "2023")][0] for c in (a, b)]
    assert abs(ue[0] - ue[1]) < 1e-6
    lo, hi = sorted(got[(c, "unemp", "2024")][0] for c in (a, b))
    assert lo - 1e-6 <= ue[0] <= hi + 1e-6
    # ... and population (a count) is split by area, so the pair's total is kept.
    pop23 = sum(got[(c, "pop", "2023")][0] for c in (a, b))
    assert abs(pop23 - sum(got[(c, "pop", "2024")][0] for c in (a, b))) < 1e-6
    assert _rows(db_copy, "select count(*) from source where id like '%_deso2018'")[0][0] >= 5


@pytest.mark.filterwarnings("ignore:Column names longer than 10", "ignore:Normalized/laundered field name")
def test_police_areas_from_a_shapefile_zip_via_the_cli(tmp_path, db_copy):
    import zipfile

    import geopandas as gpd
    from typer.testing import CliRunner

    from lagesbild.cli import app

    feats = _fixture_features()
    frame = gpd.GeoDataFrame.from_features(feats, crs="EPSG:3006")
    frame = frame[frame["NAMN"] != "Hageby"]
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frame.to_file(shp_dir / "uso_2026.shp")
    zip_path = tmp_path / "uso_2026_shape.zip"
    with zipfile.ZipFile(zip_path, "w") as zf:
        for p in shp_dir.iterdir():
            zf.write(p, p.name)
    res = CliRunner().invoke(app, ["--db", str(db_copy), "import", "polisen-omraden", str(zip_path)])
    assert res.exit_code == 0, res.output
    assert "Polisens lista 2026 jämfört med lista 2025" in res.output
    assert "Borttaget: Hageby (Norrköping)" in res.output and "64 oförändrade" in res.output
    assert _rows(db_copy, "select count(*) from designation where list_year = 2026") == [(64,)]
    # The shapefile's 10-character field AKTUALITET still gives the since-date.
    assert _rows(db_copy, "select since from designation where list_year = 2026 and name = 'Navestad'") == [
        ("2018-10-01",)]


def test_bra_excel_export(tmp_path, db_copy):
    import openpyxl

    from fakesources import bra_export
    from lagesbild.store.imports import import_crime

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in bra_export().split("\r\n")[:400]:
        ws.append(line.split(";") if line else [])
    path = tmp_path / "bra.xlsx"
    wb.save(path)
    changes = import_crime(str(db_copy), Endpoints(), str(path))
    assert changes["rader"] == 397 and changes["ändrade"] == 0 and changes["nya"] == 0


def test_registry_names_the_scb_table_of_every_deso_indicator():
    from lagesbild.indicators.registry import DESO_INDICATORS, SCB_SPECS

    for ind in DESO_INDICATORS:
        spec = SCB_SPECS[ind.id]
        assert ind.table == spec.table, ind.id
        assert spec.select["ContentsCode"], ind.id


def test_scb_correspondence_table_is_used_when_given(tmp_path, db_copy):
    from lagesbild.store.imports import import_crosswalk

    path = tmp_path / "kopplingstabell_deso2018_deso2025.csv"
    path.write_text("Kopplingstabell DeSO 2018 - DeSO 2025\n\nDeSO 2018;DeSO 2025;Andel\n"
                    "0581C1010;0581C1010;1\n0581C1020;0581C1020;0,6\n0581C1020;0581C1030;0,4\n"
                    "0581C1040;0581C1040;\n0581C1040;0581C1050;\n", encoding="utf-8")
    changes = import_crosswalk(str(db_copy), Endpoints(), str(path), ["0581"], None)
    assert changes["DeSO 2018"] == 3
    rows = _rows(db_copy, "select old, new, round(weight, 3), method from deso_crosswalk order by 1, 2")
    assert rows == [("0581C1010", "0581C1010", 1.0, "scb"), ("0581C1020", "0581C1020", 0.6, "scb"),
                    ("0581C1020", "0581C1030", 0.4, "scb"), ("0581C1040", "0581C1040", 0.5, "scb-equal"),
                    ("0581C1040", "0581C1050", 0.5, "scb-equal")]
    path.write_text("DeSO 2018;DeSO 2025\n0581C10X0;0581C1010\n", encoding="utf-8")
    with pytest.raises(SourceDataError, match="line 2: malformed DeSO code"):
        import_crosswalk(str(db_copy), Endpoints(), str(path), ["0581"], None)
    assert len(_rows(db_copy, "select * from deso_crosswalk")) == 5


def test_events_poll_cli(fake, tmp_path, db_copy, fresh_state):
    from typer.testing import CliRunner

    from lagesbild.cli import app

    toml = fake.sources_toml(tmp_path / "s.toml")
    res = CliRunner().invoke(app, ["--db", str(db_copy), "events", "poll", "--once", "--sources", str(toml)])
    assert res.exit_code == 0, res.output
    assert "191 händelser hämtade, 191 nya" in res.output
    res = CliRunner().invoke(app, ["--db", str(db_copy), "events", "poll", "--every", "30s", "--sources", str(toml)])
    assert res.exit_code != 0 and "at least 60 s" in res.output


def test_truncated_police_zip_names_the_problem(fake, tmp_path, db_copy):
    from lagesbild.store.imports import import_designations

    ep = Endpoints.load(fake.sources_toml(tmp_path / "s.toml"))
    fake.faults["/polisen/uso"] = ["truncated"]
    before = _sha(db_copy)
    with pytest.raises(SourceDataError, match="uso_2025_geojson.zip: not a zip file"):
        import_designations(str(db_copy), ep, None, None)
    assert _sha(db_copy) == before


def test_region_levels_from_real_scb_metadata():
    """SCB's real v2 metadata of TAB6473: the regions of each level are picked by their codes."""
    from lagesbild.sources.scb import parse_jsonstat, regions_of_level

    doc = json.loads((FIXTURES.parent / "reference" / "scb_TAB6473.meta.json").read_text(encoding="utf-8"))
    meta = parse_jsonstat(doc, "TAB6473 metadata")
    assert len(meta.codes["Region"]) == 312 and meta.codes["Tid"][0] == "2025M01"
    assert len(regions_of_level(meta, "kommun", None)) == 290
    assert len(regions_of_level(meta, "lan", None)) == 21
    assert regions_of_level(meta, "kommun", ["05"]) == ["0509", "0512", "0513", "0560", "0561", "0562", "0563",
                                                         "0580", "0581", "0582", "0583", "0584", "0586"]
    assert regions_of_level(meta, "lan", ["0581"]) == ["05"]
    assert regions_of_level(meta, "deso", None) == []


def test_web_shows_new_events_without_a_restart(fake, tmp_path, db_copy, fresh_state):
    from fastapi.testclient import TestClient

    from lagesbild.store.db import open_engine
    from lagesbild.store.imports import poll_events
    from lagesbild.store.queries import Repository
    from lagesbild.web.app import create_app

    web = TestClient(create_app(Repository(open_engine(str(db_copy))), events_check_every=0))
    first = web.get("/kommun/1880")
    assert "Inga av Polisens publicerade händelser" in first.text
    assert web.get("/api/v1/events", params={"kommun": "1880"}).json()["total"] == 0
    poll_events(str(db_copy), Endpoints.load(fake.sources_toml(tmp_path / "s.toml")))
    n = _rows(db_copy, "select count(*) from police_event where kommun = '1880'")[0][0]
    assert n > 0
    again = web.get("/kommun/1880", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and "Inga av Polisens publicerade händelser" not in again.text
    api = web.get("/api/v1/events", params={"kommun": "1880"}).json()
    assert api["total"] == n and "inte brottsstatistik" in api["note"]
    from lagesbild.sources.polisen_events import TYPE_LABELS

    assert {i["type"] for i in api["items"]} <= set(TYPE_LABELS)
