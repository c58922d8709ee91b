"""Pages of the workflow app."""

from django.shortcuts import render


def board(request):
    return render(request, "workflow/board.html", {})
