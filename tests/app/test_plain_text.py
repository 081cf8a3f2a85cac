"""Text from case files and users is shown as text, never rendered as Markdown or HTML (issue 15): an
offence and an applicant's account carrying an image link and an HTML tag appear literally, and nothing
the pages send would render an image."""

from __future__ import annotations

import copy

import pytest
from app_helpers import Seeded, marker_case, shown
from markdown_it import MarkdownIt
from panel_ui.text import plain

from engine.store.service import evaluate_case, submit_case

PAYLOAD = "![](http://x/p.png) <img src=x> :red[alarm] [link](http://x/)"
CASE = "C-MD-001"


@pytest.fixture(scope="module")
def hostile(seeded: Seeded) -> str:
    data = copy.deepcopy(marker_case())
    data["case_id"] = CASE
    data["records"][0]["offence"] = f"Theft {PAYLOAD}"
    data["records"][0]["applicant_account"] = f"My account {PAYLOAD}"
    submit_case(seeded.store, seeded.rules, data, "demo-seed", "hostile text for the rendering tests")
    evaluate_case(seeded.store, seeded.rules, CASE, "demo-seed")
    return CASE


def _sources(at) -> list[str]:
    """Every Markdown source the run sent: text elements and expander labels."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title"):
        out += [str(e.value) for e in at.get(kind)]
    out += [e.label for e in at.expander]
    return out


def _assert_literal(at, expected: str) -> None:
    renderer = MarkdownIt("commonmark")
    sources = _sources(at)
    for source in sources:
        rendered = renderer.render(source)
        assert "<img" not in rendered and "<a " not in rendered, source
    assert any(expected in shown(s) for s in sources), f"{expected!r} is not shown literally"
    assert not at.get("imgs") and not at.get("image")


def test_plain_escapes_every_markdown_construct():
    for text in (PAYLOAD, "# heading", "1. list", "- item", "**bold**", "`code`", "$x^2$", "a\nb", "&lt;b&gt;",
                 "line\n===", "> quote", "| a | b |"):
        rendered = MarkdownIt("commonmark").render(plain(text))
        assert shown(plain(text)).replace("\n", " ") == text.replace("\n", " ")
        assert all(tag not in rendered for tag in ("<img", "<a ", "<h1", "<h2", "<ol", "<ul", "<strong", "<code",
                                                  "<blockquote"))


def test_an_offence_shows_literally_on_the_case_review(seeded: Seeded, hostile):
    at = seeded.app("demo-auditor", "views/case_review.py", case_id=hostile)   # the auditor sees set-aside records
    _assert_literal(at, f"Theft {PAYLOAD}")


def test_an_account_shows_literally_on_the_oh_page(seeded: Seeded, hostile):
    at = seeded.app("demo-oh", "views/oh_clinician.py")
    at.selectbox(key="oh_case_pick").set_value(hostile).run()
    _assert_literal(at, f"My account {PAYLOAD}")


def test_a_rationale_shows_literally_on_the_decision_page(seeded: Seeded, hostile):
    evaluation = seeded.store.evaluations(hostile)[-1]
    absent = {"peer_worker": f"Away {PAYLOAD}", "hr": "Synthetic: away.", "general_manager": "Synthetic: away."}
    seeded.store.record_decision(evaluation.id, "demo-chair", evaluation.outcome, True, f"Because {PAYLOAD}",
                                 evaluation.as_at, "Discussed with the applicant.", "demo-chair", absences=absent)
    at = seeded.app("demo-chair", "views/decision.py", case_id=hostile)
    _assert_literal(at, f"Because {PAYLOAD}")
    _assert_literal(at, f"Away {PAYLOAD}")
