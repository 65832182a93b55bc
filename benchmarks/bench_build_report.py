#!/usr/bin/env python3
"""Times of `data build`, the designated-area overlay and the Norrköping report. Prints numbers only.

Goals (issue 2): build under 30 s, report under 2 s once built. The overlay is compared in the same run
with the plain all-pairs computation it replaces (every DeSO against every designated area).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import shapely

from lagesbild.config import BUNDLED_SNAPSHOT
from lagesbild.geo.geometry import geojson_to_geometry, rings_latlon_to_geometry
from lagesbild.geo.overlay import MIN_OVERLAP_M2, overlaps
from lagesbild.report.lagesbild import write_report
from lagesbild.sources.snapshot import Snapshot
from lagesbild.store.build import build
from lagesbild.store.db import open_engine
from lagesbild.store.queries import Repository


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def show(name: str, times: list[float]) -> None:
    print(f"{name:<46} median {statistics.median(times):7.3f} s   min {min(times):7.3f} s   (n={len(times)})")


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "bench.sqlite"
    show("data build (bundled data, in-process)", timed(lambda: build(db=str(db)), 3))

    snap = Snapshot(BUNDLED_SNAPSHOT)
    deso = {r.code: rings_latlon_to_geometry(r.rings) for f in snap.deso_files() for r in snap.deso_records(f)}
    des = [(d.category, geojson_to_geometry(d.geometry)) for d in snap.designations()]
    show("overlay, STRtree (lagesbild)", timed(lambda: overlaps(deso, des), 5))

    def brute() -> None:
        for g in deso.values():
            for _, d in des:
                a = shapely.intersection(g, d).area
                if a >= MIN_OVERLAP_M2:
                    pass

    show("overlay, all pairs (reference)", timed(brute, 3))

    repo = Repository(open_engine(str(db)))
    show("report Norrköping (in-process, built db)", timed(lambda: write_report(repo, "0581", "kommun",
                                                                                 tmp / "r.html"), 5))
    show("report Östergötland (in-process)", timed(lambda: write_report(repo, "05", "lan", tmp / "l.html"), 3))
    exe = Path(sys.executable).parent / "lagesbild"
    cmd = [str(exe), "--db", str(db), "report", "--kommun", "0581", "--out", str(tmp / "c.html")]
    show("`lagesbild report --kommun 0581` (process)", timed(lambda: subprocess.run(cmd, check=True,
                                                                                     capture_output=True), 3))
    print(f"report size: {(tmp / 'r.html').stat().st_size / 1e3:.0f} kB; database: {db.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
