from __future__ import annotations

from django.urls import path

from pillars import views

app_name = "pillars"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("start/", views.plan_start, name="plan-start"),
    path("<int:pk>/start-next/", views.plan_start_next, name="plan-start-next"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/submit/", views.plan_submit, name="plan-submit"),
    path("<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("<int:pk>/return/", views.plan_return, name="plan-return"),
    path("<int:pk>/reopen/", views.plan_reopen, name="plan-reopen"),
    path("<int:pk>/versions/<int:revision>/", views.plan_version, name="plan-version"),
    path("<int:pk>/activities/new/", views.activity_add, name="activity-add"),
    path("<int:pk>/activities/<int:activity_pk>/edit/", views.activity_edit, name="activity-edit"),
    path("<int:pk>/activities/<int:activity_pk>/delete/", views.activity_delete, name="activity-delete"),
    path("<int:pk>/activities/<int:activity_pk>/move/", views.activity_move, name="activity-move"),
]
