"""The ``lagesbild`` command line."""

from __future__ import annotations

import json
import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lagesbild import __version__
from lagesbild.config import DB_ENV, resolve_db_url, sqlite_path
from lagesbild.errors import LagesbildError

app = typer.Typer(help="lägesbild – lägesbild över brott och områdens utsatthet, för kommun, polis och region.",
                  no_args_is_help=True, rich_markup_mode="rich", pretty_exceptions_enable=False)
data_app = typer.Typer(help="Bygg och inspektera databasen.", no_args_is_help=True)
app.add_typer(data_app, name="data")

console = Console()
err = Console(stderr=True)
_state: dict[str, Any] = {"db": None}


class Fmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(exc: LagesbildError) -> None:
    err.print(f"[bold red]Fel:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal)


def _build(source: Path | None) -> Any:
    from lagesbild.store.build import build

    with _progress() as progress:
        tasks: dict[str, Any] = {}

        def report(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = progress.add_task(task, total=total)
            progress.update(tasks[task], completed=done, total=total)

        return build(source=source, db=_state["db"], progress=report)


def _repo() -> Any:
    """The repository; builds the database from the bundled data first if there is none yet."""
    from lagesbild.store.db import open_engine
    from lagesbild.store.queries import Repository

    url = resolve_db_url(_state["db"])
    path = sqlite_path(url)
    if path is not None and not path.exists():
        err.print(f"Ingen databas i {path}; bygger den från den inbyggda datamängden …")
        _build(None)
    return Repository(open_engine(_state["db"]))


def _version(value: bool) -> None:
    if value:
        console.print(f"lagesbild {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[str | None, typer.Option(
        "--db", envvar=DB_ENV, help="Databas: en SQLite-fil eller en SQLAlchemy-URL "
        "(förval: ~/.local/share/lagesbild/lagesbild.sqlite).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Visa version.")] = False,
) -> None:
    _state["db"] = db


@data_app.command("build")
def data_build(
    source: Annotated[Path | None, typer.Option(
        "--source", help="En mapp med samma upplägg som shared/data (förval: den inbyggda datamängden).")] = None,
) -> None:
    """Bygg databasen från den inbyggda datamängden eller från en mapp (ersätter den förra i ett steg)."""
    try:
        summary = _build(source)
    except LagesbildError as exc:
        _fail(exc)
    console.print(f"Databas: {summary.database}")
    console.print(f"Källa: {summary.source} (fingeravtryck {summary.fingerprint})")
    for table, n in summary.counts.items():
        console.print(f"  {table}: {n} rader")


@data_app.command("info")
def data_info() -> None:
    """Visa vad databasen innehåller och varifrån."""
    try:
        repo = _repo()
    except LagesbildError as exc:
        _fail(exc)
    for k, v in repo.meta().items():
        console.print(f"{k}: {v}")


def _cell(value: Any, decimals: int = 1) -> str:
    from lagesbild.report.fmt import number

    if isinstance(value, float):
        return number(value, decimals)
    return "–" if value is None or value == "" else str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _json_value(value.item())
    return value


def _emit(df: Any, fmt: Fmt, title: str, decimals: dict[str, int] | None = None) -> None:
    decimals = decimals or {}
    if fmt == Fmt.csv:
        df.to_csv(sys.stdout, index=False, float_format="%.4g", lineterminator="\n")
    elif fmt == Fmt.json:
        rows = [{k: _json_value(v) for k, v in rec.items()} for rec in df.to_dict(orient="records")]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    else:
        table = Table(title=title, show_lines=False)
        for col in df.columns:
            numeric = df[col].dtype.kind in "fi"
            # Codes must never be cut: give text columns room for their longest short value.
            width = None if numeric else min(12, int(df[col].astype(str).str.len().max() or 1))
            table.add_column(str(col), justify="right" if numeric else "left", min_width=width)
        for rec in df.itertuples(index=False):
            table.add_row(*[_cell(v, decimals.get(c, 1)) for c, v in zip(df.columns, rec, strict=True)])
        console.print(table)


@app.command("areas")
def areas_cmd(
    kommun: Annotated[str | None, typer.Option("--kommun", "-k", help="Kommunkod eller namn, t.ex. 0581.")] = None,
    lan: Annotated[str | None, typer.Option("--lan", "-l", help="Länskod eller namn, t.ex. 05.")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Utdataformat.")] = Fmt.table,
) -> None:
    """En rad per DeSO: kod, RegSO, befolkning, nyckelindikatorer, andel inom utpekat område och kategori."""
    from lagesbild.analysis.profile import deso_table
    from lagesbild.indicators.registry import BY_ID

    if not kommun and not lan:
        err.print("Ange --kommun eller --lan.")
        raise typer.Exit(2)
    try:
        repo = _repo()
        k = repo.resolve(kommun, "kommun") if kommun else None
        lc = repo.resolve(lan, "lan") if lan and not k else None
        df, periods = deso_table(repo, kommun=k, lan=lc)
    except LagesbildError as exc:
        _fail(exc)
    if fmt == Fmt.table:
        from lagesbild.store.models import CATEGORY_LABELS

        df["designated_share"] = df["designated_share"] * 100
        df["category"] = df["category"].map(CATEGORY_LABELS)
        df = df.rename(columns={c: f"{BY_ID[c].short_sv or BY_ID[c].label_sv} {periods[c]}" for c in periods} |
                       {"code": "DeSO", "regso": "RegSO", "population": "Inv.", "designated_share": "Inom utpekat %",
                        "category": "Kategori", "designated_areas": "Område"})
    name = repo.area(k or lc).name
    _emit(df, fmt, f"DeSO i {name} – andelar i %, inkomst i tkr; – = uppgift saknas",
          {"Inv.": 0, "population": 0, "Inom utpekat %": 0})


@app.command("area")
def area_cmd(
    code: Annotated[str, typer.Argument(help="DeSO-kod, t.ex. 0581C1100.")],
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Utdataformat.")] = Fmt.table,
) -> None:
    """Profil för ett DeSO jämfört med kommunen, länet och hela datamängden."""
    from lagesbild.analysis.profile import area_profile
    from lagesbild.indicators.registry import BY_ID

    try:
        repo = _repo()
        code = repo.resolve(code, "deso")
        prof = area_profile(repo, code)
    except LagesbildError as exc:
        _fail(exc)
    rows = prof["rows"]
    info = prof["area"]
    if fmt != Fmt.table:
        _emit(rows, fmt, "")
        return
    console.print(f"[bold]DeSO {info.code}[/] i {prof['refs'][0].name} ({info.kommun}), RegSO {info.regso}, "
                  f"{_cell(info.population, 0)} invånare, {_cell(info.area_km2, 2)} km²")
    if prof["designated_share"] > 0:
        console.print(f"Inom utpekat område: {prof['designated_share'] * 100:.0f} % ({prof['designated_areas']})")
    else:
        console.print("Ligger inte inom något av Polisens utpekade områden.")
    heads = {"kommun": "Kommun", "lan": "Län", "riket": "Datamängd"}
    console.print("Jämförs med: " + "; ".join(f"{heads[r.level].lower()} = {r.name}"
                                               + (f" ({r.coverage})" if r.level == "riket" else "")
                                               for r in prof["refs"]))
    table = Table()
    for col in ["Indikator", "Period", "DeSO", *[heads[r.level] for r in prof["refs"]], "Percentil"]:
        table.add_column(col, justify="left" if col in ("Indikator", "Period") else "right")
    for r in rows.itertuples(index=False):
        refs = [getattr(r, f"ref_{a.code}") for a in prof["refs"]]
        if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in (r.value, *refs)):
            continue
        dec = BY_ID[r.indicator].decimals
        table.add_row(f"{r.label} ({r.unit})", str(r.period), _cell(r.value, dec), *[_cell(v, dec) for v in refs],
                      _cell(r.percentile, 0))
    console.print(table)
    console.print("Percentil = andel DeSO i datamängden med lägre värde. – = uppgift saknas. "
                  "Källor: SCB, Skolverket, MCF m.fl. (se rapporten).")


@app.command("report")
def report_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML-fil att skriva.")],
    kommun: Annotated[str | None, typer.Option("--kommun", "-k", help="Kommunkod eller namn.")] = None,
    lan: Annotated[str | None, typer.Option("--lan", "-l", help="Länskod eller namn.")] = None,
) -> None:
    """Skriv lägesbilden för en kommun eller ett län som en fristående HTML-fil."""
    from lagesbild.report.lagesbild import write_report

    if bool(kommun) == bool(lan):
        err.print("Ange antingen --kommun eller --lan.")
        raise typer.Exit(2)
    try:
        repo = _repo()
        level = "kommun" if kommun else "lan"
        code = repo.resolve(kommun or lan or "", level)
        path = write_report(repo, code, level, out)
    except LagesbildError as exc:
        _fail(exc)
    console.print(f"Rapporten är skriven: {path.resolve()}")


if __name__ == "__main__":
    app()
