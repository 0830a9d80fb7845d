from __future__ import annotations

from django.urls import path

from pillars.views import activities, comments, completeness, history, months, plans, quarters, reports

app_name = "pillars"

urlpatterns = [
    path("", plans.plan_list, name="plan-list"),
    path("<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("start/", plans.plan_start, name="plan-start"),
    path("<int:pk>/start-next/", plans.plan_start_next, name="plan-start-next"),
    path("<int:pk>/edit/", plans.plan_edit, name="plan-edit"),
    path("<int:pk>/submit/", plans.plan_submit, name="plan-submit"),
    path("<int:pk>/approve/", plans.plan_approve, name="plan-approve"),
    path("<int:pk>/return/", plans.plan_return, name="plan-return"),
    path("<int:pk>/reopen/", plans.plan_reopen, name="plan-reopen"),
    path("<int:pk>/handover/", plans.plan_handover, name="plan-handover"),
    path("<int:pk>/versions/<int:revision>/", plans.plan_version, name="plan-version"),
    path("<int:pk>/activities/new/", activities.activity_add, name="activity-add"),
    path("<int:pk>/activities/<int:activity_pk>/edit/", activities.activity_edit, name="activity-edit"),
    path("<int:pk>/activities/<int:activity_pk>/delete/", activities.activity_delete, name="activity-delete"),
    path("<int:pk>/activities/<int:activity_pk>/move/", activities.activity_move, name="activity-move"),
    path("<int:pk>/comments/<int:comment_pk>/reply/", comments.comment_reply, name="comment-reply"),
    path("<int:pk>/comments/<int:comment_pk>/resolve/", comments.comment_resolve, name="comment-resolve"),
    path("<int:pk>/comments/<int:comment_pk>/reopen/", comments.comment_reopen, name="comment-reopen"),
    path("<int:pk>/history/", history.plan_history, name="plan-history"),
    path("<int:pk>/activities/<int:activity_pk>/history/", history.activity_history, name="activity-history"),
    path("<int:pk>/months/", months.month_redirect, name="plan-months"),
    path("<int:pk>/months/<int:month>/", months.month_detail, name="plan-month"),
    path(
        "<int:pk>/months/<int:month>/activities/<int:activity_pk>/",
        months.progress_save,
        name="progress-save",
    ),
    path("<int:pk>/months/<int:month>/report/", months.month_report, name="month-report"),
    path("<int:pk>/months/<int:month>/postpone/", months.month_postpone, name="month-postpone"),
    path("<int:pk>/months/<int:month>/notes/", months.month_note, name="month-note"),
    path("<int:pk>/quarters/<int:quarter>/", quarters.quarter_detail, name="plan-quarter"),
    path("<int:pk>/quarters/<int:quarter>/submit/", quarters.quarter_submit, name="quarter-submit"),
    path("<int:pk>/quarters/<int:quarter>/acknowledge/", quarters.quarter_acknowledge, name="quarter-acknowledge"),
    path("<int:pk>/quarters/<int:quarter>/return/", quarters.quarter_return, name="quarter-return"),
    path("<int:pk>/year/", quarters.year_detail, name="plan-year"),
    path("evidence/<int:pk>/", months.evidence_file, name="evidence-file"),
    path("evidence/<int:pk>/thumbnail/", months.evidence_thumbnail, name="evidence-thumbnail"),
    path("evidence/<int:pk>/delete/", months.evidence_delete, name="evidence-delete"),
    path("monthly-reports/", reports.report_queue, name="report-queue"),
    path("monthly-reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("monthly-reports/<int:pk>/acknowledge/", reports.report_acknowledge, name="report-acknowledge"),
    path("monthly-reports/<int:pk>/return/", reports.report_return, name="report-return"),
    path("monthly-reports/<int:pk>/reopen/", reports.report_reopen, name="report-reopen"),
    path("completeness/", completeness.completeness, name="completeness"),
]
