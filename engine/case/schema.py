"""The JSON Schema of a case file, with the vocabularies from rules/ filled in as enums."""

from __future__ import annotations

from typing import Any

from engine.case.model import Case
from engine.case.vocabulary import Vocabulary


def case_schema(tables: Vocabulary) -> dict[str, Any]:
    schema = Case.model_json_schema()
    defs = schema["$defs"]
    enums = {
        ("Sentence", "type"): tables.sentence_types, ("Sentence", "custody_form"): tables.custody_forms,
        ("Record", "kind"): tables.kinds, ("Record", "offence_category"): tables.categories,
        ("Role", "check_level"): tables.levels, ("Role", "setting"): tables.settings,
    }
    for (model, field), vocab in enums.items():
        prop = defs[model]["properties"][field]
        prop.pop("anyOf", None)
        prop["enum"] = sorted(vocab) + ([None] if field in {"custody_form", "offence_category", "setting"} else [])
    for field, vocab in (("duties", tables.duties), ("barred_list_checks", tables.barred.groups),
                         ("regulated_activity", tables.barred.groups)):
        defs["Role"]["properties"][field]["items"] = {"type": "string", "enum": sorted(vocab)}
    schema["$id"] = "https://fairchance.invalid/schema/case-1.json"
    schema["title"] = "fairchance case file, format case/1"
    return schema
