from django.apps import AppConfig


class RktConfig(AppConfig):
    """The project itself: middleware and the receivers it needs (no models)."""

    name = "rkt"
    verbose_name = "RKT Pendampingan"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from rkt.middleware import session_extended_at_login

        user_logged_in.connect(session_extended_at_login, dispatch_uid="rkt-session-extended-at-login")
