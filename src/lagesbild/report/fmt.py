"""Swedish number formatting: decimal comma, thin space between thousands, '–' for no value."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

NO_VALUE = "–"
_LANG: ContextVar[str] = ContextVar("lagesbild_lang", default="sv")


@contextmanager
def use_lang(lang: str) -> Iterator[None]:
    """Format numbers for ``lang`` ("sv": 12 832,5; "en": 12,832.5) within the block."""
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def current_lang() -> str:
    return _LANG.get()


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, decimals: int = 1, lang: str | None = None) -> str:
    lang = lang or _LANG.get()
    if is_missing(value):
        return NO_VALUE
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    if lang == "en":
        return text.replace("-", "−")
    return text.replace(",", "\u202f").replace(".", ",").replace("-", "−")


def signed_percent(change: float | None, lang: str | None = None) -> str:
    """A relative change (0.12) as '+12 %' / '−5 %'."""
    if is_missing(change):
        return NO_VALUE
    return f"{'+' if change >= 0 else ''}{number(100 * change, 0, lang)} %"  # type: ignore[operator]


def percent_share(share: float | None, decimals: int = 0, lang: str | None = None) -> str:
    """A 0–1 share as a percentage ('54 %')."""
    return NO_VALUE if is_missing(share) else f"{number(100 * share, decimals, lang)} %"  # type: ignore[operator]
