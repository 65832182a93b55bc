"""The report in a real headless Chromium (Debian's package): scripts run, the map is drawn."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from lagesbild.report.lagesbild import write_report
from lagesbild.report.maps import palette

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        if os.environ.get("LAGESBILD_SKIP_BROWSER") == "1":
            pytest.skip("LAGESBILD_SKIP_BROWSER=1")
        pytest.fail("chromium is not installed: run `make test` (installs it) or apt-get install chromium")
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def test_report_renders_with_map(repo, tmp_path: Path, artifacts: Path) -> None:
    report = write_report(repo, "0581", "kommun", tmp_path / "norrkoping.html")
    dom = chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", report.as_uri()).stdout
    assert "<title>Lägesbild Norrköping</title>" in dom
    svg = dom[dom.index('<svg id="map-all"'):]
    assert len(re.findall(r'<path class="area"', svg[:svg.index("</svg>")])) == 79
    # The table-sorting script ran: it makes every header focusable.
    assert re.search(r'<th[^>]*tabindex="0"', dom)

    shot = artifacts / "report-0581.png"
    chromium(tmp_path, "--window-size=1280,3600", f"--screenshot={shot}", report.as_uri())
    pixels = (image.imread(shot)[:, :, :3] * 255).round().astype(int)
    colours = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in palette()}
    flat = pixels.reshape(-1, 3)
    counts = {c: int(np.all(np.abs(flat - c) <= 2, axis=1).sum()) for c in colours}
    # The map is really drawn: every class colour covers a visible patch of the screenshot.
    assert sum(v > 200 for v in counts.values()) >= 4, counts
