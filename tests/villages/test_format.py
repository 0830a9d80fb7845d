"""The presentation helpers in villages/templatetags/rkt_format.py."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.utils import translation

from villages.templatetags.rkt_format import month_grid, number, rupiah


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


def test_rupiah_and_number_use_indonesian_grouping():
    assert rupiah(1500000) == "Rp 1.500.000"
    assert rupiah(None) == "" and rupiah("abc") == ""
    assert number("1234.50") == "1.234,5"
