from __future__ import annotations

from django.urls import path

from reports.views import exports, quarters, villages

app_name = "reports"

urlpatterns = [
    path("villages/", villages.village_list, name="village-list"),
    path("villages/<str:code>/", villages.village_detail, name="village-detail"),
    path("plans/<int:pk>/pdf/", exports.plan_pdf, name="plan-pdf"),
    path("plans/<int:pk>/xlsx/", exports.plan_xlsx, name="plan-xlsx"),
    path("plans/<int:pk>/pdf/job/", exports.plan_pdf_job, name="plan-pdf-job"),
    path("plans/<int:pk>/months/<int:month>/pdf/", exports.month_pdf, name="month-pdf"),
    path("plans/<int:pk>/months/<int:month>/pdf/job/", exports.month_pdf_job, name="month-pdf-job"),
    path("plans/<int:pk>/months/<int:month>/docx/", exports.month_docx, name="month-docx"),
    path("plans/<int:pk>/quarters/<int:quarter>/pdf/", exports.quarter_pdf, name="quarter-pdf"),
    path("plans/<int:pk>/quarters/<int:quarter>/xlsx/", exports.quarter_xlsx, name="quarter-xlsx"),
    path("plans/<int:pk>/year/pdf/", exports.year_pdf, name="year-pdf"),
    path("plans/<int:pk>/year/xlsx/", exports.year_xlsx, name="year-xlsx"),
    path("plans/<int:pk>/upload/", exports.plan_upload, name="plan-upload"),
    path("plans/<int:pk>/upload/confirm/", exports.plan_upload_confirm, name="plan-upload-confirm"),
    path("recap/<int:year>/xlsx/", exports.recap_xlsx, name="recap-xlsx"),
    path("recap/<int:year>/quarters/<int:quarter>/", quarters.quarter_recap_page, name="quarter-recap"),
    path("recap/<int:year>/quarters/<int:quarter>/xlsx/", quarters.quarter_recap_xlsx, name="quarter-recap-xlsx"),
]
