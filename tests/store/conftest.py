"""Store fixtures: every test taking `store_url` runs on SQLite (a temporary file) and on PostgreSQL
(a throwaway cluster, one per session, a fresh database per test)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pg_cluster import MISSING, Cluster, find_bin_dir, start

from engine.report.rulebase import Rules, load_rules
from engine.store import Store, open_store

REQUIRE_POSTGRES = "FAIRCHANCE_REQUIRE_POSTGRES"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get(REQUIRE_POSTGRES):
            pytest.fail(f"{MISSING} ({REQUIRE_POSTGRES} is set, so the PostgreSQL tests may not skip)")
        pytest.skip(MISSING)
    cluster, root = start(bin_dir)
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    name = f"store_{next(_databases)}"
    cluster.psql("postgres", f"CREATE DATABASE {name}")
    return cluster.url.rsplit("/", 1)[0] + f"/{name}"


class StepClock:
    """A deterministic clock: each reading is one second after the last."""

    def __init__(self, start: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)):
        self.at = start

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def store(store_url: str, clock: StepClock) -> Iterator[Store]:
    opened = open_store(store_url, clock)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()
