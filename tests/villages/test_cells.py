"""The cell readers both spreadsheet importers use: numbers the Indonesian way, yes/no in one vocabulary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from villages.cells import CellError, cell_text, read_number, read_yes_no


@pytest.mark.parametrize(
    "cell",
    [
        "ya",
        "Ya",
        "YA.",
        "y",
        "yes",
        "Yes",
        "true",
        "1",
        1,
        1.0,
        True,
        "sudah",
        "Sudah",
        "benar",
        "ada",
        "x",
        "v",
        "✓",
        "Ya (sudah)",
    ],
)
def test_a_yes_cell_is_true(cell):
    assert read_yes_no(cell) is True


@pytest.mark.parametrize(
    "cell",
    [
        "tidak",
        "Tidak",
        "no",
        "n",
        "false",
        "0",
        0,
        False,
        "belum",
        "Belum",
        "salah",
        "tidak ada",
        "-",
        "",
        None,
        "Tidak (belum)",
    ],
)
def test_a_no_or_empty_cell_is_false(cell):
    assert read_yes_no(cell) is False


@pytest.mark.parametrize("cell", ["mungkin", "2", "???"])
def test_any_other_yes_no_cell_is_refused_with_its_text(cell):
    with translation.override("en"), pytest.raises(CellError) as refusal:
        read_yes_no(cell)
    assert str(refusal.value) == f"Write “Ya” or “Tidak” (yes or no), not “{cell}”."


@pytest.mark.parametrize(
    ("language", "cell", "meant"),
    [
        ("id", "2,5", Decimal("2.5")),
        ("en", "2,5", Decimal("2.5")),
        ("id", "1.234,5", Decimal("1234.5")),
        ("id", 2.5, Decimal("2.5")),
        ("id", "", None),
        ("id", None, None),
    ],
)
def test_a_number_cell_is_read_as_meant(language, cell, meant):
    assert read_number(cell, language=language) == meant


def test_an_amount_may_carry_rp():
    assert read_number("Rp 2.500.000", language="id", money=True) == Decimal("2500000")


def test_text_that_is_no_number_is_refused_with_its_text():
    with translation.override("id"), pytest.raises(CellError) as refusal:
        read_number("dua", language="id")
    assert str(refusal.value) == "“dua”: Tulis angka seperti 2,5 atau 1.500.000."


def test_a_refusal_that_names_the_value_is_not_repeated():
    with translation.override("en"), pytest.raises(CellError) as refusal:
        read_number("2,5", language="id", whole=True)
    assert str(refusal.value) == "Type a whole number here, not 2,5."


def test_cell_text_collapses_spaces_and_whole_floats():
    assert (cell_text(None), cell_text(12.0), cell_text("  a \n b ")) == ("", "12", "a b")
