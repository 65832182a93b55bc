"""The lägesbild report of a kommun or a län: data assembled from the store, rendered with Jinja2."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from lagesbild import __version__
from lagesbild.indicators.registry import BY_ID, CRIME_GROUPS, MAIN_INDICATORS, crime_indicator_id
from lagesbild.report import charts
from lagesbild.report.fmt import NO_VALUE, number, percent_share, signed_percent
from lagesbild.report.maps import Classes, MapArea, choropleth
from lagesbild.store.build import RIKET
from lagesbild.store.models import CATEGORY_LABELS
from lagesbild.store.queries import AreaInfo, Repository

# A DeSO "lies in" a designated area when at least this share of its area is inside one.
LABEL_SHARE = 0.25
# ... and "mostly" inside when more than half is.
MOSTLY_SHARE = 0.5
# A cell is marked when it deviates this many standard deviations (of the subject's DeSOs) in the worse
# direction; rows are flagged when their mean signed deviation is among the highest and at least 1.
MARK_Z = 1.5
FLAG_ROWS = 10
LEVEL_LABELS = {"kommun": "kommun", "lan": "län"}


@dataclass
class Comparator:
    code: str
    label: str


def _reference_label(info: AreaInfo) -> str:
    if info.level == "riket":
        return f"{info.name} ({info.coverage})" if not info.complete else info.name
    if info.level == "lan" and not info.complete:
        return f"{info.name} ({info.coverage})"
    return info.name


def build_context(repo: Repository, code: str, level: str) -> dict[str, Any]:
    info = repo.area(code)
    deso = repo.areas("deso", kommun=code if level == "kommun" else None, lan=code if level == "lan" else None,
                      with_geometry=True)
    comparators = ([repo.area(info.lan)] if level == "kommun" and info.lan else []) + [repo.area(RIKET)]
    deso_codes = list(deso["code"])
    inds = list(MAIN_INDICATORS)
    values, periods = repo.latest_values(deso_codes, inds)
    ref_codes = [code] + [c.code for c in comparators]
    ref_values, _ = repo.latest_values(ref_codes, inds)
    all_deso = repo.areas("deso")
    dataset_values, _ = repo.latest_values(list(all_deso["code"]), inds)
    shares = repo.deso_shares(deso_codes)
    meta = repo.meta()

    # Designated areas in the subject, with the DeSOs that lie in them.
    designations = repo.designations(kommun=code if level == "kommun" else None,
                                     lan=code if level == "lan" else None)
    pop = deso.set_index("code")["population"]
    des_rows = []
    for d in designations.itertuples(index=False):
        in_it = shares[shares["designation_names"].str.split(", ").apply(lambda names, n=d.name: n in names)
                       & (shares["share_any"] >= LABEL_SHARE)]
        des_rows.append(dict(name=d.name, category=d.category, category_label=CATEGORY_LABELS[d.category],
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
        rows.append(dict(code=c, regso=deso.set_index("code").at[c, "regso"], population=number(pop[c], 0),
                         population_sort=f"{pop[c]:.0f}", cells=cells,
                         share=percent_share(sh["share_any"]) if sh["share_any"] > 0 else NO_VALUE,
                         share_sort=f"{sh['share_any']:.4f}",
                         category=CATEGORY_LABELS.get(sh["category"], "") if sh["share_any"] > 0 else "",
                         designation_names=sh["designation_names"], labelled=bool(sh["share_any"] >= LABEL_SHARE),
                         score=number(score[c], 2), score_sort="" if pd.isna(score[c]) else f"{score[c]:.4f}",
                         flagged=c in flagged))
    rows.sort(key=lambda r: float(r["score_sort"] or "-99"), reverse=True)

    indicators = [dict(id=i, label=BY_ID[i].label_sv, unit=BY_ID[i].unit, period=periods[i] or NO_VALUE,
                       source=BY_ID[i].source, definition=BY_ID[i].definition, worse=BY_ID[i].worse) for i in inds]
    ref_labels = [Comparator(info.code, info.name)] + [Comparator(c.code, _reference_label(c)) for c in comparators]
    key_figures = []
    for ind in inds:
        key_figures.append(dict(label=BY_ID[ind].label_sv, unit=BY_ID[ind].unit, period=periods[ind],
                                source=BY_ID[ind].source,
                                values=[number(ref_values.at[r.code, ind], BY_ID[ind].decimals) for r in ref_labels]))

    classes = [Classes.quantiles(i, BY_ID[i].label_sv, BY_ID[i].unit, periods[i], list(dataset_values[i]),
                                 BY_ID[i].worse, BY_ID[i].decimals) for i in inds]
    maps = _maps(deso, values, shares, classes, designations, repo, code, level)
    crime = _crime(repo, info, comparators)

    return dict(
        title=f"Lägesbild {info.name}", subject=info, level_label=LEVEL_LABELS[level],
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"), version=__version__, meta=meta,
        population=number(total_pop, 0), pop_period=pop_period, n_deso=len(deso_codes),
        n_regso=deso["regso"].nunique(), designations=des_rows, label_share=percent_share(LABEL_SHARE),
        mostly_share=percent_share(MOSTLY_SHARE), labelled=list(labelled.index),
        labelled_pop=number(pop.reindex(labelled.index).sum(), 0),
        mostly_pop=number(pop.reindex(mostly.index).sum(), 0),
        mostly_pop_share=percent_share(pop.reindex(mostly.index).sum() / total_pop if total_pop else None, 1),
        n_mostly=len(mostly), ref_labels=ref_labels, key_figures=key_figures, indicators=indicators,
        classes=classes, maps=maps, rows=rows, n_flagged=len(flagged), mark_z=number(MARK_Z, 1),
        crime=crime, sources=_sources(repo), reference=comparators[-1],
    )


def _maps(deso: pd.DataFrame, values: pd.DataFrame, shares: pd.DataFrame, classes: list[Classes],
          designations: pd.DataFrame, repo: Repository, code: str, level: str) -> list[dict[str, str]]:
    geo = deso.set_index("code")["geometry"]
    des = repo.designations(with_geometry=True)  # all, so outlines across a border still show
    areas = []
    for c, g in geo.items():
        parts = [f"DeSO {c}"]
        for cl in classes:
            parts.append(f"{cl.label}: {number(values.at[c, cl.indicator], cl.decimals)} {cl.unit} ({cl.period})")
        if shares.at[c, "share_any"] > 0:
            parts.append(f"Inom {shares.at[c, 'designation_names']}: {percent_share(shares.at[c, 'share_any'])}")
        areas.append(MapArea(c, g, {cl.indicator: values.at[c, cl.indicator] for cl in classes}, "\n".join(parts)))
    outlines = [(f"{r.name} ({CATEGORY_LABELS[r.category].lower()})", r.geometry) for r in des.itertuples()]
    full = choropleth("map-all", areas, classes, outlines, caption="Karta över alla DeSO", labels=False)
    out = [dict(id="map-all", title=f"Hela {LEVEL_LABELS[level]}en" if level == "kommun" else "Hela länet", svg=full)]
    urban = [a for a in areas if a.code[4] == "C"]
    if urban and len(urban) < len(areas):
        # An inset of the urban DeSOs (letter C), where the small areas are otherwise too small to see.
        xs = np.array([a.geometry.bounds for a in urban])
        b = (xs[:, 0].min(), xs[:, 1].min(), xs[:, 2].max(), xs[:, 3].max())
        if level == "lan":
            # In a län, the inset shows the largest kommun's urban DeSOs.
            main = max({a.code[:4] for a in urban}, key=lambda k: sum(1 for a in urban if a.code[:4] == k))
            sel = np.array([a.code[:4] == main for a in urban])
            b = (xs[sel, 0].min(), xs[sel, 1].min(), xs[sel, 2].max(), xs[sel, 3].max())
        in_box = [a for a in areas if a.geometry.intersects(_box(b))]
        out.append(dict(id="map-urban", title="Tätorten närmare (DeSO av typ C)",
                        svg=choropleth("map-urban", in_box, classes, outlines, bounds=b,
                                       caption="Karta över tätortens DeSO")))
    return out


def _box(b: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    from shapely import box

    return box(*b)


def _crime(repo: Repository, info: AreaInfo, comparators: list[AreaInfo]) -> dict[str, Any]:
    """Brå series per 100 000 inhabitants for the subject and its comparators, by offence group."""
    codes = [info.code] + [c.code for c in comparators]
    ids = [crime_indicator_id(g, True) for g in CRIME_GROUPS] + [crime_indicator_id(g, False) for g in CRIME_GROUPS]
    obs = repo.observations(codes, ids)
    obs = obs[obs["period"].str.fullmatch(r"\d{4}")]
    if obs.empty:
        return dict(available=False)
    names = {info.code: info.name}
    for c in comparators:
        n = obs[(obs["area"] == c.code)]["n"].max()
        if pd.isna(n):
            names[c.code] = c.name
        elif c.level == "riket":
            names[c.code] = f"Alla {int(n)} kommuner i datamängden"
        else:
            total = len(repo.areas("kommun", lan=c.code))
            names[c.code] = c.name if int(n) == total else f"{c.name} ({int(n)} av {total} kommuner)"
    rate = obs[obs["indicator"].str.endswith("_100k")]
    panels = []
    for g, (label, _en) in CRIME_GROUPS.items():
        sub = rate[rate["indicator"] == crime_indicator_id(g, True)]
        series = {names[c]: [(int(p), v) for p, v in zip(s["period"], s["value"], strict=True) if pd.notna(v)]
                  for c in codes for s in [sub[sub["area"] == c]]}
        panels.append((label, series))
    years = sorted({int(p) for p in rate["period"]})
    latest, first = years[-1], years[0]
    ten = latest - 10
    table = []
    for g, (label, _en) in CRIME_GROUPS.items():
        r, cnt = crime_indicator_id(g, True), crime_indicator_id(g, False)

        def val(code: str, ind: str, year: int) -> float | None:
            hit = obs[(obs["area"] == code) & (obs["indicator"] == ind) & (obs["period"] == str(year))]["value"]
            return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else None

        now, before = val(info.code, r, latest), val(info.code, r, ten)
        change = (now / before - 1) if now is not None and before else None
        table.append(dict(label=label, count=number(val(info.code, cnt, latest), 0),
                          rates=[number(val(c, r, latest), 0) for c in codes],
                          change=signed_percent(change)))
    prelim = bool(obs[obs["area"] == info.code]["preliminary"].any())
    chart = charts.line_panels(panels, "per 100 000 inv.",
                               f"Anmälda brott per 100 000 invånare {first}–{latest}, {info.name} och jämförelser")
    return dict(available=True, chart=chart, table=table, latest=latest, first=first, ten=ten,
                series_names=[names[c] for c in codes], preliminary=prelim)


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
    return _ENV.get_template("report.html.j2").render(**context)


def write_report(repo: Repository, code: str, level: str, out: Path) -> Path:
    """Render and write atomically (a temporary file beside ``out``, then one rename)."""
    text = render(build_context(repo, code, level))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lagesbild-", suffix=".html", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is meant to be shared
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
