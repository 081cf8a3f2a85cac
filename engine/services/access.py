"""Who may see and do what in the panel app, enforced where the data is fetched.

The role -> permission map and the list of clinical fields are data (rules/vocabularies/app-roles.yaml).
Every fetch function checks the permission before reading, writes the access log as it returns
criminal-record or health data, and returns plain dicts built for that role: a role without
`view_clinical` never receives a clinical field, because the fields are removed here, not in a page.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from engine.case.loader import case_from_data, case_problems
from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import parse
from engine.framework.letters import (
    Letter,
    holding_letter,
    letter_html,
    letter_pdf,
    letter_text,
    load_employer,
    load_letter_words,
)
from engine.legal.posts import propose_check
from engine.oh.summary import manager_summary, passport_html, summary_html
from engine.report.rulebase import Rules
from engine.rules.directory import default_rules_dir
from engine.rules.lint import lint
from engine.store import ROLES, Store, User, service
from engine.store import DecisionRefused as DecisionRefused  # for the pages: a guard's refusal
from engine.store.chain import sha256
from engine.store.decision_policy import load_decision_policy
from engine.store.records import SignIn, Throttle

POLICY_FILE = "vocabularies/app-roles.yaml"
SIGN_IN_FILE = "policy/sign-in.yaml"
# The audit and impact functions import replay, pandas and matplotlib when first called, so that the
# panel's pages do not pay for them.


class AccessDenied(PermissionError):
    """The signed-in person's role does not hold the permission; the message says which and why."""


M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Permission(Strict):
    title: str
    roles: list[str]
    reason: str
    source: str

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role {', '.join(unknown)}; expected one of {', '.join(ROLES)}")
        return roles


class Clinical(Strict):
    case_fields: list[str]
    episode_fields_for_panel: list[str]
    report_fields: list[str]
    report_rulesets: list[str]
    oh_record_fields: list[str]


class AccessPolicy(Strict):
    version: int
    permissions: dict[str, Permission]
    clinical: Clinical

    def allows(self, role: str, permission: str) -> bool:
        return role in self.permissions[permission].roles

    def of_role(self, role: str) -> list[str]:
        return [name for name, p in self.permissions.items() if role in p.roles]


def _load(model: type[M], rel: str, rules_dir: FsPath | None) -> M:
    """A policy file under rules/, validated against its model; every problem located."""
    path = (rules_dir or default_rules_dir()) / rel
    data, lines = parse(path.read_text(encoding="utf-8"), str(path))
    loaded, problems = build(model, data, str(path), lines)
    if problems:
        raise InputError(problems)
    return loaded


@lru_cache(maxsize=4)
def load_policy(rules_dir: FsPath | None = None) -> AccessPolicy:
    return _load(AccessPolicy, POLICY_FILE, rules_dir)


def require(user: User | None, permission: str, policy: AccessPolicy | None = None, store: Store | None = None,
            case_id: str | None = None) -> User:
    """The user, if signed in, active and holding the permission; AccessDenied with the reason otherwise,
    and, given the store, the refusal written to the access log (kind `refused`)."""
    policy = policy or load_policy()
    granted = policy.permissions[permission]
    if user is None or not user.active:
        refusal = AccessDenied(f"sign in with an active account to {granted.title}")
    elif user.role not in granted.roles:
        holders = ", ".join(r.replace("_", " ") for r in granted.roles)
        refusal = AccessDenied(f"{user.username} ({user.role.replace('_', ' ')}) may not {granted.title}: "
                               f"only {holders}. {granted.reason}")
    else:
        return user
    if store is not None:
        store.log_event(user.username if user else None, "refused", f"refused: {permission}", case_id)
    raise refusal


# --- sign-in -------------------------------------------------------------------------------------------

class Limit(Strict):
    failures: int
    within_minutes: float
    locked_minutes: float

    def throttle(self) -> Throttle:
        return Throttle(self.failures, timedelta(minutes=self.within_minutes), timedelta(minutes=self.locked_minutes))


class SessionPolicy(Strict):
    idle_minutes: float
    choice: str
    source: str


class Lockout(Strict):
    account: Limit
    address: Limit
    choice: str
    source: str


class SignInPolicy(Strict):
    version: int
    session: SessionPolicy
    lockout: Lockout


@lru_cache(maxsize=4)
def load_sign_in_policy(rules_dir: FsPath | None = None) -> SignInPolicy:
    return _load(SignInPolicy, SIGN_IN_FILE, rules_dir)


def log_sign_in_refusal(store: Store, username: str, what: str, address: str | None) -> None:
    """A sign-in refused outside the password check (an identity provider's user with no active account)."""
    store.log_event(username, "sign_in", f"{what} from {address or 'an unknown address'}")


def sign_in(store: Store, username: str, password: str, address: str | None,
            policy: SignInPolicy | None = None) -> SignIn:
    """A local sign-in with the lockout of rules/policy/sign-in.yaml; failures and refusals are logged."""
    policy = policy or load_sign_in_policy()
    return store.sign_in(username, password, address, policy.lockout.account.throttle(),
                         policy.lockout.address.throttle())


# --- clinical fields ---------------------------------------------------------------------------------

def _remove(data: Any, parts: list[str]) -> None:
    """Remove the field a path like `records[].applicant_account` names, in place."""
    head, rest = parts[0], parts[1:]
    each = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(data, dict) or key not in data:
        return
    if not rest:
        data.pop(key)
        return
    for item in (data[key] if each else [data[key]]) or []:
        _remove(item, rest)


def strip_case(data: dict[str, Any], policy: AccessPolicy) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for field in policy.clinical.case_fields:
        _remove(out, field.split("."))
    return out


def _clinical_set(name: str, policy: AccessPolicy) -> bool:
    return any(name.startswith(prefix) for prefix in policy.clinical.report_rulesets)


def clinical_factors(rules: Rules, policy: AccessPolicy) -> set[str]:
    """Factors produced by the clinical rule sets (outcome, disability opinion, adjustments...)."""
    return {name for s in rules.book.sets if _clinical_set(s.name, policy) for name in s.produces}


def strip_report(report: dict[str, Any], rules: Rules, policy: AccessPolicy) -> dict[str, Any]:
    hidden = clinical_factors(rules, policy)
    out = {k: v for k, v in report.items() if k not in policy.clinical.report_fields}
    out["factors"] = {k: v for k, v in report["factors"].items() if k not in hidden}
    out["findings"] = [f for f in report["findings"] if not _clinical_set(f["ruleset"], policy)]
    out["trace"] = [t for t in report["trace"] if not _clinical_set(t["ruleset"], policy)]
    out["records"] = [{**r, "factors": {k: v for k, v in r["factors"].items() if k not in hidden}}
                      for r in report["records"]]
    return out


def _episodes_for_panel(data: dict[str, Any], policy: AccessPolicy) -> list[dict[str, Any]]:
    keep = policy.clinical.episode_fields_for_panel
    episodes = (data.get("health") or {}).get("illness_episodes") or []
    return [{k: e.get(k) for k in keep} for e in episodes]


# --- reading -------------------------------------------------------------------------------------------

def queue(store: Store, user: User, policy: AccessPolicy | None = None) -> list[dict[str, Any]]:
    """Cases by status and due date (the assessment date the panel meets for)."""
    require(user, "view_queue", policy, store)
    return [{"case_id": c.case_id, "role": c.role_title, "due": c.assessed_on, "status": c.status,
             "recommendation": c.outcome, "version": c.latest_version, "submitted": c.created_at,
             "decided": c.decided_at}
            for c in sorted(store.list_cases(), key=lambda c: (c.assessed_on or date.max, c.case_id))]


def _latest_evaluation(store: Store, case_id: str, version: int):
    current = [e for e in store.evaluations(case_id) if e.version == version]
    return max(current, key=lambda e: e.id) if current else None


def _badges(record: dict[str, Any]) -> list[dict[str, str]]:
    def why(*topics: str) -> str:
        return "; ".join(r["text"] for r in record["reasons"] if r["topic"] in topics)

    considered = record["considered"]
    out = [{"badge": {True: "considered", False: "not considered", None: "undecided"}[considered],
            "why": why("considered", "unknown")}]
    if record["protected"] is not None:
        out.append({"badge": "protected" if record["protected"] else "not protected", "why": why("filter")})
    if record["spent"] is not None:
        out.append({"badge": "spent" if record["spent"] else "unspent",
                    "why": f"spent on {record['spent_on']}: " + why("period", "drag")})
    return out


def _records(data: dict[str, Any], report: dict[str, Any] | None) -> list[dict[str, Any]]:
    assessed = {r["id"]: r for r in (report or {}).get("records", [])}
    out = []
    for r in data.get("records") or []:
        result = assessed.get(r["id"])
        row = {"case": r, "result": result, "badges": _badges(result) if result else []}
        out.append(row)
    return out


def _set_aside_ids(report: dict[str, Any] | None) -> set[str]:
    return {r["id"] for r in (report or {}).get("records", []) if r["considered"] is False}


def _without_set_aside(review: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    """The panel's view with the records the law does not allow to be considered left out (they are counted):
    the panel must not weigh them, so it is not shown their offences or dates (framework policy, principle 5)."""
    report = review["report"]
    if report is not None:
        report = {**report, "records": [r for r in report["records"] if r["id"] not in hidden],
                  "findings": [f for f in report["findings"] if f["subject"] not in hidden],
                  "trace": [t for t in report["trace"] if t["subject"] not in hidden],
                  "changes": [c for c in report["changes"] if c["record"] not in hidden]}
    return {**review, "report": report, "records": [r for r in review["records"] if r["case"]["id"] not in hidden]}


def _oh_view(report: dict[str, Any], recorded: list[Any], role_title: str | None, rules: Rules) -> dict[str, Any]:
    """The occupational-health outcome as the manager may see it: the agreed one if recorded."""
    section = report["occupational_health"]
    if recorded:
        latest = recorded[-1]
        items = [{"manager": rules.oh.adjustments[a].manager} for a in latest.adjustments]
        section = {**section, "outcome": latest.outcome, "adjustments": items, "peer_arrangements": [],
                   "phased_return": section["phased_return"] if "phased_return" in latest.adjustments else None,
                   "review_on": latest.review_on.isoformat() if latest.review_on else None}
    return manager_summary({"case_id": report["case_id"], "occupational_health": section}, role_title, rules.oh)


def _oh_records(recorded: list[Any], rules: Rules, policy: AccessPolicy, clinical: bool) -> list[dict[str, Any]]:
    out = []
    for o in recorded:
        row = {"outcome": o.outcome, "outcome_text": rules.oh.manager_outcomes[o.outcome],
               "adjustments": [rules.oh.adjustments[a].manager for a in o.adjustments],
               "review_on": o.review_on, "clinician": o.clinician, "recorded_at": o.created_at, "note": o.note,
               "status": "replaced" if o.superseded_by else "in force", "why_replacing": o.supersede_reason or ""}
        out.append(row if clinical else {k: v for k, v in row.items() if k not in policy.clinical.oh_record_fields})
    return out


def _views(store: Store, evaluation_id: int) -> list[dict[str, Any]]:
    return [{"member": v.member, "panel_role": v.panel_role, "view": v.view, "comment": v.comment,
             "recorded_at": v.created_at, "version": v.revision} for v in store.member_views(evaluation_id)]


def _decision(store: Store, case_id: str, evaluation_id: int) -> dict[str, Any] | None:
    found = [d for d in store.decisions(case_id) if d.evaluation_id == evaluation_id]
    return _decision_row(found[0]) if found else None


def _decision_row(d: Any) -> dict[str, Any]:
    return {"id": d.id, "case_id": d.case_id, "evaluation_id": d.evaluation_id, "chair": d.chair,
            "members": [{"member": m, "panel_role": r, "view": v} for m, r, v in d.members],
            "recommended": d.recommended, "final_outcome": d.final_outcome, "agrees": d.agrees,
            "rationale": d.rationale, "applicant_discussion": d.applicant_discussion,
            "decided_on": d.decided_on, "recorded_at": d.created_at, "chair_role": d.chair_role,
            "absences": [{"panel_role": r, "why": why} for r, why in d.absences], "letter_hash": d.letter_hash}


def case_review(store: Store, rules: Rules, user: User, case_id: str,
                policy: AccessPolicy | None = None) -> dict[str, Any]:
    """The panel's view of a case: the recommendation, records, factors, findings; never clinical detail."""
    policy = policy or load_policy()
    require(user, "view_case_review", policy, store, case_id)
    version = store.case_version(case_id)
    if version.data is None:
        raise AccessDenied(f"{case_id}: the case detail has been removed under the retention policy")
    data = strip_case(version.data, policy)
    evaluation = _latest_evaluation(store, case_id, version.version)
    report = strip_report(evaluation.report, rules, policy) if evaluation and evaluation.report else None
    recorded = store.oh_outcomes(case_id)
    review = {
        "case_id": case_id, "version": version.version, "applicant_ref": data["applicant"].get("ref"),
        "role": data.get("role", {}), "assessed_on": data.get("assessed_on"), "certificate": data.get("certificate"),
        "evidence": data.get("evidence"), "records": _records(data, report),
        "episodes": _episodes_for_panel(version.data, policy), "evaluation": None, "report": report,
        "oh": None, "oh_recorded": _oh_records(recorded, rules, policy, clinical=False),
        "member_views": [], "decision": None, "set_aside": len(_set_aside_ids(report)), "set_aside_shown": True,
    }
    if not policy.allows(user.role, "view_set_aside_records"):
        review = {**_without_set_aside(review, _set_aside_ids(report)), "set_aside_shown": False}
    if evaluation is not None:
        review["evaluation"] = {"id": evaluation.id, "rules_version": evaluation.rules_version,
                                "evaluator": evaluation.evaluator, "created_at": evaluation.created_at,
                                "outcome": evaluation.outcome}
        review["member_views"] = _views(store, evaluation.id)
        review["view_history"] = [{"member": v.member, "version": v.revision, "panel_role": v.panel_role,
                                   "view": v.view, "comment": v.comment, "recorded_at": v.created_at}
                                  for v in store.member_view_history(evaluation.id)]
        review["decision"] = _decision(store, case_id, evaluation.id)
        if evaluation.report:
            review["oh"] = _oh_view(evaluation.report, recorded, data.get("role", {}).get("title"), rules)
    store.log_access(user.username, case_id, "criminal_record", "case review")
    oh_assessed = bool(evaluation and evaluation.report
                       and evaluation.report["occupational_health"]["outcome"] not in (None, "not_assessed"))
    if review["episodes"] or recorded or oh_assessed:
        store.log_access(user.username, case_id, "health", "case review: illness dates and OH outcome")
    return review


def oh_queue(store: Store, user: User, policy: AccessPolicy | None = None) -> list[dict[str, Any]]:
    """Cases for occupational health: ids, roles and dates, and whether an OH outcome is recorded."""
    require(user, "view_clinical", policy, store)
    return [{"case_id": c.case_id, "role": c.role_title, "due": c.assessed_on, "status": c.status,
             "oh_recorded": bool(store.oh_outcomes(c.case_id))}
            for c in sorted(store.list_cases(), key=lambda c: (c.assessed_on or date.max, c.case_id))]


def oh_case(store: Store, rules: Rules, user: User, case_id: str,
            policy: AccessPolicy | None = None) -> dict[str, Any]:
    """The clinician's view: the health block, the full OH section, the manager's summary and passport."""
    policy = policy or load_policy()
    require(user, "view_clinical", policy, store, case_id)
    version = store.case_version(case_id)
    if version.data is None:
        raise AccessDenied(f"{case_id}: the case detail has been removed under the retention policy")
    evaluation = _latest_evaluation(store, case_id, version.version)
    recorded = store.oh_outcomes(case_id)
    role = version.data.get("role", {})
    out = {"case_id": case_id, "version": version.version, "applicant_ref": version.data["applicant"].get("ref"),
           "role": {k: role.get(k) for k in ("title", "team", "peers_in_team", "setting")},
           "health": copy.deepcopy(version.data.get("health") or {}),
           "recorded": _oh_records(recorded, rules, policy, clinical=True), "evaluation_id": None,
           "occupational_health": None, "summary": None, "summary_html": None, "passport_html": None}
    if policy.allows(user.role, "view_applicant_account"):
        out["accounts"] = [{"record": r["id"], "account": r["applicant_account"]}
                           for r in version.data.get("records") or [] if r.get("applicant_account")]
    if evaluation is not None and evaluation.report:
        summary = _oh_view(evaluation.report, recorded, role.get("title"), rules)
        out.update(evaluation_id=evaluation.id, occupational_health=evaluation.report["occupational_health"],
                   summary=summary, summary_html=summary_html(summary), passport_html=passport_html(summary))
    store.log_access(user.username, case_id, "health", "occupational health assessment")
    return out


def oh_choices(rules: Rules) -> dict[str, Any]:
    """What a clinician may record: the OH outcome words and the adjustments catalogue (no case data)."""
    return {"outcomes": dict(rules.oh.manager_outcomes),
            "adjustments": {k: a.manager for k, a in rules.oh.adjustments.items()}}


def proposed_check(rules: Rules, setting: str | None, duties: list[str]) -> dict[str, Any]:
    """What a post's setting and duties propose for its DBS check, for the New case form to fill in (no case
    data): the check level, the groups it is regulated activity with, the barred lists to check, and why."""
    proposal = propose_check(rules.tables, setting, duties)
    return {"check_level": proposal.check_level, "regulated_activity": list(proposal.regulated_activity),
            "barred_list_checks": list(proposal.barred_list_checks), "sources": list(proposal.sources)}


def recommendation_outcomes(rules: Rules) -> list[str]:
    return list(rules.book.get("framework.recommendation").produces["recommendation"].values or [])


# --- writing -------------------------------------------------------------------------------------------

def submit_case(store: Store, rules: Rules, user: User, data: dict[str, Any], reason: str,
                file: str = "<upload>", lines: dict | None = None,
                policy: AccessPolicy | None = None) -> dict[str, Any]:
    """Validate, store and evaluate a case; InputError naming each field (and its line, given `lines`)."""
    require(user, "submit_case", policy, store)
    # First with the lines, so problems name them; every problem at once (a form shows them beside its fields).
    problems = case_problems(data, lines or {}, file, rules.tables)
    if not (isinstance(reason, str) and reason.strip()):
        problems.append(Problem(file, ("reason",), "give the reason for this version"))
    if problems:
        raise InputError(problems)
    version = service.submit_case(store, rules, data, user.username, reason, file)
    evaluation = service.evaluate_case(store, rules, version.case_id, user.username, version.version)
    return {"case_id": version.case_id, "version": version.version, "evaluation_id": evaluation.id,
            "outcome": evaluation.outcome}


def record_member_view(store: Store, user: User, evaluation_id: int, panel_role: str, view: str, comment: str,
                       policy: AccessPolicy | None = None) -> None:
    """The signed-in member's own view (the store checks the outcome word and one view per member)."""
    require(user, "record_member_view", policy, store)
    store.record_member_view(evaluation_id, user.username, panel_role, view, comment, actor=user.username)


def record_decision(store: Store, user: User, evaluation_id: int, agrees: bool, final_outcome: str | None,
                    rationale: str, decided_on: date, applicant_discussion: str | None,
                    policy: AccessPolicy | None = None, chair_role: str | None = None,
                    absences: dict[str, str] | None = None) -> None:
    """One case at a time (there is no bulk decision); agreeing takes the recommended outcome. The store's
    guards (rules/policy/decisions.yaml) refuse with DecisionRefused, in plain words."""
    require(user, "record_decision", policy, store)
    final = store.evaluation(evaluation_id).outcome if agrees else final_outcome
    store.record_decision(evaluation_id, user.username, final, agrees, rationale, decided_on,
                          applicant_discussion or None, actor=user.username, chair_role=chair_role,
                          absences={k: v for k, v in (absences or {}).items() if v and v.strip()} or None)


def record_oh_outcome(store: Store, rules: Rules, user: User, evaluation_id: int, outcome: str,
                      adjustments: list[str], review_on: date | None, note: str,
                      policy: AccessPolicy | None = None, supersede_reason: str | None = None) -> None:
    """An OH outcome; a second one on the case replaces the one in force, with the reason (both kept)."""
    require(user, "record_oh_outcome", policy, store)
    unknown = sorted(set(adjustments) - set(rules.oh.adjustments))
    if unknown:
        raise ValueError(f"adjustments: unknown {', '.join(unknown)}")
    store.record_oh_outcome(evaluation_id, user.username, outcome, adjustments, review_on, note, actor=user.username,
                            supersede_reason=supersede_reason)


# --- panel decisions and letters (issue 16) -----------------------------------------------------------

def decision_choices(on: date) -> dict[str, Any]:
    """What the panel may record (rules/policy/decisions.yaml): the outcome words, the panel roles (a controlled
    vocabulary) and the seats the panel needs, in words. No case data."""
    policy = load_decision_policy()
    panel = policy.panel(on)
    return {"outcomes": list(policy.outcomes), "roles": dict(panel.roles), "all_roles": policy.roles(),
            "seats": [{"roles": list(seat), "words": " or ".join(panel.roles[r] for r in seat)}
                      for seat in panel.required]}


def panel_seats(review: dict[str, Any], on: date) -> list[dict[str, Any]]:
    """Each seat of the panel and who fills it (from the review's current views): for the chair to see what is
    missing before deciding."""
    filled = {v["panel_role"]: v["member"] for v in review.get("member_views") or []}
    out = []
    for seat in decision_choices(on)["seats"]:
        members = [filled[r] for r in seat["roles"] if r in filled]
        out.append({**seat, "filled_by": ", ".join(members)})
    return out


def _letter_out(letter: Letter, stored_hash: str | None) -> dict[str, Any]:
    text = letter_text(letter)
    return {"kind": letter.kind, "situation": letter.situation, "dated": letter.dated, "text": text,
            "html": letter_html(letter), "pdf": letter_pdf(letter), "hash": sha256(text),
            "matches_decision": stored_hash is None or stored_hash == sha256(text)}


def applicant_letter(store: Store, rules: Rules, user: User, case_id: str, today: date,
                     policy: AccessPolicy | None = None) -> dict[str, Any] | None:
    """The letter to the applicant: for the recorded decision on the latest evaluation, or, before any decision,
    the holding letter (dated today) that says only what happens next. None once retention removed the case."""
    require(user, "view_case_review", policy)
    version = store.case_version(case_id)
    evaluation = _latest_evaluation(store, case_id, version.version)
    found = [d for d in store.decisions(case_id) if evaluation and d.evaluation_id == evaluation.id]
    if found:
        letter = store.decision_letter(found[0].id)
        return _letter_out(letter, found[0].letter_hash) if letter else None
    if version.data is None:
        return None
    case = case_from_data(version.data, {}, "<store>", rules.tables)
    return _letter_out(holding_letter(case, today, load_letter_words(), load_employer()), None)


# --- audit ---------------------------------------------------------------------------------------------

def decision_history(store: Store, user: User, policy: AccessPolicy | None = None) -> list[dict[str, Any]]:
    """Every recorded decision; the rationales speak of the records, so each case's view is logged."""
    require(user, "view_history", policy, store)
    rows = [_decision_row(d) for d in store.decisions()]
    for case_id in sorted({r["case_id"] for r in rows}):
        store.log_access(user.username, case_id, "criminal_record", "decision history")
    return rows


def access_log(store: Store, user: User, policy: AccessPolicy | None = None) -> list[dict[str, Any]]:
    require(user, "view_access_log", policy, store)
    return [{"at": a.at, "actor": a.actor, "case_id": a.case_id, "data_kind": a.data_kind, "purpose": a.purpose}
            for a in store.access_log()]


def chain_status(store: Store, user: User, policy: AccessPolicy | None = None):
    require(user, "verify_chain", policy, store)
    return store.verify_chain()


def replay(store: Store, user: User, mode: str, policy: AccessPolicy | None = None):
    from engine.store.replay import replay as run_replay

    require(user, "run_replay", policy, store)
    return run_replay(store, mode=mode)


def audit_report(store: Store, user: User, policy: AccessPolicy | None = None):
    from engine.store.audit_report import audit_figures, build_audit_report

    require(user, "view_audit_report", policy, store)
    report = build_audit_report(store)
    return report, audit_figures(report)


def pseudonymised_export(store: Store, user: User, out_dir: FsPath, salt: str | None = None,
                         policy: AccessPolicy | None = None):
    """CSV and Parquet tables with keyed pseudonyms; never the applicant's words or clinical detail."""
    from engine.store.export import export_store

    require(user, "export_pseudonymised", policy, store)
    return export_store(store, out_dir, salt)


# --- rules ---------------------------------------------------------------------------------------------

def rules_catalogue(rules: Rules, user: User, policy: AccessPolicy | None = None,
                    store: Store | None = None) -> list[dict[str, Any]]:
    """Every rule set and rule with its sources, dates in force and inline examples."""
    require(user, "view_rules", policy, store)
    return [{"name": s.name, "title": s.title, "file": s.file, "scope": s.scope, "stage": s.stage,
             "policy": s.policy,
             "rules": [{"id": r.id, "title": r.title, "source": list(r.source), "finding": r.finding,
                        "from": r.in_force.from_, "to": r.in_force.to, "where": r.where,
                        "examples": [e.model_dump(mode="json") for e in r.examples]} for r in s.rules]}
            for s in rules.book.sets]


def rules_lint(rules: Rules, user: User, policy: AccessPolicy | None = None,
               store: Store | None = None) -> list[dict[str, Any]]:
    require(user, "view_rules", policy, store)
    return [{"where": i.where, "ruleset": i.ruleset, "rule": i.rule, "message": i.message}
            for i in lint(rules.book, rules.tables)]


def rules_impact(store: Store, rules: Rules, user: User, casebank_dir: FsPath,
                 policy: AccessPolicy | None = None):
    from engine.services.impact import impact_against_published

    require(user, "view_rules_impact", policy, store)
    return impact_against_published(store, rules, casebank_dir)
