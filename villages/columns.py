"""The columns of a village data spreadsheet and every header offices write them under.

Headers are matched after :func:`normalise` (case, spacing, punctuation and a trailing "(Rp)" do not
matter), in Indonesian or English. The blank template uses the header of the active language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from villages.cells import CellError, cell_text, read_number, read_yes_no
from villages.formats import format_number
from villages.models import DIMENSION_FIELDS, INDEKS_DESA_PLACES, VillageData, uses_indeks_desa

DIGITS_ONLY = re.compile(r"\d{10}")
DOTTED = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
MAX_COUNT = 2_147_483_647
# As the model's fields: Dana Desa DecimalField(max_digits=15, decimal_places=0), IDM score 4 places.
RUPIAH_DIGITS = 15
SCORE_PLACES = 4


def normalise(text: str | None) -> str:
    """``" Pagu Dana_Desa (Rp) "`` → ``"pagu dana desa"``: what is left to compare."""
    text = re.sub(r"\([^)]*\)", " ", str(text or "")).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(frozen=True)
class Column:
    key: str
    header_id: str
    header_en: str
    help: Promise
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return self.header_en if (translation.get_language() or "id").startswith("en") else self.header_id

    def names(self) -> set[str]:
        return {normalise(name) for name in (self.header_id, self.header_en, self.key, *self.aliases)}


COLUMNS = (
    Column(
        "code",
        "Kode Desa",
        "Village code",
        _("Kemendagri code, with or without dots: 34.03.01.2001 or 3403012001."),
        ("kode", "kode wilayah", "kode kemendagri", "kode desa kelurahan", "code", "village code", "kode desa"),
    ),
    Column(
        "name",
        "Nama Desa",
        "Village name",
        _("Used with the kecamatan when a row has no code; otherwise only checked."),
        ("desa", "nama", "desa kelurahan", "nama desa kelurahan", "village", "name"),
    ),
    Column(
        "district",
        "Kecamatan",
        "District",
        _("The kecamatan's name; needed when a row has no code."),
        ("nama kecamatan", "kecamatan name", "district name", "subdistrict"),
    ),
    Column(
        "idm_score",
        "Skor IDM",
        "IDM score",
        _("Indeks Desa Membangun score between 0 and 1, e.g. 0,6512."),
        ("nilai idm", "idm", "idm value", "indeks desa membangun"),
    ),
    Column(
        "idm_status",
        "Status IDM",
        "IDM status",
        _("Sangat Tertinggal, Tertinggal, Berkembang, Maju or Mandiri; empty: taken from the score."),
        ("klasifikasi idm", "status desa idm"),
    ),
    Column(
        "indeks_desa_score",
        "Nilai Indeks Desa",
        "Indeks Desa score",
        _("From 2025: the Indeks Desa total between 0 and 100, e.g. 68,19."),
        ("skor indeks desa", "indeks desa", "nilai id", "skor id", "total indeks desa", "nilai total", "total"),
    ),
    Column(
        "indeks_desa_status",
        "Status Indeks Desa",
        "Indeks Desa status",
        _("From 2025: Sangat Tertinggal, Tertinggal, Berkembang, Maju or Mandiri, as published."),
        ("status id", "status indeks", "klasifikasi indeks desa", "status desa id"),
    ),
    *(
        Column(
            key, header_id, header_en, _("From 2025: this Indeks Desa dimension's score between 0 and 100."), aliases
        )
        for key, header_id, header_en, aliases in (
            (
                "basic_services_score",
                "Layanan Dasar",
                "Basic services",
                ("skor layanan dasar", "nilai layanan dasar", "dimensi layanan dasar", "ild", "basic services score"),
            ),
            ("social_score", "Sosial", "Social", ("skor sosial", "nilai sosial", "dimensi sosial", "social score")),
            (
                "economic_score",
                "Ekonomi",
                "Economic",
                ("skor ekonomi", "nilai ekonomi", "dimensi ekonomi", "economy", "economic score"),
            ),
            (
                "environment_score",
                "Lingkungan",
                "Environment",
                ("skor lingkungan", "nilai lingkungan", "dimensi lingkungan", "environment score"),
            ),
            (
                "accessibility_score",
                "Aksesibilitas",
                "Accessibility",
                ("skor aksesibilitas", "nilai aksesibilitas", "dimensi aksesibilitas", "accessibility score"),
            ),
            (
                "governance_score",
                "Tata Kelola Pemerintahan Desa",
                "Village governance",
                (
                    "tata kelola",
                    "tata kelola pemerintahan",
                    "skor tata kelola pemerintahan desa",
                    "nilai tata kelola pemerintahan desa",
                    "dimensi tata kelola pemerintahan desa",
                    "tkpd",
                    "governance",
                    "village governance score",
                ),
            ),
        )
    ),
    Column(
        "population",
        "Jumlah Penduduk",
        "Population",
        _("Number of inhabitants."),
        ("penduduk", "jumlah jiwa", "jiwa", "inhabitants"),
    ),
    Column(
        "households",
        "Jumlah Rumah Tangga",
        "Households",
        _("Number of households."),
        ("jumlah kk", "kk", "rumah tangga", "jumlah keluarga", "number of households"),
    ),
    Column(
        "poor_households",
        "Rumah Tangga Miskin",
        "Poor households",
        _("Poor households; not more than the households."),
        ("rtm", "jumlah rtm", "kk miskin", "jumlah rumah tangga miskin", "keluarga miskin", "poor"),
    ),
    Column(
        "blt_households",
        "KPM BLT Dana Desa",
        "BLT recipient households",
        _("Households receiving BLT Dana Desa."),
        (
            "penerima blt",
            "penerima blt dana desa",
            "kpm blt",
            "kpm blt dd",
            "blt dd",
            "blt",
            "blt dana desa",
            "blt recipients",
            "blt households",
            "blt dana desa recipient households",
        ),
    ),
    Column(
        "dana_desa",
        "Pagu Dana Desa (Rp)",
        "Dana Desa allocation (Rp)",
        _("This year's Dana Desa allocation in Rupiah, e.g. 1.025.000.000."),
        ("dana desa", "pagu dd", "alokasi dd", "dana desa allocation", "village fund"),
    ),
    Column(
        "bumdes_status",
        "Status BUMDes",
        "BUMDes status",
        _("Tidak ada, Tidak aktif, Perintis, Pemula, Berkembang or Maju."),
        ("bumdes", "klasifikasi bumdes", "peringkat bumdes"),
    ),
    Column(
        "bumdes_legal_entity",
        "BUMDes Berbadan Hukum",
        "BUMDes legal entity",
        _("Ya or Tidak."),
        ("badan hukum bumdes", "badan hukum", "legal entity", "bumdes is a legal entity"),
    ),
    Column(
        "priority_problems",
        "Masalah Prioritas",
        "Priority problems",
        _("Free text: the village's priority problems."),
        ("permasalahan prioritas", "masalah", "permasalahan", "problems"),
    ),
    Column(
        "year",
        "Tahun",
        "Year",
        _("Optional; when given it must be the year being imported."),
        ("tahun data",),
    ),
)

# The VillageData fields a file can set, in the order of the template.
FIELDS = [column.key for column in COLUMNS if column.key not in {"code", "name", "district", "year"}]
COUNT_FIELDS = {"population", "households", "poor_households", "blt_households"}
IDM_FIELDS = ("idm_score", "idm_status")
INDEKS_DESA_FIELDS = ("indeks_desa_score", "indeks_desa_status", *DIMENSION_FIELDS.values())
INDEKS_DESA_SCORES = {"indeks_desa_score", *DIMENSION_FIELDS.values()}

_BY_NAME = {name: column for column in COLUMNS for name in column.names()}
_BY_KEY = {column.key: column for column in COLUMNS}
# Headings that name "the" score or status: the IDM's up to 2024, the Indeks Desa's from 2025 (a Kemendesa file
# of 2025 heads its status column "Status").
_INDEX_HEADINGS = {
    "skor": ("idm_score", "indeks_desa_score"),
    "score": ("idm_score", "indeks_desa_score"),
    "nilai": ("idm_score", "indeks_desa_score"),
    "status": ("idm_status", "indeks_desa_status"),
    "status desa": ("idm_status", "indeks_desa_status"),
    "village status": ("idm_status", "indeks_desa_status"),
}


def column_for_header(header: str, year: int | None = None) -> Column | None:
    """The column a heading names; a bare "score" or "status" is the index that applies to ``year`` (the IDM's
    when no year is given)."""
    name = normalise(header)
    if name in _INDEX_HEADINGS:
        idm, indeks_desa = _INDEX_HEADINGS[name]
        return _BY_KEY[indeks_desa if year is not None and uses_indeks_desa(year) else idm]
    return _BY_NAME.get(name)


def template_columns(year: int) -> tuple[Column, ...]:
    """The blank template's columns for ``year``: everything but the optional year, with the index that applies."""
    other = IDM_FIELDS if uses_indeks_desa(year) else INDEKS_DESA_FIELDS
    return tuple(column for column in COLUMNS if column.key != "year" and column.key not in other)


# Cells: each parser returns the stored value or raises CellError with a message for the user; the
# readers of numbers, yes/no and text are villages.cells, shared with the plan workbook upload.


def normalise_code(value: Any) -> str:
    """``3403012001`` or ``34.03.01.2001`` (or a number from Excel) → ``34.03.01.2001``; '' if blank."""
    text = cell_text(value).replace(" ", "")
    if not text:
        return ""
    if DIGITS_ONLY.fullmatch(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    if DOTTED.fullmatch(text):
        return text
    raise CellError(gettext("“%(value)s” is not a village code like 34.03.01.2001 or 3403012001.") % {"value": text})


def parse_count(value: Any, language: str = "id") -> int | None:
    number = read_number(value, language=language, whole=True, max_value=MAX_COUNT)
    return None if number is None else int(number)


def parse_score(value: Any, language: str = "id") -> Decimal | None:
    # Negative scores pass the reader so that the message can name the range.
    score = read_number(value, language=language, negative=True, decimal_places=SCORE_PLACES)
    if score is not None and not Decimal(0) <= score <= Decimal(1):
        raise CellError(
            gettext("The IDM score must be between 0 and 1, not %(value)s.")
            % {"value": format_number(score, language=language)}
        )
    return score


def parse_indeks_desa_score(value: Any, language: str = "id") -> Decimal | None:
    score = read_number(value, language=language, negative=True, decimal_places=INDEKS_DESA_PLACES)
    if score is not None and not Decimal(0) <= score <= Decimal(100):
        raise CellError(
            gettext("An Indeks Desa score must be between 0 and 100, not %(value)s.")
            % {"value": format_number(score, language=language)}
        )
    return score


def parse_rupiah(value: Any, language: str = "id") -> Decimal | None:
    return read_number(value, language=language, money=True, max_digits=RUPIAH_DIGITS, decimal_places=0)


def _choice_names(choices, extra: dict[str, str]) -> dict[str, str]:
    """Every way a spreadsheet may write a choice: its value, its label in each language, aliases."""
    names = {normalise(value): value for value in choices.values}
    for language in ("id", "en"):
        with translation.override(language):
            names.update({normalise(str(label)): value for value, label in choices.choices})
    names.update({normalise(alias): value for alias, value in extra.items()})
    return names


# Built on first use: translation is not ready while apps load.
@cache
def idm_names() -> dict[str, str]:
    return _choice_names(
        VillageData.IdmStatus,
        {
            "very underdeveloped": "sangat_tertinggal",
            "underdeveloped": "tertinggal",
            "developing": "berkembang",
            "advanced": "maju",
            "independent": "mandiri",
        },
    )


@cache
def bumdes_names() -> dict[str, str]:
    return _choice_names(
        VillageData.BumdesStatus,
        {
            "tidak ada": "none",
            "belum ada": "none",
            "tidak ada bumdes": "none",
            "belum terbentuk": "none",
            "tidak aktif": "inactive",
            "non aktif": "inactive",
            "nonaktif": "inactive",
            "mati suri": "inactive",
        },
    )


def parse_choice(value: Any, names: dict[str, str], choices) -> str:
    text = normalise(cell_text(value))
    if not text:
        return ""
    if text not in names:
        allowed = ", ".join(str(label) for label in choices.labels)
        raise CellError(
            gettext("“%(value)s” is not one of: %(allowed)s.") % {"value": cell_text(value), "allowed": allowed}
        )
    return names[text]


def parse_cell(key: str, value: Any, language: str = "id") -> Any:
    """The stored value of one cell of column ``key``; text numbers are read in ``language``."""
    if key in COUNT_FIELDS:
        return parse_count(value, language)
    if key == "idm_score":
        return parse_score(value, language)
    if key in INDEKS_DESA_SCORES:
        return parse_indeks_desa_score(value, language)
    if key in ("idm_status", "indeks_desa_status"):
        return parse_choice(value, idm_names(), VillageData.IdmStatus)
    if key == "bumdes_status":
        return parse_choice(value, bumdes_names(), VillageData.BumdesStatus)
    if key == "bumdes_legal_entity":
        return read_yes_no(value)
    if key == "dana_desa":
        return parse_rupiah(value, language)
    if key == "priority_problems":
        text = "" if value is None else str(value).strip()
        limit = VillageData._meta.get_field("priority_problems").max_length
        if len(text) > limit:
            raise CellError(gettext("Keep it under %(limit)s characters.") % {"limit": limit})
        return text
    if key == "year":
        return parse_count(value, language)
    if key == "code":
        return normalise_code(value)
    return cell_text(value)
