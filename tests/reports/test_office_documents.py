"""Documents an office files as they come: its letterhead, signatures with NIP/NIK, the approval line, a
print-ready recap, and the monthly report in Word, the app's layout or the office's own.

The LibreOffice checks convert the files as an office would open them; they are skipped, saying why, where
LibreOffice is not installed (CI installs it).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from pillars import services
from pillars.models import Activity, MonthlyReport
from reports import documents, word
from reports.models import Office
from tests.factories import ActivityFactory, CompanionFactory, UserFactory
from tests.reports.exports_helpers import name_region, pdf_pages, pdf_text, recap_bytes, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui",
)
OFFICE_NAME = "DINAS PEMBERDAYAAN MASYARAKAT DAN DESA"


def png(size=(120, 140)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def office(cast) -> Office:
    name_region("34.03", "Kabupaten Gunungkidul")
    office = Office(
        region_id="34.03",
        parent_name="PEMERINTAH KABUPATEN GUNUNGKIDUL",
        name=OFFICE_NAME,
        address="Jl. Brigjen Katamso No. 1, Wonosari",
        phone="(0274) 391 000",
        email="dpmd@gunungkidulkab.go.id",
        logo_type="image/png",
    )
    office.logo.save("logo.png", ContentFile(png()), save=False)
    office.save()
    return office


@pytest.fixture
def reported(cast, clock, office):
    """The companion's plan of 2026, approved, with NIP/NIK on both signatories and an acknowledged March."""
    cast.coordinator.first_name, cast.coordinator.last_name = "Sri", "Wahyuni"
    cast.coordinator.save()
    cast.coordinator.companion.official_id = "198001012005011002"
    cast.coordinator.companion.save()
    cast.companion.companion.official_id = "3403010101900001"
    cast.companion.companion.save()
    plan = cast.plan
    for n in range(3):
        ActivityFactory(plan=plan, title=f"Rapat {n}", months=(3, 6), target_quantity=Decimal("4"), unit="rapat")
    clock.set("2026-01-10 09:00")
    services.plan_submit(plan=plan, by=cast.companion)
    services.plan_approve(plan=plan, by=cast.coordinator)
    clock.set("2026-03-20 09:00")
    for activity in plan.activities.all():
        services.progress_save(
            activity=activity, month=3, values={"status": "done", "quantity": Decimal(1)}, version=0, by=cast.companion
        )
    clock.set("2026-04-02 09:00")
    report = services.report_submit(plan=plan, month=3, by=cast.companion)
    clock.set("2026-04-03 09:00")
    services.report_acknowledge(report=report, by=cast.coordinator)
    clock.set("2026-06-15 10:00")
    plan.refresh_from_db()
    return plan


def get(client, name: str, *args) -> bytes:
    response = client.get(reverse(f"reports:{name}", args=args))
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content


# --- letterhead, signatures, approval --------------------------------------------------------------------


def test_the_plan_pdf_carries_the_offices_letterhead_the_nip_lines_and_the_approval(cast, reported):
    content = get(cast.client_for(cast.companion), "plan-pdf", reported.pk)
    text = " ".join(pdf_text(content).split())
    assert "PEMERINTAH KABUPATEN GUNUNGKIDUL" in text and OFFICE_NAME in text and "Brigjen Katamso" in text
    assert "NIP. 198001012005011002" in text and "NIK. 3403010101900001" in text
    assert "Disetujui tanggal 10 Januari 2026 oleh Sri Wahyuni" in text
    first_page = PdfReader(io.BytesIO(content)).pages[0]
    assert len(first_page.images) >= 1  # the logo


def test_the_monthly_pdf_carries_the_letterhead_the_planned_quantity_and_the_acknowledgement(cast, reported):
    text = " ".join(pdf_text(get(cast.client_for(cast.coordinator), "month-pdf", reported.pk, 3)).split())
    assert OFFICE_NAME in text and "NIP. 198001012005011002" in text
    assert "Diterima tanggal 3 April 2026 oleh Sri Wahyuni" in text
    # 4 rapat a year over March and June: 2 planned in March.
    assert "Rencana bulan ini" in text and "4 rapat 2 rapat 1 rapat" in text


def test_without_an_office_the_documents_carry_the_national_letterhead(cast, settings, clock):
    settings.RKT_DEFAULT_OFFICE = "KEMENTERIAN DESA"
    ActivityFactory(plan=cast.plan)
    text = pdf_text(get(cast.client_for(cast.companion), "plan-pdf", cast.plan.pk))
    assert "KEMENTERIAN DESA" in text and "NIP. ......" in text


def test_the_office_of_the_kabupaten_comes_before_the_provinces(cast, office):
    Office.objects.create(region_id="34", name="DINAS PROVINSI")
    villages = list(cast.plan.villages.select_related("parent__parent"))
    assert documents.office_for(villages) == office
    office.delete()
    assert documents.office_for(villages).name == "DINAS PROVINSI"


@pytest.mark.parametrize("rows", [*range(3, 9), *range(21, 27)])
def test_the_signatures_never_stand_alone_on_a_page(cast, reported, rows):
    """The October report of the demo had its signature block alone on page 2: with 3–7 or 21–25 extra rows
    here, the signatures fell alone on the last page before they were kept with what comes before them."""
    for n in range(rows):
        ActivityFactory(plan=reported, title=f"Kegiatan panjang nomor {n}", months=(6,), objective="x" * 200)
    pages = pdf_pages(get(cast.client_for(cast.coordinator), "month-pdf", reported.pk, 6))
    last = " ".join(pages[-1].split())
    assert "Mengetahui" in last
    before = last.split("Mengetahui")[0]
    assert "Rencana untuk Juli" in before or "Kegiatan" in before, f"{len(pages)} pages; the last: {last[:120]}"


# --- the recap, ready to print ---------------------------------------------------------------------------


def test_every_recap_sheet_prints_landscape_one_page_wide_with_titles_header_and_footer(cast, reported):
    book = workbook(recap_bytes(cast.client_for(cast.coordinator), 2026))
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows and ws.freeze_panes, ws.title
        assert "Gunungkidul" in ws.oddHeader.center.text and "15 Juni 2026" in ws.oddHeader.center.text
        assert ws.oddFooter.center.text == "Halaman &P dari &N"
        assert "Gunungkidul" in ws.cell(1, 1).value and "Januari s.d. Mei 2026" in ws.cell(1, 1).value


def convert(content: bytes, suffix: str, tmp_path: Path) -> bytes:
    source = tmp_path / f"document.{suffix}"
    source.write_bytes(content)
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (tmp_path / "document.pdf").read_bytes()


@needs_libreoffice
def test_libreoffice_prints_each_recap_sheet_one_page_wide_in_landscape(cast, reported, tmp_path):
    pdf = PdfReader(io.BytesIO(convert(recap_bytes(cast.client_for(cast.coordinator), 2026), "xlsx", tmp_path)))
    assert len(pdf.pages) == 3  # one page per sheet for a small scope: no sheet spills sideways
    for page in pdf.pages:
        assert page.mediabox.width > page.mediabox.height


# --- the monthly report in Word --------------------------------------------------------------------------


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def test_the_word_report_holds_what_the_pdf_holds(cast, reported):
    content = get(cast.client_for(cast.companion), "month-docx", reported.pk, 3)
    xml = docx_text(content)
    assert OFFICE_NAME in xml and "NIK. 3403010101900001" in xml and "Diterima tanggal 3 April 2026" in xml
    for activity in reported.activities.all():
        assert activity.title in xml
    assert "{{" not in xml and "{%" not in xml


@needs_libreoffice
def test_libreoffice_opens_the_word_report_with_every_activity_of_the_pdf(cast, reported, tmp_path):
    client = cast.client_for(cast.companion)
    from_word = " ".join(pdf_text(convert(get(client, "month-docx", reported.pk, 3), "docx", tmp_path)).split())
    from_pdf = " ".join(pdf_text(get(client, "month-pdf", reported.pk, 3)).split())
    titles = list(reported.activities.values_list("title", flat=True))
    assert [t for t in titles if t in from_word] == [t for t in titles if t in from_pdf] == titles
    assert OFFICE_NAME in from_word


def test_the_word_report_of_an_office_uses_its_own_template(cast, reported, office):
    office.monthly_template.save("own.docx", ContentFile(own_template("Laporan kantor: {{ companion.name }}")))
    xml = docx_text(get(cast.client_for(cast.companion), "month-docx", reported.pk, 3))
    assert "Laporan kantor:" in xml and cast.companion.get_full_name() in xml


def own_template(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_default_template_uses_only_the_documented_placeholders():
    word.check_template(word.DEFAULT_TEMPLATE.read_bytes())


# --- a bad template is refused and changes nothing -------------------------------------------------------


def admin_upload(cast, office, content: bytes, name: str = "template.docx"):
    client = cast.client_for(cast.admin)
    url = reverse("admin:reports_office_change", args=[office.pk])
    data = {
        "region": office.region_id,
        "parent_name": office.parent_name,
        "name": office.name,
        "address": office.address,
        "phone": office.phone,
        "email": office.email,
        "monthly_template": SimpleUploadedFile(name, content),
    }
    return client.post(url, data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (own_template("{{ companion.name }} {{ gaji_pokok }}"), "gaji_pokok"),
        (b"PK\x03\x04 this is not a real document", "not a Word document"),
        (own_template("{% for row in rows %}{{ row.title }}"), "cannot be read"),
    ],
    ids=["unknown placeholder", "broken file", "broken template"],
)
def test_a_bad_template_is_refused_naming_the_problem_and_nothing_is_saved(cast, office, content, message):
    response = admin_upload(cast, office, content)
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors["monthly_template"])
    assert message in errors
    office.refresh_from_db()
    assert not office.monthly_template


def test_a_30_mb_template_is_refused_with_the_limit(cast, office):
    response = admin_upload(cast, office, b"PK" + b"\0" * (30 * 1024 * 1024))
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors["monthly_template"])
    assert "5 MB" in errors
    office.refresh_from_db()
    assert not office.monthly_template


def test_a_good_template_is_kept_and_a_logo_must_be_an_image(cast, office):
    assert admin_upload(cast, office, own_template("{{ title }}")).status_code == 302
    office.refresh_from_db()
    assert office.monthly_template.name.endswith(".docx")
    client = cast.client_for(cast.admin)
    url = reverse("admin:reports_office_change", args=[office.pk])
    response = client.post(
        url,
        {
            "region": office.region_id,
            "name": office.name,
            "logo": SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image"),
        },
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["logo"]


def test_an_nip_or_nik_has_16_or_18_digits(cast):
    companion = CompanionFactory(user=UserFactory(username="nip"))
    for good in ("3403010101900001", "198001012005011002", ""):
        companion.official_id = good
        companion.full_clean()
    for bad in ("12345", "1980 0101 2005 0110 02", "19800101200501100X"):
        companion.official_id = bad
        with pytest.raises(Exception, match="NIP"):
            companion.full_clean()
    assert CompanionFactory(official_id="198001012005011002").official_id_line == "NIP. 198001012005011002"


def test_the_word_report_asks_anonymous_visitors_to_log_in_and_is_404_outside_scope(cast, reported):
    url = reverse("reports:month-docx", args=[reported.pk, 3])
    assert cast.client_for(None).get(url).status_code == 302
    assert cast.client_for(cast.outsider).get(url).status_code == 404
    assert cast.client_for(cast.companion).post(url).status_code == 405
    assert cast.client_for(cast.companion).get(reverse("reports:month-docx", args=[reported.pk, 13])).status_code == 404
    assert MonthlyReport.objects.count() == 1 and Activity.objects.count() == 3
