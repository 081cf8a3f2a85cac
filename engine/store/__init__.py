"""The decision store: cases, evaluations, panel decisions, the access log and the audit chain."""

from engine.store.api import Store, open_store
from engine.store.records import (
    DATA_KINDS,
    ROLES,
    Access,
    AccessFilter,
    AuditEvent,
    CaseFilter,
    CasePage,
    CaseSummary,
    CaseVersion,
    ChainStatus,
    Decision,
    DecisionRefused,
    Evaluation,
    MemberView,
    OhOutcome,
    StoreError,
    User,
)

__all__ = ["DATA_KINDS", "ROLES", "Access", "AccessFilter", "AuditEvent", "CaseFilter", "CasePage", "CaseSummary",
           "CaseVersion", "ChainStatus", "Decision", "DecisionRefused", "Evaluation", "MemberView", "OhOutcome",
           "Store", "StoreError", "User", "open_store"]
