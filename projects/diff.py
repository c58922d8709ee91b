"""Field-by-field differences between two sheet versions, for the API (JSON) and pages (HTML)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SheetVersion
from .sections import SECTIONS

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
_WORDS = re.compile(r"(\s+)")


@dataclass
class FieldDiff:
    code: str
    label: Any
    granularity: str  # "lines" or "words"
    old: str
    new: str
    ops: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def as_dict(self) -> dict:
        return {
            "field": self.code,
            "label": str(self.label),
            "granularity": self.granularity,
            "ops": [{"op": op, "text": text} for op, text in self.ops],
        }

    def as_html(self) -> SafeString:
        """Escaped text with <ins>/<del> around what changed; wrap it in a pre-wrap block."""
        parts = []
        for op, text in self.ops:
            if op == INSERT:
                parts.append(f"<ins>{escape(text)}</ins>")
            elif op == DELETE:
                parts.append(f"<del>{escape(text)}</del>")
            else:
                parts.append(escape(text))
        return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def _tokens(text: str, granularity: str) -> list[str]:
    if granularity == "lines":
        return text.splitlines(keepends=True)
    return [t for t in _WORDS.split(text) if t]


def diff_ops(old: str, new: str, granularity: str) -> list[tuple[str, str]]:
    """Ops whose equal+delete texts rebuild `old` and equal+insert texts rebuild `new`."""
    a, b = _tokens(old, granularity), _tokens(new, granularity)
    ops: list[tuple[str, str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1][0] == op:
            ops[-1] = (op, ops[-1][1] + text)
        else:
            ops.append((op, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            push(EQUAL, "".join(a[i1:i2]))
        else:
            push(DELETE, "".join(a[i1:i2]))
            push(INSERT, "".join(b[j1:j2]))
    return ops


def _yes_no(value: Any) -> str:
    if value is None:
        return ""
    return _("oui") if value else _("non")


def version_field_values(version: SheetVersion, names: dict[str, str] | None = None) -> list:
    """(code, label, granularity, text) for every compared field of a version, in page order.

    `names` maps territory/theme slugs to display names (one query for both versions).
    """
    names = names or {}
    sections = version.sections or {}
    meta = version.meta or {}
    rows = [
        ("title", gettext_lazy("Titre"), "words", version.title),
        ("summary", gettext_lazy("Résumé"), "lines", version.summary),
        ("body", gettext_lazy("Description"), "lines", version.body),
    ]
    for stage_section in SECTIONS:
        for f in stage_section.fields:
            granularity = "lines" if f.kind == "markdown" else "words"
            rows.append((f.code, f.label, granularity, str(sections.get(f.code, ""))))
    territory = meta.get("territory") or ""
    themes = meta.get("themes") or []
    rows += [
        ("is_public", gettext_lazy("Fiche publique"), "words", _yes_no(meta.get("is_public"))),
        ("territory", gettext_lazy("Territoire"), "words", names.get(territory, territory)),
        ("themes", gettext_lazy("Thèmes"), "words", ", ".join(names.get(t, t) for t in themes)),
    ]
    return rows


def _slug_names(*versions: SheetVersion) -> dict[str, str]:
    from territories.models import Territory, Theme

    territories = {v.meta.get("territory") for v in versions if (v.meta or {}).get("territory")}
    themes = {t for v in versions for t in (v.meta or {}).get("themes", [])}
    names: dict[str, str] = {}
    if territories:
        names.update(Territory.objects.filter(slug__in=territories).values_list("slug", "name"))
    if themes:
        names.update(Theme.objects.filter(slug__in=themes).values_list("slug", "name"))
    return names


def version_diff(old: SheetVersion, new: SheetVersion, *, only_changed: bool = True) -> list:
    """The list of FieldDiff from `old` to `new` (changed fields only, unless asked)."""
    names = _slug_names(old, new)
    result = []
    for (code, label, granularity, a), (_c, _l, _g, b) in zip(
        version_field_values(old, names), version_field_values(new, names), strict=True
    ):
        if only_changed and a == b:
            continue
        diff = FieldDiff(code=code, label=label, granularity=granularity, old=a, new=b)
        diff.ops = diff_ops(a, b, granularity) if a != b else [(EQUAL, a)] if a else []
        result.append(diff)
    return result


def text_diff(old: str, new: str, *, label: Any = "", code: str = "text") -> FieldDiff:
    """A diff of two free texts (the conflict page compares the current and the user's text)."""
    diff = FieldDiff(code=code, label=label, granularity="lines", old=old, new=new)
    diff.ops = diff_ops(old, new, "lines")
    return diff
