"""Swedish number formatting: decimal comma, thin space between thousands, '–' for no value."""

from __future__ import annotations

import math

NO_VALUE = "–"


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, decimals: int = 1) -> str:
    if is_missing(value):
        return NO_VALUE
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\u202f").replace(".", ",").replace("-", "−")


def signed_percent(change: float | None) -> str:
    """A relative change (0.12) as '+12 %' / '−5 %'."""
    if is_missing(change):
        return NO_VALUE
    return f"{'+' if change >= 0 else ''}{number(100 * change, 0)} %"  # type: ignore[operator]


def percent_share(share: float | None, decimals: int = 0) -> str:
    """A 0–1 share as a percentage ('54 %')."""
    return NO_VALUE if is_missing(share) else f"{number(100 * share, decimals)} %"  # type: ignore[operator]
