"""SCB statistics through the PxWeb API v2 (JSON-stat 2.0), computed as the indicator registry says.

For each table the client reads the metadata, picks the regions of one level (DeSO, RegSO, kommun,
län) inside the wanted kommun or län, and the wanted periods; it splits the request so no call asks
for more cells than SCB allows (``maxDataCells`` from ``/config``, 150,000 by default) and keeps to
SCB's rate limit (30 calls per 10 s) with retries and backoff (sources.http). The answers are parsed
from JSON-stat2 and turned into indicator values with ``indicators.registry.SCB_SPECS``.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lagesbild.errors import LagesbildError, SourceFetchError
from lagesbild.indicators.registry import SCB_SPECS, ScbSpec
from lagesbild.sources.http import RateLimit, RateLimiter, SourceClient, require

SOURCE = "SCB PxWeb"
DEFAULT_LIMIT = RateLimit(calls=30, window=10.0)
DEFAULT_MAX_CELLS = 150_000
LEVEL_PATTERNS = {
    "deso": re.compile(r"^\d{4}[A-C]\d{4}$"),
    "regso": re.compile(r"^\d{4}R\d{3}$"),
    "kommun": re.compile(r"^\d{4}$"),
    "lan": re.compile(r"^\d{2}$"),
}
REGION_DIM = "Region"
TIME_DIM = "Tid"
Progress = Callable[[str, int, int], None]


def _noop(_t: str, _d: int, _n: int) -> None:
    pass


def base_code(code: str) -> tuple[str, str]:
    """("0581C1100", "DeSO2025") from "0581C1100_DeSO2025"; the vintage is "" without a suffix."""
    code, _, vintage = code.partition("_")
    return code, vintage


def level_of(code: str) -> str | None:
    bare, _ = base_code(code)
    if bare == "00":
        return "riket"
    return next((lvl for lvl, pat in LEVEL_PATTERNS.items() if pat.match(bare)), None)


# -- JSON-stat 2.0 ------------------------------------------------------------------------------------

@dataclass
class JsonStat:
    """A parsed JSON-stat 2.0 dataset: dimension ids, their category codes in order, and the cells."""

    label: str
    ids: list[str]
    codes: dict[str, list[str]]
    values: dict[tuple[str, ...], float | None]
    updated: str = ""

    def get(self, **coords: str) -> float | None:
        return self.values.get(tuple(coords[d] for d in self.ids))


def parse_jsonstat(doc: Any, where: str) -> JsonStat:
    require(SOURCE, where, doc, ["id", "size", "dimension"])
    ids, size, dims = doc["id"], doc["size"], doc["dimension"]
    if not isinstance(ids, list) or not isinstance(size, list) or len(ids) != len(size):
        raise SourceFetchError(SOURCE, where, "'id' and 'size' do not match (has the format changed?)")
    codes: dict[str, list[str]] = {}
    for d, n in zip(ids, size, strict=True):
        cat = (dims.get(d) or {}).get("category") if isinstance(dims, dict) else None
        if not isinstance(cat, dict) or "index" not in cat:
            raise SourceFetchError(SOURCE, where, f"dimension {d!r} has no category index (has the format changed?)")
        index = cat["index"]
        order = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
        if len(order) != n:
            raise SourceFetchError(SOURCE, where, f"dimension {d!r} has {len(order)} categories, size says {n}")
        codes[d] = [str(c) for c in order]
    total = 1
    for n in size:
        total *= n
    raw = doc.get("value")
    values: dict[tuple[str, ...], float | None] = {}
    if raw is None:
        raw = []
    if isinstance(raw, dict):  # sparse form: {"position": value}
        dense: list[Any] = [None] * total
        for k, v in raw.items():
            dense[int(k)] = v
        raw = dense
    if not isinstance(raw, list):
        raise SourceFetchError(SOURCE, where, "'value' is neither a list nor an object")
    if raw and len(raw) != total:
        raise SourceFetchError(SOURCE, where, f"{len(raw)} values for {total} cells (cut off?)")
    for pos, combo in enumerate(itertools.product(*(codes[d] for d in ids))):
        if not raw:
            break
        v = raw[pos]
        if v is not None and not isinstance(v, int | float):
            raise SourceFetchError(SOURCE, where, f"cell {combo} is not a number: {v!r}")
        values[combo] = None if v is None else float(v)
    return JsonStat(str(doc.get("label", "")), list(ids), codes, values, str(doc.get("updated", "")))


# -- the client ---------------------------------------------------------------------------------------

@dataclass
class TableResult:
    table: str
    label: str
    updated: str
    calls: int
    cells: int
    values: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # indicator -> area -> period
    missing: int = 0  # suppressed or absent cells (".." in SCB's tables): left out, never imputed
    via_crosswalk: set[tuple[str, str, str]] = field(default_factory=set)  # (indicator, area, period)


class PxWebClient:
    def __init__(self, base_url: str, client: SourceClient | None = None, lang: str = "sv") -> None:
        self.base = base_url.rstrip("/")
        self.lang = lang
        self.client = client or SourceClient(SOURCE, RateLimiter(DEFAULT_LIMIT))
        self._config: dict[str, Any] | None = None

    def config(self) -> dict[str, Any]:
        """SCB's own limits (maxDataCells, maxCallsPerTimeWindow, timeWindow); the limiter follows them."""
        if self._config is None:
            doc = self.client.json("GET", f"{self.base}/config")
            if not isinstance(doc, dict):
                raise SourceFetchError(SOURCE, f"{self.base}/config", "expected a JSON object")
            self._config = doc
            calls, window = doc.get("maxCallsPerTimeWindow"), doc.get("timeWindow")
            if self.client.limiter and isinstance(calls, int) and isinstance(window, int | float) and calls > 0:
                self.client.limiter.limit = RateLimit(calls=calls, window=float(window))
        return self._config

    @property
    def max_cells(self) -> int:
        value = self.config().get("maxDataCells", DEFAULT_MAX_CELLS)
        return int(value) if isinstance(value, int) and value > 0 else DEFAULT_MAX_CELLS

    def metadata(self, table: str) -> JsonStat:
        url = f"{self.base}/tables/{table}/metadata"
        doc = self.client.json("GET", url, params={"lang": self.lang})
        return parse_jsonstat(doc, url)

    def data(self, table: str, selection: dict[str, list[str]]) -> JsonStat:
        url = f"{self.base}/tables/{table}/data"
        body = {"selection": [{"variableCode": d, "valueCodes": codes} for d, codes in selection.items()]}
        doc = self.client.json("POST", url, params={"lang": self.lang, "outputFormat": "json-stat2"}, json=body)
        return parse_jsonstat(doc, url)


def regions_of_level(meta: JsonStat, level: str, within: list[str] | None) -> list[str]:
    """The table's region codes of ``level`` inside the given kommun or län codes (all when None)."""
    if REGION_DIM not in meta.codes:
        raise SourceFetchError(SOURCE, meta.label, f"the table has no {REGION_DIM!r} dimension (has it changed?)")
    out = []
    for code in meta.codes[REGION_DIM]:
        bare = base_code(code)[0]
        if level_of(code) != level:
            continue
        if within and not any(bare.startswith(w) or w.startswith(bare) for w in within):  # inside, or containing
            continue
        out.append(code)
    return out


def _selection(specs: dict[str, ScbSpec], meta: JsonStat) -> dict[str, list[str]]:
    """The codes to fetch per dimension: every numerator and denominator code the specs need."""
    sel: dict[str, set[str]] = defaultdict(set)
    for spec in specs.values():
        for d, codes in spec.select.items():
            sel[d].update(codes)
        if spec.calc == "share":
            sel[spec.share_dim].update(spec.of)
        if spec.calc == "ratio":
            sel["ContentsCode"].add(spec.of_contents)
    for d, codes in sel.items():
        if d not in meta.codes:
            raise SourceFetchError(SOURCE, meta.label, f"dimension {d!r} is not in the table (has it changed?)")
        unknown = sorted(codes - set(meta.codes[d]))
        if unknown:
            raise SourceFetchError(SOURCE, meta.label, f"code(s) {', '.join(unknown)} not in dimension {d!r} "
                                                      "(has the table changed?)")
    # Keep the table's own order of codes, so requests are reproducible.
    return {d: [c for c in meta.codes[d] if c in codes] for d, codes in sel.items()}


def chunks(regions: list[str], other_cells: int, max_cells: int) -> list[list[str]]:
    """Split the regions so that len(chunk) × other_cells ≤ max_cells."""
    if other_cells > max_cells:
        raise LagesbildError(f"one region alone needs {other_cells} cells, more than SCB's limit of {max_cells}")
    per = max(1, max_cells // other_cells)
    return [regions[i:i + per] for i in range(0, len(regions), per)]


def _sum(cells: dict[tuple[str, ...], float | None], ids: list[str], fixed: dict[str, str],
         multi: dict[str, tuple[str, ...]]) -> float | None:
    total = 0.0
    names = list(multi)
    for combo in itertools.product(*(multi[n] for n in names)):
        coords = dict(fixed, **dict(zip(names, combo, strict=True)))
        v = cells.get(tuple(coords[d] for d in ids))
        if v is None:
            return None
        total += v
    return total


def parts(spec: ScbSpec, data: JsonStat, region: str, period: str, previous: str | None
          ) -> tuple[float, float | None] | None:
    """(numerator, denominator) of one indicator from the cells; None when a needed cell is missing."""
    base = {REGION_DIM: region, TIME_DIM: period}
    num = _sum(data.values, data.ids, base, spec.select)
    if num is None:
        return None
    if spec.calc == "value":
        return num, None
    if spec.calc == "share":
        den = _sum(data.values, data.ids, base, dict(spec.select, **{spec.share_dim: spec.of}))
    elif spec.calc == "ratio":
        den = _sum(data.values, data.ids, base, dict(spec.select, ContentsCode=(spec.of_contents,)))
    else:  # yoy: the same cells one period earlier
        den = _sum(data.values, data.ids, dict(base, **{TIME_DIM: previous}), spec.select) if previous else None
    return None if den is None else (num, den)


DECIMALS = 6


def value(spec: ScbSpec, p: tuple[float, float | None] | None) -> float | None:
    """The indicator from (numerator, denominator). Derived percentages are rounded to ``DECIMALS``
    places, so a value does not depend on the order of floating-point operations (a difference of
    1e-14 can otherwise break a tie in a rank or a tree split and move a risk score)."""
    if p is None:
        return None
    num, den = p
    if spec.calc == "value":
        return num
    if not den:
        return None
    return round((num / den - 1.0) * 100.0 if spec.calc == "yoy" else num / den * 100.0, DECIMALS)


def fetch_table(px: PxWebClient, table: str, indicators: list[str], level: str, within: list[str] | None,
                years: list[str] | None, progress: Progress = _noop, links: list[Any] | None = None) -> TableResult:
    """One table's indicators for the regions of ``level``.

    With ``links`` (a DeSO 2018 → 2025 crosswalk, see sources.scb_geo), DeSO values that SCB publishes
    only on the 2018 division are moved to today's areas; those values are marked in ``via_crosswalk``.
    """
    from lagesbild.indicators.registry import BY_ID
    from lagesbild.sources.scb_geo import apply_crosswalk

    specs = {i: SCB_SPECS[i] for i in indicators}
    meta = px.metadata(table)
    if TIME_DIM not in meta.codes:
        raise SourceFetchError(SOURCE, table, f"the table has no {TIME_DIM!r} dimension (has it changed?)")
    periods = list(meta.codes[TIME_DIM])
    wanted = [p for p in periods if years is None or p in years]
    if years and (absent := sorted(set(years) - set(periods))):
        raise LagesbildError(f"SCB {table} has no period {', '.join(absent)}; it has {periods[0]}–{periods[-1]}")
    if not years:
        wanted = periods[-2:]
    fetch_periods = list(wanted)
    if any(s.calc == "yoy" for s in specs.values()):  # a change needs the period before the first one
        first = periods.index(wanted[0])
        if first > 0 and periods[first - 1] not in fetch_periods:
            fetch_periods.insert(0, periods[first - 1])
    in_level = regions_of_level(meta, level, within)
    regions = [r for r in in_level if base_code(r)[1] in ("", "DeSO2025", "RegSO2025")]
    old_regions = [r for r in in_level if base_code(r)[1] == "DeSO2018"] if links else []
    if not regions:
        raise LagesbildError(f"SCB {table} has no {level} regions in {', '.join(within or ['Sweden'])}")
    sel = _selection(specs, meta)
    other = len(fetch_periods)
    for codes in sel.values():
        other *= len(codes)
    batches = chunks(regions + old_regions, other, px.max_cells)
    result = TableResult(table, meta.label, meta.updated, 0, 0)
    old_parts: dict[tuple[str, str], dict[str, tuple[float, float | None]]] = defaultdict(dict)
    for k, part in enumerate(batches):
        progress(f"SCB {table}", k, len(batches))
        data = px.data(table, {REGION_DIM: part, **sel, TIME_DIM: fetch_periods})
        result.calls += 1
        result.cells += len(data.values)
        if set(data.ids) - {REGION_DIM, TIME_DIM} - set(sel):
            extra = sorted(set(data.ids) - {REGION_DIM, TIME_DIM} - set(sel))
            raise SourceFetchError(SOURCE, table, f"the answer has unexpected dimension(s) {', '.join(extra)}")
        for region in part:
            area, vintage = base_code(region)
            for period in wanted:
                idx = fetch_periods.index(period)
                prev = fetch_periods[idx - 1] if idx > 0 else None
                for ind, spec in specs.items():
                    p = parts(spec, data, region, period, prev)
                    if vintage == "DeSO2018":
                        if p is not None:
                            old_parts[(ind, period)][area] = p
                        continue
                    v = value(spec, p)
                    if v is None:
                        result.missing += 1
                        continue
                    result.values.setdefault(ind, {}).setdefault(area, {})[period] = v
    for (ind, period), by_old in old_parts.items():
        spec = specs[ind]
        extensive = spec.calc != "value" or BY_ID[ind].aggregation == "sum"
        for area, p in apply_crosswalk(by_old, links or [], extensive).items():
            series = result.values.setdefault(ind, {}).setdefault(area, {})
            if period not in series and (v := value(spec, p)) is not None:
                series[period] = v
                result.via_crosswalk.add((ind, area, period))
    progress(f"SCB {table}", len(batches), len(batches))
    return result


def fetch_indicators(px: PxWebClient, level: str, within: list[str] | None, years: list[str] | None,
                     indicators: list[str] | None = None, progress: Progress = _noop,
                     links: list[Any] | None = None) -> list[TableResult]:
    """Every indicator of the registry (or the given ones), table by table."""
    wanted = indicators or list(SCB_SPECS)
    by_table: dict[str, list[str]] = defaultdict(list)
    for ind in wanted:
        by_table[SCB_SPECS[ind].table].append(ind)
    return [fetch_table(px, table, inds, level, within, years, progress, links)
            for table, inds in sorted(by_table.items())]


def source_row(result: TableResult, base_url: str, retrieved: date) -> dict[str, Any]:
    return dict(id=source_id(result.table), publisher="SCB", title=f"{result.label} ({result.table})",
                licence="CC0", url=f"{base_url.rstrip('/')}/tables/{result.table}", retrieved=retrieved,
                note=f"PxWeb API v2, uppdaterad {result.updated or 'okänt'}; {result.calls} anrop, "
                     f"{result.cells} celler, {result.missing} saknade värden.")


def source_id(table: str) -> str:
    return f"scb_{table}"
