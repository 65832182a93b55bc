"""Brå's reported crime per kommun (anmälda brott), from an export of Brå's statistics database.

Two layouts are accepted, each with an explicit schema (columns, types, codes):

* **Brå's export** (CSV with ``;`` or ``,``, or Excel; title rows above the header are skipped):
  ``Region`` ("0581 Norrköping" or "0581"), ``Brott`` (offence group, see ``OFFENCES``), ``År`` or
  ``Period`` ("2025", "2025K1" or "2025 kvartal 1"), ``Antal``, ``Per 100 000 invånare`` and, optional,
  ``Status`` ("Preliminär"/"Slutlig"). Numbers may have spaces as thousands separators and decimal commas.
* **lägesbild's own layout** (as in ``shared/data/bra``): ``kommun;period;key;count;per100k;preliminary``.

Every row is checked; the first bad row stops the import with its line and field named.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from lagesbild.errors import SourceDataError
from lagesbild.indicators.registry import CRIME_GROUPS
from lagesbild.sources.http import SourceClient
from lagesbild.sources.snapshot import KOMMUN_RE, PERIOD_RE, CrimeRecord
from lagesbild.sources.tabular import read_location, read_rows

# Brå's offence groups as they are labelled in its statistics database -> lägesbild's groups.
OFFENCES = {
    "samtliga brott": "total",
    "samtliga anmälda brott": "total",
    "brott mot person": "person",
    "brott mot person (3-7 kap. brb)": "person",
    "stöld- och tillgreppsbrott": "theft",
    "stöld- och tillgreppsbrott (8 kap. brb)": "theft",
    "inbrott": "burglary",
    "inbrottsstöld": "burglary",
    "skadegörelsebrott": "vandalism",
    "skadegörelsebrott (12 kap. brb)": "vandalism",
    "narkotika- och vapenbrott": "drugs_weapons",
    **{sv.lower(): key for key, (sv, _) in CRIME_GROUPS.items()},
    **{key: key for key in CRIME_GROUPS},
}
BRA_COLUMNS = {"region": ("region", "kommun"), "offence": ("brott", "brottstyp", "brottskategori"),
               "period": ("år", "period", "tid"), "count": ("antal", "antal brott"),
               "rate": ("per 100 000 invånare", "per 100 000 inv.", "per 100 000 inv", "per 100 000")}
OWN_COLUMNS = ("kommun", "period", "key", "count", "per100k", "preliminary")


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "").replace("\u00a0", " ")).strip().lower()


def _number(text: str, label: str, line: int, fld: str, integer: bool) -> float | None:
    t = str(text).replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if t in ("", "..", "-", "–"):
        if integer:
            raise SourceDataError(label, f"field {fld!r} is empty", f"line {line}")
        return None
    try:
        value = float(t)
    except ValueError:
        raise SourceDataError(label, f"field {fld!r} is not a number: {text!r}", f"line {line}") from None
    if not math.isfinite(value) or value < 0 or (integer and value != int(value)):
        raise SourceDataError(label, f"field {fld!r} must be a non-negative {'whole ' if integer else ''}number: "
                                     f"{text!r}", f"line {line}")
    return value


def _period(text: str, label: str, line: int) -> str:
    t = _norm(text).replace(" ", "")
    t = re.sub(r"^(\d{4})(?:kvartal|kv|q)([1-4])$", r"\1K\2", t, flags=re.I)
    t = t.upper()
    if not PERIOD_RE.match(t):
        raise SourceDataError(label, f"period {text!r} is not a year or a quarter (YYYY, YYYYKn)", f"line {line}")
    return t


def parse(data: bytes, label: str, kommuner: dict[str, tuple[str, str]]) -> list[CrimeRecord]:
    """Crime records from a Brå export or the lägesbild layout; ``kommuner``: code -> (name, län)."""
    rows = read_rows(data, label)
    by_name = {_norm(name): code for code, (name, _) in kommuner.items()}
    for idx, row in enumerate(rows[:30]):
        header = [_norm(c) for c in row]
        if all(c in header for c in OWN_COLUMNS):
            return _parse_own(rows[idx + 1:], header, idx + 1, label, kommuner)
        cols = {k: next((header.index(a) for a in aliases if a in header), None) for k, aliases in BRA_COLUMNS.items()}
        if cols["region"] is not None and cols["offence"] is not None and cols["period"] is not None \
                and cols["count"] is not None:
            return _parse_bra(rows[idx + 1:], header, cols, idx + 1, label, kommuner, by_name)
    raise SourceDataError(label, "no header found: expected Brå's columns Region, Brott, År, Antal, Per 100 000 "
                                 f"invånare or lägesbild's {';'.join(OWN_COLUMNS)}")


def _kommun(text: str, label: str, line: int, kommuner: dict[str, tuple[str, str]],
            by_name: dict[str, str]) -> str:
    t = str(text).strip()
    m = re.match(r"^(\d{4})\b", t)
    code = m.group(1) if m else by_name.get(_norm(re.sub(r"\s+kommun$", "", t, flags=re.I)))
    if code is None or code not in kommuner:
        raise SourceDataError(label, f"region {t!r} is not a Swedish kommun", f"line {line}")
    return code


def _data_rows(rows: list[list[str]], header: list[str], first_line: int, label: str
               ) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of the rows below the header; blank rows skipped, short rows refused."""
    for i, row in enumerate(rows):
        line = first_line + i + 1
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceDataError(label, f"{len(row)} fields, the header has {len(header)}", f"line {line}")
        yield line, row


def _parse_bra(rows: list[list[str]], header: list[str], cols: dict[str, int | None], first_line: int, label: str,
               kommuner: dict[str, tuple[str, str]], by_name: dict[str, str]) -> list[CrimeRecord]:
    status_col = header.index("status") if "status" in header else None
    out = []
    for line, row in _data_rows(rows, header, first_line, label):
        kommun = _kommun(row[cols["region"]], label, line, kommuner, by_name)  # type: ignore[index]
        offence = OFFENCES.get(_norm(row[cols["offence"]]))  # type: ignore[index]
        if offence is None:
            raise SourceDataError(label, f"unknown offence group {row[cols['offence']]!r} (known: "  # type: ignore[index]
                                         f"{', '.join(sorted({k for k in OFFENCES if ' ' in k}))})", f"line {line}")
        period = _period(row[cols["period"]], label, line)  # type: ignore[index]
        count = _number(row[cols["count"]], label, line, "Antal", True)  # type: ignore[index]
        rate = _number(row[cols["rate"]], label, line, "Per 100 000 invånare", False) \
            if cols["rate"] is not None else None
        prel = status_col is not None and _norm(row[status_col]).startswith("prel")
        out.append(CrimeRecord(kommun, period, offence, int(count or 0), rate, prel))
    return _unique(out, label)


def _parse_own(rows: list[list[str]], header: list[str], first_line: int, label: str,
               kommuner: dict[str, tuple[str, str]]) -> list[CrimeRecord]:
    col = {c: header.index(c) for c in OWN_COLUMNS}
    out = []
    for line, row in _data_rows(rows, header, first_line, label):
        kommun = row[col["kommun"]].strip()
        if not KOMMUN_RE.match(kommun) or kommun not in kommuner:
            raise SourceDataError(label, f"field 'kommun': {kommun!r} is not a Swedish kommun code", f"line {line}")
        group = row[col["key"]].strip()
        if group not in CRIME_GROUPS:
            raise SourceDataError(label, f"field 'key': unknown offence group {group!r}", f"line {line}")
        period = _period(row[col["period"]], label, line)
        count = _number(row[col["count"]], label, line, "count", True)
        rate = _number(row[col["per100k"]], label, line, "per100k", False)
        out.append(CrimeRecord(kommun, period, group, int(count or 0), rate, row[col["preliminary"]].strip() == "1"))
    return _unique(out, label)


def _unique(records: list[CrimeRecord], label: str) -> list[CrimeRecord]:
    seen: set[tuple[str, str, str]] = set()
    for r in records:
        key = (r.kommun, r.period, r.group)
        if key in seen:
            raise SourceDataError(label, f"{r.kommun} {r.period} {r.group} appears twice")
        seen.add(key)
    if not records:
        raise SourceDataError(label, "no data rows")
    return records


def load(location: str, kommuner: dict[str, tuple[str, str]], client: SourceClient | None = None
         ) -> tuple[list[CrimeRecord], str]:
    """Records from a local file or (through ``client``) a URL."""
    data, label = read_location(location, client)
    return parse(data, label, kommuner), label
