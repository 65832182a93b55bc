"""Reading what a user or a service hands over: a local file or a URL, CSV or Excel rows.

Shared by the importers of Brå exports, incident files and SCB's correspondence table.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from lagesbild.errors import SourceDataError
from lagesbild.sources.http import SourceClient


def read_location(location: str, client: SourceClient | None) -> tuple[bytes, str]:
    """The bytes and a label of a URL (fetched through ``client``) or a local file."""
    if re.match(r"^https?://", location):
        if client is None:
            raise ValueError("a URL needs a client")
        return client.get(location).content, location
    path = Path(location)
    if not path.is_file():
        raise SourceDataError(location, "no such file")
    return path.read_bytes(), str(path)


def _rows_from_csv(data: bytes, label: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    head = text.splitlines()[:30]  # title rows may come first; decimal commas make ',' alone misleading
    delimiter = ";" if sum(ln.count(";") for ln in head) >= sum(ln.count(",") for ln in head) else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _rows_from_excel(data: bytes, label: str) -> list[list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise SourceDataError(label, f"not a readable Excel file ({exc.__class__.__name__}: {exc})") from None
    ws = wb.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def read_rows(data: bytes, label: str) -> list[list[str]]:
    """Rows of a CSV (``;`` or ``,``, UTF-8 or Windows-1252) or of the first sheet of an Excel file."""
    if data[:2] == b"PK":  # xlsx is a zip
        return _rows_from_excel(data, label)
    return _rows_from_csv(data, label)
