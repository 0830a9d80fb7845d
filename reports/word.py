"""The monthly report as a Word file, in the office's own template or the app's (docxtpl on python-docx).

Many kabupaten offices keep their own Word layout of the monthly report and retype the app's PDF into it.
An admin uploads that layout once, as a .docx with the placeholders of :data:`PLACEHOLDERS` written in it
(``{{ companion.name }}``, ``{%tr for row in rows %}`` …); :func:`check_template` refuses a file that is no
Word document, is too large, names a placeholder the app does not fill, or does not render. The content is
the monthly PDF's (:func:`reports.documents.month_document`): the same rows, figures and signatures.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from reports.documents import DOCUMENT_LANGUAGE, MonthDocument
from villages.formats import format_number, format_percent
from villages.spreadsheet import archive_problem

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "word" / "monthly.docx"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 500
PHOTO_WIDTH_MM = 45

# Every placeholder a template may use, as the README documents it. Rows and photos are lists.
PLACEHOLDERS: dict[str, str] = {
    "office": "the letterhead: office.parent_name, office.name, office.address, office.contact, office.logo",
    "title": "LAPORAN BULANAN PENDAMPINGAN MASYARAKAT DESA, OKTOBER 2026",
    "month": "the month's name, e.g. Oktober",
    "year": "the plan's year",
    "status": "the report's status, e.g. Diterima",
    "companion": "companion.name, companion.role, companion.official_id (NIK. … or NIP. …)",
    "coordinator": "coordinator.name, coordinator.title, coordinator.official_id",
    "villages": "the companion's villages, separated by commas",
    "districts": "their kecamatan",
    "regency": "their kabupaten",
    "rows": (
        "one per activity: row.no, row.title, row.pillar, row.village, row.target, row.unit, row.planned, "
        "row.achieved, row.status, row.cumulative, row.percent, row.description, row.problems, row.follow_up, "
        "row.photos (each photo.image and photo.caption)"
    ),
    "summary": "the companion's summary of the month",
    "coordinator_note": "the coordinator's note",
    "next_month": "the next month's name (empty in December)",
    "next_activities": "one per activity of next month: activity.no, activity.title, activity.pillar, "
    "activity.village, activity.target",
    "next_month_plan": "the companion's plan for next month",
    "place": "the place of signing",
    "signed_on": "the date of signing, e.g. 3 November 2026",
    "approval": "Diterima tanggal … oleh … (empty until acknowledged)",
}


class TemplateProblem(Exception):
    """A Word template the app cannot use; the message says why, in the page's language."""


def _template(source):
    from docxtpl import DocxTemplate

    return DocxTemplate(source)


def check_template(content: bytes) -> None:
    """Refuse (:class:`TemplateProblem`) a template that is too big, no Word document, names a placeholder
    the app does not fill, or fails to render; return quietly when it can be used."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(
            _("The template is %(size)s MB; the limit is 5 MB.") % {"size": f"{len(content) / 1024 / 1024:.1f}"}
        )
    problem = archive_problem(
        content, member="word/document.xml", max_unpacked=MAX_UNPACKED_BYTES, max_members=MAX_MEMBERS
    )
    if problem == "not-office":
        raise TemplateProblem(_("This file is not a Word document (.docx). Save it in Word or LibreOffice as .docx."))
    if problem == "too-big":
        raise TemplateProblem(_("This document unpacks to far more data than a template holds; it was not opened."))
    try:
        template = _template(io.BytesIO(content))
        used = template.get_undeclared_template_variables()
    except Exception as exc:  # docxtpl reports a broken template as any of several errors
        raise TemplateProblem(_("The template cannot be read: %(error)s") % {"error": exc}) from None
    unknown = sorted(set(used) - set(PLACEHOLDERS))
    if unknown:
        raise TemplateProblem(
            _("The template names placeholders the app does not fill: %(names)s. The list is in the README.")
            % {"names": ", ".join(unknown)}
        )
    try:
        _render(_template(io.BytesIO(content)), sample_context())
    except Exception as exc:
        raise TemplateProblem(_("The template does not render: %(error)s") % {"error": exc}) from None


def sample_context() -> dict:
    """A context of every placeholder with representative values, to try a template on."""
    row = {
        "no": 1,
        "title": "Rapat koordinasi",
        "pillar": "Pengarahan",
        "village": "Kepek",
        "target": "12",
        "unit": "rapat",
        "planned": "1",
        "achieved": "1",
        "status": "Selesai",
        "cumulative": "10",
        "percent": "83,3%",
        "description": "Rapat bersama perangkat desa.",
        "problems": "",
        "follow_up": "",
        "photos": [],
    }
    person = {"name": "Rina Lestari", "role": "PLD", "official_id": "", "title": "Koordinator"}
    office = {"parent_name": "", "name": "KANTOR", "address": "", "contact": "", "logo": ""}
    context = dict.fromkeys(PLACEHOLDERS, "")
    context.update(office=office, companion=person, coordinator=person, rows=[row], next_activities=[row], year=2026)
    return context


def monthly_docx(doc: MonthDocument, template_content: bytes | None = None) -> bytes:
    """The .docx bytes of the month in ``template_content`` (the office's) or the app's default template."""
    template = _template(io.BytesIO(template_content) if template_content else str(DEFAULT_TEMPLATE))
    with override(DOCUMENT_LANGUAGE), timezone.override(doc.plan.zone):  # times in the plan's local time
        context = _context(doc, template)
    return _render(template, context)


def _render(template, context: dict) -> bytes:
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _context(doc: MonthDocument, template) -> dict:
    from docx.shared import Mm
    from docxtpl import InlineImage

    from reports.pdf import thumbnail

    identity, kop = doc.identity, doc.letterhead
    logo = InlineImage(template, io.BytesIO(kop.logo[0]), height=Mm(18)) if kop.logo else ""
    rows = []
    for number, row in enumerate(doc.rows, start=1):
        activity, entry = row.activity, row.entry
        photos = []
        for item in row.evidence:
            if not item.content_type.startswith("image/"):
                continue
            try:
                with item.file.open("rb") as handle:
                    small = thumbnail(handle, size=900)
            except (OSError, ValueError):
                small = None
            if small:
                photos.append(
                    {
                        "image": InlineImage(template, io.BytesIO(small), width=Mm(PHOTO_WIDTH_MM)),
                        "caption": item.original_name,
                    }
                )
        rows.append(
            {
                "no": number,
                "title": activity.title,
                "pillar": activity.pillar.name,
                "village": activity.village.name if activity.village else _("All villages"),
                "target": format_number(activity.target_quantity),
                "unit": activity.unit,
                "planned": format_number(row.planned) if row.planned is not None else _("not scheduled"),
                "achieved": format_number(entry.quantity) if entry else "–",
                "status": entry.get_status_display() if entry else _("Not recorded"),
                "cumulative": format_number(row.cumulative),
                "percent": format_percent(row.percent) if row.percent is not None else "",
                "description": entry.description if entry else "",
                "problems": entry.problems if entry else "",
                "follow_up": entry.follow_up if entry else "",
                "photos": photos,
            }
        )
    coordinator = identity.coordinator
    report = doc.report
    return {
        "office": {
            "parent_name": kop.parent_name,
            "name": kop.name,
            "address": kop.address,
            "contact": kop.contact,
            "logo": logo,
        },
        "title": doc.title,
        "month": doc.month_name,
        "year": doc.plan.year,
        "status": report.get_status_display() if report else _("Not submitted yet"),
        "companion": {
            "name": identity.companion.display_name,
            "role": identity.companion.get_role_display(),
            "official_id": identity.companion.official_id_line,
        },
        "coordinator": {
            "name": coordinator.display_name if coordinator else "",
            "title": identity.coordinator_title,
            "official_id": coordinator.official_id_line if coordinator else "",
        },
        "villages": ", ".join(v.name for v in identity.villages),
        "districts": ", ".join(d.name for d in identity.districts),
        "regency": ", ".join(r.name for r in identity.regencies),
        "rows": rows,
        "summary": report.summary if report else "",
        "coordinator_note": report.coordinator_note if report else "",
        "next_month": doc.next_month_name,
        "next_activities": [
            {
                "no": number,
                "title": activity.title,
                "pillar": activity.pillar.name,
                "village": activity.village.name if activity.village else _("All villages"),
                "target": f"{format_number(activity.target_quantity)} {activity.unit}".strip(),
            }
            for number, activity in enumerate(doc.next_activities, start=1)
        ],
        "next_month_plan": report.next_month_plan if report else "",
        "place": identity.place,
        "signed_on": doc.signed_on,
        "approval": doc.approval.line if doc.approval else "",
    }
