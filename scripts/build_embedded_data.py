#!/usr/bin/env python3
"""Build the embedded default dataset of lägesbild from a folder laid out like ``../shared/data``.

The result, ``src/lagesbild/data/snapshot.zip``, keeps that same layout (so one reader serves both a
folder and the bundled file): JSON re-serialised without whitespace, CSV as is, a ``MANIFEST.json``
with each file's SHA-256 and the copy date. The zip is deterministic: same input, same bytes.

Usage: python scripts/build_embedded_data.py [--source ../shared/data] [--out src/lagesbild/data/snapshot.zip]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Which files of the shared data layout belong to the embedded dataset (fixtures are test material).
PATTERNS = [
    "deso/*.json",
    "polisen/uso_2025.geojson",
    "polisen/uso_2025_deso_overlap.csv",
    "bra/bra_crime_selected.csv",
    "bra/bra_crime_quarterly.csv",
    "reference/kommuner.csv",
    "reference/lan.csv",
    "reference/indicators_registry.json",
    "README.md",
]
FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def collect(source: Path) -> list[Path]:
    files: list[Path] = []
    for pattern in PATTERNS:
        found = sorted(source.glob(pattern))
        if not found:
            raise SystemExit(f"error: {source}/{pattern}: no such file in the source folder")
        files.extend(found)
    return files


def compact(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.suffix in {".json", ".geojson"}:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"error: {path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "lagesbild" / "data" / "snapshot.zip")
    args = parser.parse_args(argv)
    source: Path = args.source.resolve()
    files = collect(source)
    manifest: dict[str, object] = {"source": "shared/data", "files": {}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=args.out.parent, suffix=".zip.tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for path in files:
                rel = path.relative_to(source).as_posix()
                data = compact(path)
                manifest["files"][rel] = hashlib.sha256(data).hexdigest()  # type: ignore[index]
                zf.writestr(zipfile.ZipInfo(rel, FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
            info = zipfile.ZipInfo("MANIFEST.json", FIXED_TIME)
            zf.writestr(info, json.dumps(manifest, indent=1, sort_keys=True), compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, args.out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(f"{args.out}: {len(files)} files, {args.out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
