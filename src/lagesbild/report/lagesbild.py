"""The lägesbild report of a kommun or a län: data assembled from the store, rendered with Jinja2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from jinja2 import Environment, PackageLoader, select_autoescape

from lagesbild import __version__
from lagesbild.analysis.early_warning import EarlyWarning, early_warning, watchlist
from lagesbild.analysis.focus import Focus, focus_areas
from lagesbild.analysis.risk import CANDIDATE_NAMES_EN
from lagesbild.analysis.trends import crime_trends, describe_trends
from lagesbild.analysis.typology import LIMITS, TYPE_LABELS, TYPE_LABELS_EN, WEIGHTS
from lagesbild.files import write_text_atomic
from lagesbild.i18n import t
from lagesbild.indicators.registry import BY_ID, CRIME_GROUPS, MAIN_INDICATORS, crime_indicator_id, label, unit
from lagesbild.report import charts
from lagesbild.report.fmt import NO_VALUE, number, percent_share, signed_percent, use_lang
from lagesbild.report.maps import Classes, MapArea, choropleth
from lagesbild.store.build import RIKET
from lagesbild.store.models import category_label
from lagesbild.store.queries import AreaInfo, Repository

# A DeSO "lies in" a designated area when at least this share of its area is inside one.
LABEL_SHARE = 0.25
# ... and "mostly" inside when more than half is.
MOSTLY_SHARE = 0.5
# A cell is marked when it deviates this many standard deviations (of the subject's DeSOs) in the worse
# direction; rows are flagged when their mean signed deviation is among the highest and at least 1.
MARK_Z = 1.5
FLAG_ROWS = 10


@dataclass
class Comparator:
    code: str
    label: str


def _name(info: AreaInfo, lang: str) -> str:
    return (info.name_en or info.name) if lang == "en" else info.name


def _coverage(repo: Repository, info: AreaInfo, lang: str) -> str:
    """Which areas an aggregate covers, in words (the Swedish text is stored at build time)."""
    if lang != "en" or not info.coverage:
        return info.coverage or ""
    if info.level == "kommun":
        return f"all {info.n_deso} DeSO in the municipality"
    kommuner = repo.areas("kommun", lan=info.lan if info.level == "lan" else None)
    covered = int((kommuner["n_deso"] > 0).sum())
    if info.level == "lan":
        return (f"all {len(kommuner)} municipalities in the county" if info.complete
                else f"DeSO in {covered} of the county's {len(kommuner)} municipalities")
    return f"{info.n_deso} DeSO in {covered} of {len(kommuner)} municipalities"


def _reference_label(repo: Repository, info: AreaInfo, lang: str) -> str:
    if (info.level == "riket" or info.level == "lan") and not info.complete:
        return f"{_name(info, lang)} ({_coverage(repo, info, lang)})"
    return _name(info, lang)


def build_context(repo: Repository, code: str, level: str,
                  area_href: Callable[[str], str] = lambda c: f"#deso-{c}", lang: str = "sv") -> dict[str, Any]:
    """Everything the report shows, in Swedish or English. ``area_href`` makes the link of a DeSO (a table
    row in the file, the area's page in the web app)."""
    with use_lang(lang):
        return _build_context(repo, code, level, area_href, lang)


def _build_context(repo: Repository, code: str, level: str, area_href: Callable[[str], str],
                   lang: str) -> dict[str, Any]:
    def T(key: str) -> str:  # noqa: N802 - the template's name for the phrase book
        return t(key, lang)

    info = repo.area(code)
    deso = repo.areas("deso", kommun=code if level == "kommun" else None, lan=code if level == "lan" else None,
                      with_geometry=True)  # level "riket": every DeSO in the data
    comparators = (([repo.area(info.lan)] if level == "kommun" and info.lan else [])
                   + ([repo.area(RIKET)] if level != "riket" else []))
    deso_codes = list(deso["code"])
    inds = list(MAIN_INDICATORS)
    all_deso = repo.areas("deso")
    dataset_values, periods = repo.latest_values(list(all_deso["code"]), inds)
    values = dataset_values.reindex(deso_codes)  # the subject's DeSOs are among them
    ref_codes = [code] + [c.code for c in comparators]
    ref_values, _ = repo.latest_values(ref_codes, inds, periods=periods)
    shares = repo.deso_shares(deso_codes)
    meta = repo.meta()
    ew = early_warning(repo)
    ewt = ew.table.reindex(deso_codes)

    # Designated areas in the subject, with the DeSOs that lie in them.
    designations = repo.designations(kommun=code if level == "kommun" else None,
                                     lan=code if level == "lan" else None)
    pop = deso.set_index("code")["population"]
    des_rows = []
    members = repo.designation_members(LABEL_SHARE)
    for d in designations.itertuples(index=False):
        in_it = shares.reindex(members.get(d.id, []))
        des_rows.append(dict(name=d.name, category=d.category, category_label=category_label(d.category, lang),
                             ort=d.ort, since=d.since.isoformat() if d.since else NO_VALUE,
                             kommun=d.kommun, area_km2=number(d.area_km2, 2),
                             desos=list(in_it.index), population=number(pop.reindex(in_it.index).sum(), 0)))
    labelled = shares[shares["share_any"] >= LABEL_SHARE]
    mostly = shares[shares["share_any"] > MOSTLY_SHARE]
    total_pop = float(pop.sum())
    pop_period = repo.latest_period("pop")

    # Deviation from the subject's own DeSOs, signed so that positive is worse.
    z = pd.DataFrame(index=values.index)
    for ind in inds:
        col = values[ind]
        sd = col.std()
        sign = -1.0 if BY_ID[ind].worse == "lower" else 1.0
        z[ind] = sign * (col - col.mean()) / sd if sd and np.isfinite(sd) else np.nan
    score = z.mean(axis=1, skipna=True)
    flagged = set(score[score >= 1.0].sort_values(ascending=False).index[:FLAG_ROWS])

    rows = []
    for c in deso_codes:
        cells = []
        for ind in inds:
            v = values.at[c, ind]
            cells.append(dict(text=number(v, BY_ID[ind].decimals), sort="" if pd.isna(v) else f"{v:.4f}",
                              marked=bool(pd.notna(z.at[c, ind]) and z.at[c, ind] >= MARK_Z),
                              missing=bool(pd.isna(v))))
        sh = shares.loc[c]
        risk_v, type_v = ewt.at[c, "risk"], ewt.at[c, "type"]
        rows.append(dict(risk=percent_share(risk_v), risk_sort=f"{risk_v:.4f}",
                         type="–" if pd.isna(type_v) else str(int(type_v)),
                         type_sort="" if pd.isna(type_v) else str(int(type_v)),
                         code=c, regso=deso.set_index("code").at[c, "regso"], population=number(pop[c], 0),
                         population_sort=f"{pop[c]:.0f}", cells=cells,
                         share=percent_share(sh["share_any"]) if sh["share_any"] > 0 else NO_VALUE,
                         share_sort=f"{sh['share_any']:.4f}",
                         category=category_label(sh["category"], lang) if sh["share_any"] > 0 else "",
                         designation_names=sh["designation_names"], labelled=bool(sh["share_any"] >= LABEL_SHARE),
                         score=number(score[c], 2), score_sort="" if pd.isna(score[c]) else f"{score[c]:.4f}",
                         flagged=c in flagged))
    rows.sort(key=lambda r: float(r["score_sort"] or "-99"), reverse=True)

    indicators = [dict(id=i, label=label(i, lang), unit=unit(i, lang), period=periods[i] or NO_VALUE,
                       source=BY_ID[i].source, definition=BY_ID[i].definition, worse=BY_ID[i].worse) for i in inds]
    ref_labels = [Comparator(info.code, _name(info, lang))] + [Comparator(c.code, _reference_label(repo, c, lang))
                                                               for c in comparators]
    key_figures = []
    published = repo.published([r.code for r in ref_labels], list(inds))  # SCB's own figures, marked with *
    for ind in inds:
        key_figures.append(dict(label=label(ind, lang), unit=unit(ind, lang), period=periods[ind],
                                source=BY_ID[ind].source,
                                values=[number(ref_values.at[r.code, ind], BY_ID[ind].decimals)
                                        + (" *" if (r.code, ind, periods[ind]) in published else "")
                                        for r in ref_labels]))

    en = lang == "en"
    classes = [Classes.quantiles(i, label(i, lang), unit(i, lang), periods[i], list(dataset_values[i]),
                                 BY_ID[i].worse, BY_ID[i].decimals) for i in inds]
    values = values.assign(risk=ewt["risk"] * 100, type=ewt["type"].astype(float))
    types = TYPE_LABELS_EN if en else TYPE_LABELS
    risk_classes = Classes("risk", "Risk (the model's estimate)" if en else "Risk (modellens skattning)", "%",
                           "2024–2025", list(RISK_BREAKS), "higher", 0,
                           labels=["under 5 %", "5–15 %", "15–30 %", "30–50 %", "50 % " + ("and above" if en else
                                                                                              "och över")])
    type_classes = Classes("type", "Socioeconomic area type" if en else "Socioekonomisk områdestyp",
                           "type 1–5" if en else "typ 1–5", "2024–2025", [1.5, 2.5, 3.5, 4.5],
                           "lower", 0, labels=[f"{k} {types[k].lower()}" for k in (5, 4, 3, 2, 1)])
    for c in [*classes, risk_classes, type_classes]:
        c.missing_label = T("missing")
    maps, risk_map = _maps(deso, values, shares, classes + [risk_classes, type_classes], designations, repo, code,
                           level, ewt, area_href, lang)
    crime = _crime(repo, info, comparators, lang)
    warning = _early_warning_section(ew, code, level, risk_map, risk_classes, lang)
    typology = _typology_section(ew.table, ewt, pop, lang)
    reference = comparators[-1] if comparators else info

    return dict(
        lang=lang, T=T, reference_name=_name(reference, lang), reference_coverage=_coverage(repo, reference, lang),
        title=T("title").format(name=_name(info, lang)), subject=info, level_label=T(f"level.{level}"),
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"), version=__version__, meta=meta,
        population=number(total_pop, 0), pop_period=pop_period, n_deso=len(deso_codes),
        n_regso=deso["regso"].nunique(), designations=des_rows, label_share=percent_share(LABEL_SHARE),
        mostly_share=percent_share(MOSTLY_SHARE), labelled=list(labelled.index),
        labelled_pop=number(pop.reindex(labelled.index).sum(), 0),
        mostly_pop=number(pop.reindex(mostly.index).sum(), 0),
        mostly_pop_share=percent_share(pop.reindex(mostly.index).sum() / total_pop if total_pop else None, 1),
        n_mostly=len(mostly), ref_labels=ref_labels, key_figures=key_figures, published=bool(published),
        indicators=indicators,
        classes=classes, maps=maps, rows=rows, n_flagged=len(flagged), mark_z=number(MARK_Z, 1),
        crime=crime, sources=_sources(repo), reference=comparators[-1] if comparators else info, warning=warning,
        typology=typology, events=_events(repo, info, level, lang),
        map_classes=classes + [risk_classes, type_classes], area_link=area_href,
        focus=_focus(info, comparators, ref_values, periods, crime, des_rows, float(pop.reindex(labelled.index).sum()),
                     warning, lang),
    )


def _events(repo: Repository, info: Any, level: str, lang: str) -> dict[str, Any]:
    """The Police's published events as counts per type and month (a selection, not crime statistics)."""
    from lagesbild.sources.polisen_events import TYPE_LABELS

    if level not in ("kommun", "lan"):
        return dict(available=False, lan_total=0)
    counts = repo.event_counts(kommun=info.code) if level == "kommun" else repo.event_counts(lan=info.code)
    lan_code = info.code if level == "lan" else info.code[:2]
    lan_only = int(repo.event_counts(lan=lan_code, lan_only=True)["n"].sum()) if level == "kommun" else 0
    if counts.empty:
        return dict(available=False, lan_total=lan_only, lan_name=repo.area(lan_code).name)
    wide = counts.pivot_table(index="type", columns="month", values="n", aggfunc="sum", fill_value=0)
    wide = wide.loc[wide.sum(axis=1).sort_values(ascending=False).index]
    months = list(wide.columns)
    idx = 1 if lang == "en" else 0
    rows = [dict(type=TYPE_LABELS.get(t, (t, t))[idx], counts=[int(v) for v in wide.loc[t]],
                 total=int(wide.loc[t].sum())) for t in wide.index]
    return dict(available=True, months=months, rows=rows, total=int(wide.values.sum()), first=months[0],
                last=months[-1], lan_total=lan_only, lan_name=repo.area(lan_code).name)


def _maps(deso: pd.DataFrame, values: pd.DataFrame, shares: pd.DataFrame, classes: list[Classes],
          designations: pd.DataFrame, repo: Repository, code: str, level: str,
          ewt: pd.DataFrame, area_href: Callable[[str], str], lang: str) -> tuple[list[dict[str, str]], str]:
    """The indicator maps (whole area, urban inset) and the risk map (urban inset where there is one)."""
    geo = deso.set_index("code")["geometry"]
    des = repo.designations(with_geometry=True)  # all, so outlines across a border still show
    areas = []
    for c, g in geo.items():
        parts = [f"DeSO {c}"]
        for cl in classes:
            if cl.indicator in BY_ID:
                parts.append(f"{cl.label}: {number(values.at[c, cl.indicator], cl.decimals)} {cl.unit} ({cl.period})")
        t_ = ewt.at[c, "type"]
        parts.append(f"{t('area.type', lang)}: {_type_text(t_, lang)}")
        parts.append(f"Risk: {percent_share(ewt.at[c, 'risk'])} ({percent_share(ewt.at[c, 'risk_low'])}–"
                     f"{percent_share(ewt.at[c, 'risk_high'])})")
        if shares.at[c, "share_any"] > 0:
            parts.append(f"{t('tab.inside', lang)} ({shares.at[c, 'designation_names']}): "
                         f"{percent_share(shares.at[c, 'share_any'])}")
        areas.append(MapArea(c, g, {cl.indicator: values.at[c, cl.indicator] for cl in classes}, "\n".join(parts)))
    outlines = [(f"{r.name} ({category_label(r.category, lang).lower()})", r.geometry) for r in des.itertuples()]
    areas = [MapArea(a.code, a.geometry, a.values, a.title, href=area_href(a.code)) for a in areas]
    full = choropleth("map-all", areas, classes, outlines, caption="Karta över alla DeSO", labels=False)
    out = [dict(id="map-all", title=t(f"map.{level}", lang), svg=full)]
    risk = [c for c in classes if c.indicator == "risk"]
    urban = [a for a in areas if a.code[4] == "C"]
    risk_svg = choropleth("map-risk", areas, risk, outlines, caption="Karta över risk per DeSO", labels=False)
    if urban and len(urban) < len(areas):
        # An inset of the urban DeSOs (letter C), where the small areas are otherwise too small to see.
        xs = np.array([a.geometry.bounds for a in urban])
        b = (xs[:, 0].min(), xs[:, 1].min(), xs[:, 2].max(), xs[:, 3].max())
        if level != "kommun":
            # In a län, the inset shows the largest kommun's urban DeSOs.
            main = max({a.code[:4] for a in urban}, key=lambda k: sum(1 for a in urban if a.code[:4] == k))
            sel = np.array([a.code[:4] == main for a in urban])
            b = (xs[sel, 0].min(), xs[sel, 1].min(), xs[sel, 2].max(), xs[sel, 3].max())
        in_box = [a for a in areas if a.geometry.intersects(shapely.box(*b))]
        out.append(dict(id="map-urban", title=t("map.urban", lang),
                        svg=choropleth("map-urban", in_box, classes, outlines, bounds=b,
                                       caption="Karta över tätortens DeSO")))
        risk_svg = choropleth("map-risk", in_box, risk, outlines, bounds=b, caption="Karta över risk i tätorten")
    return out, risk_svg


RISK_BREAKS = (5.0, 15.0, 30.0, 50.0)


def _type_text(kind: object, lang: str = "sv") -> str:
    labels = TYPE_LABELS_EN if lang == "en" else TYPE_LABELS
    return "–" if pd.isna(kind) else f"{int(kind)} – {labels[int(kind)].lower()}"  # type: ignore[call-overload]
WATCHLIST_TOP = 10


def _early_warning_section(ew: EarlyWarning, code: str, level: str, risk_map: str,
                           risk_classes: Classes, lang: str) -> dict[str, Any]:
    wl = watchlist(ew.table, kommun=code if level == "kommun" else None, lan=code if level == "lan" else None,
                   top=WATCHLIST_TOP)
    rows = []
    for c, r in wl.iterrows():
        rows.append(dict(code=c, risk=percent_share(r["risk"]), risk_value=float(r["risk"]),
                         interval=f"{percent_share(r['risk_low'])}–{percent_share(r['risk_high'])}",
                         rank=int(r["rank_in_kommun"]), kommun=r["kommun"],
                         type=_type_text(r["type"], lang),
                         share=percent_share(r["designated_share"]) if r["designated_share"] > 0 else "–",
                         borders=bool(r["borders_designated"]),
                         factors=[dict(up=f["contribution"] > 0, text=f["text_en"] if lang == "en" else f["text"],
                                       size=("+" if f["contribution"] > 0 else "−") + number(abs(f["contribution"]), 2))
                                  for f in r["factors"]],
                         worsening=r["worsening"]))
    model = ew.model
    return dict(rows=rows, risk_map=risk_map, legend=risk_classes.legend_items(),
                model_name=CANDIDATE_NAMES_EN.get(model.name, model.name) if lang == "en" else model.name,
                threshold=percent_share(model.threshold), n_watch=len(rows),
                research=model.research_background)


def _typology_section(all_table: pd.DataFrame, ewt: pd.DataFrame, pop: pd.Series, lang: str) -> dict[str, Any]:
    labels = TYPE_LABELS_EN if lang == "en" else TYPE_LABELS
    rows = []
    total_pop = float(pop.sum())
    for kind in range(1, 6):
        in_t = ewt.index[ewt["type"] == kind]
        share_all = float((all_table["type"] == kind).mean())
        rows.append(dict(type=kind, label=labels[kind], n=len(in_t), population=number(pop.reindex(in_t).sum(), 0),
                         pop_share=percent_share(pop.reindex(in_t).sum() / total_pop if total_pop else None),
                         dataset_share=percent_share(share_all)))
    weights = ", ".join(f"{label(k, lang).lower()} {int(v * 100)} %" for k, v in WEIGHTS.items())
    limits = ", ".join(number(x, 0) for x in LIMITS)
    return dict(rows=rows, weights=weights, limits=limits)


def _focus(info: AreaInfo, comparators: list[AreaInfo], ref_values: pd.DataFrame, periods: dict[str, str | None],
           crime: dict[str, Any], des_rows: list[dict[str, Any]], labelled_pop: float, warning: dict[str, Any],
           lang: str) -> list[Focus]:
    comp = comparators[0] if comparators else None
    indicators = {i: (ref_values.at[info.code, i], ref_values.at[comp.code, i], periods[i] or "")
                  for i in MAIN_INDICATORS} if comp else {}
    # The latest rates of the subject and its first comparison, and the trends, as the crime section has them.
    rates = {g: (label_, own, others[0]) for g, (label_, own, others) in crime.get("rates", {}).items()} \
        if comp else {}
    trends = crime.get("trend_table", pd.DataFrame(columns=["window", "significant", "sen_slope"]))
    designated = [(d["name"], d["category_label"]) for d in des_rows]
    watch = [(r["code"], r["risk_value"], r["factors"][0]["text"] if r["factors"] else "")
             for r in warning["rows"]]
    return focus_areas(_name(info, lang), _name(comp, lang) if comp else "", indicators, trends, rates,
                       crime.get("latest", 0), designated, labelled_pop, watch, lang)


def _crime(repo: Repository, info: AreaInfo, comparators: list[AreaInfo], lang: str) -> dict[str, Any]:
    """Brå series per 100 000 inhabitants for the subject and its comparators, by offence group."""
    codes = [info.code] + [c.code for c in comparators]
    ids = [crime_indicator_id(g, True) for g in CRIME_GROUPS] + [crime_indicator_id(g, False) for g in CRIME_GROUPS]
    obs = repo.observations(codes, ids)
    obs = obs[obs["period"].str.fullmatch(r"\d{4}")]
    if obs.empty:
        return dict(available=False)
    en = lang == "en"
    names = {info.code: _name(info, lang)}
    for c in comparators:
        n = obs[(obs["area"] == c.code)]["n"].max()
        if pd.isna(n):
            names[c.code] = _name(c, lang)
        elif c.level == "riket":
            names[c.code] = (f"All {int(n)} municipalities in the dataset" if en
                             else f"Alla {int(n)} kommuner i datamängden")
        else:
            total = len(repo.areas("kommun", lan=c.code))
            of = f"{int(n)} of {total} municipalities" if en else f"{int(n)} av {total} kommuner"
            names[c.code] = _name(c, lang) if int(n) == total else f"{_name(c, lang)} ({of})"
    rate = obs[obs["indicator"].str.endswith("_100k")]
    panels = []
    for g, (sv, en_label) in CRIME_GROUPS.items():
        group_label = en_label if en else sv
        sub = rate[rate["indicator"] == crime_indicator_id(g, True)]
        series = {names[c]: [(int(p), v) for p, v in zip(s["period"], s["value"], strict=True) if pd.notna(v)]
                  for c in codes for s in [sub[sub["area"] == c]]}
        panels.append((group_label, series))
    years = sorted({int(p) for p in rate["period"]})
    latest, first = years[-1], years[0]
    ten = latest - 10
    table, rates = [], {}
    for g, (sv, en_label) in CRIME_GROUPS.items():
        r, cnt = crime_indicator_id(g, True), crime_indicator_id(g, False)

        def val(code: str, ind: str, year: int) -> float | None:
            hit = obs[(obs["area"] == code) & (obs["indicator"] == ind) & (obs["period"] == str(year))]["value"]
            return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else None

        now, before = val(info.code, r, latest), val(info.code, r, ten)
        change = (now / before - 1) if now is not None and before else None
        latest_rates = [val(c, r, latest) for c in codes]
        rates[g] = (en_label if en else sv, latest_rates[0], latest_rates[1:] or [None])
        table.append(dict(label=en_label if en else sv, count=number(val(info.code, cnt, latest), 0),
                          rates=[number(v, 0) for v in latest_rates], change=signed_percent(change)))
    prelim = bool(obs[obs["area"] == info.code]["preliminary"].any())
    trend_table = crime_trends(repo, info.code)
    trend_text = describe_trends(trend_table, _name(info, lang), lang)
    chart = charts.line_panels(panels, "per 100,000" if en else "per 100 000 inv.",
                               f"Reported offences per 100,000 inhabitants {first}–{latest}, {_name(info, lang)}" if en
                               else f"Anmälda brott per 100 000 invånare {first}–{latest}, {info.name} och jämförelser")
    return dict(available=True, chart=chart, table=table, latest=latest, first=first, ten=ten, trends=trend_text,
                trend_table=trend_table, rates=rates, series_names=[names[c] for c in codes], preliminary=prelim)


def _sources(repo: Repository) -> list[dict[str, str]]:
    src = repo.sources()
    out = []
    for sid, row in src.iterrows():
        out.append(dict(id=str(sid), publisher=row["publisher"], title=row["title"],
                        licence=row["licence"] if pd.notna(row["licence"]) else NO_VALUE,
                        retrieved=str(row["retrieved"])[:10] if pd.notna(row["retrieved"]) else NO_VALUE,
                        note=row["note"] if pd.notna(row["note"]) else ""))
    return out


_ENV = Environment(loader=PackageLoader("lagesbild.report", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def render(context: dict[str, Any]) -> str:
    """The standalone report (``context`` from build_context, which carries its language)."""
    with use_lang(context["lang"]):
        return _ENV.get_template("report.html.j2").render(**context)


def write_report(repo: Repository, code: str, level: str, out: Path, fmt: str = "html", lang: str = "sv") -> Path:
    """Render and write atomically: HTML as is, PDF printed by headless Chromium."""
    html = render(build_context(repo, code, level, lang=lang))
    if fmt == "pdf":
        from lagesbild.report.pdf import html_to_pdf

        return html_to_pdf(html, out)
    return write_text_atomic(out, html)
