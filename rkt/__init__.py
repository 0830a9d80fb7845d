# The workers' Celery application, loaded with Django so that a job sent from a request finds its settings.
from rkt.celery import app as celery_app

__all__ = ["celery_app"]
