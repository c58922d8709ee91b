"""Forms for workspaces and memberships."""

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.models import Territory

from .models import Role, Workspace


class WorkspaceForm(forms.ModelForm):
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.order_by("kind", "name"),
        required=False,
        empty_label=_("— aucun —"),
    )

    class Meta:
        model = Workspace
        fields = ["name", "kind", "visibility", "territory", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique du compte"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.CONTRIBUTOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
