"""/impact/ (the site's environmental footprint, with its method) and /carbon.txt."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .ecoindex import DOM_BOUNDS, REQUEST_BOUNDS, SIZE_KB_BOUNDS
from .measures import last_measurement, served_last_days


def hosting() -> dict[str, str]:
    """The host as the operator described it (empty: not given)."""
    return {
        "name": settings.FABRIQUE_HOST_NAME,
        "domain": settings.FABRIQUE_HOST_DOMAIN,
        "location": settings.FABRIQUE_HOST_LOCATION,
        "energy": settings.FABRIQUE_HOST_ENERGY,
        "service_type": settings.FABRIQUE_HOST_SERVICE_TYPE,
    }


@require_GET
def impact(request: HttpRequest) -> HttpResponse:
    measurement = last_measurement()
    return render(
        request,
        "portal/impact.html",
        {
            "measurement": measurement,
            "hosting": hosting(),
            "served": served_last_days(30),
            "quantiles": {
                "dom": DOM_BOUNDS,
                "requests": REQUEST_BOUNDS,
                "size": SIZE_KB_BOUNDS,
            },
        },
    )


def _toml(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(value, ensure_ascii=False)


def carbon_txt_text(request: HttpRequest) -> str:
    """carbon.txt, syntax 0.2 (carbontxt.org): the /impact/ page as this site's disclosure and
    the host as its upstream service when the operator named the host's domain."""
    domain = request.get_host().rsplit(":", 1)[0] if "]" not in request.get_host() else ""
    impact_url = request.build_absolute_uri(reverse("portal:impact"))
    host = hosting()
    disclosure = f"doc_type = {_toml('web-page')}, url = {_toml(impact_url)}"
    if domain:
        disclosure += f", domain = {_toml(domain)}"
    services = ""
    if host["domain"]:
        service = f"domain = {_toml(host['domain'])}"
        if host["service_type"]:
            service += f", service_type = {_toml(host['service_type'])}"
        services = f"\n    {{ {service} }},\n"
    return (
        "# carbon.txt — https://carbontxt.org/ (syntax 0.2). Method and figures: "
        f"{impact_url}\n"
        'version = "0.2"\n'
        f"last_updated = {timezone.localdate().isoformat()}\n"
        "\n[org]\n"
        f"disclosures = [\n    {{ {disclosure} }},\n]\n"
        "\n[upstream]\n"
        f"services = [{services}]\n"
    )


@require_GET
def carbon_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(carbon_txt_text(request), content_type="text/plain; charset=utf-8")
