"""Area codes: what level a code is, and the nearest valid codes when one is wrong."""

from __future__ import annotations

import difflib
import re
import unicodedata

from lagesbild.errors import UnknownCodeError

PATTERNS = {
    "lan": re.compile(r"^\d{2}$"),
    "kommun": re.compile(r"^\d{4}$"),
    "regso": re.compile(r"^\d{4}R\d{3}$"),
    "deso": re.compile(r"^\d{4}[ABC]\d{4}$"),
}
LEVEL_LABELS = {"lan": "län", "kommun": "kommun", "regso": "RegSO", "deso": "DeSO", "riket": "riket"}
CODE_LABELS = {"lan": "länskod", "kommun": "kommunkod", "regso": "RegSO-kod", "deso": "DeSO-kod"}
FORMATS = {"lan": "två siffror, t.ex. 05", "kommun": "fyra siffror, t.ex. 0581",
           "regso": "t.ex. 0581R001", "deso": "t.ex. 0581C1100"}


def normalise(code: str) -> str:
    """Strip white space and SCB's vintage suffix (``_DeSO2025``); upper-case the letter."""
    return code.strip().split("_", 1)[0].upper()


def fold(text: str) -> str:
    """Lower case without diacritics, for forgiving name matching (Norrkoping = Norrköping)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def place_key(name: str) -> str:
    """A place name for exact matching: NFC, lower case, hyphens as spaces, single spaces.

    Unlike :func:`fold` it keeps å, ä and ö: Håbo and Habo are two kommuner.
    """
    s = unicodedata.normalize("NFC", name).lower().replace("-", " ")
    return re.sub(r"\s+", " ", s).strip()


def level_of(code: str) -> str | None:
    for level, pattern in PATTERNS.items():
        if pattern.match(code):
            return level
    return None


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring characters as one edit (0518 → 0581).

    difflib's similarity ratio ranks such typos of short numeric codes poorly; this is the
    optimal-string-alignment variant of Damerau–Levenshtein, a few lines for codes of ≤ 9 characters.
    """
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def suggest(code: str, candidates: dict[str, str], n: int = 3) -> list[str]:
    """Nearest valid codes (``candidates``: code -> name): by name for a name, else by edit distance."""
    out: list[str] = []
    if not any(ch.isdigit() for ch in code):  # a name, not a code
        by_name = {fold(name): c for c, name in candidates.items()}
        out = [by_name[name] for name in difflib.get_close_matches(fold(code), list(by_name), n=n, cutoff=0.6)]
    upper = code.upper()
    ranked = sorted(candidates, key=lambda c: (_distance(upper, c), c))
    limit = max(2, len(upper) // 2)
    out += [c for c in ranked if _distance(upper, c) <= limit and c not in out]
    return [f"{c} ({candidates[c]})" if candidates[c] != c else c for c in out[:n]]


def resolve(value: str, level: str, candidates: dict[str, str]) -> str:
    """The code of ``value`` (a code or a name) at ``level``; UnknownCodeError otherwise.

    ``candidates`` maps the valid codes of that level to their names.
    """
    code = normalise(value)
    if code in candidates:
        return code
    folded = fold(value.strip())
    for c, name in candidates.items():
        if fold(name) == folded:
            return c
    label = LEVEL_LABELS[level]
    if level_of(code) != level:
        raise UnknownCodeError(f"'{value}' är ingen giltig {CODE_LABELS[level]} ({FORMATS[level]})",
                               suggest(code, candidates))
    raise UnknownCodeError(f"{label} '{code}' finns inte i datamängden", suggest(code, candidates))
