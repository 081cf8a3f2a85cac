"""engine/services/impact.py: the casebank under two rule versions, and the newest snapshot in the store."""

from __future__ import annotations

import shutil

from app_helpers import Seeded
from rules_copy import copy_rules, edit

from engine.report.rulebase import load_rules
from engine.services.impact import compare_rules, impact_against_published, published_version

CASES = ("005-seed-protected-caution-ignored.yaml", "004-old-minor-motoring-appoint.yaml",
         "015-common-assault-home-visits.yaml")


def small_casebank(tmp_path):
    root = tmp_path / "casebank" / "framework"
    root.mkdir(parents=True)
    for name in CASES:
        shutil.copy(f"casebank/framework/{name}", root / name)
    return tmp_path / "casebank"


def test_a_changed_rule_lists_exactly_the_cases_whose_outcome_changes(tmp_path):
    rules_dir = copy_rules(tmp_path)
    edit(rules_dir / "framework/recommendation.rules.yaml",
         'when: {considered_count: "0"}\n      then: {recommendation: appoint}',
         'when: {considered_count: "0"}\n      then: {recommendation: refer_to_panel}')
    impact = compare_rules(load_rules(), load_rules(rules_dir), small_casebank(tmp_path))
    assert impact.cases == 3
    assert [(c.file.split("/")[-1], c.outcome_then, c.outcome_now) for c in impact.outcome_changes] == [
        ("005-seed-protected-caution-ignored.yaml", "appoint", "refer_to_panel")]


def test_the_same_rules_change_nothing(tmp_path):
    rules = load_rules()
    assert compare_rules(rules, rules, small_casebank(tmp_path)).changed == ()


def test_published_is_the_newest_snapshot_and_matches_the_working_tree(seeded: Seeded, tmp_path):
    assert published_version(seeded.store) == seeded.rules.version
    impact = impact_against_published(seeded.store, seeded.rules, small_casebank(tmp_path))
    assert (impact.published, impact.working, impact.changed) == (seeded.rules.version, seeded.rules.version, ())
