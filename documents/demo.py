"""Demo documents for the public workspaces (idempotent: looks documents up by title)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile

from .models import Document, Visibility


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF with a line of text, built by hand (xref offsets computed); the font
    declares WinAnsiEncoding so accented French text is extracted as written."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


DEMO = [
    (
        "collectif-velo-neudorf",
        "alice@demo.fabrique.test",
        "Comptage vélo rue du Jura",
        "comptage-rue-du-jura.csv",
        b"date,heure,velos\n2026-05-12,08:00,142\n2026-05-12,18:00,171\n",
        Visibility.PUBLIC,
    ),
    (
        "collectif-velo-neudorf",
        "alice@demo.fabrique.test",
        "Compte rendu de la réunion du 3 juin",
        "compte-rendu-reunion.md",
        "# Réunion du collectif\n\n- Piste cyclable rue du Jura : dossier à compléter.\n".encode(),
        Visibility.MEMBERS,
    ),
    (
        "service-mobilite-ems",
        "service@demo.fabrique.test",
        "Plan vélo métropolitain – synthèse",
        "plan-velo-synthese.pdf",
        tiny_pdf("Plan vélo métropolitain - synthèse publique"),
        Visibility.PUBLIC,
    ),
]


def seed() -> int:
    from accounts.demo import demo_user
    from workspace.models import Workspace

    from .services import document_create

    created = 0
    for slug, email, title, filename, content, visibility in DEMO:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None or Document.objects.filter(workspace=workspace, title=title).exists():
            continue
        document_create(
            actor=demo_user(email),
            workspace=workspace,
            file=ContentFile(content, name=filename),
            name=filename,
            title=title,
            visibility=visibility,
        )
        created += 1
    return created


def sheet_document_attach(sheet: Any, actor: Any) -> Document:
    """The public consultation file of a demo sheet (the workflow demo files it when the
    consultation opens, as a service would)."""
    from .services import document_create

    name = f"{sheet.slug}-dossier.pdf"
    return document_create(
        actor=actor,
        workspace=sheet.workspace,
        file=ContentFile(tiny_pdf(f"Dossier public - {sheet.slug}"), name=name),
        name=name,
        title=f"Dossier de concertation — {sheet.title}",
        visibility="public",
        sheet=sheet,
    )
