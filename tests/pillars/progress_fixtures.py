"""Shared set-up for the monthly progress tests: an approved plan of 2025, every month over by the clock's 2026."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pillars.models import MonthlyProgress, WorkPlan
from tests.clock import local
from tests.factories import ActivityFactory, open_year

# The year of the progress tests' plan: over, every month of it, at the clock's default (June 2026).
YEAR = 2025


def approve(plan: WorkPlan, year: int | None = None) -> WorkPlan:
    plan.year = year or YEAR
    open_year(plan.year)
    plan.status = WorkPlan.Status.APPROVED
    plan.approved_at = local(plan.year, 1, 2, 9)
    plan.save()
    return plan


@pytest.fixture(autouse=True)
def english(settings):
    """Pages in English, so tests can read the source strings (the default language is Indonesian)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def plan(cast, clock):
    """The companion's plan, approved, for 2025 (every month over), with one activity scheduled in March and one not."""
    plan = approve(cast.plan)
    ActivityFactory(plan=plan, title="Rakor bulanan", months=(3, 4), target_quantity=Decimal("4"), position=1)
    ActivityFactory(plan=plan, title="Pelatihan BPD", months=(6,), target_quantity=Decimal("10"), position=2)
    return plan


def activity_titled(plan: WorkPlan, title: str):
    return plan.activities.get(title=title)


def entry_data(activity, **values) -> dict:
    """POST data for one activity's card form (the form is prefixed with the activity's id)."""
    data = {
        "status": MonthlyProgress.Status.DONE,
        "quantity": "1",
        "description": "Rapat dengan perangkat desa",
        "problems": "",
        "follow_up": "",
        "version": "0",
    }
    data.update(values)
    return {f"a{activity.pk}-{key}": value for key, value in data.items()}


def image_bytes(kind: str = "JPEG", size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 80)).save(buffer, format=kind)
    return buffer.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of ``pages`` blank A4 pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def queries_of(call) -> int:
    """How many queries ``call()`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)
