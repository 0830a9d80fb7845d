from __future__ import annotations

from django.urls import path

from pillars import views, views_history, views_progress

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
    path("<int:pk>/history/", views_history.plan_history, name="plan-history"),
    path("<int:pk>/activities/<int:activity_pk>/history/", views_history.activity_history, name="activity-history"),
    # Monthly progress and monthly reports (issue 5).
    path("<int:pk>/months/", views_progress.month_redirect, name="plan-months"),
    path("<int:pk>/months/<int:month>/", views_progress.month_detail, name="plan-month"),
    path(
        "<int:pk>/months/<int:month>/activities/<int:activity_pk>/",
        views_progress.progress_save,
        name="progress-save",
    ),
    path("<int:pk>/months/<int:month>/report/", views_progress.month_report, name="month-report"),
    path("<int:pk>/months/<int:month>/postpone/", views_progress.month_postpone, name="month-postpone"),
    path("evidence/<int:pk>/", views_progress.evidence_file, name="evidence-file"),
    path("evidence/<int:pk>/delete/", views_progress.evidence_delete, name="evidence-delete"),
    path("monthly-reports/", views_progress.report_queue, name="report-queue"),
    path("monthly-reports/<int:pk>/", views_progress.report_detail, name="report-detail"),
    path("monthly-reports/<int:pk>/acknowledge/", views_progress.report_acknowledge, name="report-acknowledge"),
    path("monthly-reports/<int:pk>/return/", views_progress.report_return, name="report-return"),
    path("monthly-reports/<int:pk>/reopen/", views_progress.report_reopen, name="report-reopen"),
    path("completeness/", views_progress.completeness, name="completeness"),
]
