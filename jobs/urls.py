from __future__ import annotations

from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/download/", views.job_download, name="download"),
    path("<uuid:pk>/retry/", views.job_retry, name="retry"),
]
