"""Shared helpers of the export tests: plans of a given size, reading PDFs and workbooks back."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from pillars.models import Activity, MonthlyProgress, Pillar, WorkPlan
from tests.factories import ActivityFactory
from villages.models import Region


def fill_plan(plan: WorkPlan, count: int, prefix: str = "Kegiatan nomor") -> list[Activity]:
    """``count`` activities spread over every pillar and the plan's villages, with budgets."""
    pillars = list(Pillar.objects.filter(is_active=True).order_by("order"))
    villages = list(plan.villages.order_by("code")) + [None]
    return [
        ActivityFactory(
            plan=plan,
            pillar=pillars[i % len(pillars)],
            village=villages[i % len(villages)],
            title=f"{prefix} {i + 1}",
            indicator="Dokumen",
            target_quantity=Decimal(i % 5 + 1),
            unit="kali",
            months=(1 + i % 12, 1 + (i + 5) % 12),
            budget=Decimal(1_000_000 * (i % 3)) or None,
        )
        for i in range(count)
    ]


def set_status(plan: WorkPlan, status: str) -> WorkPlan:
    WorkPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    return plan


def name_region(code: str, name: str) -> None:
    Region.objects.filter(code=code).update(name=name)


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return "\n".join(pdf_pages(content))


def workbook(content: bytes, **options):
    return load_workbook(io.BytesIO(content), **options)


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def record(
    activity: Activity, month: int, quantity: str, status=MonthlyProgress.Status.DONE, **text
) -> MonthlyProgress:
    return MonthlyProgress.objects.create(
        activity=activity, month=month, quantity=Decimal(quantity), status=status, **text
    )


def recap_bytes(client, year: int) -> bytes:
    """The recap workbook as its reader gets it: started as a job, then downloaded from the job's page."""
    from django.urls import reverse

    page = client.post(reverse("reports:recap-xlsx", args=[year]), follow=True)
    assert page.status_code == 200, page.content[:300]
    job = page.context["job"]
    assert job.has_download, job.error
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)
