"""A sheet's versions: the list, one version, the diff between two, and restoring an old one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interface.views import attempt, policy_require

from ..permissions import SHEET_POLICY
from ..sections import sections_for_display
from ..selectors import sheet_version_diff, sheet_version_get, sheet_version_list
from ..services import sheet_version_restore
from .base import sheet_object, sign_in_first

# What upper apps link a version to in the history (amendments: the ones it merged), as
# (label, address) pairs; read from what `sheet_version_prefetch_register` prefetched.
VERSION_LINKS: list[Callable[[Any], list[tuple[str, str]]]] = []


def sheet_version_links_register(links: Callable[[Any], list[tuple[str, str]]]) -> None:
    if links not in VERSION_LINKS:
        VERSION_LINKS.append(links)


def _with_links(version: Any) -> Any:
    version.links = [link for links in VERSION_LINKS for link in links(version)]
    return version


def sheet_versions(request, pk: int):
    sheet = sheet_object(request, pk)
    page = Paginator(sheet_version_list(sheet=sheet), 50).get_page(request.GET.get("page"))
    for version in page:
        _with_links(version)
    context = {
        "sheet": sheet,
        "page_obj": page,
        "can_restore": SHEET_POLICY.check(request.user, sheet, "change"),
        # Row links built from these prefixes: one reverse() per page instead of three per row.
        "versions_url": reverse("projects:versions", args=[sheet.pk]),
        "diff_url": reverse("projects:diff", args=[sheet.pk]),
    }
    return render(request, "projects/versions.html", context)


def sheet_version(request, pk: int, number: int):
    sheet = sheet_object(request, pk, for_detail=True)
    version = _with_links(sheet_version_get(sheet=sheet, number=number))
    return render(
        request,
        "projects/version.html",
        {
            "sheet": sheet,
            "version": version,
            "sections": sections_for_display(version.sections, "archived"),
            "can_restore": SHEET_POLICY.check(request.user, sheet, "change"),
        },
    )


def sheet_diff(request, pk: int):
    sheet = sheet_object(request, pk)
    current = sheet.current_version.number
    try:
        to_number = int(request.GET.get("to") or current)
        from_number = int(request.GET.get("from") or max(to_number - 1, 1))
    except ValueError:
        raise Http404("Bad version number.") from None
    old, new, fields = sheet_version_diff(sheet=sheet, from_number=from_number, to_number=to_number)
    return render(
        request,
        "projects/diff.html",
        {"sheet": sheet, "old": old, "new": new, "fields": fields, "current": current},
    )


@require_POST
@sign_in_first
def sheet_restore(request, pk: int, number: int):
    sheet = sheet_object(request, pk)
    # A version that does not exist is 404 for whoever sees the sheet, before any right.
    sheet_version_get(sheet=sheet, number=number)
    policy_require(request, SHEET_POLICY, sheet, "change")
    done = attempt(
        request, lambda: sheet_version_restore(actor=request.user, sheet=sheet, number=number)
    )
    if done.value is not None:
        messages.success(
            request,
            _("Version %(old)s restaurée comme version %(new)s.")
            % {"old": number, "new": done.value.current_version.number},
        )
    return redirect(sheet)
