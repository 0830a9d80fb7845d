"""Write the app's default Word template of the monthly report, reports/word/monthly.docx (not a test).

    .venv/bin/python scripts/make_word_template.py

The template holds the placeholders of reports/word.py (PLACEHOLDERS) in the layout of the monthly PDF, in
Indonesian as offices file it. An office's own template is any .docx written with the same placeholders;
this script is how the default one is kept in the repository as a readable recipe rather than a binary only.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "reports" / "word" / "monthly.docx"

COLUMNS = (
    ("No.", 9, "{{ row.no }}"),
    ("Kegiatan", 46, "{{ row.title }}\n{{ row.pillar }} · {{ row.village }}"),
    ("Target tahunan", 18, "{{ row.target }} {{ row.unit }}"),
    ("Rencana bulan ini", 18, "{{ row.planned }}"),
    ("Tercapai", 15, "{{ row.achieved }}"),
    ("Status", 16, "{{ row.status }}"),
    ("Kumulatif", 20, "{{ row.cumulative }}{% if row.percent %} ({{ row.percent }}){% endif %}"),
    ("Yang dilakukan", 40, "{{ row.description }}"),
    ("Kendala", 28, "{{ row.problems }}"),
    ("Tindak lanjut", 28, "{{ row.follow_up }}"),
    ("Bukti", 38, "{% for photo in row.photos %}{{ photo.image }} {{ photo.caption }} {% endfor %}"),
)
NEXT_COLUMNS = (
    ("No.", 10, "{{ activity.no }}"),
    ("Kegiatan", 110, "{{ activity.title }}"),
    ("Pilar", 45, "{{ activity.pillar }}"),
    ("Desa", 45, "{{ activity.village }}"),
    ("Target tahunan", 45, "{{ activity.target }}"),
)


def paragraph(document, text: str, *, size: float = 9, bold: bool = False, center: bool = False, space: float = 1):
    para = document.add_paragraph()
    para.paragraph_format.space_after = Pt(space)
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    run.font.size, run.bold = Pt(size), bold
    return para


def rule(para) -> None:
    """A double line under the letterhead, as a kop has."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    para._p.get_or_add_pPr().append(borders)


def cell_text(cell, text: str, *, size: float = 7.5, bold: bool = False) -> None:
    lines = text.split("\n")
    para = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            para = cell.add_paragraph()
        run = para.add_run(line)
        run.font.size, run.bold = Pt(size), bold


def widths(table, millimetres: list[float]) -> None:
    """Fixed column widths: Word reads the cells' widths, LibreOffice the table's grid; both are set."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def loop_table(document, columns, loop: str, name: str) -> None:
    """A table with a header row and one row per item: docxtpl repeats the row between the two tag rows."""
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(table, [width for _label, width, _value in columns])
    for index, (label, _width, value) in enumerate(columns):
        cell_text(table.rows[0].cells[index], label, bold=True)
        cell_text(table.rows[2].cells[index], value)
    cell_text(table.rows[1].cells[0], f"{{%tr for {name} in {loop} %}}")
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")


def main() -> None:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    document.styles["Normal"].font.name = "Noto Sans"
    document.styles["Normal"].font.size = Pt(9)

    paragraph(document, "{{ office.logo }}", center=True)
    paragraph(document, "{{ office.parent_name }}", size=11, bold=True, center=True, space=0)
    paragraph(document, "{{ office.name }}", size=13, bold=True, center=True, space=0)
    paragraph(document, "{{ office.address }}", size=8, center=True, space=0)
    rule(paragraph(document, "{{ office.contact }}", size=8, center=True, space=6))

    paragraph(document, "{{ title }}", size=12, bold=True, center=True)
    paragraph(document, "{{ status }}", center=True, space=6)
    identity = document.add_table(rows=5, cols=2)
    widths(identity, [35, 200])
    for row, (label, value) in zip(
        identity.rows,
        (
            ("Pendamping", "{{ companion.name }}"),
            ("Peran", "{{ companion.role }}"),
            ("Desa", "{{ villages }}"),
            ("Kecamatan", "{{ districts }}"),
            ("Kabupaten", "{{ regency }}"),
        ),
        strict=True,
    ):
        cell_text(row.cells[0], label, size=9)
        cell_text(row.cells[1], f": {value}", size=9)

    paragraph(document, "Rencana dan realisasi, {{ month }}", size=10, bold=True, space=3)
    loop_table(document, COLUMNS, "rows", "row")

    paragraph(document, "{%p if summary %}", space=0)
    paragraph(document, "Ringkasan", size=10, bold=True, space=2)
    paragraph(document, "{{ summary }}")
    paragraph(document, "{%p endif %}", space=0)
    paragraph(document, "{%p if coordinator_note %}", space=0)
    paragraph(document, "Catatan koordinator", size=10, bold=True, space=2)
    paragraph(document, "{{ coordinator_note }}")
    paragraph(document, "{%p endif %}", space=0)

    paragraph(document, "{%p if next_month %}", space=0)
    paragraph(document, "Rencana untuk {{ next_month }}", size=10, bold=True, space=2)
    paragraph(document, "{{ next_month_plan }}")
    loop_table(document, NEXT_COLUMNS, "next_activities", "activity")
    paragraph(document, "{%p endif %}", space=0)

    paragraph(document, "{{ approval }}", space=4)
    signatures = document.add_table(rows=6, cols=2)
    widths(signatures, [130, 130])
    left = ("Mengetahui,", "{{ coordinator.title }}", "", "", "{{ coordinator.name }}", "{{ coordinator.official_id }}")
    right = (
        "{{ place }}, {{ signed_on }}",
        "{{ companion.role }}",
        "",
        "",
        "{{ companion.name }}",
        "{{ companion.official_id }}",
    )
    for row, texts in zip(signatures.rows, zip(left, right, strict=True), strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell_text(cell, text, size=9, bold=text.endswith(".name }}"))
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    OUT.parent.mkdir(parents=True, exist_ok=True)
    document.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
