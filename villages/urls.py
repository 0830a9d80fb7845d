from __future__ import annotations

from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("data/import/", views.data_import, name="data-import"),
    path("data/import/confirm/", views.data_import_confirm, name="data-import-confirm"),
    path("data/template.xlsx", views.data_template, name="data-template"),
]
