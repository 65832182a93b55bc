"""Suggested focus areas for the action plan, each derived from one number in the lägesbild.

Brå found that municipal measures are seldom tied to the problems the lägesbild identifies. Every
suggestion here names the figure it rests on, so a measure in the action plan can point back to it and
be followed up against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lagesbild.indicators.registry import BY_ID
from lagesbild.report.fmt import number, percent_share

CRIME_ABOVE = 1.15  # a rate this many times the comparison level counts as clearly higher
INDICATOR_WORSE = 0.10  # relative difference in the worse direction that counts as a deviation
WATCH_MIN_RISK = 0.10
MAX_ITEMS = 8


@dataclass(frozen=True)
class Focus:
    title: str
    text: str
    basis: str


def focus_areas(name: str, comparison: str, indicators: dict[str, tuple[float, float, str]],
                trends: pd.DataFrame, rates: dict[str, tuple[str, float | None, float | None]], latest_year: int,
                designated: list[tuple[str, str]], designated_pop: float,
                watch: list[tuple[str, float, str]]) -> list[Focus]:
    """``indicators``: id -> (subject, comparison, period); ``rates``: group -> (label, subject, comparison);
    ``designated``: (name, category label); ``designated_pop``: people in DeSOs at least 25 % inside them;
    ``watch``: (DeSO, risk, main reason), highest risk first."""
    out: list[Focus] = []
    recent = trends[(trends["window"] == "senaste") & trends["significant"] & (trends["sen_slope"] > 0)]
    for r in recent.itertuples():
        out.append(Focus(f"{r.label} ökar.", f"Anmälda {r.label.lower()} har ökat med i genomsnitt "
                         f"{number(r.sen_slope, 0)} per 100 000 invånare och år {r.first}–{r.last} i {name}.",
                         f"Brå; Mann-Kendall p = {number(r.p, 3)}"))
    for _group, (label, own, other) in rates.items():
        if own and other and own >= CRIME_ABOVE * other:
            out.append(Focus(f"{label}: högre nivå än i {comparison}.",
                             f"{number(own, 0)} anmälda brott per 100 000 invånare {latest_year} mot "
                             f"{number(other, 0)}.",
                             "Brå, anmälda brott"))
    for ind, (own, other, period) in indicators.items():
        worse = BY_ID[ind].worse
        if worse is None or pd.isna(own) or pd.isna(other) or not other:
            continue
        rel = (own - other) / abs(other)
        if (worse == "higher" and rel > INDICATOR_WORSE) or (worse == "lower" and rel < -INDICATOR_WORSE):
            out.append(Focus(f"{BY_ID[ind].label_sv}: sämre än i {comparison}.",
                             f"{number(own, 1)} mot {number(other, 1)} ({BY_ID[ind].unit}, {period}).",
                             BY_ID[ind].source))
    if designated:
        names = ", ".join(f"{n} ({c.lower()})" for n, c in designated)
        out.append(Focus("Utpekade områden.", f"Insatser i {names}, där omkring {number(designated_pop, 0)} "
                         "personer bor i "
                         "DeSO som till minst en fjärdedel ligger inom områdena.", "Polismyndigheten; SCB"))
    strong = [w for w in watch if w[1] >= WATCH_MIN_RISK][:3]
    if strong:
        listed = "; ".join(f"{code} ({percent_share(risk)}: {reason})" for code, risk, reason in strong)
        out.append(Focus("Bevaka områden som liknar de utpekade.", f"{listed}.",
                         "lägesbildens riskmodell, inte Polisens bedömning"))
    return out[:MAX_ITEMS]
