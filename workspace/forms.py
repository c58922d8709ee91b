"""Forms for workspaces and memberships."""

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.models import Territory

from .models import Role, Workspace
from .permissions import can_grant_institution
from .services import INSTITUTION_REFUSED


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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # No empty "---------" option: a new space is a citizen group unless chosen otherwise.
        self.fields["kind"].choices = Workspace.Kind.choices
        if self.instance.pk is None:
            self.fields["kind"].initial = Workspace.Kind.CITIZEN_GROUP

    def clean_kind(self) -> str:
        # The service refuses it too; here it becomes an error next to the field.
        kind = self.cleaned_data["kind"]
        unchanged = self.instance.pk is not None and self.instance.kind == kind
        if (
            kind == Workspace.Kind.INSTITUTION
            and not unchanged
            and not can_grant_institution(self.user)
        ):
            raise forms.ValidationError(_(INSTITUTION_REFUSED))
        return kind


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.CONTRIBUTOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
