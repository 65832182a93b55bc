"""The lägesbild document as PDF: A4, table of contents, Brå's sections, page numbers."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from lagesbild.cli import app

SECTIONS = ["1. Sammanfattning", "2. Brottslighetens omfattning och utveckling", "3. Utsatta och utpekade områden",
            "4. Tidig varning", "5. Analys och föreslagna fokusområden", "6. Metod, källor och begränsningar"]


def test_pdf_document(db_path: Path, tmp_path: Path, artifacts: Path) -> None:
    out = tmp_path / "lagesbild-0581.pdf"
    res = CliRunner().invoke(app, ["--db", str(db_path), "report", "--kommun", "0581", "--format", "pdf",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    reader = PdfReader(out)
    n = len(reader.pages)
    assert n >= 6
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2, "A4"
    first = reader.pages[0].extract_text()
    assert "Innehåll" in first
    for title in ("Sammanfattning", "Brottslighetens omfattning och utveckling", "Tidig varning",
                  "Analys och föreslagna fokusområden", "Metod, källor och begränsningar"):
        assert title in first, title
    text = "\n".join(p.extract_text() for p in reader.pages)
    positions = [text.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    assert f"Sida 1 av {n}" in text and f"Sida {n} av {n}" in text
    assert "Hageby" in text and "Navestad" in text and "Mann-Kendall" in text
    (artifacts / "lagesbild-0581.pdf").write_bytes(out.read_bytes())


def test_english_document(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "en.html"
    res = CliRunner().invoke(app, ["--db", str(db_path), "report", "--kommun", "0581", "--lang", "en",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<h1>Situation picture Norrköping</h1>" in html
    for title in ("1. Summary", "2. Crime: extent and development", "3. Vulnerable and designated areas",
                  "5. Analysis and suggested focus areas", "6. Method, sources and limitations"):
        assert title in html, title
    assert "Low economic standard" in html and "Vulnerable area" in html
    assert "↑ raises" in html and "among the" in html and "Over the whole period (1996–2025)" in html
    assert "Sammanfattning" not in html and "Bevakningslista" not in html and "höjer" not in html
    assert "144,901" in html, "English number format"
