"""`lagesbild serve`: server-rendered pages (Jinja2, inline SVG) and the JSON API, with FastAPI.

Pages have stable URLs (``/kommun/0581``, ``/omrade/0581C1100`` …) and the same path with ``.csv`` or
``.geojson`` downloads what the page shows. Everything works offline: no CDN, inline CSS and SVG, a
little plain JavaScript. Responses carry an ETag and Last-Modified derived from the data, and a
matching If-None-Match answers 304; answers are kept in memory and replayed (web.cache).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pandas as pd
import shapely
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from lagesbild import __version__
from lagesbild.geo import codes as codes_mod
from lagesbild.geo.geometry import to_wgs84
from lagesbild.i18n import TEXT, t
from lagesbild.indicators.registry import BY_ID, MAIN_INDICATORS, label, unit
from lagesbild.report.fmt import NO_VALUE, number, percent_share, use_lang
from lagesbild.report.maps import Classes, MapArea, choropleth
from lagesbild.store.build import RIKET
from lagesbild.store.models import category_label
from lagesbild.web import api
from lagesbild.web.cache import ResponseCache
from lagesbild.web.data import AREA_INDICATORS, WebData

ENV = Environment(loader=ChoiceLoader([PackageLoader("lagesbild.web", "templates"),
                                       PackageLoader("lagesbild.report", "templates")]),
                  autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def create_app(repo: Any, events_check_every: float = 30.0) -> FastAPI:
    """The web app; answers are cached until the data change (events are checked every ``events_check_every`` s)."""
    app = FastAPI(title="lägesbild API", version=__version__, openapi_url="/openapi.json",
                  description="Lägesbild över brott och områdens utsatthet: områden, indikatorer, "
                              "observationer, Polisens utpekade områden, risk och bevakningslista.")
    app.state.data = WebData(repo)
    d: WebData = app.state.data
    last_modified = format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True)

    app.add_middleware(ResponseCache, seed=d.etag_seed, last_modified=last_modified, version=repo.events_version,
                       check_every=events_check_every)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            detail = exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail)}
            return JSONResponse({"error": {"status": exc.status_code, **detail}}, status_code=exc.status_code)
        detail = exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail)}
        html = render(request, "error.html.j2", status=exc.status_code, message=detail.get("message", ""),
                      suggestions=detail.get("suggestions", []))
        return HTMLResponse(html, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [dict(field=".".join(str(x) for x in e["loc"]), message=e["msg"]) for e in exc.errors()]
        return JSONResponse({"error": {"status": 422, "message": "ogiltiga parametrar", "fields": errors},
                             "detail": errors}, status_code=422)

    app.include_router(api.router)

    # -- pages ------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def start(request: Request) -> HTMLResponse:
        return HTMLResponse(start_html(lang_of(request)))

    @app.get("/kommuner.{ext}", include_in_schema=False)
    def kommuner_download(ext: str) -> Response:
        """What the start page shows: every kommun in the data with its key indicators."""
        if ext not in ("csv", "geojson"):
            raise HTTPException(404, detail={"message": f"okänt format '{ext}'"})
        k = d.with_data("kommun")
        frame = k[["name", "lan", "population", "n_deso"]].join(d.ref_values.reindex(k.index)[list(MAIN_INDICATORS)])
        frame = frame.assign(designated_areas=[int((d.designations["kommun"] == c).sum()) for c in k.index])
        return download(frame.reset_index().assign(geometry=list(k["geometry"])), ext, "kommuner")

    @app.get("/sok", include_in_schema=False)
    def search(request: Request, q: str = "") -> Response:
        target, hits = find(d, q)
        if target:
            return RedirectResponse(with_lang(target, lang_of(request)), status_code=303)
        return HTMLResponse(render(request, "search.html.j2", q=q, hits=hits))

    @app.get("/kommun/{code}", include_in_schema=False)
    def kommun_page(request: Request, code: str) -> Response:
        return region_page(request, code, "kommun")

    @app.get("/lan/{code}", include_in_schema=False)
    def lan_page(request: Request, code: str) -> Response:
        return region_page(request, code, "lan")

    @app.get("/omrade/{code}", include_in_schema=False)
    def area_page(request: Request, code: str) -> Response:
        code, ext = split_ext(code)
        code = page_code(d, code, "deso")
        if ext:
            return download(area_frame(d, [code]), ext, f"deso-{code}")
        return HTMLResponse(render(request, "area.html.j2", **area_context(d, code, lang_of(request))))

    @app.get("/omraden", include_in_schema=False)
    @app.get("/omraden.{ext}", include_in_schema=False)
    def designations_page(request: Request, ext: str | None = None) -> Response:
        rows = designation_rows(d, lang_of(request))
        if ext:
            if ext not in ("csv", "geojson"):
                raise HTTPException(404, detail={"message": f"okänt format '{ext}'"})
            frame = pd.DataFrame(rows).drop(columns=["geometry"])
            geoms = [r["geometry"] for r in rows]
            return download(frame.assign(geometry=geoms), ext, "utpekade-omraden")
        return HTMLResponse(render(request, "designations.html.j2", rows=rows))

    @app.get("/metod", response_class=HTMLResponse, include_in_schema=False)
    def method(request: Request) -> HTMLResponse:
        return HTMLResponse(render(request, "method.html.j2", **method_context(d, lang_of(request))))

    def region_page(request: Request, code: str, level: str) -> Response:
        code, ext = split_ext(code)
        code = page_code(d, code, level)
        if ext:
            deso = d.areas[(d.areas["level"] == "deso") & (d.areas[level] == code)]
            return download(area_frame(d, list(deso.index)), ext, f"{level}-{code}")
        return HTMLResponse(region_html(code, level, lang_of(request)))

    # No memoising here: the response cache (web.cache) keeps every rendered page already.
    def region_html(code: str, level: str, lang: str) -> str:
        from lagesbild.report.lagesbild import build_context

        ctx = build_context(d.repo, code, level, area_href=lambda c: with_lang(f"/omrade/{c}", lang), lang=lang)
        with use_lang(lang):
            return ENV.get_template("region.html.j2").render(**(ctx | chrome(lang, f"/{level}/{code}")),
                                                              level=level, code=code)

    def render(request: Request, template: str, **ctx: Any) -> str:
        lang = lang_of(request)
        return ENV.get_template(template).render(**ctx, **chrome(lang, request.url.path))

    def start_html(lang: str) -> str:
        return ENV.get_template("start.html.j2").render(**start_context(d, lang), **chrome(lang, "/"))

    def chrome(lang: str, path: str) -> dict[str, Any]:
        return dict(lang=lang, T=lambda key: t(key, lang), path=path, version=__version__, meta=d.meta,
                    link=lambda p: with_lang(p, lang), other_lang="en" if lang == "sv" else "sv")

    return app


def app_from_env() -> FastAPI:
    """The app for ``LAGESBILD_DB`` (used by uvicorn's worker processes)."""
    from lagesbild.store.db import open_engine
    from lagesbild.store.queries import Repository

    return create_app(Repository(open_engine(None)))


# -- helpers ---------------------------------------------------------------------------------------

def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang", "sv")
    return lang if lang in TEXT else "sv"


def with_lang(path: str, lang: str) -> str:
    return path if lang == "sv" else f"{path}{'&' if '?' in path else '?'}lang={lang}"


def split_ext(code: str) -> tuple[str, str | None]:
    for ext in ("csv", "geojson"):
        if code.endswith("." + ext):
            return code[: -len(ext) - 1], ext
    return code, None


def page_code(d: WebData, value: str, level: str) -> str:
    code = codes_mod.normalise(value)
    cands = d.candidates[level]
    if code in cands:
        return code
    folded = codes_mod.fold(value)
    for c, name in cands.items():
        if codes_mod.fold(name) == folded:
            return c
    raise HTTPException(404, detail={"message": f"{codes_mod.LEVEL_LABELS[level]} '{value}' finns inte i datamängden",
                                     "suggestions": codes_mod.suggest(code, cands)})


def find(d: WebData, q: str) -> tuple[str | None, list[tuple[str, str]]]:
    """A direct target for an exact code or name, else a list of (url, label) hits."""
    q = q.strip()
    if not q:
        return None, []
    code = codes_mod.normalise(q)
    for level, prefix in (("deso", "/omrade/"), ("kommun", "/kommun/"), ("lan", "/lan/")):
        if code in d.candidates[level]:
            return prefix + code, []
    folded = codes_mod.fold(q)
    hits: list[tuple[str, str]] = []
    for level, prefix in (("kommun", "/kommun/"), ("lan", "/lan/")):
        for c, name in d.candidates[level].items():
            if codes_mod.fold(name) == folded:
                return prefix + c, []
            if folded in codes_mod.fold(name):
                hits.append((prefix + c, f"{name} ({c})"))
    for r in d.designations.itertuples():
        if folded in codes_mod.fold(r.name):
            hits.append((f"/omraden#omrade-{r.id}", f"{r.name} – {category_label(r.category).lower()}, {r.ort}"))
    for c in d.deso_codes:
        if c.startswith(code) and len(hits) < 50:
            hits.append((f"/omrade/{c}", c))
    if len(hits) == 1:
        return hits[0][0], []
    return None, hits


def area_frame(d: WebData, deso_codes: list[str]) -> pd.DataFrame:
    """What a page shows for its DeSOs, as one flat table (with geometry for GeoJSON)."""
    rows = []
    for c in deso_codes:
        rec = d.area_record(c)
        rec.pop("neighbours", None)
        rec["designated_areas"] = ", ".join(rec.get("designated_areas", []))
        for ind in MAIN_INDICATORS:
            rec[ind] = d.values.at[c, ind]
        rec["geometry"] = d.geometry(c)
        rows.append(rec)
    return pd.DataFrame(rows)


def download(frame: pd.DataFrame, ext: str, name: str) -> Response:
    if ext == "csv":
        buf = io.StringIO()
        frame.drop(columns=["geometry"], errors="ignore").to_csv(buf, index=False, lineterminator="\n")
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    features = []
    for rec in frame.to_dict(orient="records"):
        geom = rec.pop("geometry", None)
        props = {k: api.clean(v) for k, v in rec.items()}
        shape = shapely.geometry.mapping(shapely.set_precision(to_wgs84(geom), 1e-6)) if geom is not None else None
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return Response(body, media_type="application/geo+json",
                    headers={"Content-Disposition": f'attachment; filename="{name}.geojson"'})


def designation_rows(d: WebData, lang: str = "sv") -> list[dict[str, Any]]:
    rows = []
    for r in d.designations.itertuples():
        inside = d.members.get(r.id, [])
        pop = d.areas["population"].reindex(inside).sum()
        rows.append(dict(id=int(r.id), name=r.name, category=r.category,
                         category_label=category_label(r.category, lang),
                         since=str(r.since)[:10] if r.since is not None and pd.notna(r.since) else NO_VALUE,
                         ort=r.ort, kommun=r.kommun, kommun_name=d.name(r.kommun) if isinstance(r.kommun, str) else "",
                         police_region=r.police_region, area_km2=round(float(r.area_km2), 3),
                         deso=inside, population=int(pop) if inside else None,
                         geometry=r.geometry))
    return sorted(rows, key=lambda x: (x["police_region"] or "", x["ort"] or "", x["name"]))


def start_context(d: WebData, lang: str) -> dict[str, Any]:
    kommuner = d.with_data("kommun")
    values = d.ref_values.reindex(kommuner.index)
    classes = [Classes.quantiles(i, BY_ID[i].label_sv, BY_ID[i].unit, d.periods.get(i), list(values[i]),
                                 BY_ID[i].worse, BY_ID[i].decimals) for i in MAIN_INDICATORS]
    areas = []
    for c, row in kommuner.iterrows():
        title = f"{row['name']} ({c})\n" + "\n".join(
            f"{cl.label}: {number(values.at[c, cl.indicator], cl.decimals)} {cl.unit}" for cl in classes)
        areas.append(MapArea(c, row["geometry"], {cl.indicator: values.at[c, cl.indicator] for cl in classes}, title,
                             href=with_lang(f"/kommun/{c}", lang)))
    outlines = [(f"{r.name} ({category_label(r.category, lang).lower()})", r.geometry)
                for r in d.designations.itertuples()]
    svg = choropleth("map-start", areas, classes, outlines, caption="Kommunerna i datamängden", labels=False,
                     width=620)
    lan_rows = []
    for lc, lrow in d.with_data("lan").iterrows():
        ks = kommuner[kommuner["lan"] == lc]
        lan_rows.append(dict(code=lc, name=lrow["name"], coverage=lrow["coverage"],
                             kommuner=[dict(code=k, name=r["name"], n=int(r["n_deso"]),
                                            designated=int((d.designations["kommun"] == k).sum()))
                                       for k, r in ks.iterrows()]))
    riket = d.areas.loc[RIKET]
    return dict(map_svg=svg, classes=classes, lan_rows=lan_rows, n_deso=len(d.deso_codes), n_kommun=len(kommuner),
                n_designations=len(d.designations), coverage=riket["coverage"])


def area_context(d: WebData, code: str, lang: str) -> dict[str, Any]:
    rec = d.area_record(code)
    refs = d.reference_codes(code)
    rows = []
    for ind in AREA_INDICATORS:
        v = d.values.at[code, ind]
        ref_vals = [d.ref_values.at[r, ind] if r in d.ref_values.index and ind in d.ref_values.columns else None
                    for r in refs]
        if pd.isna(v) and all(x is None or pd.isna(x) for x in ref_vals):
            continue
        pct = d.percentiles.at[code, ind] if pd.notna(v) else None
        own = d.series.get(code)
        series = own[own["indicator"] == ind] if own is not None else own
        trend = ", ".join(f"{p}: {number(x, BY_ID[ind].decimals)}" for p, x in zip(series["period"], series["value"],
                                                                                     strict=True))
        rows.append(dict(label=label(ind, lang), unit=unit(ind, lang), period=d.periods.get(ind) or NO_VALUE,
                         value=number(v, BY_ID[ind].decimals),
                         refs=[number(x, BY_ID[ind].decimals) for x in ref_vals],
                         percentile=number(pct, 0) if pct is not None else NO_VALUE, trend=trend,
                         source=BY_ID[ind].source))
    r = d.risk.loc[code]
    neigh = rec.get("neighbours", [])
    # A small map: the area and its neighbours, coloured by risk.
    codes = [code, *neigh]
    risk_cls = Classes("risk", "Risk", "%", None, [5.0, 15.0, 30.0, 50.0], "higher", 0,
                       labels=["under 5 %", "5–15 %", "15–30 %", "30–50 %", "50 % och över"])
    areas = [MapArea(c, d.geometry(c), {"risk": float(d.risk.at[c, "risk"]) * 100},
                     f"DeSO {c}\nRisk: {percent_share(d.risk.at[c, 'risk'])}", href=with_lang(f"/omrade/{c}", lang),
                     selected=c == code)
             for c in codes if d.geometry(c) is not None]
    view = shapely.union_all([a.geometry for a in areas]).buffer(200)
    outlines = [(f"{x.name} ({category_label(x.category, lang).lower()})", x.geometry)
                for x in d.designations.itertuples()]
    svg = choropleth("map-area", areas, [risk_cls], outlines, bounds=view.bounds,
                     caption=f"DeSO {code} och dess grannar, färgade efter risk", width=460)
    type_v = r["type"]
    from lagesbild.analysis.typology import TYPE_LABELS

    return dict(
        code=code, rec=rec, kommun_name=d.name(rec["kommun"]), lan_name=d.name(rec["lan"]),
        ref_names=[d.name(x) for x in refs], rows=rows, map_svg=svg, legend=risk_cls.legend_items(),
        risk=percent_share(r["risk"]), risk_low=percent_share(r["risk_low"]), risk_high=percent_share(r["risk_high"]),
        rank=int(r["rank_in_kommun"]), worsening=r["worsening"],
        factors=[dict(f, text=f["text_en"] if lang == "en" else f["text"]) for f in r["factors"]],
        borders=bool(r["borders_designated"]),
        type=None if pd.isna(type_v) else int(type_v), type_label=None if pd.isna(type_v) else TYPE_LABELS[int(type_v)],
        share=percent_share(rec["designated_share"]), designated_areas=rec["designated_areas"],
        category=category_label(rec["designated_category"], lang),
        neighbours=[dict(code=c, risk=percent_share(d.risk.at[c, "risk"]),
                         type=None if pd.isna(d.risk.at[c, "type"]) else int(d.risk.at[c, "type"]),
                         designated=bool(d.risk.at[c, "designated"])) for c in neigh],
        population=number(rec["population"], 0), area_km2=number(rec["area_km2"], 2),
    )


def method_context(d: WebData, lang: str) -> dict[str, Any]:
    from lagesbild.analysis.typology import LIMITS, WEIGHTS

    src = d.repo.sources().reset_index().to_dict(orient="records")
    inds = [dict(id=i, label=label(i, lang), unit=unit(i, lang), worse=row["worse"], source=row["source"],
                 definition=row["definition"], period=d.periods.get(i) or NO_VALUE)
            for i, row in d.indicators.iterrows() if row["group"] != "brott"]
    with use_lang(lang):
        weights = ", ".join(f"{label(k, lang).lower()} ({number(v * 100, 0)} %)" for k, v in WEIGHTS.items())
        limits = ", ".join(number(x, 0) for x in LIMITS)
        scores = "; ".join(f"{n} {number(s, 3)}" for n, s in d.model.cv_scores.items())
        threshold = percent_share(d.model.threshold)
    return dict(sources=src, indicators=inds, weights=weights, limits=limits, model=d.model, scores=scores,
                threshold=threshold)
