"""Admin views of the workflow records: read-only, since writes go through the services."""

from django.contrib import admin

from accounts.admin_site import ReadOnlyAdmin

from .models import Attestation, TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["created", "sheet", "name", "from_stage", "to_stage", "actor", "version_number"]
    list_filter = ["name", "to_stage"]
    search_fields = ["sheet__title", "note"]
    list_select_related = ["sheet", "actor"]
    date_hierarchy = "created"


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "code", "attested_by", "attested_at", "withdrawn_by", "withdrawn_at"]
    list_filter = ["code"]
    search_fields = ["sheet__title"]
    list_select_related = ["sheet", "attested_by", "withdrawn_by"]
