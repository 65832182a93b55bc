"""PDF of the lägesbild document through headless Chromium (Debian's ``chromium`` package).

Chromium prints the same self-contained HTML the report writes, with the print style sheet: A4, page
numbers in the page margin (CSS page-margin boxes), maps and charts kept as vector graphics.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from lagesbild.errors import LagesbildError

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer", "--virtual-time-budget=5000"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise LagesbildError("PDF kräver Chromium: installera Debians paket 'chromium' (apt-get install chromium)")


def html_to_pdf(html: str, out: Path, timeout: float = 120.0) -> Path:
    """Print ``html`` to ``out`` atomically; the temporary files never outlive the call."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lagesbild-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        pdf = Path(tmp) / "report.pdf"
        cmd = [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
               f"--print-to-pdf={pdf}", src.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise LagesbildError(f"Chromium skrev ingen PDF inom {timeout:.0f} s") from exc
        if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
            raise LagesbildError(f"Chromium kunde inte skriva PDF (kod {proc.returncode}): {proc.stderr[-400:]}")
        fd, part = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        os.close(fd)
        shutil.copyfile(pdf, part)
        os.chmod(part, 0o644)
        os.replace(part, out)
    return out
