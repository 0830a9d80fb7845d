"""The house's rooms keep to their jobs: imports run one way between the apps, and nothing that reads imports
what writes. Read from the source itself, so a new import that breaks the rule fails here, not in a review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("villages", "pillars", "reports")


def modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, as a dotted name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def reaches(names: set[str], target: str) -> list[str]:
    return sorted(name for name in names if name == target or name.startswith(f"{target}."))


@pytest.mark.parametrize(
    ("app", "forbidden"), [("villages", ("pillars", "reports")), ("pillars", ("reports",))], ids=["villages", "pillars"]
)
def test_imports_run_one_way_between_the_apps(app, forbidden):
    wrong = {
        str(path.relative_to(ROOT)): found
        for path in modules(app)
        if (found := [name for target in forbidden for name in reaches(imported(path), target)])
    }
    assert wrong == {}


READERS = [
    "pillars/selectors",
    "pillars/rules.py",
    "pillars/access.py",
    "pillars/changes.py",
    "pillars/checks.py",
    "pillars/figures.py",
    "pillars/errors.py",
    "reports/dashboard",
    "reports/upload/preview.py",
    "reports/upload/sheet.py",
    "reports/documents.py",
    "reports/recap.py",
    "reports/workbook.py",
    "reports/word.py",
    "reports/pdf.py",
]


@pytest.mark.parametrize("reader", READERS)
def test_nothing_that_reads_imports_what_writes(reader):
    place = ROOT / reader
    paths = sorted(place.rglob("*.py")) if place.is_dir() else [place]
    wrong = {
        str(path.relative_to(ROOT)): found for path in paths if (found := reaches(imported(path), "pillars.services"))
    }
    assert wrong == {}


def test_the_rule_is_checked_against_an_import_that_breaks_it(tmp_path):
    module = tmp_path / "reader.py"
    module.write_text("def f():\n    from pillars.services.plans import plan_approve\n", encoding="utf-8")
    assert reaches(imported(module), "pillars.services") == [
        "pillars.services.plans",
        "pillars.services.plans.plan_approve",
    ]
