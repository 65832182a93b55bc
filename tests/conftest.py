"""Shared fixtures: one database built from the embedded data for the whole session."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from lagesbild.config import BUNDLED_SNAPSHOT
from lagesbild.store.build import build
from lagesbild.store.db import open_engine
from lagesbild.store.queries import Repository

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def pytest_configure(config: pytest.Config) -> None:
    # Fitted models are cached under XDG_CACHE_HOME: keep the tests' cache apart from the user's.
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="lagesbild-test-cache-")
    # The events API's call log (its rate limit holds across runs) lives under XDG_STATE_HOME.
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="lagesbild-test-state-")


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "lagesbild.sqlite"
    build(db=str(path))
    return path


@pytest.fixture(scope="session")
def repo(db_path: Path) -> Repository:
    return Repository(open_engine(str(db_path)))


@pytest.fixture(scope="session")
def raw_deso() -> dict[str, dict]:
    """The DeSO records straight from the bundled files, read without the project's parser."""
    out = {}
    with zipfile.ZipFile(BUNDLED_SNAPSHOT) as zf:
        for name in zf.namelist():
            if name.startswith("deso/"):
                for area in json.loads(zf.read(name))["areas"]:
                    out[area["name"]] = area
    return out


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def ew(repo):  # type: ignore[no-untyped-def]
    from lagesbild.analysis.early_warning import early_warning

    return early_warning(repo)


@pytest.fixture(scope="session")
def features(repo):  # type: ignore[no-untyped-def]
    from lagesbild.analysis.features import build_features

    return build_features(repo)


@pytest.fixture()
def fresh_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty call log for rate-limited sources (no waiting on an earlier test's calls)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture()
def db_copy(db_path: Path, tmp_path: Path) -> Path:
    """A private copy of the embedded database, for tests that import into it."""
    import shutil

    dst = tmp_path / "copy.sqlite"
    shutil.copy(db_path, dst)
    return dst


@pytest.fixture()
def fake(httpserver):  # type: ignore[no-untyped-def]
    """Every live source on a local HTTP server (see tests/fakesources.py)."""
    from fakesources import SHARED, FakeSources

    if not (SHARED / "fixtures").exists():
        pytest.skip("needs ../shared/data beside the repository")
    return FakeSources(httpserver)
