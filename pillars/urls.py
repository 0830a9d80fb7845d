from __future__ import annotations

from django.urls import path

from pillars import views

app_name = "pillars"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
]
