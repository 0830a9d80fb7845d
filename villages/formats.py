"""Numbers as people type them and as pages show them: one reader, one writer per kind.

Indonesian writes ``1.500.000,5`` (thousands dot, decimal comma), English ``1,500,000.5``. Every
numeric input of the app (the forms, the plan workbook upload, the village data import) reads text
with :func:`parse_number`, and every page writes values with :func:`format_number`,
:func:`format_rupiah`, :func:`format_percent`, :func:`format_date`, :func:`month_name` and
:func:`month_abbr`, in the active language unless one is given. Documents are rendered under
``translation.override("id")`` and so stay Indonesian.

How text is read, in either language:

- one kind of separator that cannot be grouping (groups after the first must be exactly three
  digits, the first one to three without a leading zero) is the decimal separator: "2,5" and "1.5";
- one separator that can be grouping is grouping if it is the page language's grouping separator
  ("1.500" on an Indonesian page, "1,500" on an English one) and the decimal separator otherwise;
  a separator that appears more than once can only be grouping ("2.500.000" anywhere);
- with both, the last one is the decimal separator and the other must be valid grouping
  ("1.500.000,5" and "1,500,000.5" anywhere); spaces may group too ("1 500 000");
- anything else (letters, two decimal separators, "1.50.000", "--1") is refused with a message
  naming the forms that are accepted. A value is never rounded or scaled: too many decimals, too
  many digits, a negative or a fraction where none is allowed are refused, each with its message.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import date_format
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext

# (decimal separator, grouping separator) of each language the app speaks.
SEPARATORS = {"id": (",", "."), "en": (".", ",")}
MAX_TEXT = 40  # longer than any number a field of this app stores, with its separators
MAX_DIGITS = 24  # below Decimal's default precision (28), so nothing is rounded while reading
_MINUS = "-\u2212"  # hyphen-minus and the minus sign
_CURRENCY = re.compile(r"rp\.?", re.IGNORECASE)
_PIECES = re.compile(r"([.,]|\s+)")
_FIRST_GROUP = re.compile(r"[1-9]\d{0,2}")
_GROUP = re.compile(r"\d{3}")


def number_language(language: str | None = None) -> str:
    """``"en"`` or ``"id"``: the given language, or the active one; anything but English reads as Indonesian."""
    code = language or translation.get_language() or "id"
    return "en" if code.lower().startswith("en") else "id"


class NumberError(ValueError):
    """Text that is not a number, or a number a field refuses. ``code`` says which rule (for a form
    field's ``error_messages``), ``str()`` is the message for the person who typed it."""

    def __init__(self, code: str, message: str, params: dict | None = None):
        self.code = code
        self.message = message
        self.params = params or {}
        super().__init__(message % self.params if self.params else message)


# --- reading ---------------------------------------------------------------------------------------


def parse_number(
    text: str | None,
    *,
    language: str | None = None,
    whole: bool = False,
    money: bool = False,
    negative: bool = False,
    max_digits: int | None = None,
    decimal_places: int | None = None,
    max_value: Decimal | int | None = None,
) -> Decimal | None:
    """The number ``text`` says, read in ``language`` (default: the active one); None for blank text.

    ``money``: an amount in Rupiah (whole; a leading "Rp" or "Rp." allowed). ``whole``: no fraction.
    ``negative``: a value below zero is allowed. ``max_digits``/``decimal_places`` as a model's
    DecimalField; ``max_value`` the largest allowed. Raises :class:`NumberError`.
    """
    language = number_language(language)
    value = _read(text or "", language=language, money=money, whole=whole)
    if value is None:
        return None
    return check_number(
        value,
        language=language,
        whole=whole,
        money=money,
        negative=negative,
        max_digits=max_digits,
        decimal_places=decimal_places,
        max_value=max_value,
    )


def cell_number(value, *, language: str | None = None, **rules) -> Decimal | None:
    """A spreadsheet cell: a number cell is a number already; a text cell is read by :func:`parse_number`."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_a_number(number_language(language), rules.get("whole", False), rules.get("money", False))
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise _not_a_number(number_language(language), rules.get("whole", False), rules.get("money", False))
        return check_number(number, language=language, **rules)
    return parse_number(str(value), language=language, **rules)


def check_number(
    value: Decimal,
    *,
    language: str | None = None,
    whole: bool = False,
    money: bool = False,
    negative: bool = False,
    max_digits: int | None = None,
    decimal_places: int | None = None,
    max_value: Decimal | int | None = None,
) -> Decimal:
    """``value`` if the rules allow it (see :func:`parse_number`), written plainly (``2.50`` → ``2.5``)."""
    language = number_language(language)
    value = _plain(value)
    if value < 0 and not negative:
        message = gettext("An amount cannot be negative.") if money else gettext("The number cannot be negative.")
        raise NumberError("negative", message)
    places = max(0, -value.as_tuple().exponent)
    if places and (money or whole or decimal_places == 0):
        if money:
            message = gettext("Type whole Rupiah, without decimals (not %(value)s).")
        else:
            message = gettext("Type a whole number here, not %(value)s.")
        raise NumberError("whole", message, {"value": format_number(value, language=language)})
    if decimal_places is not None and places > decimal_places:
        raise NumberError(
            "max_decimal_places",
            gettext("Use at most %(places)s decimal places; %(value)s has %(count)s."),
            {"places": decimal_places, "value": format_number(value, language=language), "count": places},
        )
    largest = _largest(max_digits, decimal_places, max_value)
    if largest is not None and abs(value) > largest:
        raise NumberError(
            "too_large",
            gettext("%(value)s is too large; the largest is %(largest)s."),
            {"value": format_number(value, language=language), "largest": format_number(largest, language=language)},
        )
    return value


def _read(text: str, *, language: str, money: bool, whole: bool) -> Decimal | None:
    """Text to a Decimal by the rules of the module docstring, or None for blank; no range checks."""
    body = text.strip()
    if not body:
        return None
    if body.isascii() and body.isdigit() and len(body) <= MAX_DIGITS:
        return Decimal(body)  # the common case, read without the rules below

    def refused() -> NumberError:
        return _not_a_number(language, whole, money)

    if len(body) > MAX_TEXT:
        raise refused()
    sign = ""
    if body[0] in _MINUS:
        sign, body = "-", body[1:].lstrip()
    if money and (currency := _CURRENCY.match(body)):
        body = body[currency.end() :].lstrip()
        if not sign and body[:1] in _MINUS:
            sign, body = "-", body[1:].lstrip()
    if money and body[-2:] in (",-", ".-"):
        body = body[:-2]  # "Rp 1.500.000,-": no cents, as Indonesian amounts are often written
    if not body or not (body[0].isdigit() or body[0] in ".,") or not body[-1].isdigit():
        raise refused()
    pieces = _PIECES.split(body)
    groups, separators = pieces[0::2], [" " if piece.isspace() else piece for piece in pieces[1::2]]
    if not all(group.isascii() and group.isdigit() for group in groups[1:]) or (
        groups[0] and not (groups[0].isascii() and groups[0].isdigit())
    ):
        raise refused()
    grouping = SEPARATORS[language][1]
    if not separators:
        integer, fraction = body, ""
    elif len(set(separators)) > 1:
        # The last separator is the decimal one; the rest must group the whole part with one separator.
        point = separators[-1]
        rest = separators[:-1]
        if point == " " or point in rest or len(set(rest)) > 1 or not _grouped(groups[:-1]):
            raise refused()
        integer, fraction = "".join(groups[:-1]), groups[-1]
    else:
        kind = separators[0]
        if kind == " " or len(separators) > 1 or (kind == grouping and _grouped(groups)):
            if not _grouped(groups):
                raise refused()
            integer, fraction = "".join(groups), ""
        else:
            integer, fraction = groups
    if len(integer) + len(fraction) > MAX_DIGITS:
        raise refused()
    try:
        return Decimal(f"{sign}{integer or '0'}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise refused() from None


def _grouped(groups: list[str]) -> bool:
    """Whether ``groups`` (the digits between separators) are thousands groups: 1–3 digits, then 3s."""
    return (
        len(groups) > 1
        and bool(_FIRST_GROUP.fullmatch(groups[0]))
        and all(_GROUP.fullmatch(group) for group in groups[1:])
    )


def _not_a_number(language: str, whole: bool, money: bool) -> NumberError:
    """The refusal of text that is no number, naming the forms that are accepted in ``language``."""
    if money:
        example = format_number(2500000, language=language)
        return NumberError(
            "invalid",
            gettext("Type an amount in Rupiah such as %(example)s or Rp %(example)s."),
            {"example": example},
        )
    if whole:
        return NumberError(
            "invalid",
            gettext("Type a whole number such as 12 or %(example)s."),
            {"example": format_number(1500, language=language)},
        )
    return NumberError(
        "invalid",
        gettext("Type a number such as %(decimal)s or %(grouped)s."),
        {
            "decimal": format_number(Decimal("2.5"), language=language),
            "grouped": format_number(1500000, language=language),
        },
    )


def _plain(value: Decimal) -> Decimal:
    """``2.50`` → ``2.5``, ``1500.0`` → ``1500``, ``-0`` → ``0``: the same value without trailing zeros."""
    if value.is_zero():
        return Decimal(0)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@lru_cache(maxsize=64)
def _largest(max_digits: int | None, decimal_places: int | None, max_value) -> Decimal | None:
    candidates = []
    if max_digits is not None:
        places = decimal_places or 0
        candidates.append(Decimal(10) ** (max_digits - places) - Decimal(10) ** -places)
    if max_value is not None:
        candidates.append(Decimal(max_value))
    return _plain(min(candidates)) if candidates else None


# --- writing ---------------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _grouped_text(value: Decimal, language: str, places: int | None = None) -> str:
    text = f"{value:,.{places}f}" if places is not None else f"{value:,f}"
    whole, _, fraction = text.partition(".")
    decimal, grouping = SEPARATORS[language]
    whole = whole.replace(",", grouping)
    return f"{whole}{decimal}{fraction}" if fraction else whole


def format_number(value, *, language: str | None = None) -> str:
    """``1234.50`` → ``1.234,5`` (Indonesian) or ``1,234.5`` (English): no trailing zeros, integers
    grouped; empty for no value."""
    number = _decimal(value)
    if number is None:
        return ""
    return _grouped_text(_plain(number), number_language(language))


def format_rupiah(value, *, language: str | None = None) -> str:
    """``1500000`` → ``Rp 1.500.000`` (Indonesian) or ``Rp 1,500,000`` (English); empty for no value."""
    number = _decimal(value)
    if number is None:
        return ""
    sign = "-" if number < 0 else ""
    return f"{sign}Rp {format_number(abs(number), language=language)}"


def format_percent(value, *, language: str | None = None) -> str:
    """A percentage already rounded to one decimal place: ``62.5`` → ``62,5%`` / ``62.5%``; ``–`` for None.

    Always one decimal place, so a column of percentages lines up. Rounding is the figure's business,
    not the page's: a value with more places is refused rather than rounded here a second way.
    """
    number = _decimal(value)
    if number is None:
        return "–"
    if number != number.quantize(Decimal("0.1")):
        raise ValueError(f"format_percent takes a value rounded to one decimal place, not {value!r}")
    return f"{_grouped_text(number, number_language(language), places=1)}%"


DATE_FORMATS = {
    (False, False): "j F Y",  # 20 Januari 2026
    (False, True): "j F Y H:i",
    (True, False): "j M Y",  # 20 Jan 2026
    (True, True): "j M Y H:i",
}


def format_date(value, *, short: bool = False, time: bool = False, language: str | None = None) -> str:
    """``20 Januari 2026`` / ``20 January 2026`` (``short``: ``20 Jan 2026``; ``time``: with ``14:05``,
    in the local time zone); empty for no value."""
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime) and is_aware(value):
        value = localtime(value)
    pattern = DATE_FORMATS[(short, time and isinstance(value, dt.datetime))]
    if language is None:
        return date_format(value, pattern)
    with translation.override(number_language(language)):
        return date_format(value, pattern)


def format_iso_datetime(value) -> str:
    """``2026-01-20T14:05:09+07:00``: the local time to the second with its offset, as ``<time datetime>``
    takes it (the standard allows at most three decimals of a second, and a database time has six)."""
    if not isinstance(value, dt.datetime):
        return ""
    if is_aware(value):
        value = localtime(value)
    return value.replace(microsecond=0).isoformat()


def _month(names, month, language: str | None) -> str:
    try:
        name = names[int(month)]
    except (KeyError, TypeError, ValueError):
        return ""
    if language is None:
        return str(name)
    with translation.override(number_language(language)):
        return str(name)


def month_name(month, *, language: str | None = None) -> str:
    """``1`` → ``Januari`` (English: ``January``); empty for anything but a month 1–12."""
    return _month(MONTHS, month, language)


def month_abbr(month, *, language: str | None = None) -> str:
    """``8`` → ``Agu`` (English: ``Aug``), for the columns of a schedule; empty for anything but a month 1–12."""
    return _month(MONTHS_3, month, language).title()
