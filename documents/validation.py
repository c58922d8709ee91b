"""What an uploaded file may be: name sanitising, content-type detection and structural checks."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import magic
from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

from interface.formats import filesize

from .errors import EmptyFile, ExtensionMismatch, FileTooLarge, UnsupportedFileType

NAME_MAX_LENGTH = 150
SNIFF_BYTES = 64 * 1024

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
TEXT = "text/plain"
CSV = "text/csv"
MARKDOWN = "text/markdown"

# The allowlist: type we serve → extensions that may carry it.
ALLOWED_EXTENSIONS: dict[str, frozenset[str]] = {
    PDF: frozenset({"pdf"}),
    ODT: frozenset({"odt"}),
    ODS: frozenset({"ods"}),
    ODP: frozenset({"odp"}),
    DOCX: frozenset({"docx"}),
    XLSX: frozenset({"xlsx"}),
    PPTX: frozenset({"pptx"}),
    PNG: frozenset({"png"}),
    JPEG: frozenset({"jpg", "jpeg"}),
    WEBP: frozenset({"webp"}),
    TEXT: frozenset({"txt", "text"}),
    CSV: frozenset({"csv"}),
    MARKDOWN: frozenset({"md", "markdown"}),
}
TYPE_LABELS = {
    PDF: "PDF",
    ODT: "ODT",
    ODS: "ODS",
    ODP: "ODP",
    DOCX: "DOCX",
    XLSX: "XLSX",
    PPTX: "PPTX",
    PNG: "PNG",
    JPEG: "JPEG",
    WEBP: "WebP",
    TEXT: "Texte",
    CSV: "CSV",
    MARKDOWN: "Markdown",
}
# Safe to show in the browser (inside a CSP sandbox); everything else is an attachment.
INLINE_TYPES = frozenset({PDF, PNG, JPEG, WEBP})
ZIP_TYPES_BY_EXTENSION = {
    "odt": ODT,
    "ods": ODS,
    "odp": ODP,
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
}
OOXML_MAIN_PARTS = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
TEXT_BY_EXTENSION = {"txt": TEXT, "text": TEXT, "csv": CSV, "md": MARKDOWN, "markdown": MARKDOWN}
# libmagic names for plain text that is still just text to us (it guesses languages from words).
TEXTUAL_MAGIC = re.compile(r"^text/(plain|csv|markdown|x-markdown|x-[a-z0-9+.-]+)$")
ACTIVE_TEXT_MAGIC = frozenset(
    {"text/html", "text/xml", "text/x-php", "text/javascript", "text/x-shellscript"}
)
ACTIVE_MARKERS = re.compile(rb"<\s*(script|html|svg|iframe|object|embed)\b", re.IGNORECASE)

# Zip bombs: refuse archives that would inflate beyond these, whatever they claim to be.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_RATIO = 100


def zip_max_uncompressed() -> int:
    return getattr(settings, "FABRIQUE_ZIP_MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024)


_UNSAFE_CHARS = re.compile(r'[\\/:*?"<>|]')


def sanitize_filename(name: str) -> str:
    """A display name safe anywhere: no path parts, no control/format (bidi) chars, capped length."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: format characters, which include the bidi overrides
    # (U+202A–U+202E, U+2066–U+2069) and zero-width joiners used to disguise extensions.
    name = "".join(
        ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    name = _UNSAFE_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name:
        name = "document"
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: NAME_MAX_LENGTH - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:NAME_MAX_LENGTH]
    return name


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    size: int
    sha256: str
    mime_type: str


def _hash_and_size(fileobj: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


def _refuse_type(name: str) -> UnsupportedFileType:
    return UnsupportedFileType(
        _(
            "Le fichier « %(name)s » n'est pas d'un type accepté. Types acceptés : PDF, "
            "ODT, ODS, ODP, DOCX, XLSX, PPTX, PNG, JPEG, WebP, texte, CSV, Markdown."
        )
        % {"name": name}
    )


def _check_zip(fileobj: IO[bytes], expected: str, name: str) -> None:
    """Structural check of ODF/OOXML packages, and refusal of zip bombs."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _refuse_type(name) from error
    if len(entries) > ZIP_MAX_ENTRIES:
        raise _refuse_type(name)
    total = sum(e.file_size for e in entries)
    compressed = sum(e.compress_size for e in entries) or 1
    if total > zip_max_uncompressed() or total / compressed > ZIP_MAX_RATIO:
        raise UnsupportedFileType(
            _("Le fichier « %(name)s » se décompresse de façon anormale ; il est refusé.")
            % {"name": name}
        )
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > ZIP_MAX_RATIO:
            raise UnsupportedFileType(
                _("Le fichier « %(name)s » se décompresse de façon anormale ; il est refusé.")
                % {"name": name}
            )
        if entry.flag_bits & 0x1:  # encrypted entries cannot be checked
            raise _refuse_type(name)
    names = {e.filename for e in entries}
    try:
        if expected in (ODT, ODS, ODP):
            # ODF: the first entry is an uncompressed "mimetype" naming the exact type.
            if entries[0].filename != "mimetype" or "content.xml" not in names:
                raise _refuse_type(name)
            declared = archive.read("mimetype")[:200].decode("ascii", "replace").strip()
            if declared != expected:
                raise ExtensionMismatch(_mismatch_message(name))
        else:
            if "[Content_Types].xml" not in names:
                raise _refuse_type(name)
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise UnsupportedFileType(
                    _("Le fichier « %(name)s » contient des macros ; il est refusé.")
                    % {"name": name}
                )
            with archive.open("[Content_Types].xml") as part:
                root = ElementTree.fromstring(part.read(1024 * 1024))
            declared = {el.get("ContentType", "") for el in root.iter() if el.get("ContentType")}
            if OOXML_MAIN_PARTS[expected] not in declared:
                if any(t in declared for t in OOXML_MAIN_PARTS.values()):
                    raise ExtensionMismatch(_mismatch_message(name))
                raise _refuse_type(name)
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError) as error:
        raise _refuse_type(name) from error
    except Exception as error:  # defusedxml refusals (entities, DTDs) and similar
        if isinstance(error, UnsupportedFileType):
            raise
        raise _refuse_type(name) from error
    finally:
        fileobj.seek(0)


def _mismatch_message(name: str) -> str:
    return _(
        "L'extension du fichier « %(name)s » ne correspond pas à son contenu ; "
        "renommez-le avec la bonne extension."
    ) % {"name": name}


def detect_type(fileobj: IO[bytes], name: str) -> str:
    """The type we will serve, from the content; raises when off the allowlist or mismatched."""
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    sniffed = magic.from_buffer(head, mime=True)
    ext = extension_of(name)
    if head.startswith(b"PK\x03\x04") or sniffed in {
        "application/zip",
        *ZIP_TYPES_BY_EXTENSION.values(),
    }:
        expected = ZIP_TYPES_BY_EXTENSION.get(ext)
        if expected is None:
            raise _refuse_type(name)
        _check_zip(fileobj, expected, name)
        return expected
    if sniffed in ALLOWED_EXTENSIONS and sniffed not in (TEXT, CSV, MARKDOWN):
        if ext not in ALLOWED_EXTENSIONS[sniffed]:
            raise ExtensionMismatch(_mismatch_message(name))
        if sniffed == PDF and ACTIVE_MARKERS.search(head):
            # A PDF/HTML polyglot would be dangerous if anything ever sniffed it as HTML.
            raise UnsupportedFileType(
                _("Le fichier « %(name)s » contient du code actif ; il est refusé.")
                % {"name": name}
            )
        return sniffed
    if sniffed in ACTIVE_TEXT_MAGIC or not TEXTUAL_MAGIC.match(sniffed):
        raise _refuse_type(name)
    if ext not in TEXT_BY_EXTENSION:
        if ext in {e for exts in ALLOWED_EXTENSIONS.values() for e in exts}:
            raise ExtensionMismatch(_mismatch_message(name))
        raise _refuse_type(name)
    if b"\x00" in head:
        raise _refuse_type(name)
    return TEXT_BY_EXTENSION[ext]


def check_upload(fileobj: IO[bytes], name: str) -> CheckedFile:
    """Everything we learn from the file before storing it; raises UploadRefused subclasses.

    Size and hash come from the streaming upload handler when there is one, so the file is not
    read twice on the web path; other callers (demo, tests, API scripts) get them computed here.
    """
    original_name = sanitize_filename(name)
    sha256 = getattr(fileobj, "sha256", None)
    size = getattr(fileobj, "streamed_size", None)
    raw = getattr(fileobj, "file", fileobj)
    if sha256 is None or size is None:
        sha256, size = _hash_and_size(raw)
    if size == 0:
        raise EmptyFile(_("Le fichier « %(name)s » est vide.") % {"name": original_name})
    if size > settings.FABRIQUE_UPLOAD_MAX_BYTES:
        raise FileTooLarge(too_large_message())
    mime_type = detect_type(raw, original_name)
    return CheckedFile(original_name=original_name, size=size, sha256=sha256, mime_type=mime_type)


def too_large_message() -> str:
    return _("Le fichier dépasse la taille maximale de %(max)s.") % {
        "max": filesize(settings.FABRIQUE_UPLOAD_MAX_BYTES)
    }


def file_type_label(mime_type: str) -> str:
    return TYPE_LABELS.get(mime_type, mime_type)


def served_content_type(mime_type: str) -> str:
    if mime_type.startswith("text/"):
        return f"{mime_type}; charset=utf-8"
    return mime_type
