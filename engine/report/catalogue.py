"""The fact catalogue, assembled from the domain layers' facts and handed to the rule engine.

The rule engine (engine/rules/) knows no fact: each layer defines the facts it owns, and this module
puts them together, derives them for a case, and writes docs/fact-catalogue.md
(`fairchance rules facts --markdown`).
"""

from __future__ import annotations

from engine.case import facts as case_facts
from engine.case.model import Case
from engine.framework import facts as framework_facts
from engine.legal import facts as legal_facts
from engine.legal.facts import LegalSource
from engine.legal.layer import LegalResult
from engine.legal.tables import LegalTables
from engine.oh import facts as oh_facts
from engine.rules.catalogue import Catalogue

FACTS = Catalogue(case_facts.FACTS, legal_facts.FACTS, framework_facts.FACTS, oh_facts.FACTS)


def derive_facts(case: Case, legal: LegalResult, tables: LegalTables,
                 names: frozenset[str] | None = None) -> tuple[dict, dict[str, dict]]:
    """Case facts, and record facts by record id, as the rules see them (given `names`, only those)."""
    base = LegalSource(case, legal.on, tables, None, legal, None)
    case_specs, record_specs = FACTS.specs(names)
    facts = {f.name: f.derive(base) for f in case_specs}
    results = {r.id: r for r in legal.records}
    record_facts = {}
    for record in case.records:
        src = LegalSource(case, legal.on, tables, record, legal, results[record.id])
        record_facts[record.id] = {f.name: f.derive(src) for f in record_specs}
    return facts, record_facts


def catalogue_markdown() -> str:
    lines = ["# Fact catalogue", "", "Generated from code by `fairchance rules facts --markdown`; do not edit by hand.",
             "Each layer defines the facts it owns in the module named above its table;",
             "`engine/report/catalogue.py` assembles them and hands them to the rule engine.", "",
             "Rules read these facts by name. Record facts are read once per record, case facts once per case;",
             "rule sets add the facts they declare under `produces`. A missing value is shown as `missing`."]
    for group in FACTS.groups:
        lines += ["", f"## `{group.owner.replace('.', '/')}.py`", "", "| fact | scope | type | meaning | words from |",
                  "|---|---|---|---|---|"]
        for f in group.facts:
            words = FACTS.vocabularies[f.vocabulary].file if f.vocabulary else ""
            lines.append(f"| `{f.name}` | {f.scope} | {f.type}{' (may be missing)' if f.optional else ''} | "
                         f"{f.description} | {words} |")
    return "\n".join(lines) + "\n"
