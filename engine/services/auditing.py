"""The auditor's screens in words: the decision history, replay's result, the audit report's tables and the
export, shaped for people. Codes become the rule files' words (engine/services/words.py), dates stay dates
(the page formats them the UK way), and nothing here is a dict or JSON printed as text. The raw tables stay
in the downloads and the command line.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from engine.services.words import REPLAY, named

NOT_SAME = ("defect", "skipped", "changed", "error")


def history_rows(decisions: list[dict[str, Any]], names: dict[str, str], roles: dict[str, str]) -> list[dict]:
    """One row per decision, for a table: outcomes in words, the panel as 'who (seat): view'."""
    return [{"case_id": d["case_id"], "decided_on": d["decided_on"], "recorded_at": d["recorded_at"],
             "chair": d["chair"], "recommended": named(d["recommended"], names),
             "final_outcome": named(d["final_outcome"], names), "agrees": d["agrees"],
             "members": "; ".join(f"{m['member']} ({roles.get(m['panel_role'], named(m['panel_role'], {}))}): "
                                  f"{named(m['view'], names)}" for m in d["members"]),
             "rationale": d["rationale"]} for d in decisions]


def history_sentence(d: dict[str, Any], names: dict[str, str], day: str) -> str:
    """'C-1 on 3 March 2027: demo-chair agreed with the recommendation (Appoint)', or what was overridden."""
    recommended, final = named(d["recommended"], names), named(d["final_outcome"], names)
    if d["agrees"]:
        return f"{d['case_id']} on {day}: {d['chair']} agreed with the recommendation ({recommended})"
    return f"{d['case_id']} on {day}: {d['chair']} overrode the recommendation ({recommended}) and decided: {final}"


def replay_summary(result: Any) -> list[dict[str, Any]]:
    """How many evaluations got each verdict, with what the verdict means."""
    counts = result.counts()
    return [{"result": REPLAY.get(status, (status, ""))[0], "evaluations": n,
             "meaning": REPLAY.get(status, ("", ""))[1]} for status, n in sorted(counts.items())]


def replay_details(result: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    """Each evaluation that was not reproduced (or changed), with the parts of the report that differ."""
    return [{"case_id": r.case_id, "version": r.version, "as_at": r.as_at,
             "result": REPLAY.get(r.status, (r.status, ""))[0], "outcome_then": named(r.outcome_then, names),
             "outcome_now": named(r.outcome_now, names), "differences": r.differences,
             "parts_that_differ": ", ".join(r.paths), "note": r.message or ""}
            for r in result.rows if r.status in NOT_SAME]


def _percent(value: Any) -> str:
    return f"{float(value):.0%}" if pd.notna(value) else ""


def _outcomes(t: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"Outcome": [named(o, names) for o in t["outcome"]], "Recommended": t["recommended"],
                         "Decided": t["decided"], "Share of decisions": [_percent(v) for v in t["decided_share"]]})


def _crosstab(t: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    out = t.rename(index=lambda o: named(o, names), columns=lambda o: named(o, names))
    out.index.name, out.columns.name = "Recommended (rows), decided (columns)", None
    return out.reset_index()


def _rates(t: pd.DataFrame, by: str, heading: str, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({heading: [named(v, names) for v in t[by]], "Decisions": t["decisions"],
                         "Overrides": t["overrides"], "Override rate": [_percent(v) for v in t["override_rate"]]})


def _fired(t: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"Rule": [named(r, names) for r in t["rule"]],
                         "Rule set": [named(s, names) for s in t["ruleset"]],
                         "Findings": t["findings"], "Evaluations it fired in": t["evaluations"]})


def _times(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Case": t["case_id"], "Arrived on": t["arrived_on"], "Decision recorded on": t["recorded_on"],
                         "Days": t["days"]})


def _summary(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty or not t["decisions"].iloc[0]:
        return pd.DataFrame()
    row = t.iloc[0]
    return pd.DataFrame([{"Decisions": int(row["decisions"]), "Median (days)": round(row["median_days"], 1),
                          "Mean (days)": round(row["mean_days"], 1),
                          "90 in 100 within (days)": round(row["p90_days"], 1),
                          "Longest (days)": int(row["max_days"])}])


def _consistency(t: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Pairs of decisions on the same factor profile; the profile itself (JSON) stays in the download."""
    return pd.DataFrame({"Recommended": [named(v, names) for v in t["recommended"]],
                         "One decision": [named(v, names) for v in t["outcome_a"]], "Cases so decided": t["cases_a"],
                         "For example": t["example_a"], "Other decision": [named(v, names) for v in t["outcome_b"]],
                         "Cases decided otherwise": t["cases_b"], "For example, otherwise": t["example_b"]})


def report_tables(report: Any, names: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The audit report's tables under titles in words, with columns in words and codes named."""
    t = report.tables
    return {
        "Outcomes: recommended and decided": _outcomes(t["outcomes"], names),
        "Recommended against decided": _crosstab(t["recommended_vs_decided"], names),
        "Override rate per chair": _rates(t["overrides_by_chair"], "chair", "Chair", names),
        "Override rate per recommendation rule": _rates(t["overrides_by_rule"], "rule", "Rule", names),
        "The rules that fire most": _fired(t["rules_fired"], names),
        "Time to decision (days from the case's arrival to the decision being recorded)":
            _times(t["time_to_decision"]),
        "Time to decision in summary": _summary(t["time_to_decision_summary"]),
        "Similar cases (the same factors) with different decisions": _consistency(t["consistency"], names),
    }


TABLE_NAMES = {"oh_outcomes": "OH outcomes"}


def export_sentence(rows: dict[str, int], file_name: str, salt_generated: bool) -> str:
    """What the export wrote, and where, in plain sentences (never the salt)."""
    counts = ", ".join(f"{TABLE_NAMES.get(name, name.replace('_', ' '))} ({n:,} row{'s' if n != 1 else ''})"
                       for name, n in rows.items())
    said = (f"Wrote {len(rows)} tables into {file_name} as CSV and Parquet files, ready to download below: "
            f"{counts}. Case ids, usernames and evaluation and decision numbers are replaced by keyed pseudonyms; "
            f"the applicant's own words and clinical detail are left out.")
    if salt_generated:
        said += (" A new salt was made for the pseudonyms: download it separately and keep it apart from the "
                 "export. With the same salt, a later export gives the same pseudonyms.")
    return said
