"""Pages of debates: the list (filterable) and a debate with its threads."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import (
    THREADS_PER_PAGE,
    comment_threads,
    comments_open,
    debate_get_visible,
    debate_list_visible,
    stance_counts,
)


def debate_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    state = params.get("state") or None
    debates = debate_list_visible(
        user=request.user,
        territory=params.get("territory") or None,
        theme=params.get("theme") or None,
        state=state if state in {"open", "closed", "archived"} else None,
    )
    page = Paginator(debates, 20).get_page(params.get("page"))
    return render(request, "debates/debate_list.html", {"page": page})


def debate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    debate = debate_get_visible(user=request.user, pk=pk)
    page = Paginator(comment_threads(debate), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "debates/debate_detail.html",
        {
            "debate": debate,
            "page": page,
            "stances": stance_counts(debate),
            "accepts_comments": comments_open(debate),
        },
    )
