"""Admin for amendments: the paper ballots' entries, read-only (the audit of the double entry:
who typed which paper, when, and the ballot it counted)."""

from django.contrib import admin

from accounts.admin_site import ReadOnlyAdmin

from .models import PaperBallotEntry


@admin.register(PaperBallotEntry)
class PaperBallotEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "identifier",
        "round",
        "place",
        "voted_on",
        "entered_by",
        "entered_at",
        "ballot",
    ]
    list_filter = ["voted_on"]
    search_fields = ["identifier", "place"]
    list_select_related = ["round", "entered_by", "ballot"]
