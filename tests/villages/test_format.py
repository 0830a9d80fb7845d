"""The presentation helpers in villages/templatetags/rkt_format.py: numbers, dates and the month grid."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from tests.clock import local
from villages.templatetags.rkt_format import month_grid, number, percent, rupiah


def test_the_month_grid_marks_the_scheduled_months_and_names_them_for_screen_readers():
    with translation.override("id"):
        html = month_grid((3, 1))
    cells = re.findall(r"<span( class=\"on\")?>(\w)</span>", html)
    assert "".join(letter for _, letter in cells) == "JFMAMJJASOND"
    assert [index + 1 for index, (on, _) in enumerate(cells) if on] == [1, 3]
    assert 'aria-label="Bulan terjadwal: Januari, Maret"' in html


def test_the_month_grid_follows_the_active_language_and_says_when_nothing_is_scheduled():
    with translation.override("en"):
        assert 'aria-label="Scheduled months: none"' in month_grid(())
        assert "May" in month_grid((5,))
    with translation.override("id"):
        assert "Mei" in month_grid((5,))


def test_the_month_grid_ignores_months_outside_the_year():
    html = month_grid((0, 13, 12))
    assert html.count('class="on"') == 1


def test_the_month_grid_tag_renders_in_a_template():
    html = Template("{% load rkt_format %}{% month_grid months %}").render(Context({"months": (2,)}))
    assert html.startswith('<div class="month-grid" role="img"') and html.count("<span") == 12


def test_rupiah_and_number_follow_the_language_of_the_page():
    with translation.override("id"):
        assert (rupiah(1500000), number("1234.50"), percent(Decimal("62.5"))) == ("Rp 1.500.000", "1.234,5", "62,5%")
    with translation.override("en"):
        assert (rupiah(1500000), number("1234.50"), percent(Decimal("62.5"))) == ("Rp 1,500,000", "1,234.5", "62.5%")
    assert rupiah(None) == "" and rupiah("abc") == "" and number(None) == "" and percent(None) == "–"


def test_the_date_filters_follow_the_language_of_the_page_in_local_time():
    moment = local(2026, 1, 20, 14, 5).astimezone(dt.UTC)
    template = Template("{% load rkt_format %}{{ when|long_date }} · {{ when|long_datetime }} · {{ when|short_date }}")
    with translation.override("id"):
        assert template.render(Context({"when": moment})) == "20 Januari 2026 · 20 Januari 2026 14:05 · 20 Jan 2026"
    with translation.override("en"):
        assert template.render(Context({"when": moment})) == "20 January 2026 · 20 January 2026 14:05 · 20 Jan 2026"


def test_the_number_filters_write_into_a_template():
    template = Template("{% load rkt_format %}{{ q|number }} · {{ b|rupiah }} · {{ p|percent }}")
    context = Context({"q": Decimal("2.50"), "b": Decimal("2500000"), "p": None})
    with translation.override("id"):
        assert template.render(context) == "2,5 · Rp 2.500.000 · –"
