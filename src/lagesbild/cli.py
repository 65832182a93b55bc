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
import_app = typer.Typer(help="Hämta data från en källa till databasen (allt eller inget per import).",
                         no_args_is_help=True)
app.add_typer(import_app, name="import")
events_app = typer.Typer(help="Polisens händelser (ett urval som Polisen publicerar, inte brottsstatistik).",
                         no_args_is_help=True)
app.add_typer(events_app, name="events")

console = Console()
err = Console(stderr=True)
_state: dict[str, Any] = {"db": None}


class Fmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


ThresholdOpt = Annotated[float, typer.Option(
    "--threshold", min=0.01, max=1.0, help="Etikettgräns: andel av DeSO-ytan inom ett utpekat område (förval 0,25).")]
ResearchOpt = Annotated[bool, typer.Option(
    "--research-background",
    help="Forskningsläge: lägg till utländsk bakgrund som variabel (av som standard; modellkortet säger det).")]
FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Utdataformat.")]
KommunOpt = Annotated[str | None, typer.Option("--kommun", "-k", help="Kommunkod eller namn, t.ex. 0581.")]
LanOpt = Annotated[str | None, typer.Option("--lan", "-l", help="Länskod eller namn, t.ex. 05.")]


def _fail(exc: LagesbildError) -> None:
    err.print(f"[bold red]Fel:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal)


def _with_progress(fn: Any) -> Any:
    """Call ``fn(progress)``; each task it reports gets a progress bar on stderr (when it is a terminal)."""
    with _progress() as progress:
        tasks: dict[str, Any] = {}

        def report(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = progress.add_task(task, total=total)
            progress.update(tasks[task], completed=done, total=total)

        return fn(report)


def _build(source: Path | None) -> Any:
    from lagesbild.store.build import build

    return _with_progress(lambda p: build(source=source, db=_state["db"], progress=p))


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
    kommun: KommunOpt = None,
    lan: LanOpt = None,
    fmt: FmtOpt = Fmt.table,
) -> None:
    """En rad per DeSO: kod, RegSO, befolkning, nyckelindikatorer, andel inom utpekat område och kategori."""
    from lagesbild.analysis.profile import deso_table
    from lagesbild.indicators.registry import BY_ID

    if not kommun and not lan:
        err.print("Ange --kommun eller --lan.")
        raise typer.Exit(2)
    try:
        repo = _repo()
        k, lc = _area_filter(repo, kommun, lan)
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
    fmt: FmtOpt = Fmt.table,
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


def _area_filter(repo: Any, kommun: str | None, lan: str | None) -> tuple[str | None, str | None]:
    k = repo.resolve(kommun, "kommun") if kommun else None
    lc = repo.resolve(lan, "lan") if lan and not k else None
    return k, lc




@app.command("typology")
def typology_cmd(
    kommun: KommunOpt = None,
    lan: LanOpt = None,
    level: Annotated[str, typer.Option("--level", help="deso eller regso.")] = "deso",
    fmt: FmtOpt = Fmt.table,
) -> None:
    """Socioekonomisk områdestyp 1–5 (1 = stora utmaningar … 5 = mycket goda förutsättningar) per område."""
    from lagesbild.analysis.typology import area_typology

    if level not in ("deso", "regso"):
        err.print("--level måste vara deso eller regso.")
        raise typer.Exit(2)
    try:
        repo = _repo()
        k, lc = _area_filter(repo, kommun, lan)
        typ = area_typology(repo, level)
        areas = repo.areas(level, kommun=k, lan=lc).set_index("code")
    except LagesbildError as exc:
        _fail(exc)
    df = areas[["kommun", "population"]].join(typ[["index", "type", "type_label"]]).reset_index()
    df["type"] = df["type"].astype("Int64")
    if fmt == Fmt.table:
        df = df.rename(columns={"code": level.upper() if level == "deso" else "RegSO", "population": "Inv.",
                                "index": "Index (0–100)", "type": "Typ", "type_label": "Områdestyp"})
    _emit(df, fmt, "Socioekonomisk områdestyp (index: viktade percentilrangordningar, 100 = bäst)",
          {"Inv.": 0, "population": 0, "Index (0–100)": 1})


def _early_warning(repo: Any, threshold: float, research: bool) -> Any:
    from lagesbild.analysis.early_warning import early_warning

    with err.status("Beräknar risk (modellen sparas och återanvänds tills data ändras) …"):
        return early_warning(repo, threshold=threshold, research_background=research)


def _risk_output(rows: list[dict[str, Any]], fmt: Fmt, title: str) -> None:
    import pandas as pd

    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    df = pd.DataFrame(rows).drop(columns=["factor_details"])
    if fmt == Fmt.csv:
        df.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    table = Table(title=title, show_lines=True)
    for col in ("DeSO", "Risk (80 %-intervall)", "Rang i kommunen", "Inom utpekat", "Typ", "Gränsar till utpekat",
                "Tre viktigaste skäl", "Försämrat"):
        table.add_column(col, min_width=9 if col == "DeSO" else None)
    for r in rows:
        table.add_row(r["code"], f"{r['risk'] * 100:.0f} % ({r['risk_low'] * 100:.0f}–{r['risk_high'] * 100:.0f})",
                      str(r["rank_in_kommun"]),
                      f"{r['designated_share'] * 100:.0f} %" if r["designated_share"] else "–",
                      str(r["type"] or "–"), "ja" if r["borders_designated"] else "nej",
                      "\n".join(("↑ " if f["contribution"] > 0 else "↓ ") + f["text"] for f in r["factor_details"]),
                      r["worsening"] or "–")
    console.print(table)
    console.print("Risk = skattad sannolikhet att DeSO:t statistiskt liknar Polisens utpekade områden; inte Polisens "
                  "bedömning och inget om enskilda. ↑ höjer, ↓ sänker risken.")


def _risk_listing(kommun: str | None, lan: str | None, threshold: float, research: bool, fmt: Fmt,
                  top: int | None) -> None:
    """Risk rows for a kommun or län: every DeSO (``top`` None) or the watchlist of the ``top`` not designated."""
    from lagesbild.analysis.early_warning import flat_rows, watchlist

    try:
        repo = _repo()
        k, lc = _area_filter(repo, kommun, lan)
        ew = _early_warning(repo, threshold, research)
    except LagesbildError as exc:
        _fail(exc)
    where = repo.area(k or lc).name if (k or lc) else "hela datamängden"
    if top is None:
        t = ew.table[ew.table["kommun"] == k].sort_values("risk", ascending=False)
        _risk_output(flat_rows(t), fmt, f"Risk per DeSO i {where}")
    else:
        _risk_output(flat_rows(watchlist(ew.table, kommun=k, lan=lc, top=top)), fmt, f"Bevakningslista, {where}")


@app.command("risk")
def risk_cmd(
    kommun: Annotated[str, typer.Option("--kommun", "-k", help="Kommunkod eller namn.")],
    fmt: FmtOpt = Fmt.table,
    threshold: ThresholdOpt = 0.25,
    research: ResearchOpt = False,
) -> None:
    """Risk per DeSO i en kommun: sannolikhet, rang, andel inom utpekat område, typ och de tre viktigaste skälen."""
    _risk_listing(kommun, None, threshold, research, fmt, top=None)


@app.command("watchlist")
def watchlist_cmd(
    kommun: KommunOpt = None,
    lan: LanOpt = None,
    top: Annotated[int, typer.Option("--top", "-n", help="Antal områden.", min=1)] = 20,
    fmt: FmtOpt = Fmt.table,
    threshold: ThresholdOpt = 0.25,
    research: ResearchOpt = False,
) -> None:
    """Bevakningslista: områden som inte är utpekade i dag, rangordnade efter risk, med skäl och sammanhang."""
    _risk_listing(kommun, lan, threshold, research, fmt, top=top)


class Grouping(StrEnum):
    polisregion = "polisregion"
    lan = "lan"
    kommun = "kommun"


@app.command("evaluate")
def evaluate_cmd(
    group: Annotated[Grouping, typer.Option("--group", "-g", help="Grupper som hålls utanför.")] = Grouping.polisregion,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="table eller json.")] = Fmt.table,
    model_card: Annotated[Path, typer.Option("--model-card", help="Var modellkortet skrivs.")] = Path("MODEL_CARD.md"),
    min_positives: Annotated[int, typer.Option("--min-positives", min=1,
                                               help="Minsta antal utpekade DeSO per utelämnad grupp.")] = 3,
    threshold: ThresholdOpt = 0.25,
    research: ResearchOpt = False,
) -> None:
    """Utvärdera riskmodellen mot baslinjer med hela grupper utelämnade; skriver MODEL_CARD.md."""
    from lagesbild.analysis import model_card as card
    from lagesbild.analysis.evaluate import METHODS, evaluate
    from lagesbild.analysis.features import build_features
    from lagesbild.analysis.risk import load_or_fit
    from lagesbild.analysis.typology import area_typology
    from lagesbild.files import write_text_atomic

    try:
        repo = _repo()
        fs = build_features(repo, threshold=threshold, research_background=research)
        typ = area_typology(repo)
        kommun_income = repo.latest_values(sorted(fs.kommun.unique()), ["income_med"], level="kommun")[0]["income_med"]
        with _progress() as progress:
            task = progress.add_task("Utvärderar", total=1)

            def report(desc: str, done: int, total: int) -> None:
                progress.update(task, description=desc, completed=done, total=total)

            result = evaluate(fs, typ["index"], kommun_income, by=group.value, min_positives=min_positives,
                              progress=report)
        model = load_or_fit(fs, repo.meta().get("fingerprint", ""), bootstrap=0)
        write_text_atomic(model_card, card.render(result, fs, model, repo.meta()))
    except LagesbildError as exc:
        _fail(exc)
    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    else:
        table = Table(title=f"Utvärdering, hela {group.value} utelämnade ({result['n_positive']} utpekade DeSO av "
                            f"{result['n_areas']})")
        for col in ("Metod", "Grupp", "ROC AUC", "Genomsn. precision", "Precision vid k", "k", "Brier"):
            table.add_column(col, justify="left" if col in ("Metod", "Grupp") else "right")
        for m in result["methods"]:
            rows = [("alla", m["overall"]), *m["groups"].items()]
            for i, (name, v) in enumerate(rows):
                table.add_row(METHODS[m["method"]] if i == 0 else "", name, f"{v['roc_auc']:.3f}",
                              f"{v['average_precision']:.3f}", f"{v['precision_at_k']:.3f}", str(v["k"]),
                              f"{v['brier']:.3f}", end_section=i == len(rows) - 1)
        console.print(table)
    err.print(f"Modellkortet är skrivet: {model_card.resolve()}")


@app.command("trends")
def trends_cmd(
    kommun: KommunOpt = None,
    lan: LanOpt = None,
    fmt: FmtOpt = Fmt.table,
) -> None:
    """Trender i anmälda brott per 100 000 invånare (Mann-Kendall och Sens lutning), hela serien och tio år."""
    from lagesbild.analysis.trends import crime_trends, describe_trends

    if bool(kommun) == bool(lan):
        err.print("Ange antingen --kommun eller --lan.")
        raise typer.Exit(2)
    try:
        repo = _repo()
        code = repo.resolve(kommun or lan or "", "kommun" if kommun else "lan")
        df = crime_trends(repo, code)
    except LagesbildError as exc:
        _fail(exc)
    name = repo.area(code).name
    if fmt == Fmt.table:
        for line in describe_trends(df, name):
            console.print(line)
        df = df.drop(columns=["group", "relative_slope"])
    _emit(df, fmt, f"Trender i anmälda brott, {name}", {"n": 0, "first": 0, "last": 0, "tau": 2, "p": 3,
                                                          "sen_slope": 1})


class Lang(StrEnum):
    sv = "sv"
    en = "en"


class DocFormat(StrEnum):
    html = "html"
    pdf = "pdf"


@app.command("report")
def report_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Fil att skriva (.html eller .pdf).")],
    kommun: KommunOpt = None,
    lan: LanOpt = None,
    whole: Annotated[bool, typer.Option("--all", help="Hela datamängden.")] = False,
    fmt: Annotated[DocFormat | None, typer.Option("--format", "-f",
                                                  help="html eller pdf (förval: efter filändelsen).")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Språk: sv (svenska) eller en (engelska).")] = Lang.sv,
) -> None:
    """Skriv lägesbilden för en kommun, ett län eller hela datamängden som HTML eller PDF (A4)."""
    from lagesbild.report.lagesbild import write_report

    if sum(map(bool, (kommun, lan, whole))) != 1:
        err.print("Ange en av --kommun, --lan och --all.")
        raise typer.Exit(2)
    doc = fmt or (DocFormat.pdf if out.suffix.lower() == ".pdf" else DocFormat.html)
    try:
        repo = _repo()
        level = "kommun" if kommun else "lan" if lan else "riket"
        code = repo.resolve(kommun or lan or "", level) if level != "riket" else "00"
        with err.status("Skriver lägesbilden …"):
            path = write_report(repo, code, level, out, fmt=doc.value, lang=lang.value)
    except LagesbildError as exc:
        _fail(exc)
    console.print(f"Rapporten är skriven: {path.resolve()}")


SMALL_COUNT = 3  # counts under this are shown as "<3" unless --exact


@app.command("incidents")
def incidents_cmd(
    kommun: KommunOpt = None, lan: LanOpt = None,
    first_week: Annotated[str | None, typer.Option("--from", help="Första vecka, t.ex. 2025-W01.")] = None,
    last_week: Annotated[str | None, typer.Option("--to", help="Sista vecka, t.ex. 2025-W52.")] = None,
    exact: Annotated[bool, typer.Option("--exact", help=f"Visa även antal under {SMALL_COUNT} (inte för "
                                        "publicering).")] = False,
    fmt: FmtOpt = Fmt.table,
) -> None:
    """Lokala händelser (EST) per DeSO och kategori: bara antal, aldrig enskilda händelser."""
    import pandas as pd

    try:
        repo = _repo()
        k, lan_code = _area_filter(repo, kommun, lan)
        df = repo.incident_counts(k, lan_code, first_week, last_week)
    except LagesbildError as exc:
        _fail(exc)
    if df.empty:
        _fail(LagesbildError("inga lokala händelser i databasen för urvalet (läs in med `lagesbild import incidents`)"))
    wide = df.pivot_table(index="deso", columns="category", values="count", aggfunc="sum", fill_value=0)
    wide["Totalt"] = wide.sum(axis=1)
    wide = wide.sort_values("Totalt", ascending=False)
    if not exact:
        wide = wide.astype(object).where(wide >= SMALL_COUNT, f"<{SMALL_COUNT}").where(wide > 0, 0)
    out = pd.concat([pd.Series(wide.index, index=wide.index, name="DeSO"), wide], axis=1)
    _emit(out, fmt, f"Lokala händelser {df['first_week'].min()}–{df['last_week'].max()}"
          + ("" if exact else f" (antal under {SMALL_COUNT} visas som <{SMALL_COUNT})"), {})


# -- live sources -------------------------------------------------------------------------------------

SourcesOpt = Annotated[Path | None, typer.Option(
    "--sources", envvar="LAGESBILD_SOURCES",
    help="TOML-fil med källornas adresser och HTTP-inställningar (förval: de publika tjänsterna).")]
KommunerOpt = Annotated[list[str] | None, typer.Option("--kommun", "-k", help="Kommunkod (kan upprepas).")]
LanerOpt = Annotated[list[str] | None, typer.Option("--lan", "-l", help="Länskod (kan upprepas).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Hela Sverige.")]
YearsOpt = Annotated[list[str] | None, typer.Option("--years", help="År att hämta (kan upprepas; förval: de två "
                                                                     "senaste i tabellen).")]


def _endpoints(sources: Path | None) -> Any:
    from lagesbild.sources.endpoints import Endpoints

    return Endpoints.load(sources)


def _print_changes(title: str, changes: dict[str, Any]) -> None:
    console.print(f"[bold]{title}[/]: " + ", ".join(f"{k} {v}" for k, v in changes.items()), highlight=False)


def _run_import(sources: Path | None, fn: Any) -> Any:
    """Run ``fn(endpoints, progress)`` with progress bars; a LagesbildError becomes its message and exit code."""
    try:
        ep = _endpoints(sources)
        return _with_progress(lambda p: fn(ep, p))
    except LagesbildError as exc:
        _fail(exc)


CHANGE_NAMES = {"added": "Tillkommit", "removed": "Borttaget", "recategorised": "Ny kategori",
                "renamed": "Nytt namn", "split": "Delat", "merged": "Sammanslaget", "reshaped": "Omritat"}


def _print_diff(d: Any) -> None:
    from lagesbild.store.models import category_label

    if d.old_year is None:
        console.print(f"[bold]Polisens lista {d.new_year}[/]: den första listan i databasen, {len(d.changes)} områden",
                      highlight=False)
        return
    console.print(f"[bold]Polisens lista {d.new_year}[/] jämfört med lista {d.old_year}: {d.unchanged} oförändrade",
                  highlight=False)
    for c in d.changes:
        arrow = " → ".join(x for x in ("; ".join(c.old), "; ".join(c.new)) if x)
        detail = " → ".join(category_label(k).lower() for k in c.detail.split(" → ")) if c.detail else ""
        console.print(f"  {CHANGE_NAMES[c.kind]}: {arrow}" + (f" ({detail})" if detail else ""), highlight=False)


@import_app.command("scb")
def import_scb_cmd(
    kommun: KommunerOpt = None, lan: LanerOpt = None, all_: AllOpt = False, years: YearsOpt = None,
    level: Annotated[str, typer.Option("--level", help="deso (förval), regso, kommun eller lan. Utan DeSO räknas "
                                       "högre nivåer fram ur DeSO-värdena; med regso/kommun/lan används SCB:s egna "
                                       "siffror för den nivån i stället (sanna medianer och andelar).")] = "deso",
    sources: SourcesOpt = None,
) -> None:
    """SCB:s statistik (PxWeb API v2) för DeSO i databasen: befolkning, inkomst, sysselsättning, utbildning, boende."""
    from lagesbild.store.imports import import_statistics

    changes = _run_import(sources, lambda ep, p: import_statistics(_state["db"], ep, kommun, lan, all_, years, p,
                                                                   level))
    _print_changes("SCB statistik", changes)


@import_app.command("scb-geo")
def import_scb_geo_cmd(kommun: KommunerOpt = None, lan: LanerOpt = None, all_: AllOpt = False,
                       sources: SourcesOpt = None) -> None:
    """DeSO-gränser från SCB:s öppna geodata (WFS, SWEREF 99 TM)."""
    from lagesbild.store.imports import import_boundaries

    changes = _run_import(sources, lambda ep, p: import_boundaries(_state["db"], ep, kommun, lan, all_, p))
    _print_changes("SCB gränser", changes)


@import_app.command("crosswalk")
def import_crosswalk_cmd(
    location: Annotated[str | None, typer.Argument(help="SCB:s korrespondenstabell DeSO 2018–2025 (fil eller URL). "
                                                        "Utan den: ytviktning från båda gränsskikten.")] = None,
    kommun: KommunerOpt = None, lan: LanerOpt = None, sources: SourcesOpt = None,
) -> None:
    """Nyckel från DeSO 2018 till DeSO 2025, så att äldre serier kan läggas på dagens områden."""
    from lagesbild.store.imports import import_crosswalk

    changes = _run_import(sources, lambda ep, p: import_crosswalk(_state["db"], ep, location, kommun, lan, p))
    _print_changes("DeSO 2018 → 2025", changes)


@import_app.command("polisen-omraden")
def import_polisen_cmd(
    location: Annotated[str | None, typer.Argument(
        help="Polisens zip (fil eller URL; förval: 2025 års lista).")] = None,
    list_year: Annotated[int | None, typer.Option("--list-year", help="Listans år (förval: året i filnamnet).")] = None,
    sources: SourcesOpt = None,
) -> None:
    """Polisens utsatta och särskilt utsatta områden; visar vad som ändrats mot förra listan."""
    from lagesbild.store.imports import import_designations

    _print_diff(_run_import(sources, lambda ep, p: import_designations(_state["db"], ep, location, list_year, p)))


@import_app.command("bra")
def import_bra_cmd(
    location: Annotated[str | None, typer.Argument(help="Export ur Brås statistikdatabas (CSV eller Excel, fil "
                                                        "eller URL).")] = None,
    sources: SourcesOpt = None,
) -> None:
    """Brås anmälda brott per kommun, in i samma serier som den inbyggda datamängden."""
    from lagesbild.store.imports import import_crime

    _print_changes("Brå", _run_import(sources, lambda ep, p: import_crime(_state["db"], ep, location, p)))


@import_app.command("incidents")
def import_incidents_cmd(
    file: Annotated[Path, typer.Argument(help="Lokala händelser (EST) som CSV eller Excel.")],
    mapping: Annotated[Path | None, typer.Option("--mapping", help="JSON som anger kolumnerna, t.ex. "
                                                 '{"date": "Datum", "category": "Händelse", "lat": "Lat", '
                                                 '"lon": "Long"}.')] = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Läs in de giltiga raderna och skriv de "
                                               "ogiltiga till FIL.rejects.csv.")] = False,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Namn på datamängden (förval: filnamnet); "
                                                "samma namn ersätter en tidigare import.")] = None,
) -> None:
    """En kommuns lokala händelser: placeras i DeSO; bara antal per område, kategori och vecka sparas."""
    from lagesbild.store.imports import import_incidents

    try:
        r = import_incidents(_state["db"], file, mapping, skip_invalid, dataset)
    except LagesbildError as exc:
        _fail(exc)
    console.print(f"{r.dataset}: {r.loaded} av {r.rows} rader inlästa i {r.cells} celler (DeSO × kategori × vecka)"
                  + (", ersatte tidigare import" if r.replaced else ""), highlight=False)
    if r.rejects_file:
        console.print(f"{r.rejected} ogiltiga rader skrivna till {r.rejects_file}", highlight=False)


def _parse_every(text: str) -> float:
    import re

    m = re.fullmatch(r"(\d+)\s*([smh]?)", text.strip())
    if not m:
        raise LagesbildError(f"--every {text!r}: expected e.g. 90s, 10m or 1h")
    seconds = int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
    if seconds < 60:
        raise LagesbildError("--every must be at least 60 s: the Police allow at most 60 calls an hour")
    return float(seconds)


@events_app.command("poll")
def events_poll_cmd(
    once: Annotated[bool, typer.Option("--once", help="Hämta en gång och avsluta.")] = False,
    every: Annotated[str | None, typer.Option("--every", help="Hämta med jämna mellanrum, t.ex. 10m "
                                              "(minst 60 s; avsluta med Ctrl+C).")] = None,
    sources: SourcesOpt = None,
) -> None:
    """Hämta Polisens senaste händelser (högst 500) och spara nya; minst 10 s mellan anrop, högst 60 i timmen."""
    import time

    from lagesbild.store.imports import poll_events

    if once == (every is not None):
        _fail(LagesbildError("give either --once or --every"))
    try:
        ep = _endpoints(sources)
        interval = _parse_every(every) if every else 0.0
        while True:
            r = poll_events(_state["db"], ep)
            console.print(f"{r.fetched} händelser hämtade, {r.new} nya ({r.located_kommun} på kommun, "
                          f"{r.located_lan_only} bara på län, {r.unlocated} utan plats)", highlight=False)
            if once:
                break
            time.sleep(interval)
    except LagesbildError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("Avbrutet.")


@app.command("sync")
def sync_cmd(
    kommun: KommunerOpt = None, lan: LanerOpt = None, all_: AllOpt = False, years: YearsOpt = None,
    no_events: Annotated[bool, typer.Option("--no-events", help="Hoppa över Polisens händelser.")] = False,
    sources: SourcesOpt = None,
) -> None:
    """Uppdatera allt från källorna: SCB (gränser och statistik), Polisens områden och händelser, Brå.

    Förval: de kommuner databasen redan har. En källa som fel rapporteras och ger slutkod 5; de andra
    läses ändå in. Databasen byggs om i ett steg.
    """
    from lagesbild.store.imports import sync

    report = _run_import(sources, lambda ep, p: sync(_state["db"], ep, kommun, lan, all_, years, not no_events, p))
    table = Table(title="Synkronisering")
    for col in ("Källa", "Status", "Ändringar"):
        table.add_column(col)
    for part in report.parts:
        status = "[green]ok[/]" if part.ok else "[bold red]fel[/]"
        detail = ", ".join(f"{k} {v}" for k, v in part.changes.items()) if part.ok else part.message
        if part.ok and not part.changes:
            detail = part.message
        table.add_row(part.source, status, detail)
    console.print(table)
    if report.diff is not None and report.diff.changes:
        _print_diff(report.diff)
    if report.built:
        console.print(f"Databas: {report.built.database} ({report.built.counts.get('area', 0)} områden, "
                      f"{report.built.counts.get('observation', 0)} värden)", highlight=False)
    if report.failed:
        raise typer.Exit(5)


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Adress att lyssna på.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Antal processer.", min=1)] = 1,
) -> None:
    """Starta webbappen (sidor på svenska och engelska, JSON-API under /api/v1, OpenAPI på /openapi.json)."""
    import uvicorn

    try:
        repo = _repo()
        with err.status("Läser in data och risk …"):
            from lagesbild.web.app import create_app

            application = create_app(repo)
    except LagesbildError as exc:
        _fail(exc)
    err.print(f"lägesbild på http://{host}:{port}/ (API: http://{host}:{port}/docs) – avsluta med Ctrl+C")
    if workers > 1:
        import os

        os.environ["LAGESBILD_DB"] = resolve_db_url(_state["db"])
        uvicorn.run("lagesbild.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
    else:
        uvicorn.run(application, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    app()
