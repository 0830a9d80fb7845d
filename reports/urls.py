from __future__ import annotations

from django.urls import path

from reports import export_views, village_views

app_name = "reports"

urlpatterns = [
    path("villages/", village_views.village_list, name="village-list"),
    path("villages/<str:code>/", village_views.village_detail, name="village-detail"),
    path("plans/<int:pk>/pdf/", export_views.plan_pdf, name="plan-pdf"),
    path("plans/<int:pk>/xlsx/", export_views.plan_xlsx, name="plan-xlsx"),
    path("plans/<int:pk>/months/<int:month>/pdf/", export_views.month_pdf, name="month-pdf"),
    path("plans/<int:pk>/months/<int:month>/docx/", export_views.month_docx, name="month-docx"),
    path("plans/<int:pk>/upload/", export_views.plan_upload, name="plan-upload"),
    path("plans/<int:pk>/upload/confirm/", export_views.plan_upload_confirm, name="plan-upload-confirm"),
    path("recap/<int:year>/xlsx/", export_views.recap_xlsx, name="recap-xlsx"),
]
