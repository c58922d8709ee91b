"""The site's URLs plus three views that fail on purpose, for the error-page tests (unit and
browser): a refusal, a crash, and a crash in the database."""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import path

from config.urls import handler403, handler500  # noqa: F401  (the handlers under test)
from config.urls import urlpatterns as site_urlpatterns


def refuse(request):
    raise PermissionDenied("private reason, never shown")


def crash(request):
    raise RuntimeError("boom")


def crash_in_database(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


urlpatterns = [
    path("essai/interdit/", refuse),
    path("essai/panne/", crash),
    path("essai/panne-base/", crash_in_database),
    *site_urlpatterns,
]
