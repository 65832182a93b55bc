"""A local stand-in for every live source, served by pytest-httpserver (tests never touch the network).

Real sample responses are served as they are: the Police's 2025 areas zip (EPSG:3006), the events
API sample and SCB's JSON-stat2 sample. What no sample exists for is constructed from the real
data in ../shared/data, in the services' own formats:

* SCB PxWeb v2 tables (``/config``, ``/tables/{id}/metadata``, ``/tables/{id}/data``): for each table
  of the registry, cells chosen so that the registry's calculation gives back the DeSO values of
  shared/data (shares from counts, ratios from two contents, change from two years of population).
* SCB's WFS: the DeSO boundaries of shared/data projected to SWEREF 99 TM, paged like GeoServer.
* Brå: an export in Brå's layout (Region, Brott, År, Antal, Per 100 000 invånare, Status).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from werkzeug import Request, Response

from lagesbild.geo.geometry import rings_latlon_to_geometry
from lagesbild.indicators.registry import BY_ID, SCB_SPECS

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = SHARED / "fixtures"
T0 = 1_000_000.0  # the constructed total behind shares of tables without a population
OFFENCE_LABELS = {"total": "Samtliga brott", "person": "Brott mot person", "theft": "Stöld- och tillgreppsbrott",
                  "burglary": "Inbrott", "vandalism": "Skadegörelsebrott", "drugs_weapons": "Narkotika- och vapenbrott"}


def load_deso() -> list[dict[str, Any]]:
    out = []
    for path in sorted((SHARED / "deso").glob("*.json")):
        out.extend(json.loads(path.read_text(encoding="utf-8"))["areas"])
    return out


def _series(area: dict[str, Any], ind: str) -> dict[str, float]:
    hist = dict((area.get("hist") or {}).get(ind) or {})
    if ind == "pop":
        growth = (area.get("hist") or {}).get("growth") or {}
        year = max(growth) if growth else "2025"
        hist[year] = float(area["pop"])
        if growth and growth[year] is not None:  # the year before, from the published change
            hist[str(int(year) - 1)] = float(area["pop"]) / (1 + growth[year] / 100.0)
    return {p: v for p, v in hist.items() if v is not None}


@dataclass
class Table:
    id: str
    dims: dict[str, list[str]]  # without Region and Tid
    periods: list[str]
    cells: dict[tuple[str, ...], float] = field(default_factory=dict)  # (region, *dims in order, period)
    intensive: set[tuple[str, ...]] = field(default_factory=set)  # dim combos of means and medians (not counts)


def build_tables(areas: list[dict[str, Any]]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    by_table: dict[str, list[str]] = defaultdict(list)
    for ind, spec in SCB_SPECS.items():
        by_table[spec.table].append(ind)
    for tid, inds in by_table.items():
        dims: dict[str, set[str]] = defaultdict(set)
        for ind in inds:
            spec = SCB_SPECS[ind]
            for d, codes in spec.select.items():
                dims[d].update(codes)
            if spec.calc == "share":
                dims[spec.share_dim].update(spec.of)
            if spec.calc == "ratio":
                dims["ContentsCode"].add(spec.of_contents)
        if "Kon" in dims:
            dims["Kon"].update({"1", "2"})  # codes the client must leave alone
        order = sorted(dims)
        periods = sorted({p for a in areas for ind in inds for p in _series(a, "pop" if ind == "growth" else ind)})
        t = Table(tid, {d: sorted(dims[d]) for d in order}, periods)
        for a in areas:
            region = a["code"]  # "0581C1100_DeSO2025", as SCB's tables name them
            pop = _series(a, "pop")
            for ind in inds:
                spec = SCB_SPECS[ind]
                if spec.calc == "yoy":
                    continue  # the population cells carry it
                for period, v in _series(a, ind).items():
                    base = {d: spec.select[d][0] for d in spec.select}

                    def put(coords: dict[str, str], value: float, _p: str = period, _t: Table = t,
                            _r: str = region, _o: list[str] = order) -> None:
                        _t.cells[(_r, *(coords[d] for d in _o), _p)] = value

                    if spec.calc == "value":
                        put(base, v)
                        if BY_ID[ind].aggregation != "sum":
                            t.intensive.add(tuple(base[d] for d in order))
                    elif spec.calc == "ratio":
                        put(base, v / 100.0 * T0)
                        put(dict(base, ContentsCode=spec.of_contents), T0)
                    else:
                        total = pop.get(period) if tid == "TAB6574" else T0
                        if total is None:
                            continue
                        num = spec.select[spec.share_dim]
                        for c in num:
                            put(dict(base, **{spec.share_dim: c}), v / 100.0 * total / len(num))
                        rest = [c for c in spec.of if c not in num]
                        remaining = total - (v / 100.0 * total if set(num) <= set(spec.of) else 0.0)
                        for c in rest:
                            put(dict(base, **{spec.share_dim: c}), remaining / len(rest))
        tables[tid] = t
    return tables


def _jsonstat(tid: str, dims: dict[str, list[str]], values: list[float | None] | None) -> dict[str, Any]:
    ids = list(dims)
    return {
        "version": "2.0", "class": "dataset", "label": f"Konstruerad tabell {tid}", "source": "SCB (test)",
        "updated": "2026-02-20T07:00:00Z", "id": ids, "size": [len(dims[d]) for d in ids],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {d: {"label": d, "category": {"index": {c: i for i, c in enumerate(codes)},
                                                   "label": {c: c for c in codes}}} for d, codes in dims.items()},
        "extension": {"px": {"tableid": tid}},
        **({"value": values} if values is not None else {}),
    }


class FakeSources:
    """Registers every source on an HTTPServer; ``faults`` injects failures per path."""

    def __init__(self, server: Any, max_cells: int = 150_000) -> None:
        self.server = server
        self.areas = load_deso()
        self.tables = build_tables(self.areas)
        self.max_cells = max_cells
        self.faults: dict[str, list[Any]] = defaultdict(list)  # path prefix -> queue of faults
        self.log: list[tuple[str, str]] = []
        self.old_geoms: dict[str, Any] = {}
        self.geoms = {a["code"].split("_")[0]: rings_latlon_to_geometry([[tuple(p) for p in r] for r in a["rings"]])
                      for a in self.areas}
        kommuner = {a["kommun"] for a in self.areas}
        self.regions = ["00"] + sorted({k[:2] for k in kommuner}) + sorted(kommuner) + [a["code"] for a in self.areas]
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)

    def add_2018_division(self, kommun: str, year: str = "2024", as_year: str = "2023") -> dict[str, list[str]]:
        """A constructed DeSO 2018 layer for one kommun: pairs of neighbouring DeSO (same RegSO) merged.

        SCB's tables then carry ``as_year`` on the old codes only (``…_DeSO2018``), with the values of
        ``year``: counts of a merged pair summed, means and medians averaged. Returns old -> new codes.
        """
        codes = sorted(c for c in self.geoms if c.startswith(kommun))
        regso = {a["code"].split("_")[0]: a["regso"] for a in self.areas}
        old: dict[str, list[str]] = {}
        i = 0
        while i < len(codes):
            a = codes[i]
            b = codes[i + 1] if i + 1 < len(codes) else None
            if b and regso[a] == regso[b] and self.geoms[a].buffer(30).intersects(self.geoms[b]):
                old[a] = [a, b]
                i += 2
            else:
                old[a] = [a]
                i += 1
        self.old_geoms = {o: shapely.union_all([self.geoms[c] for c in news]) for o, news in old.items()}
        for t in self.tables.values():
            if year not in t.periods:
                continue
            t.periods = sorted(set(t.periods) | {as_year})
            by_combo: dict[tuple[str, ...], dict[str, float]] = defaultdict(dict)
            for key, v in t.cells.items():
                if key[-1] == year and key[0].split("_")[0][:4] == kommun:
                    by_combo[key[1:-1]][key[0].split("_")[0]] = v
            for combo, vals in by_combo.items():
                for o, news in old.items():
                    got = [vals[c] for c in news if c in vals]
                    if len(got) == len(news):
                        total = sum(got)
                        value = total / len(got) if combo in t.intensive else total
                        t.cells[(f"{o}_DeSO2018", *combo, as_year)] = value
        self.regions += [f"{o}_DeSO2018" for o in old]
        return old

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def sources_toml(self, path: Path, **extra: str) -> Path:
        values = dict(scb_api=self.url("/scb/api/v2"), scb_wfs=self.url("/scb/wfs"),
                      polisen_areas=self.url("/polisen/uso_2025_geojson.zip"),
                      polisen_events=self.url("/polisen/api/events"), bra=self.url("/bra/anmalda_brott.csv"))
        values.update(extra)
        body = "\n".join(f'{k} = "{v}"' for k, v in values.items())
        path.write_text(body + "\n[http]\ntimeout = 2\nretries = 2\nbackoff = 0.01\n", encoding="utf-8")
        return path

    # -- dispatch ------------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        path = request.path
        self.log.append((request.method, path))
        for prefix, queue in self.faults.items():
            if path.startswith(prefix) and queue:
                fault = queue.pop(0)
                if fault == "429":
                    return Response("Too Many Requests", status=429, headers={"Retry-After": "0"})
                if fault == "500":
                    return Response("Internal Server Error", status=500)
                if fault == "timeout":
                    import time

                    time.sleep(3)  # beyond the client's 2 s timeout
                    return Response("late", status=200)
                if fault == "truncated":
                    body = self.respond(request).get_data()
                    return Response(body[: len(body) // 2], status=200, content_type="application/json")
                if callable(fault):
                    return fault(request)
        return self.respond(request)

    def respond(self, request: Request) -> Response:
        path = request.path
        if path == "/scb/api/v2/config":
            return _json({"apiVersion": "2.0.0", "maxDataCells": self.max_cells, "maxCallsPerTimeWindow": 30,
                          "timeWindow": 10})
        if m := re.match(r"^/scb/api/v2/tables/(\w+)/metadata$", path):
            return self.metadata(m.group(1))
        if m := re.match(r"^/scb/api/v2/tables/(\w+)/data$", path):
            return self.data(m.group(1), request.get_json(force=True))
        if path == "/scb/sample":
            return Response((FIXTURES / "scb_pxweb_sample.json").read_bytes(), content_type="application/json")
        if path == "/scb/wfs":
            return self.wfs(request.args)
        if path == "/polisen/uso_2025_geojson.zip":
            return Response((FIXTURES / "uso_2025_geojson.zip").read_bytes(), content_type="application/zip")
        if path == "/polisen/api/events":
            return Response((FIXTURES / "polisen_events_sample.json").read_bytes(), content_type="application/json")
        if path == "/bra/anmalda_brott.csv":
            return Response(bra_export().encode("utf-8"), content_type="text/csv")
        return Response("not found", status=404)

    def metadata(self, tid: str) -> Response:
        t = self.tables.get(tid)
        if t is None:
            return Response('{"error": "no such table"}', status=404)
        return _json(_jsonstat(tid, {"Region": self.regions, **t.dims, "Tid": t.periods}, None))

    def data(self, tid: str, body: dict[str, Any]) -> Response:
        t = self.tables[tid]
        sel = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
        order = ["Region", *t.dims, "Tid"]
        dims = {d: sel.get(d) or ([] if d != "Region" else []) for d in order}
        cells = 1
        for d in order:
            cells *= len(dims[d])
        if cells > self.max_cells:
            return Response(json.dumps({"error": f"{cells} cells > {self.max_cells}"}), status=403)
        values: list[float | None] = []
        import itertools

        for combo in itertools.product(*(dims[d] for d in order)):
            values.append(t.cells.get(combo))
        return _json(_jsonstat(tid, dims, values))

    def wfs(self, args: Any) -> Response:
        geoms = self.old_geoms if "2018" in args.get("typeNames", "") else self.geoms
        codes = sorted(geoms)
        if flt := args.get("CQL_FILTER"):
            wanted = set(re.findall(r"kommunkod='(\d{4})'", flt))
            codes = [c for c in codes if c[:4] in wanted]
        start, count = int(args.get("startIndex", 0)), int(args.get("count", 1000))
        page = codes[start:start + count]
        regso = {a["code"].split("_")[0]: a["regso"].split("_")[0] for a in self.areas}
        feats = [{"type": "Feature", "id": f"DeSO_2025.{c}",
                  "geometry": shapely.geometry.mapping(geoms[c]),
                  "properties": {"desokod": c, "regsokod": regso[c], "kommunkod": c[:4], "lanskod": c[:2]}}
                 for c in page]
        return _json({"type": "FeatureCollection", "numberMatched": len(codes), "numberReturned": len(page),
                      "features": feats, "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}})


def bra_export() -> str:
    """Brå's layout, built from shared/data/bra (quarters as "2025 kvartal 1", decimal commas)."""
    kommun_names = {}
    for line in (SHARED / "reference" / "kommuner.csv").read_text(encoding="utf-8").splitlines()[1:]:
        code, name, _ = line.split(";")
        kommun_names[code] = name
    out = ["Anmälda brott per kommun (export ur Brås statistikdatabas, konstruerad för test)", "",
           "Region;Brott;År;Antal;Per 100 000 invånare;Status"]
    for fname in ("bra_crime_selected.csv", "bra_crime_quarterly.csv"):
        lines = (SHARED / "bra" / fname).read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            k, period, key, count, rate, prel = line.strip().split(";")
            period = re.sub(r"^(\d{4})K(\d)$", r"\1 kvartal \2", period)
            status = "Preliminär" if prel == "1" else "Slutlig"
            out.append(f"{k} {kommun_names[k]};{OFFENCE_LABELS[key]};{period};{count};{rate.replace('.', ',')};"
                       f"{status}")
    return "\r\n".join(out) + "\r\n"


def _json(doc: Any) -> Response:
    return Response(json.dumps(doc, ensure_ascii=False), content_type="application/json")
