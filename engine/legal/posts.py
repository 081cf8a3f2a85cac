"""What a post's setting and duties propose for its DBS check: the groups it is regulated activity with, the
barred lists to check and the check level (rules/vocabularies/role.yaml, rules/legal/check-levels.yaml).

A proposal for the person entering a case, who confirms or changes it; the assessment never reads it, since it
reads the check the case says was made."""

from __future__ import annotations

from dataclasses import dataclass

from engine.legal.tables import LegalTables, RoleEntry


@dataclass(frozen=True)
class ProposedCheck:
    check_level: str | None                 # None: nothing to propose (no setting and no duty that says)
    regulated_activity: tuple[str, ...]
    barred_list_checks: tuple[str, ...]
    sources: tuple[str, ...]                # why, from the entries that proposed it


def _highest(levels: list[str], tables: LegalTables) -> str | None:
    order = list(tables.levels)     # check-levels.yaml lists them from the least to the most the certificate shows
    return max(levels, key=order.index) if levels else None


def propose_check(tables: LegalTables, setting: str | None, duties: list[str]) -> ProposedCheck:
    """The check a post with this setting and these duties usually needs; unknown names propose nothing."""
    entries: list[RoleEntry] = [tables.settings[setting]] if setting in tables.settings else []
    entries += [tables.duties[d] for d in duties if d in tables.duties]
    groups = tuple(g for g in tables.barred.groups if any(g in e.regulated_activity for e in entries))
    levels = [e.check_level for e in entries if e.check_level]
    if groups:      # a barred-list check needs a level that may carry one
        levels += [name for name, level in tables.levels.items() if level.barred_lists][:1]
    sources = tuple(dict.fromkeys(e.source for e in entries if e.source and (e.check_level or e.regulated_activity)))
    if groups:
        sources += (tables.barred.source,)
    return ProposedCheck(_highest(levels, tables), groups, groups, sources)
