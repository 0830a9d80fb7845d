"""Templates decide nothing: they receive flags and ready values from Python.

No template compares a value with a string literal (a status, a state, a content type: the object says
``is_returned``, ``is_conflict``, ``is_pdf``) or asks the database through ``.exists``, ``.count`` or
``.all`` (the view hands over the answer, a list or a number).
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from django.conf import settings

from reports import dashboard

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TAGS = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
LITERAL_COMPARISON = re.compile(r"""[=!]=\s*["']|["']\s*[=!]=""")
QUERY = re.compile(r"[\w.]+\.(?:exists|count|all)\b")
# Numbers counted in Python before the page is drawn: the ``count`` field of reports.dashboard's dataclasses.
COUNTED = {
    "plan_queue.count": dashboard.Queue,
    "report_queue.count": dashboard.Queue,
    "card.count": dashboard.StatusCard,
    "in_force.count": dashboard.InForce,
    "without_plan.count": dashboard.VillageList,
    "without_activity.count": dashboard.VillageList,
    "blt_gaps.count": dashboard.VillageList,
}


def template_names(root: Path = TEMPLATES) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*.html"))


def problems(text: str) -> list[str]:
    """Each tag of ``text`` that compares with a string literal or calls a query method."""
    found = []
    for tag in TAGS.findall(text):
        if LITERAL_COMPARISON.search(tag):
            found.append(tag)
        found += [f"{name} in {tag}" for name in QUERY.findall(tag) if name not in COUNTED]
    return found


def test_every_template_is_scanned():
    assert len(template_names()) > 50
    assert "base.html" in template_names() and "reports/pdf/plan.html" in template_names()


@pytest.mark.parametrize("name", template_names())
def test_no_template_compares_strings_or_runs_a_query(name):
    assert problems((TEMPLATES / name).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "tag",
    [
        '{% if report.status == "returned" %}',
        "{% if kind != 'text' %}",
        '{% elif "draft" == report.status %}',
        "{% if plan.reports.exists %}",
        "{% with files=entry.evidence.all %}",
        "{% blocktranslate count counter=page.paginator.count %}",
        "{{ companions.count }}",
    ],
)
def test_the_scan_catches_a_decision(tag):
    assert problems(f"<p>{tag}</p>") != []


def test_the_scan_lets_flags_and_counters_through():
    text = "{% if report.is_returned and card.save_failed %}{{ forloop.counter }}{{ plan_queue.count }}{% endif %}"
    assert problems(text) == []


@pytest.mark.parametrize("name, kind", COUNTED.items())
def test_the_counts_a_template_may_read_are_numbers_counted_in_python(name, kind):
    assert "count" in {field.name for field in fields(kind)}
