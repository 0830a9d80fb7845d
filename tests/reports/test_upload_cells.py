"""The plan workbook upload and the village data import read the same cells the same way: one reader of numbers
and one yes/no vocabulary (villages.cells), so "sudah" or "2,5" means one thing whichever sheet it is typed in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation

from reports.upload.sheet import _RowReader, column_label
from reports.workbook import COLUMN_INDEX, KEY_COLUMN
from villages.columns import CellError, parse_cell

pytestmark = pytest.mark.django_db


@dataclass
class Cell:
    value: object
    data_type: str = "s"


def upload_reads(plan, **values) -> tuple[dict, dict[str, str]]:
    """One sheet row holding ``values`` as the upload reads it: its form data and its messages by field."""
    cells = [Cell(None) for _ in range(KEY_COLUMN)]
    for name, value in values.items():
        cells[COLUMN_INDEX[name] - 1] = Cell(value)
    parsed, errors = _RowReader(plan).read(7, cells, "")
    by_label = {error.column: error.message for error in errors}
    return parsed.data, {name: by_label[column_label(name)] for name in values if column_label(name) in by_label}


def import_reads(key: str, value, language: str):
    """The village data import's reading of the cell: its value, or its message."""
    try:
        return parse_cell(key, value, language), None
    except CellError as refusal:
        return None, str(refusal)


YES_NO = ["sudah", "Sudah", "belum", "ya", "Ya", "tidak", "Tidak", "yes", "no", "", None, "-", "x", "1", "0"]


@pytest.mark.parametrize("cell", YES_NO)
def test_a_yes_no_cell_means_the_same_in_both_importers(cast, cell):
    data, messages = upload_reads(cast.plan, poor_priority=cell)
    stored, message = import_reads("bumdes_legal_entity", cell, "id")
    assert messages == {} and message is None
    assert data["poor_priority"] is stored


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_yes_no_cell_that_is_neither_gets_the_same_message_in_both(cast, language):
    with translation.override(language):
        _data, messages = upload_reads(cast.plan, poor_priority="mungkin")
        _stored, message = import_reads("bumdes_legal_entity", "mungkin", language)
    assert messages["poor_priority"] == message
    assert "mungkin" in message


NUMBERS = [
    ("id", "0,5", Decimal("0.5")),
    ("en", "0,5", Decimal("0.5")),
    ("en", "0.5", Decimal("0.5")),
    ("id", "0,6512", Decimal("0.6512")),
    ("id", 0.5, Decimal("0.5")),
    ("id", "", None),
    ("id", None, None),
]


@pytest.mark.parametrize(("language", "cell", "meant"), NUMBERS)
def test_a_number_cell_means_the_same_in_both_importers(cast, language, cell, meant):
    with translation.override(language):
        data, messages = upload_reads(cast.plan, target_quantity=cell)
    stored, message = import_reads("idm_score", cell, language)
    assert messages == {} and message is None
    assert data["target_quantity"] == ("" if meant is None else str(meant))
    assert stored == meant


@pytest.mark.parametrize("language", ["id", "en"])
def test_two_and_a_half_is_read_as_two_and_a_half_by_both(cast, language):
    with translation.override(language):
        data, _messages = upload_reads(cast.plan, target_quantity="2,5")
        _stored, message = import_reads("idm_score", "2,5", language)
    assert data["target_quantity"] == "2.5"
    shown = "2,5" if language == "id" else "2.5"
    assert message.endswith(f"between 0 and 1, not {shown}.") or message.endswith(f"0 dan 1, bukan {shown}.")


@pytest.mark.parametrize(("language", "cell"), [("id", "Rp 2.500.000"), ("id", "2.500.000"), ("en", "Rp 2,500,000")])
def test_an_amount_in_rupiah_means_the_same_in_both_importers(cast, language, cell):
    with translation.override(language):
        data, _messages = upload_reads(cast.plan, budget=cell)
    stored, _message = import_reads("dana_desa", cell, language)
    assert data["budget"] == str(stored) == "2500000"


@pytest.mark.parametrize(
    ("language", "field", "key", "cell"),
    [
        ("id", "target_quantity", "idm_score", "dua"),
        ("en", "target_quantity", "idm_score", "two"),
        ("id", "budget", "dana_desa", "banyak"),
        ("id", "budget", "dana_desa", "2,5"),
    ],
)
def test_text_that_is_not_a_number_gets_the_same_message_in_both(cast, language, field, key, cell):
    with translation.override(language):
        data, messages = upload_reads(cast.plan, **{field: cell})
        stored, message = import_reads(key, cell, language)
    assert stored is None and data[field] == ""
    assert messages[field] == message
    assert message.startswith(f"“{cell}”") or cell in message
