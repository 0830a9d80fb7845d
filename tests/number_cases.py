"""The issue's four inputs, and what every numeric field must make of them on an Indonesian and an English page.

Each test module of a numeric input (the plan's forms, the month's cards, the workbook upload, the village data
import, the admin) runs all of them in both languages: a quantity stores what the person meant, a whole field
refuses a fraction with a message saying what it read, and a refusal changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

INPUTS = ("2,5", "0,5", "2.500.000", "1.5")
LANGUAGES = ("id", "en")
CASES = [pytest.param(language, text, id=f"{language}:{text}") for language in LANGUAGES for text in INPUTS]
# For whole fields: the one input that is whole, and the three with a fraction.
WHOLE = [case for case in CASES if case.values[1] == "2.500.000"]
FRACTIONS = [case for case in CASES if case.values[1] != "2.500.000"]

# A quantity (a target, a month's quantity): the four inputs mean the same in both languages.
QUANTITY = {"2,5": Decimal("2.5"), "0,5": Decimal("0.5"), "2.500.000": Decimal("2500000"), "1.5": Decimal("1.5")}

# What a page reads the fractional inputs as, written back in its own language.
READ_AS = {
    "id": {"2,5": "2,5", "0,5": "0,5", "1.5": "1,5"},
    "en": {"2,5": "2.5", "0,5": "0.5", "1.5": "1.5"},
}


def whole_rupiah(language: str, text: str) -> Decimal | str:
    """An amount in whole Rupiah: 2.500.000 is stored, a fraction is refused with this message."""
    if text == "2.500.000":
        return Decimal("2500000")
    if language == "id":
        return f"Tulis Rupiah bulat, tanpa desimal (bukan {READ_AS[language][text]})."
    return f"Type whole Rupiah, without decimals (not {READ_AS[language][text]})."


def whole_number(language: str, text: str) -> int | str:
    """A count: 2.500.000 is stored, a fraction is refused with this message."""
    if text == "2.500.000":
        return 2_500_000
    if language == "id":
        return f"Tulis bilangan bulat di sini, bukan {READ_AS[language][text]}."
    return f"Type a whole number here, not {READ_AS[language][text]}."


# A text that is no number, and the refusal that names the accepted forms.
NOT_A_NUMBER = "1.50.000"
NOT_A_NUMBER_MESSAGE = {
    "id": "Tulis angka seperti 2,5 atau 1.500.000.",
    "en": "Type a number such as 2.5 or 1,500,000.",
}
