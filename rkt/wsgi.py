from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")
# Web requests are bounded (see DB_STATEMENT_TIMEOUT in rkt/settings.py); commands and jobs are not.
os.environ.setdefault("RKT_DB_STATEMENT_TIMEOUT", "10")
application = get_wsgi_application()
