"""The JSON API under /api/v1: areas, indicators, observations, designations, risk, watchlist, typology.

Lists are paginated (``limit``, ``offset``; the answer says ``total`` and the ``next`` page). Unknown
codes answer 404 with a JSON error body and suggestions; malformed parameters answer 422.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request

from lagesbild.analysis.early_warning import flat_rows
from lagesbild.analysis.early_warning import watchlist as early_watchlist
from lagesbild.geo import codes as codes_mod
from lagesbild.web.data import WebData

router = APIRouter(prefix="/api/v1", tags=["lägesbild"])
Level = Literal["deso", "regso", "kommun", "lan", "riket"]
KOMMUN = Annotated[str | None, Query(pattern=r"^\d{4}$", description="Kommunkod, t.ex. 0581")]
LAN = Annotated[str | None, Query(pattern=r"^\d{2}$", description="Länskod, t.ex. 05")]
LIMIT = Annotated[int, Query(ge=1, le=1000)]
OFFSET = Annotated[int, Query(ge=0)]


def data(request: Request) -> WebData:
    return request.app.state.data


def clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):
        return clean(value.item())
    if value is pd.NA:
        return None
    return value


def page(request: Request, items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    total = len(items)
    nxt = None
    if offset + limit < total:
        nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    return dict(total=total, limit=limit, offset=offset, next=nxt,
                items=[{k: clean(v) for k, v in it.items()} for it in items[offset:offset + limit]])


def not_found(what: str, code: str, candidates: dict[str, str]) -> HTTPException:
    return HTTPException(404, detail=dict(message=f"{what} '{code}' finns inte i datamängden",
                                          suggestions=codes_mod.suggest(code, candidates)))


def check_area(d: WebData, code: str, level: str | None = None) -> str:
    normal = codes_mod.normalise(code)
    found = codes_mod.level_of(normal) or ("riket" if normal == "00" else None)
    if found is None or (level and found != level):
        raise HTTPException(422, detail=f"'{code}' är ingen giltig områdeskod"
                                        + (f" för nivån {level}" if level else ""))
    if normal not in d.areas.index:
        raise not_found("området", normal, d.candidates.get(found, {}))
    return normal


def filter_areas(areas: pd.DataFrame, **equal: str | None) -> pd.DataFrame:
    """The rows whose columns equal every given (not None) value."""
    for column, value in equal.items():
        if value:
            areas = areas[areas[column] == value]
    return areas


def check_filters(d: WebData, kommun: str | None, lan: str | None) -> None:
    if kommun and kommun not in d.candidates["kommun"]:
        raise not_found("kommunen", kommun, d.candidates["kommun"])
    if lan and lan not in d.candidates["lan"]:
        raise not_found("länet", lan, d.candidates["lan"])


@router.get("/areas", summary="Områden, filtrerade på nivå och överordnat område")
def areas(request: Request, level: Level | None = None,
          parent: Annotated[str | None, Query(pattern=r"^[0-9A-Z]{2,9}$")] = None,
          kommun: KOMMUN = None, lan: LAN = None, limit: LIMIT = 100, offset: OFFSET = 0) -> dict[str, Any]:
    d = data(request)
    check_filters(d, kommun, lan)
    a = filter_areas(d.areas, level=level, parent=parent, kommun=kommun, lan=lan)
    return page(request, [d.area_record(c) for c in a.index], limit, offset)


@router.get("/areas/{code}", summary="Ett område med dess värden och jämförelser")
def area(request: Request, code: str) -> dict[str, Any]:
    d = data(request)
    code = check_area(d, code)
    rec = d.area_record(code)
    source = d.values if rec["level"] == "deso" else d.ref_values
    if code in source.index:
        rec["indicators"] = {i: dict(value=clean(source.at[code, i]), period=d.periods.get(i))
                             for i in source.columns if pd.notna(source.at[code, i])}
    if rec["level"] == "deso":
        r = d.risk.loc[code]
        rec["risk_factors"] = r["factors"]
        rec["borders_designated"] = bool(r["borders_designated"])
        rec["worsening"] = r["worsening"]
    return {k: clean(v) for k, v in rec.items()}


@router.get("/indicators", summary="Indikatorregistret")
def indicators(request: Request) -> list[dict[str, Any]]:
    d = data(request)
    return [dict(id=i, **{k: clean(v) for k, v in row.items()}, latest_period=d.periods.get(i))
            for i, row in d.indicators.iterrows()]


@router.get("/observations", summary="Observationer i lång form")
def observations(request: Request, area: Annotated[list[str], Query(min_length=1)],
                 indicator: Annotated[list[str] | None, Query()] = None,
                 period_from: Annotated[str | None, Query(alias="from", pattern=r"^\d{4}(K[1-4])?$")] = None,
                 period_to: Annotated[str | None, Query(alias="to", pattern=r"^\d{4}(K[1-4])?$")] = None,
                 frequency: Literal["year", "quarter"] | None = None,
                 limit: LIMIT = 1000, offset: OFFSET = 0) -> dict[str, Any]:
    """``from``/``to`` are inclusive: a year covers its quarters too (``to=2025`` includes 2025K4)."""
    d = data(request)
    codes = [check_area(d, a) for a in area]
    unknown = [i for i in indicator or [] if i not in d.indicators.index]
    if unknown:
        raise HTTPException(404, detail=dict(message=f"okänd indikator: {', '.join(unknown)}",
                                             suggestions=sorted(d.indicators.index)[:10]))
    obs = d.repo.observations(codes, indicator or list(d.indicators.index))
    keys = obs["period"].map(_period_key)
    if period_from:
        obs = obs[keys >= _period_key(period_from)]
    if period_to:
        obs = obs[keys.reindex(obs.index) <= _period_key(period_to, end=True)]
    if frequency:
        quarterly = obs["period"].str.contains("K")
        obs = obs[quarterly] if frequency == "quarter" else obs[~quarterly]
    return page(request, obs.to_dict(orient="records"), limit, offset)


def _period_key(period: str, end: bool = False) -> tuple[int, int]:
    """(year, quarter) for ordering; a bare year is quarter 0 as a start and quarter 4 as an end."""
    year, _, q = period.partition("K")
    return int(year[:4]), int(q) if q else (4 if end else 0)


@router.get("/designations", summary="Polisens utpekade områden")
def designations(request: Request, kommun: KOMMUN = None, lan: LAN = None, limit: LIMIT = 100,
                 offset: OFFSET = 0) -> dict[str, Any]:
    d = data(request)
    des = d.designations.drop(columns=["geometry"])
    if kommun:
        des = des[des["kommun"] == kommun]
    if lan:
        des = des[des["kommun"].fillna("").str.startswith(lan)]
    items = []
    for r in des.to_dict(orient="records"):
        r["since"] = str(r["since"])[:10] if r["since"] is not None and pd.notna(r["since"]) else None
        r["deso"] = d.members.get(r["id"], [])
        items.append(r)
    return page(request, items, limit, offset)


@router.get("/risk", summary="Risk per DeSO med skäl")
def risk(request: Request, kommun: KOMMUN = None, lan: LAN = None, limit: LIMIT = 100,
         offset: OFFSET = 0) -> dict[str, Any]:
    d = data(request)
    check_filters(d, kommun, lan)
    t = d.risk
    if kommun:
        t = t[t["kommun"] == kommun]
    if lan:
        t = t[t["lan"] == lan]
    return page(request, flat_rows(t.sort_values("risk", ascending=False)), limit, offset)


@router.get("/watchlist", summary="Bevakningslista: ej utpekade områden efter risk")
def watchlist(request: Request, kommun: KOMMUN = None, lan: LAN = None,
              top: Annotated[int, Query(ge=1, le=1000)] = 20) -> dict[str, Any]:
    d = data(request)
    check_filters(d, kommun, lan)
    items = flat_rows(early_watchlist(d.risk, kommun=kommun, lan=lan, top=top))
    return dict(total=len(items), items=[{k: clean(v) for k, v in it.items()} for it in items])


@router.get("/events", summary="Polisens publicerade händelser: antal per typ och månad")
def events(request: Request, kommun: KOMMUN = None, lan: LAN = None,
           lan_only: Annotated[bool, Query(description="Bara länets händelser utan kommun")] = False
           ) -> dict[str, Any]:
    """Counts only. The events are a selection the Police publish, not crime statistics; the place is a
    kommun or a län (sometimes the kommun named in the title), never an address."""
    from lagesbild.sources.polisen_events import TYPE_LABELS

    d = data(request)
    check_filters(d, kommun, lan)
    counts = d.repo.event_counts(kommun=kommun, lan=lan, lan_only=lan_only)
    items = [dict(month=r.month, type=r.type, type_label=TYPE_LABELS.get(r.type, (r.type,))[0], count=int(r.n))
             for r in counts.itertuples(index=False)]
    return dict(total=int(counts["n"].sum()) if len(counts) else 0, items=items, source="Polisen, händelser-API",
                note="Ett urval som Polisen väljer att publicera, inte brottsstatistik.")


@router.get("/typology", summary="Socioekonomisk områdestyp")
def typology(request: Request, level: Literal["deso", "regso"] = "deso", kommun: KOMMUN = None, lan: LAN = None,
             limit: LIMIT = 100, offset: OFFSET = 0) -> dict[str, Any]:
    d = data(request)
    check_filters(d, kommun, lan)
    t = d.typology_deso if level == "deso" else d.typology_regso
    t = t.reindex(filter_areas(d.areas, level=level, kommun=kommun, lan=lan).index)
    items = [dict(code=c, index=r["index"], type=r["type"], type_label=r["type_label"]) for c, r in t.iterrows()]
    return page(request, items, limit, offset)
