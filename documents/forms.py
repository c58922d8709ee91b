"""Forms of the document pages (upload, metadata, share links, share-link password)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import DocumentError
from .models import Document, Visibility
from .services.sharing import share_link_password_validate
from .validation import ALLOWED_EXTENSIONS, TYPE_LABELS

ACCEPT = ",".join(sorted({f".{e}" for exts in ALLOWED_EXTENSIONS.values() for e in exts}))
SHEET_INVALID_CHOICE = _("Choisissez une fiche projet de cet espace.")


def _workspace_sheets(workspace):
    """The sheets a document of `workspace` may be filed under: only that workspace's."""
    from projects.models import ProjectSheet

    return ProjectSheet.objects.filter(workspace=workspace).order_by("title")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        allow_empty_file=True,
        help_text=_("PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, PNG, JPEG, WebP, texte, CSV, Markdown."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    title = forms.CharField(label=_("Titre"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Visibilité"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )
    sheet = forms.ModelChoiceField(
        label=_("Fiche projet"),
        queryset=None,
        required=False,
        empty_label=_("Aucune fiche"),
        error_messages={"invalid_choice": SHEET_INVALID_CHOICE},
    )

    def __init__(self, *args, workspace=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].queryset = _workspace_sheets(workspace)


class RevisionForm(forms.Form):
    file = forms.FileField(
        label=_("Nouvelle version"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "description", "visibility", "sheet"]
        labels = {"sheet": _("Fiche projet")}
        help_texts = {"sheet": _("Laissez vide pour ne rattacher le document à aucune fiche.")}
        error_messages = {"sheet": {"invalid_choice": SHEET_INVALID_CHOICE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sheet = self.fields["sheet"]
        sheet.queryset = _workspace_sheets(self.instance.workspace)
        sheet.empty_label = _("Aucune fiche")


def _default_expiry():
    return (timezone.localtime() + timedelta(days=7)).date()


class ShareLinkForm(forms.Form):
    label = forms.CharField(label=_("Libellé"), required=False, max_length=120)
    expires_on = forms.DateField(
        label=_("Expire le"),
        initial=_default_expiry,
        # <input type="date"> only takes an ISO value: the French "30/11/2026" would be dropped.
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    password = forms.CharField(
        label=_("Mot de passe (facultatif)"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        minimum = settings.FABRIQUE_SHARE_LINK_PASSWORD_MIN_LENGTH
        field = self.fields["password"]
        field.help_text = _("Au moins %(min)s caractères.") % {"min": minimum}
        field.widget.attrs["minlength"] = minimum

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            share_link_password_validate(password)
        except DocumentError as error:
            raise forms.ValidationError(error.message) from None
        return password


class SharePasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe"), max_length=128, widget=forms.PasswordInput(render_value=False)
    )


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom contient"), required=False, max_length=200)
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous"))] + sorted(TYPE_LABELS.items(), key=lambda kv: kv[1]),
    )
    visibility = forms.ChoiceField(
        label=_("Visibilité"), required=False, choices=[("", _("Toutes")), *Visibility.choices]
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("recent", _("Plus récents")),
            ("oldest", _("Plus anciens")),
            ("title", _("Titre A→Z")),
            ("-title", _("Titre Z→A")),
            ("size", _("Taille")),
        ],
    )
