"""Pages of the projects app."""

from django.shortcuts import render


def list(request):
    return render(request, "projects/list.html", {})
