from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from notifications import password_reset
from notifications import views as notification_views
from reports.views import home as home_views
from rkt import offline
from rkt.login_throttle import AdminLoginForm, LoginForm
from rkt.views import set_language

admin.site.login_form = AdminLoginForm
admin.site.site_header = _("RKT Pendampingan administration")
admin.site.site_title = _("RKT Pendampingan")
admin.site.index_title = _("Reference data, people and plans")

urlpatterns = [
    path("", home_views.home, name="home"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("offline/", offline.offline_page, name="offline"),
    path("offline/pages/", offline.kept_pages, name="offline-pages"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/profile/", notification_views.profile, name="profile"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("notifications/", include("notifications.urls")),
    path("plans/", include("pillars.urls")),
    path("villages/", include("villages.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
]
