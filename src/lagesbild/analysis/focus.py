"""Suggested focus areas for the action plan, each derived from one number in the lägesbild.

Brå found that municipal measures are seldom tied to the problems the lägesbild identifies. Every
suggestion here names the figure it rests on, so a measure in the action plan can point back to it and
be followed up against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lagesbild.indicators.registry import BY_ID, CRIME_GROUPS, label, unit
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


PHRASES = {
    "sv": dict(rise_t="{label} ökar.", rise="Anmälda {label} har ökat med i genomsnitt {v} per 100 000 invånare och "
               "år {first}–{last} i {name}.", rise_b="Brå; Mann-Kendall p = {p}",
               high_t="{label}: högre nivå än i {cmp}.", high="{own} anmälda brott per 100 000 invånare {year} mot "
               "{other}.", high_b="Brå, anmälda brott", worse_t="{label}: sämre än i {cmp}.",
               worse="{own} mot {other} ({unit}, {period}).", des_t="Utpekade områden.",
               des="Insatser i {names}, där omkring {pop} personer bor i DeSO som till minst en fjärdedel ligger "
               "inom områdena.", des_b="Polismyndigheten; SCB", watch_t="Bevaka områden som liknar de utpekade.",
               watch_b="lägesbildens riskmodell, inte Polisens bedömning"),
    "en": dict(rise_t="{label} rising.", rise="Reported {label} rose by {v} per 100,000 inhabitants a year on "
               "average {first}–{last} in {name}.", rise_b="Brå; Mann-Kendall p = {p}",
               high_t="{label}: higher level than in {cmp}.", high="{own} reported offences per 100,000 "
               "inhabitants in {year} against {other}.", high_b="Brå, reported offences",
               worse_t="{label}: worse than in {cmp}.", worse="{own} against {other} ({unit}, {period}).",
               des_t="Designated areas.", des="Measures in {names}, where about {pop} people live in DeSO at least a "
               "quarter inside the areas.", des_b="Swedish Police; SCB",
               watch_t="Watch areas that resemble the designated ones.",
               watch_b="lägesbild's risk model, not the Police's assessment"),
}


def focus_areas(name: str, comparison: str, indicators: dict[str, tuple[float, float, str]],
                trends: pd.DataFrame, rates: dict[str, tuple[str, float | None, float | None]], latest_year: int,
                designated: list[tuple[str, str]], designated_pop: float,
                watch: list[tuple[str, float, str]], lang: str = "sv") -> list[Focus]:
    """``indicators``: id -> (subject, comparison, period); ``rates``: group -> (label, subject, comparison);
    ``designated``: (name, category label); ``designated_pop``: people in DeSOs at least 25 % inside them;
    ``watch``: (DeSO, risk, main reason), highest risk first."""
    ph = PHRASES[lang]
    out: list[Focus] = []
    recent = trends[(trends["window"] == "senaste") & trends["significant"] & (trends["sen_slope"] > 0)]
    for r in recent.itertuples():
        group = CRIME_GROUPS[r.group][1 if lang == "en" else 0]
        out.append(Focus(ph["rise_t"].format(label=group),
                         ph["rise"].format(label=group.lower(), v=number(r.sen_slope, 0), first=r.first, last=r.last,
                                           name=name),
                         ph["rise_b"].format(p=number(r.p, 3))))
    for _group, (group_label, own, other) in rates.items():
        if own and other and own >= CRIME_ABOVE * other:
            out.append(Focus(ph["high_t"].format(label=group_label, cmp=comparison),
                             ph["high"].format(own=number(own, 0), year=latest_year, other=number(other, 0)),
                             ph["high_b"]))
    for ind, (own, other, period) in indicators.items():
        worse = BY_ID[ind].worse
        if worse is None or pd.isna(own) or pd.isna(other) or not other:
            continue
        rel = (own - other) / abs(other)
        if (worse == "higher" and rel > INDICATOR_WORSE) or (worse == "lower" and rel < -INDICATOR_WORSE):
            out.append(Focus(ph["worse_t"].format(label=label(ind, lang), cmp=comparison),
                             ph["worse"].format(own=number(own, 1), other=number(other, 1), unit=unit(ind, lang),
                                                period=period),
                             BY_ID[ind].source))
    if designated:
        names = ", ".join(f"{n} ({c.lower()})" for n, c in designated)
        out.append(Focus(ph["des_t"], ph["des"].format(names=names, pop=number(designated_pop, 0)), ph["des_b"]))
    strong = [w for w in watch if w[1] >= WATCH_MIN_RISK][:3]
    if strong:
        listed = "; ".join(f"{code} ({percent_share(risk)}: {reason})" for code, risk, reason in strong)
        out.append(Focus(ph["watch_t"], f"{listed}.", ph["watch_b"]))
    return out[:MAX_ITEMS]
