"""App fixtures: one seeded SQLite store per test module (the demo cases, accounts and a marker case
whose clinical fields carry marker strings), and AppTest runs signed in as a given account."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import Seeded, marker_case

from engine.report.rulebase import load_rules
from engine.services.demo import seed
from engine.store import open_store
from engine.store.service import evaluate_case, submit_case

PANEL = Path(__file__).resolve().parents[2] / "panel_app"
# `streamlit run` puts the main script's folder on sys.path; AppTest does not, so the pages' imports
# of panel_ui need it here.
if str(PANEL) not in sys.path:
    sys.path.insert(0, str(PANEL))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'app.db'}"
    store = open_store(url)
    rules = load_rules()
    seed(store, rules)
    submit_case(store, rules, marker_case(), "demo-seed", "marker case for the no-leak tests")
    evaluate_case(store, rules, marker_case()["case_id"], "demo-seed")
    previous = os.environ.get("FAIRCHANCE_DB")
    os.environ["FAIRCHANCE_DB"] = url
    try:
        yield Seeded(url, store, rules, str(PANEL / "streamlit_app.py"))
    finally:
        if previous is None:
            os.environ.pop("FAIRCHANCE_DB", None)
        else:
            os.environ["FAIRCHANCE_DB"] = previous
        store.close()
