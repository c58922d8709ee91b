"""The 403 and 500 answers of the web pages (Django's own 404 view renders templates/404.html).

403: one warning line per refusal (path and account id, never an address), instead of Django's
line with the exception's traceback. 500: rendered without the request's context processors,
so the page still answers when the database, the session or the request itself is broken; if
even the layout fails, a page written here in plain HTML answers.
"""

from __future__ import annotations

import logging
from html import escape

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.functional import empty
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger("fabrique.forbidden")


def account_id(request: HttpRequest) -> str:
    """The signed-in account's id, or "anonymous": what a log line may say about who asked."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.pk)
    return "anonymous"


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page in the site's layout; the refusal is logged here, once, on one line."""
    response = HttpResponseForbidden(loader.render_to_string("403.html", request=request))
    logger.warning("Forbidden: %s user=%s", request.path, account_id(request))
    # Django's handler logs the same refusal with the exception's traceback unless told it's done.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _loaded_user(request: HttpRequest):
    """The request's user if the middleware already fetched it; never a query from here."""
    lazy = getattr(request, "user", None)
    wrapped = getattr(lazy, "_wrapped", lazy)
    return None if wrapped is empty else wrapped


def _safe_context(request: HttpRequest) -> dict:
    """What the layout reads from the request, each piece only if it can be had safely."""
    context: dict = {}
    try:
        context["request"] = request
        context["csrf_token"] = get_token(request)
        user = _loaded_user(request)
        if user is not None:
            context["user"] = user
    except Exception:  # noqa: BLE001 — a broken request must not break its error page
        logger.debug("500 page rendered without the request's context")
        context.pop("request", None)
    return context


def _plain_server_error() -> str:
    title = escape(_("Erreur du serveur"))
    text = escape(_("Une erreur est survenue de notre côté. Réessayez dans quelques minutes."))
    home = escape(_("Retour à l'accueil"))
    return (
        f'<!doctype html><html lang="{escape(get_language() or "fr")}"><head>'
        f'<meta charset="utf-8"><title>{title} – Fabrique</title></head>'
        f'<body><main><h1>{title}</h1><p>{text}</p><p><a href="/">{home}</a></p></main>'
        "</body></html>"
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's layout, or a plain page if the layout cannot be rendered."""
    try:
        body = loader.get_template("500.html").render(_safe_context(request))
    except Exception:  # noqa: BLE001 — the error page is the last resort: it must answer
        logging.getLogger("django.request").exception("The 500 page could not be rendered")
        body = _plain_server_error()
    return HttpResponseServerError(body)
