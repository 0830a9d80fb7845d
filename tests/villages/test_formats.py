"""villages/formats.py: how a typed number is read, and how numbers, amounts, percentages and dates are written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from tests.clock import local
from villages.formats import (
    NumberError,
    cell_number,
    format_date,
    format_iso_datetime,
    format_number,
    format_percent,
    format_rupiah,
    month_abbr,
    month_name,
    number_language,
    parse_number,
)

BOTH = ["id", "en"]


def refusal(text, **rules) -> NumberError:
    with pytest.raises(NumberError) as caught:
        parse_number(text, **rules)
    return caught.value


# --- reading: the four inputs of the issue -----------------------------------------------------------


@pytest.mark.parametrize("language", BOTH)
@pytest.mark.parametrize(
    ("text", "meant"),
    [("2,5", "2.5"), ("0,5", "0.5"), ("2.500.000", "2500000"), ("1.5", "1.5")],
)
def test_the_four_inputs_of_the_issue_mean_the_same_in_both_languages(language, text, meant):
    assert parse_number(text, language=language) == Decimal(meant)


# --- reading: Indonesian and English writing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "meant"),
    [("2,5", "2.5"), ("0,5", "0.5"), ("1.500", "1500"), ("2.500.000", "2500000"), ("1.500.000,50", "1500000.5")],
)
def test_an_indonesian_page_reads_the_decimal_comma_and_the_thousands_dot(text, meant):
    assert parse_number(text, language="id") == Decimal(meant)


@pytest.mark.parametrize(
    ("text", "meant"), [("2.5", "2.5"), ("1,500", "1500"), ("2,500,000", "2500000"), ("2,500,000.50", "2500000.5")]
)
def test_an_english_page_reads_the_decimal_point_and_the_thousands_comma(text, meant):
    assert parse_number(text, language="en") == Decimal(meant)


@pytest.mark.parametrize(("language", "text", "meant"), [("id", "1.5", "1.5"), ("en", "2,5", "2.5")])
def test_one_separator_that_cannot_be_grouping_is_the_decimal_separator_in_either_language(language, text, meant):
    assert parse_number(text, language=language) == Decimal(meant)


@pytest.mark.parametrize(("language", "meant"), [("id", "1500"), ("en", "1.5")])
def test_one_dot_that_can_be_grouping_groups_on_an_indonesian_page_only(language, meant):
    assert parse_number("1.500", language=language) == Decimal(meant)


@pytest.mark.parametrize(("language", "meant"), [("en", "1500"), ("id", "1.5")])
def test_one_comma_that_can_be_grouping_groups_on_an_english_page_only(language, meant):
    assert parse_number("1,500", language=language) == Decimal(meant)


@pytest.mark.parametrize("language", BOTH)
def test_a_separator_that_appears_twice_can_only_be_grouping(language):
    assert parse_number("2.500.000", language=language) == Decimal("2500000")
    assert parse_number("2,500,000", language=language) == Decimal("2500000")


@pytest.mark.parametrize("language", BOTH)
@pytest.mark.parametrize("text", ["1.500.000,5", "1,500,000.5"])
def test_with_both_separators_the_last_is_the_decimal_one_in_either_language(language, text):
    assert parse_number(text, language=language) == Decimal("1500000.5")


@pytest.mark.parametrize("language", BOTH)
def test_a_leading_zero_group_is_no_grouping(language):
    assert parse_number("0.500", language=language) == Decimal("0.5")
    assert parse_number("0,500", language=language) == Decimal("0.5")


@pytest.mark.parametrize("text", [" 1.500 ", "1 500", "1\u00a0500", "1\u202f500", "\t1500\n"])
def test_spaces_and_non_breaking_spaces_are_allowed(text):
    assert parse_number(text, language="id") == Decimal("1500")


def test_spaces_may_group_beside_a_decimal_separator():
    assert parse_number("1 500 000,5", language="id") == Decimal("1500000.5")


def test_a_number_may_start_with_its_decimal_separator():
    assert parse_number(",5", language="id") == parse_number(".5", language="en") == Decimal("0.5")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_text_is_no_number(text):
    assert parse_number(text) is None


def test_the_active_language_is_the_default():
    with translation.override("id"):
        assert parse_number("1.500") == Decimal("1500")
    with translation.override("en"):
        assert parse_number("1.500") == Decimal("1.5")


def test_any_language_but_english_reads_as_indonesian():
    assert number_language("en-gb") == "en"
    assert number_language("id") == number_language("jv") == "id"


def test_trailing_zeros_are_dropped_and_the_value_kept():
    assert str(parse_number("2,50", language="id")) == "2.5"
    assert str(parse_number("1.500,00", language="id")) == "1500"
    assert str(parse_number("-0", language="id", negative=True)) == "0"


# --- reading: money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Rp 2.500.000", "Rp2.500.000", "rp. 2.500.000", "Rp 2.500.000,-", "Rp 2.500.000,00", "2500000"]
)
def test_an_amount_in_rupiah_may_carry_rp_and_the_indonesian_no_cents_mark(text):
    assert parse_number(text, language="id", money=True) == Decimal("2500000")


def test_rp_is_refused_where_the_field_is_no_amount():
    assert refusal("Rp 2.500", language="id").code == "invalid"


@pytest.mark.parametrize(("language", "shown"), [("id", "2.500.000,5"), ("en", "2,500,000.5")])
def test_rupiah_must_be_whole(language, shown):
    error = refusal("2.500.000,5", language=language, money=True)
    assert error.code == "whole"
    assert str(error) == f"Type whole Rupiah, without decimals (not {shown})."


# --- refusals and their messages -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["abc", "1.50.000", "--1", "1,5,5", "1.", "1..5", "12e3", "2 5", "1.500,000.5", "١٢"])
def test_anything_else_is_refused_naming_the_accepted_forms(text):
    with translation.override("en"):
        error = refusal(text, language="en")
    assert error.code == "invalid"
    assert str(error) == "Type a number such as 2.5 or 1,500,000."


def test_on_an_indonesian_page_the_message_names_the_indonesian_forms():
    with translation.override("id"):
        assert str(refusal("1.50.000")) == "Tulis angka seperti 2,5 atau 1.500.000."


@pytest.mark.parametrize(
    ("language", "rules", "message"),
    [
        ("en", {"whole": True}, "Type a whole number such as 12 or 1,500."),
        ("id", {"whole": True}, "Tulis bilangan bulat seperti 12 atau 1.500."),
        ("en", {"money": True}, "Type an amount in Rupiah such as 2,500,000 or Rp 2,500,000."),
        ("id", {"money": True}, "Tulis jumlah Rupiah seperti 2.500.000 atau Rp 2.500.000."),
    ],
)
def test_whole_number_and_rupiah_fields_name_their_own_forms(language, rules, message):
    with translation.override(language):
        assert str(refusal("dua", **rules)) == message


@pytest.mark.parametrize("language", BOTH)
def test_a_negative_number_is_refused_unless_allowed(language):
    with translation.override("en"):
        assert str(refusal("-1", language=language)) == "The number cannot be negative."
        assert str(refusal("Rp -500", language=language, money=True)) == "An amount cannot be negative."
    assert parse_number("-1,5", language="id", negative=True) == Decimal("-1.5")


@pytest.mark.parametrize(("language", "shown"), [("id", "2,5"), ("en", "2.5")])
def test_a_whole_number_field_refuses_a_fraction_and_says_what_it_read(language, shown):
    with translation.override("en"):
        error = refusal("2,5", language=language, whole=True)
    assert (error.code, str(error)) == ("whole", f"Type a whole number here, not {shown}.")


def test_too_many_decimals_are_refused_not_rounded():
    with translation.override("id"):
        error = refusal("2,555", decimal_places=2)
    assert (error.code, str(error)) == ("max_decimal_places", "Gunakan paling banyak 2 angka desimal; 2,555 punya 3.")


def test_too_many_digits_are_refused_naming_the_largest():
    with translation.override("en"):
        error = refusal("12.345.678.901", language="id", max_digits=12, decimal_places=2)
    assert (error.code, str(error)) == ("too_large", "12.345.678.901 is too large; the largest is 9.999.999.999,99.")
    assert parse_number("9.999.999.999,99", language="id", max_digits=12, decimal_places=2) == Decimal("9999999999.99")


def test_a_largest_value_is_refused_beyond():
    assert refusal("2.147.483.648", language="id", whole=True, max_value=2_147_483_647).code == "too_large"


def test_text_longer_than_any_number_is_refused():
    assert refusal("1" * 25).code == "invalid"
    assert refusal("1." * 30 + "1").code == "invalid"


# --- spreadsheet cells ---------------------------------------------------------------------------------


def test_a_number_cell_is_a_number_already_in_either_language():
    for language in BOTH:
        assert cell_number(2.5, language=language) == Decimal("2.5")
        assert cell_number(1500, language=language) == Decimal("1500")
        assert cell_number(Decimal("0.5"), language=language) == Decimal("0.5")
    assert cell_number(1500000.0, money=True) == Decimal("1500000")


def test_a_text_cell_is_read_like_typed_text():
    assert cell_number("1.500", language="id") == Decimal("1500")
    assert cell_number(None) is None


def test_a_number_cell_follows_the_same_rules():
    assert pytest.raises(NumberError, cell_number, 2.5, whole=True).value.code == "whole"
    assert pytest.raises(NumberError, cell_number, -1).value.code == "negative"
    assert pytest.raises(NumberError, cell_number, True).value.code == "invalid"
    assert pytest.raises(NumberError, cell_number, float("nan")).value.code == "invalid"


# --- writing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (Decimal("1234.50"), "1.234,5", "1,234.5"),
        (Decimal("0.5"), "0,5", "0.5"),
        (1250, "1.250", "1,250"),
        (Decimal("2500000.00"), "2.500.000", "2,500,000"),
        (Decimal("0.6512"), "0,6512", "0.6512"),
        (Decimal("-0.00"), "0", "0"),
        (2.5, "2,5", "2.5"),
    ],
)
def test_a_number_is_written_in_the_language_of_the_page(value, indonesian, english):
    with translation.override("id"):
        assert format_number(value) == indonesian
    with translation.override("en"):
        assert format_number(value) == english
    assert format_number(value, language="id") == indonesian


def test_no_value_is_written_as_nothing():
    assert format_number(None) == format_number("") == format_number("abc") == format_rupiah(None) == ""


def test_rupiah_is_written_with_rp_and_grouping():
    assert format_rupiah(1500000, language="id") == "Rp 1.500.000"
    assert format_rupiah(Decimal("1500000"), language="en") == "Rp 1,500,000"
    assert format_rupiah(-5000, language="id") == "-Rp 5.000"


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (Decimal("62.5"), "62,5%", "62.5%"),
        (Decimal("100"), "100,0%", "100.0%"),
        (Decimal("1250.0"), "1.250,0%", "1,250.0%"),
    ],
)
def test_a_percentage_has_one_decimal_place_in_the_language_of_the_page(value, indonesian, english):
    assert format_percent(value, language="id") == indonesian
    with translation.override("en"):
        assert format_percent(value) == english


def test_no_percentage_is_a_dash():
    assert format_percent(None) == "–"


def test_a_percentage_that_was_not_rounded_is_refused_rather_than_rounded_again():
    with pytest.raises(ValueError, match="one decimal place"):
        format_percent(Decimal("62.45"))


def test_a_date_is_written_in_the_language_of_the_page():
    day = dt.date(2026, 1, 20)
    with translation.override("id"):
        assert format_date(day) == "20 Januari 2026"
        assert format_date(day, short=True) == "20 Jan 2026"
    with translation.override("en"):
        assert format_date(day) == "20 January 2026"
    assert format_date(day, language="id") == "20 Januari 2026"
    assert format_date(None) == ""


def test_a_moment_is_written_in_local_time():
    moment = local(2026, 8, 17, 9, 5).astimezone(dt.UTC)
    assert format_date(moment, time=True, language="id") == "17 Agustus 2026 09:05"


def test_a_moment_for_a_time_element_is_local_to_the_second_with_its_offset():
    moment = local(2026, 8, 17, 9, 5, 7, 123456).astimezone(dt.UTC)
    assert format_iso_datetime(moment) == "2026-08-17T09:05:07+07:00"
    assert format_iso_datetime(None) == format_iso_datetime(dt.date(2026, 8, 17)) == ""


def test_a_month_is_named_in_the_language_of_the_page():
    with translation.override("id"):
        assert (month_name(1), month_name("8"), month_abbr(5), month_abbr(8)) == ("Januari", "Agustus", "Mei", "Agu")
    with translation.override("en"):
        assert (month_name(1), month_abbr(5), month_abbr(8)) == ("January", "May", "Aug")
        assert month_name(1, language="id") == "Januari"
    assert month_name(0) == month_name(13) == month_name(None) == month_abbr("x") == ""


def test_the_month_filters_are_the_month_writers():
    from villages.templatetags import rkt_format

    with translation.override("id"):
        assert (
            (rkt_format.month_name(12), rkt_format.month_abbr(12))
            == (month_name(12), month_abbr(12))
            == (
                "Desember",
                "Des",
            )
        )
        assert rkt_format.rupiah(1500000) == format_rupiah(1500000) == "Rp 1.500.000"
        assert rkt_format.number(Decimal("1234.50")) == format_number(Decimal("1234.50")) == "1.234,5"
