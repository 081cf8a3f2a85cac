"""Who may see and do what in the panel app, enforced where the data is fetched.

The role -> permission map and the list of clinical fields are data (rules/vocabularies/app-roles.yaml).
Every fetch function checks the permission before reading, writes the access log as it returns
criminal-record or health data, and returns plain dicts built for that role: a role without
`view_clinical` never receives a clinical field, because the fields are removed here, not in a page.
"""

from __future__ import annotations

import copy
import io
import tempfile
import zipfile
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.case.dates import uk_date
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
from engine.oh.adjustments import outcome_label
from engine.oh.summary import manager_summary, oh_outcome_words, passport_html, summary_html
from engine.report.rulebase import Rules
from engine.rules.directory import default_rules_dir
from engine.rules.lint import lint
from engine.services import words
from engine.store import ROLES, AccessFilter, CaseFilter, Store, User, service
from engine.store import DecisionRefused as DecisionRefused  # for the pages: a guard's refusal
from engine.store.case_list import MAX_PAGE
from engine.store.chain import sha256
from engine.store.decision_policy import load_decision_policy
from engine.store.records import SignIn, Throttle

POLICY_FILE = "vocabularies/app-roles.yaml"
SIGN_IN_FILE = "policy/sign-in.yaml"
QUEUE_FILE = "policy/queue.yaml"
UK_ZONE = "Europe/London"       # the panels meet in England and Wales; the store keeps UTC
EXPORT_ZIP = "fairchance-export.zip"
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

class Overdue(Strict):
    days_without_decision: int = Field(ge=1)
    counted_from: Literal["arrival"]
    choice: str
    source: str


class QueuePolicy(Strict):
    version: int
    page_size: int = Field(ge=1, le=MAX_PAGE)
    overdue: Overdue


@lru_cache(maxsize=4)
def load_queue_policy(rules_dir: FsPath | None = None) -> QueuePolicy:
    return _load(QueuePolicy, QUEUE_FILE, rules_dir)


class QueueQuery(BaseModel):
    """What the queue page asks for: filters (applied in the database) and the page, counted from 1."""
    model_config = ConfigDict(frozen=True)
    statuses: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    text: str = ""
    overdue_only: bool = False
    page: int = Field(default=1, ge=1)


def _overdue_since(store: Store, queue_policy: QueuePolicy) -> datetime:
    """Cases that arrived before this moment and are not decided are overdue (rules/policy/queue.yaml)."""
    return store.now() - timedelta(days=queue_policy.overdue.days_without_decision)


def _queue_row(c: Any, cutoff: datetime, now: datetime) -> dict[str, Any]:
    waiting = None if c.status == "decided" else (now - c.created_at).days
    return {"case_id": c.case_id, "role": c.role_title, "due": c.assessed_on, "status": c.status,
            "recommendation": c.outcome, "version": c.latest_version, "submitted": c.created_at,
            "decided": c.decided_at, "waiting_days": waiting,
            "overdue": c.status != "decided" and c.created_at < cutoff}


def queue(store: Store, user: User, query: QueueQuery | None = None, policy: AccessPolicy | None = None,
          queue_policy: QueuePolicy | None = None) -> dict[str, Any]:
    """One page of cases by due date (the assessment date the panel meets for), filtered and paged in the
    database, each flagged when overdue; with the counts the page controls need."""
    require(user, "view_queue", policy, store)
    query, queue_policy = query or QueueQuery(), queue_policy or load_queue_policy()
    cutoff, size = _overdue_since(store, queue_policy), queue_policy.page_size
    wanted = CaseFilter(query.statuses, query.outcomes, query.text, cutoff if query.overdue_only else None)
    found = store.cases_page(wanted, (query.page - 1) * size, size, overdue_before=cutoff)
    now = store.now()
    return {"rows": [_queue_row(c, cutoff, now) for c in found.rows], "matching": found.matching,
            "total": found.total, "page": query.page, "pages": max(1, -(-found.matching // size)),
            "page_size": size, "overdue": found.overdue, "overdue_days": queue_policy.overdue.days_without_decision}


def case_choices(store: Store, user: User, text: str = "", current: str | None = None, limit: int = 50,
                 policy: AccessPolicy | None = None) -> dict[str, Any]:
    """Case ids to choose from (those whose id or role holds `text`, by due date, at most `limit`), with the
    current case first when it exists: a chooser never reads every case."""
    require(user, "view_queue", policy, store)
    found = store.cases_page(CaseFilter(text=text), 0, limit)
    ids = [c.case_id for c in found.rows]
    if current and current not in ids and store.case_exists(current):
        ids.insert(0, current)
    return {"ids": ids, "matching": found.matching, "total": found.total}


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


def _produced(rules: Rules, fact: str) -> set[str]:
    """The words the rules can give a set fact (e.g. which adjustment names are induction arrangements)."""
    return {v for cset in rules.book.sets if fact in cset.produces for v in cset.produces[fact].values or []}


def _oh_view(report: dict[str, Any], recorded: list[Any], role_title: str | None, rules: Rules) -> dict[str, Any]:
    """The occupational-health outcome as the manager may see it: the agreed one if recorded."""
    section = report["occupational_health"]
    if recorded:
        latest = recorded[-1]
        induction = _produced(rules, "induction_arrangements")
        chosen = [a for a in latest.adjustments if a not in _produced(rules, "interview_adjustments")]
        section = {**section, "outcome": latest.outcome, "recorded_outcome": latest.outcome,
                   "adjustments": [{"manager": rules.oh.adjustments[a].manager} for a in chosen if a not in induction],
                   "induction_arrangements": [{"manager": rules.oh.adjustments[a].manager}
                                              for a in chosen if a in induction],
                   "peer_arrangements": [],
                   "phased_return": section["phased_return"] if "phased_return" in latest.adjustments else None,
                   "review_on": latest.review_on.isoformat() if latest.review_on else None}
    return manager_summary({"case_id": report["case_id"], "occupational_health": section}, role_title, rules.oh)


def _released_outcome(store: Store, case_id: str, user: User, policy: AccessPolicy) -> list[Any]:
    """The OH outcome the panel may see: the one in force, once the person has agreed to its summary being
    shared, and only for a role allowed to open it. Nothing before that, not even the rules' suggestion."""
    release = store.oh_release(case_id)
    if release is None or not release.released or not policy.allows(user.role, "view_oh_summary"):
        return []
    return [o for o in store.oh_outcomes(case_id) if o.id == release.oh_outcome_id]


def _oh_status(store: Store, rules: Rules, case_id: str, shown: list[Any]) -> str:
    """Where the OH summary stands, in words (rules/oh/adjustments.yaml release_status), without its content."""
    release = store.oh_release(case_id)
    status = release.status if release else "none"
    return (rules.oh.release_status or {})[("withheld" if status == "agreed" and not shown else status)]


def _oh_records(recorded: list[Any], rules: Rules, policy: AccessPolicy, clinical: bool) -> list[dict[str, Any]]:
    out = []
    for o in recorded:
        review_on = o.review_on.isoformat() if o.review_on else None
        row = {"outcome": o.outcome, "outcome_text": oh_outcome_words(rules.oh, o.outcome, review_on),
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
    recorded = _released_outcome(store, case_id, user, policy)
    review = {
        "case_id": case_id, "version": version.version, "applicant_ref": data["applicant"].get("ref"),
        "role": data.get("role", {}), "assessed_on": data.get("assessed_on"), "certificate": data.get("certificate"),
        "evidence": data.get("evidence"), "records": _records(data, report),
        "episodes": _episodes_for_panel(version.data, policy), "evaluation": None, "report": report,
        "oh": None, "oh_recorded": _oh_records(recorded, rules, policy, clinical=False),
        "oh_status": _oh_status(store, rules, case_id, recorded),
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
        if evaluation.report and recorded:
            summary = _oh_view(evaluation.report, recorded, data.get("role", {}).get("title"), rules)
            review.update(oh=summary, oh_summary_html=summary_html(summary), oh_passport_html=passport_html(summary))
    store.log_access(user.username, case_id, "criminal_record", "case review")
    if review["episodes"] or recorded:
        store.log_access(user.username, case_id, "health", "case review: illness dates and OH outcome")
    return review


def oh_queue(store: Store, user: User, policy: AccessPolicy | None = None, text: str = "",
             limit: int | None = None) -> list[dict[str, Any]]:
    """Cases for occupational health by due date: ids, roles and dates, and whether an OH outcome is recorded;
    one query. Every case by default; with `limit`, only the first `limit` whose id or role holds `text`
    (filtered in the database), for a page that should not draw thousands of rows."""
    require(user, "view_clinical", policy, store)
    if limit is None:
        cases = sorted(store.list_cases(), key=lambda c: (c.assessed_on or date.max, c.case_id))
    else:
        cases = list(store.cases_page(CaseFilter(text=text), 0, limit).rows)
    return [{"case_id": c.case_id, "role": c.role_title, "due": c.assessed_on, "status": c.status,
             "oh_recorded": c.oh_recorded} for c in cases]


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
    out["release"] = _release_view(store.oh_release(case_id), rules)
    store.log_access(user.username, case_id, "health", "occupational health assessment")
    return out


def _release_view(release: Any, rules: Rules) -> dict[str, Any] | None:
    if release is None:
        return None
    return {"status": release.status, "text": (rules.oh.release_status or {})[release.status],
            "released": release.released,
            "steps": [{"step": st.step, "note": st.note, "at": st.at, "by": st.by} for st in release.steps]}


def mark_oh_ready(store: Store, user: User, case_id: str, policy: AccessPolicy | None = None) -> None:
    """The clinician marks the manager's summary of the outcome in force ready for the person to see."""
    require(user, "release_oh_summary", policy, store, case_id)
    store.mark_oh_ready(case_id, actor=user.username)


def record_oh_answer(store: Store, user: User, case_id: str, agreed: bool, note: str,
                     policy: AccessPolicy | None = None) -> None:
    """The person's answer: agreed (the summary is released to the panel roles) or the changes they asked for."""
    require(user, "release_oh_summary", policy, store, case_id)
    store.record_oh_answer(case_id, agreed, note, actor=user.username)


def oh_choices(rules: Rules) -> dict[str, Any]:
    """What a clinician may record: the OH outcome words and the adjustments catalogue (no case data)."""
    interview = _produced(rules, "interview_adjustments")
    return {"outcomes": {k: outcome_label(rules.oh, k) for k in rules.oh.manager_outcomes},
            "adjustments": {k: a.manager for k, a in rules.oh.adjustments.items() if k not in interview}}


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

def outcome_words(rules: Rules) -> dict[str, str]:
    """Every outcome a recommendation or a decision can hold, in the rule files' words (no case data)."""
    return words.outcome_words(rules)


def status_words() -> dict[str, str]:
    return dict(words.STATUSES)


def _pages(matching: int, size: int) -> int:
    return max(1, -(-matching // size))


def decision_history(store: Store, rules: Rules, user: User, case_text: str = "", page: int = 1,
                     policy: AccessPolicy | None = None, per_page: int = 25) -> dict[str, Any]:
    """One page of recorded decisions, newest first, filtered by case id in the database, in words. The
    rationales speak of the records, so each case shown is logged as a view (only those shown)."""
    from engine.services import auditing

    require(user, "view_history", policy, store)
    found, matching = store.decisions_page(case_text, (page - 1) * per_page, per_page)
    rows = [_decision_row(d) for d in found]
    for case_id in sorted({r["case_id"] for r in rows}):
        store.log_access(user.username, case_id, "criminal_record", "decision history")
    names = words.outcome_words(rules)
    return {"rows": auditing.history_rows(rows, names, load_decision_policy().roles()),
            "sentences": [auditing.history_sentence(r, names, uk_date(r["decided_on"])) for r in rows],
            "matching": matching, "page": page, "pages": _pages(matching, per_page)}


class LogQuery(BaseModel):
    """The access log's filters (applied in the database): part of a case id, one person, UK calendar days."""
    model_config = ConfigDict(frozen=True)
    case_text: str = ""
    actor: str | None = None
    since: date | None = None
    until: date | None = None       # included
    page: int = Field(default=1, ge=1)


def _uk_midnight(day: date) -> datetime:
    """The start of a calendar day in England and Wales (the store keeps UTC)."""
    return datetime.combine(day, time.min, ZoneInfo(UK_ZONE))


def _log_filter(query: LogQuery) -> AccessFilter:
    until = _uk_midnight(query.until + timedelta(days=1)) if query.until else None
    return AccessFilter(query.case_text, query.actor or None,
                        _uk_midnight(query.since) if query.since else None, until)


def access_log(store: Store, user: User, query: LogQuery | None = None, policy: AccessPolicy | None = None,
               per_page: int = 50) -> dict[str, Any]:
    """One page of the access log, newest first, filtered by case, person and days in the database."""
    require(user, "view_access_log", policy, store)
    query = query or LogQuery()
    wanted = _log_filter(query)
    found = store.access_log(None, wanted, (query.page - 1) * per_page, per_page, newest_first=True)
    matching = store.access_log_count(wanted)
    return {"rows": [{"at": a.at, "person": a.actor, "case_id": a.case_id,
                      "data_kind": words.DATA_KINDS.get(a.data_kind, a.data_kind), "purpose": a.purpose}
                     for a in found],
            "matching": matching, "page": query.page, "pages": _pages(matching, per_page)}


def access_log_people(store: Store, user: User, policy: AccessPolicy | None = None) -> list[str]:
    """Everyone who appears in the access log, for the person filter."""
    require(user, "view_access_log", policy, store)
    return store.access_log_actors()


def chain_status(store: Store, user: User, policy: AccessPolicy | None = None):
    require(user, "verify_chain", policy, store)
    return store.verify_chain()


def replay(store: Store, rules: Rules, user: User, mode: str, policy: AccessPolicy | None = None) -> dict[str, Any]:
    """Every stored evaluation replayed; the verdicts counted in words, and those not reproduced listed."""
    from engine.services import auditing
    from engine.store.replay import replay as run_replay

    require(user, "run_replay", policy, store)
    result = run_replay(store, mode=mode)
    return {"mode": result.mode, "evaluations": len(result.rows), "defects": len(result.defects),
            "summary": auditing.replay_summary(result),
            "details": auditing.replay_details(result, words.outcome_words(rules)),
            "csv": result.frame().to_csv(index=False).encode("utf-8")}


def audit_report(store: Store, rules: Rules, user: User, policy: AccessPolicy | None = None) -> dict[str, Any]:
    """The audit report: counts, its charts labelled in words, and its tables in words."""
    from engine.services import auditing
    from engine.store.audit_report import audit_figures, build_audit_report

    require(user, "view_audit_report", policy, store)
    report = build_audit_report(store)
    return {"cases": report.cases, "evaluations": report.evaluations, "decisions": report.decisions,
            "figures": audit_figures(report, words.chart_names(rules)),
            "tables": auditing.report_tables(report, words.chart_names(rules))}


def pseudonymised_export(store: Store, user: User, salt: str | None = None,
                         policy: AccessPolicy | None = None) -> dict[str, Any]:
    """CSV and Parquet tables with keyed pseudonyms, zipped; never the applicant's words or clinical detail.
    A salt made here comes back as a file of its own, to keep apart from the export (never shown)."""
    from engine.services import auditing
    from engine.store.export import export_store

    require(user, "export_pseudonymised", policy, store)
    with tempfile.TemporaryDirectory() as tmp:
        done = export_store(store, FsPath(tmp), salt)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for f in done.files:
                z.write(f, f.name)
    return {"zip": buffer.getvalue(), "file_name": EXPORT_ZIP,
            "salt_file": (done.salt + "\n").encode("utf-8") if done.salt_generated else None,
            "said": auditing.export_sentence(done.rows, EXPORT_ZIP, done.salt_generated)}


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
