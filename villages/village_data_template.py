"""The blank village data workbook an office fills in and uploads back.

The first sheet holds the columns the import reads, headed in the active language, with the code,
kecamatan and name of every village of the chosen area (within the user's scope) already filled in,
drop-down lists for the status columns and range checks for the figures. A second sheet explains each
column. Written in write-only mode so a province of several thousand villages stays cheap.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from villages.columns import INDEKS_DESA_SCORES, template_columns
from villages.models import VillageData

WIDTHS = {"code": 16, "name": 24, "district": 20, "priority_problems": 48}
HEADER_FILL = PatternFill("solid", fgColor="1F5F4A")
MIN_ROWS = 200  # room for villages added by hand below the pre-filled ones


def template_workbook(villages: Iterable[tuple[str, str, str]], *, year: int, area: str) -> bytes:
    """``villages``: (code, kecamatan name, village name) in the order they should appear."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Village data"))
    sheet.freeze_panes = "D2"
    columns = template_columns(year)
    keys = [column.key for column in columns]
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 14)

    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)

    count = 0
    for code, district, name in villages:
        code_cell = WriteOnlyCell(sheet, value=code)
        code_cell.number_format = "@"  # keep the dots; Excel would otherwise read 3403012001 as a number
        sheet.append([code_cell, name, district])
        count += 1
    last = max(count, MIN_ROWS) + 1
    for validation in _validations(keys, last):
        sheet.data_validations.append(validation)

    notes = workbook.create_sheet(_("Instructions"))
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 90
    notes.append([_("Village data %(year)s – %(area)s") % {"year": year, "area": area}])
    notes.append([_("One row per village. Keep the header row; columns may be moved, removed or added.")])
    notes.append([])
    for column in columns:
        notes.append([column.header, str(column.help)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _validations(keys: list[str], last: int) -> list[DataValidation]:
    def column_range(key: str) -> str:
        letter = get_column_letter(keys.index(key) + 1)
        return f"{letter}2:{letter}{last}"

    def choice_list(labels) -> str:
        return '"' + ",".join(str(label) for label in labels) + '"'

    rules = [
        (
            "idm_status",
            DataValidation(type="list", formula1=choice_list(VillageData.IdmStatus.labels), allow_blank=True),
            _("Choose an IDM status from the list."),
        ),
        (
            "indeks_desa_status",
            DataValidation(type="list", formula1=choice_list(VillageData.IdmStatus.labels), allow_blank=True),
            _("Choose an Indeks Desa status from the list."),
        ),
        (
            "bumdes_status",
            DataValidation(type="list", formula1=choice_list(VillageData.BumdesStatus.labels), allow_blank=True),
            _("Choose a BUMDes status from the list."),
        ),
        (
            "bumdes_legal_entity",
            DataValidation(type="list", formula1=choice_list([_("Yes"), _("No")]), allow_blank=True),
            _("Choose yes or no."),
        ),
        (
            "idm_score",
            DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True),
            _("The IDM score is a number between 0 and 1."),
        ),
        (
            "dana_desa",
            DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True),
            _("An amount in Rupiah, not negative."),
        ),
    ]
    for key in ("population", "households", "poor_households", "blt_households"):
        rules.append(
            (
                key,
                DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True),
                _("A whole number, not negative."),
            )
        )
    for key in sorted(INDEKS_DESA_SCORES):
        rules.append(
            (
                key,
                DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True),
                _("An Indeks Desa score is a number between 0 and 100."),
            )
        )
    validations = []
    for key, validation, message in rules:
        if key not in keys:
            continue  # the other index's column: not in this year's template
        validation.error = message
        validation.errorTitle = _("Not accepted")
        validation.showErrorMessage = True
        validation.add(column_range(key))
        validations.append(validation)
    return validations
