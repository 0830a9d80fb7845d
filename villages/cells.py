"""Spreadsheet cells as both importers read them: the village data import and the plan workbook upload.

A parser returns the value a cell holds or raises :class:`CellError` with a message for the person
who filled the sheet in; nothing is silently changed into something else. A number cell is a number
already; a number typed as text ("2,5", "Rp 2.500.000", "1.234,5") is read by
:func:`villages.formats.cell_number`, the reader of every numeric input. A yes/no cell is read with
one vocabulary, Indonesian and English words and the usual check marks.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from villages.formats import NumberError, cell_number

# Compared after casefolding and with punctuation removed ("Ya." and "YA" are "ya"). Blank is no.
YES_WORDS = frozenset({"ya", "y", "yes", "true", "1", "sudah", "benar", "ada", "berbadan hukum", "x", "v"})
NO_WORDS = frozenset({"tidak", "no", "n", "false", "0", "belum", "salah", "tidak ada", "belum berbadan hukum"})
# Marks that punctuation removal would leave blank, so compared as written.
YES_MARKS = frozenset({"✓", "✔"})
NO_MARKS = frozenset({"", "-", "–", "—"})
_IN_BRACKETS = re.compile(r"\([^)]*\)")
_NOT_A_LETTER = re.compile(r"[^\w]+")


class CellError(ValueError):
    """A cell that cannot be read; ``str()`` is the message for the person who filled the sheet in."""


def cell_text(value: Any) -> str:
    """The cell as text, spaces collapsed; ``12.0`` (a whole number from Excel) is ``"12"``; '' if empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_number(value: Any, *, language: str | None = None, **rules) -> Decimal | None:
    """The number in a cell, text read in ``language`` (default: the active one); None if empty.

    ``rules`` as :func:`villages.formats.parse_number` (``whole``, ``money``, ``negative``, ...).
    """
    try:
        return cell_number(value, language=language, **rules)
    except NumberError as refusal:
        if refusal.code != "invalid":  # the message names the value it read
            raise CellError(str(refusal)) from None
        raise CellError(gettext("“%(value)s”: %(message)s") % {"value": cell_text(value), "message": refusal}) from None


def read_yes_no(value: Any) -> bool:
    """``Ya``/``Sudah``/``Yes``/``x``/``✓`` → True; ``Tidak``/``Belum``/``No``/``-``/empty → False."""
    if isinstance(value, bool):
        return value
    # A note in brackets says why, not what: "Ya (sudah)" is yes.
    text = " ".join(_IN_BRACKETS.sub(" ", cell_text(value)).split()).casefold()
    if text in YES_MARKS:
        return True
    if text in NO_MARKS:
        return False
    words = " ".join(_NOT_A_LETTER.sub(" ", text).replace("_", " ").split())
    if words in YES_WORDS:
        return True
    if words in NO_WORDS:
        return False
    raise CellError(gettext("Write “Ya” or “Tidak” (yes or no), not “%(value)s”.") % {"value": cell_text(value)})
