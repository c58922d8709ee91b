"""WSGI entry point of the bare baseline app (bench.upload_settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.upload_settings"
application = get_wsgi_application()
