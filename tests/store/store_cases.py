"""Synthetic cases for the store tests, read from the casebank (its `expect` section set aside)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CASEBANK = Path(__file__).resolve().parents[2] / "casebank"
SAFEGUARDS = "demo/offender-management-peer.yaml"  # appoint_with_safeguards, no withdrawal discussion
REFER = "framework/013-fraud-suspended-sentence-cash-handling.yaml"  # refer_to_panel, discuss first


def case_data(name: str, case_id: str | None = None) -> dict[str, Any]:
    data = yaml.safe_load((CASEBANK / name).read_text(encoding="utf-8"))
    data.pop("expect", None)
    if case_id:
        data["case_id"] = case_id
    return data

# The chair's record of why each seat of the panel (rules/policy/decisions.yaml) was empty, for tests of
# other things than the panel's composition.
PANEL_ABSENT = {"peer_worker": "Synthetic test: the panel was not convened.",
                "hr": "Synthetic test: the panel was not convened.",
                "general_manager": "Synthetic test: the panel was not convened."}
