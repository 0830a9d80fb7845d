"""Pointing the Celery app of the test process at a broker for one test, and back."""

from __future__ import annotations

from contextlib import contextmanager


def _drop_connections(app) -> None:
    # The app keeps a pool of broker connections made with the URL of its first use; it would keep using it.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str, **conf):
    from rkt.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", *conf)}
    _drop_connections(app)
    app.conf.update(broker_url=url, **conf)
    try:
        yield app
    finally:
        _drop_connections(app)
        app.conf.update(saved)
