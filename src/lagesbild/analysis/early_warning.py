"""Early warning: risk per DeSO with its reasons, type and context, and the watchlist of areas not
designated today ranked by that risk.

The score is an estimate of how much an area's open statistics resemble those of the areas the Police
has designated. It is not the Police's assessment (which is qualitative), not a prediction about
people, and a high score next to a designated area is no failure of the model but what it was built
to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lagesbild.analysis import cache
from lagesbild.analysis.features import LABEL_THRESHOLD, FeatureSet, build_features, describe
from lagesbild.analysis.risk import fingerprint, load_or_fit
from lagesbild.analysis.typology import TYPE_LABELS, area_typology
from lagesbild.i18n import t
from lagesbild.indicators.registry import BY_ID
from lagesbild.indicators.registry import label as indicator_label
from lagesbild.report.fmt import number
from lagesbild.store.queries import Repository

TOP_FACTORS = 3
BOOTSTRAP = 20


@dataclass(frozen=True)
class ModelInfo:
    """What the report says about the fitted model (the model itself stays in its own cache file)."""

    name: str
    threshold: float
    research_background: bool
    cv_scores: dict[str, float]
    fingerprint: str


@dataclass
class EarlyWarning:
    table: pd.DataFrame  # one row per DeSO
    model: ModelInfo


def _unit(ind: str, lang: str = "sv") -> str:
    if ind == "density":
        return t("factor.density_unit", lang)
    unit = BY_ID[ind].unit
    if unit.startswith("%"):
        return " %"
    if unit.startswith("tkr"):
        return t("factor.ksek", lang)
    return f" {unit}" if lang == "sv" else ""


def _position(pct: float, lang: str = "sv") -> str:
    """'bland de högsta 5 %' / 'bland de lägsta 10 %' / 'över mitten' from a percentile 0–100."""
    if pct >= 50:
        top = max(1, int(np.ceil(100 - pct)))
        return t("factor.top", lang).format(n=top) if top <= 30 else t("factor.above", lang)
    low = max(1, int(np.ceil(pct)))
    return t("factor.bottom", lang).format(n=low) if low <= 30 else t("factor.below", lang)


def factor_text(feature: str, value: float, pct: float, periods: dict[str, tuple[str, ...]],
                lang: str = "sv") -> str:
    """One reason in plain language (Swedish or English)."""
    kind, ind, _label = describe(feature)
    name = t("factor.density_label", lang) if ind == "density" else indicator_label(ind, lang)
    name = name[0].lower() + name[1:]
    u = _unit(ind, lang)
    pos = _position(pct, lang)
    if ind == "density":
        value, dec = 10 ** value, 0
    else:
        dec = BY_ID[ind].decimals
    v = number(abs(value) if kind in ("change", "rel") else value, dec, lang)
    if kind == "level":
        phrase = t("factor.density", lang) if ind == "density" else t("factor.level", lang)
        return phrase.format(label=name, v=v, u=u, pos=pos)
    if kind == "change":
        p = periods.get(ind, ())
        span = f" {p[-2]}–{p[-1]}" if len(p) >= 2 else ""
        verb = t("factor.up", lang) if value > 0 else t("factor.down", lang) if value < 0 else t("factor.same", lang)
        amount = t("factor.amount", lang).format(v=v, u=t("factor.pp", lang) if u == " %" else u) if value else ""
        return f"{name} {verb}{amount}{span}"
    if kind == "rel":
        side = t("factor.higher", lang) if value > 0 else t("factor.lower", lang)
        return t("factor.rel", lang).format(label=name, v=v, u=t("factor.pp", lang) if u == " %" else u, side=side)
    if kind == "lag2":
        return t("factor.lag2", lang).format(label=name, v=v, u=u, pos=pos)
    if kind.startswith("r") and kind[1:].isdigit():
        km = number(int(kind[1:]) / 1000, 1, lang).replace(",0", "").replace(".0", "")
        return t("factor.radius", lang).format(km=km, label=name, v=v, u=u, pos=pos)
    return t("factor.lag", lang).format(label=name, v=v, u=u, pos=pos)


def explain(contrib: pd.DataFrame, X: pd.DataFrame, periods: dict[str, tuple[str, ...]],
            top: int = TOP_FACTORS) -> pd.Series:
    """The ``top`` factors with the largest absolute contribution for each area, as dicts."""
    pct = X.rank(pct=True) * 100
    out = {}
    for code in contrib.index:
        # A missing value (imputed by the model) cannot be stated as a reason, so it is passed over.
        row = contrib.loc[code][np.isfinite(X.loc[code].to_numpy(dtype=float))]
        order = row.abs().sort_values(ascending=False).index[:top]
        out[code] = [dict(feature=f, contribution=float(row[f]), value=float(X.at[code, f]),
                          direction="höjer" if row[f] > 0 else "sänker",
                          text=factor_text(f, float(X.at[code, f]), float(pct.at[code, f]), periods),
                          text_en=factor_text(f, float(X.at[code, f]), float(pct.at[code, f]), periods, "en"))
                     for f in order]
    return pd.Series(out)


def worsening(fs: FeatureSet) -> pd.Series:
    """Indicators with a stated direction that got worse between their last two periods."""
    out: dict[str, list[str]] = {c: [] for c in fs.X.index}
    for col in fs.X.columns:
        kind, ind, label = describe(col)
        if kind != "change" or BY_ID[ind].worse is None:
            continue
        worse = fs.X[col] > 0 if BY_ID[ind].worse == "higher" else fs.X[col] < 0
        p = fs.periods.get(ind, ())
        for code in fs.X.index[worse.fillna(False)]:
            out[code].append(f"{label} ({p[-2]}–{p[-1]}: {number(fs.X.at[code, col], 1)})")
    return pd.Series(out)


def early_warning(repo: Repository, threshold: float = LABEL_THRESHOLD, research_background: bool = False,
                  bootstrap: int = BOOTSTRAP, use_cache: bool = True) -> EarlyWarning:
    """Risk, reasons and context for every DeSO; cached with the model until the data or settings change."""
    data_fp = repo.meta().get("fingerprint", "")
    path = cache.cache_dir() / f"early-warning-{fingerprint(data_fp, threshold, research_background, bootstrap)}.joblib"
    cached = cache.load(path, EarlyWarning) if use_cache else None
    if cached is not None:
        return cached
    result = _compute(repo, threshold, research_background, bootstrap, use_cache, data_fp)
    if use_cache:
        cache.save(path, result)
    return result


def _compute(repo: Repository, threshold: float, research_background: bool, bootstrap: int, use_cache: bool,
             data_fp: str) -> EarlyWarning:
    fs = build_features(repo, threshold=threshold, research_background=research_background)
    model = load_or_fit(fs, data_fp, bootstrap=bootstrap, use_cache=use_cache)
    risk = model.predict(fs.X)
    low, high = model.interval(fs.X)
    contrib, _base = model.explain(fs.X)
    typ = area_typology(repo)
    table = pd.DataFrame({
        "kommun": fs.kommun, "lan": fs.lan, "police_region": fs.police_region,
        "risk": risk, "risk_low": low, "risk_high": high,
        "designated_share": fs.share, "category": fs.category, "designated": fs.y.astype(bool),
        "borders_designated": fs.borders_designated,
        "type": typ["type"].reindex(fs.X.index), "typology_index": typ["index"].reindex(fs.X.index),
    }, index=fs.X.index)
    table["type_label"] = table["type"].map(TYPE_LABELS)
    table["rank_in_kommun"] = table.groupby("kommun")["risk"].rank(ascending=False, method="min").astype(int)
    table["factors"] = explain(contrib, fs.X, fs.periods)
    table["worsening"] = worsening(fs)
    table.index.name = "code"
    return EarlyWarning(table, ModelInfo(model.candidate.name, model.threshold, model.research_background,
                                         dict(model.cv_scores), model.fingerprint))


def watchlist(table: pd.DataFrame, kommun: str | None = None, lan: str | None = None,
              top: int | None = 20) -> pd.DataFrame:
    """Areas not designated today, highest risk first (``table``: the early-warning table)."""
    t = table[~table["designated"]]
    if kommun:
        t = t[t["kommun"] == kommun]
    if lan:
        t = t[t["lan"] == lan]
    t = t.sort_values(["risk", "typology_index"], ascending=[False, True])
    return t.head(top) if top else t


def flat_rows(t: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for CSV/JSON output: factors as text and as structured items."""
    out = []
    for code, r in t.iterrows():
        out.append(dict(code=code, kommun=r["kommun"], risk=round(float(r["risk"]), 4),
                        risk_low=round(float(r["risk_low"]), 4), risk_high=round(float(r["risk_high"]), 4),
                        rank_in_kommun=int(r["rank_in_kommun"]),
                        designated_share=round(float(r["designated_share"]), 4),
                        category=r["category"] if isinstance(r["category"], str) else None,
                        type=None if pd.isna(r["type"]) else int(r["type"]), type_label=r["type_label"],
                        borders_designated=bool(r["borders_designated"]),
                        factors="; ".join(f"{f['direction']}: {f['text']}" for f in r["factors"]),
                        factor_details=r["factors"], worsening="; ".join(r["worsening"])))
    return out
