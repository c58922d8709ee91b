"""Root URLs: the web pages of each app, the API v1, its schema and docs, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views as portal_views

from . import converters  # noqa: F401  (registers <id:…> before the apps' URLs load)
from .health import healthz
from .language import set_language

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("workspace.api_urls")),
    path("", include("projects.api_urls")),
    path("", include("documents.api_urls")),
    path("", include("workflow.api_urls")),
    path("", include("debates.api_urls")),
    path("", include("moderation.api_urls")),
    path("", include("amendments.api_urls")),
    path("", include("officials.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("search.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("evaluation.api_urls")),
    path("", include("portal.territory.api_urls")),
]

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # The header's language switch, without a CSRF token (config/language.py says why).
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("comptes/", include("accounts.urls")),
    path("espaces/", include("workspace.urls")),
    path("fiches/", include("projects.urls")),
    # The communes' widget and its webmaster page (territoires/integrer/, before a commune's).
    path("", include("portal.widget.urls")),
    # Pages that gather several apps (the sheet page lives at fiches/<id>/).
    path("", include("portal.urls")),
    path("documents/", include("documents.urls")),
    path("suivi/", include("workflow.urls")),
    path("recherche/", include("search.urls")),
    path("debats/", include("debates.urls")),
    path("amendements/", include("amendments.urls")),
    path("elus/", include("officials.urls")),
    path("reunions/", include("meetings.urls")),
    path("moderation/", include("moderation.urls")),
    path("", include("notifications.urls")),
    path("fiches/", include("evaluation.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from ?script=, not inline: the CSP forbids inline.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

# Django's own 404 view renders templates/404.html with the request's context.
handler403 = "config.error_pages.permission_denied"
handler500 = "config.error_pages.server_error"

admin.site.site_header = "Fabrique"
admin.site.site_title = "Fabrique"
