"""Store fixtures: every test taking `store_url` runs on SQLite (a temporary file) and on PostgreSQL
(a throwaway cluster, one per session, a fresh database per test)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from pg_cluster import MISSING, Cluster, find_bin_dir, start
from store_cases import SAFEGUARDS, case_data

from engine.report.rulebase import Rules, load_rules
from engine.store import Store, open_store
from engine.store.keys import ENV_ANCHOR, ENV_KEY_FILE, new_secret
from engine.store.service import evaluate_case, submit_case

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
def store_url(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> str:
    """SQLite keeps its audit key and anchor beside the file by default; PostgreSQL is given both, as
    production must (docs/audit.md)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    key_file = tmp_path / "pg.audit-key"
    key_file.write_text(new_secret() + "\n", encoding="utf-8")
    monkeypatch.setenv(ENV_KEY_FILE, str(key_file))
    monkeypatch.setenv(ENV_ANCHOR, str(tmp_path / "pg.anchor"))
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


@pytest.fixture
def busy(store, rules):
    """A store with one of every kind of record."""
    store.add_user("demo-chair", "correct horse battery", "panel_chair")
    data = case_data(SAFEGUARDS)
    submit_case(store, rules, data, "demo-panel", "entered from the certificate")
    evaluation = evaluate_case(store, rules, "C-DEMO-002", "demo-panel")
    store.record_member_view(evaluation.id, "demo-peer", "peer_worker", "appoint", "", "demo-peer")
    store.record_member_view(evaluation.id, "demo-peer", "peer_worker", "appoint_with_safeguards", "revised",
                             "demo-peer")
    store.record_decision(evaluation.id, "demo-chair", "appoint_with_safeguards", True, "as recommended",
                          date(2026, 11, 30), None, "demo-chair", chair_role="general_manager",
                          absences={"hr": "Synthetic test: on leave."})
    store.record_oh_outcome(evaluation.id, "demo-oh", "fit", [], None, "Synthetic note.", "demo-oh")
    store.log_access("demo-chair", "C-DEMO-002", "criminal_record", "panel review")
    store.disable_user("demo-chair", "cli")
    return store
