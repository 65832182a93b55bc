"""Suggested focus areas for the action plan, each derived from one number in the lägesbild.

Brå found that municipal measures are seldom tied to the problems the lägesbild identifies. Every
suggestion here names the figure it rests on, so a measure in the action plan can point back to it and
be followed up against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lagesbild.i18n import t
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




def focus_areas(name: str, comparison: str, indicators: dict[str, tuple[float, float, str]],
                trends: pd.DataFrame, rates: dict[str, tuple[str, float | None, float | None]], latest_year: int,
                designated: list[tuple[str, str]], designated_pop: float,
                watch: list[tuple[str, float, str]], lang: str = "sv") -> list[Focus]:
    """``indicators``: id -> (subject, comparison, period); ``rates``: group -> (label, subject, comparison);
    ``designated``: (name, category label); ``designated_pop``: people in DeSOs at least 25 % inside them;
    ``watch``: (DeSO, risk, main reason), highest risk first."""
    def say(key: str, **values: object) -> str:
        return t(f"focus.{key}", lang).format(**values)

    out: list[Focus] = []
    recent = trends[(trends["window"] == "senaste") & trends["significant"] & (trends["sen_slope"] > 0)]
    for r in recent.itertuples():
        group = CRIME_GROUPS[r.group][1 if lang == "en" else 0]
        out.append(Focus(say("rise_t", label=group),
                         say("rise", label=group.lower(), v=number(r.sen_slope, 0), first=r.first, last=r.last,
                             name=name),
                         say("rise_b", p=number(r.p, 3))))
    for _group, (group_label, own, other) in rates.items():
        if own and other and own >= CRIME_ABOVE * other:
            out.append(Focus(say("high_t", label=group_label, cmp=comparison),
                             say("high", own=number(own, 0), year=latest_year, other=number(other, 0)),
                             say("high_b")))
    for ind, (own, other, period) in indicators.items():
        worse = BY_ID[ind].worse
        if worse is None or pd.isna(own) or pd.isna(other) or not other:
            continue
        rel = (own - other) / abs(other)
        if (worse == "higher" and rel > INDICATOR_WORSE) or (worse == "lower" and rel < -INDICATOR_WORSE):
            out.append(Focus(say("worse_t", label=label(ind, lang), cmp=comparison),
                             say("worse", own=number(own, 1), other=number(other, 1), unit=unit(ind, lang),
                                 period=period),
                             BY_ID[ind].source))
    if designated:
        names = ", ".join(f"{n} ({c.lower()})" for n, c in designated)
        out.append(Focus(say("des_t"), say("des", names=names, pop=number(designated_pop, 0)), say("des_b")))
    strong = [w for w in watch if w[1] >= WATCH_MIN_RISK][:3]
    if strong:
        listed = "; ".join(f"{code} ({percent_share(risk)}: {reason})" for code, risk, reason in strong)
        out.append(Focus(say("watch_t"), f"{listed}.", say("watch_b")))
    return out[:MAX_ITEMS]
