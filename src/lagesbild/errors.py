"""Errors that reach the user with a clear message (the CLI turns them into exit codes)."""

from __future__ import annotations


class LagesbildError(Exception):
    """Base class: the message is meant for the user."""

    exit_code = 1


class UnknownCodeError(LagesbildError):
    """An area code that is malformed or not in the data; carries suggestions."""

    exit_code = 2

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        if self.suggestions:
            message = f"{message}. Menade du: {', '.join(self.suggestions)}?"
        super().__init__(message)


class SourceDataError(LagesbildError):
    """A source file is missing or corrupt; names the file and the record."""

    exit_code = 3

    def __init__(self, file: str, message: str, record: str | None = None) -> None:
        self.file = file
        self.record = record
        where = f"{file}, {record}" if record else file
        super().__init__(f"{where}: {message}")


class NoDatabaseError(LagesbildError):
    exit_code = 4


class SourceFetchError(LagesbildError):
    """A live source failed or answered in an unexpected form; names the source, the URL and the reason."""

    exit_code = 5

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        super().__init__(f"{source} ({where}): {message}")


class InvalidRowsError(LagesbildError):
    """An input file has rows that failed validation; ``rows`` lists (line, field, reason)."""

    exit_code = 3

    def __init__(self, file: str, rows: list[tuple[int, str, str]], total: int) -> None:
        self.file = file
        self.rows = rows
        shown = "; ".join(f"line {ln}, {fld}: {why}" for ln, fld, why in rows[:10])
        more = f" (and {len(rows) - 10} more)" if len(rows) > 10 else ""
        super().__init__(f"{file}: {len(rows)} of {total} rows are invalid, nothing was imported "
                         f"(use --skip-invalid to load the valid rows): {shown}{more}")
