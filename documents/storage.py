"""Where revision files live (local disk or S3 via the default storage) and how they are served."""

from __future__ import annotations

import logging
import uuid
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .errors import RevisionFileMissing
from .validation import INLINE_TYPES, served_content_type

logger = logging.getLogger(__name__)

KEY_PREFIX = "documents"


def document_storage() -> Storage:
    return default_storage


def storage_key_new() -> str:
    """A random key: nothing of the user's file name reaches the storage layer."""
    token = uuid.uuid4().hex
    return f"{KEY_PREFIX}/{token[:2]}/{token[2:4]}/{token}"


def storage_is_s3(storage: Storage | None = None) -> bool:
    storage = storage or document_storage()
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def storage_put(key: str, fileobj: IO[bytes]) -> str:
    """Store under exactly `key`. FileSystemStorage moves a temp file; S3 streams it in parts."""
    storage = document_storage()
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    saved = storage.save(key, fileobj if isinstance(fileobj, File) else File(fileobj))
    if saved != key:  # a random key never collides; if it did, refuse to guess
        storage.delete(saved)
        raise RuntimeError("storage key collision")
    return saved


def storage_delete(key: str) -> None:
    storage = document_storage()
    storage.delete(key)


def storage_exists(key: str) -> bool:
    return document_storage().exists(key)


def storage_list_keys() -> list[str]:
    """Every stored revision key (for documents_check)."""
    storage = document_storage()
    keys: list[str] = []

    def walk(path: str) -> None:
        try:
            dirs, files = storage.listdir(path)
        except FileNotFoundError:
            return
        keys.extend(f"{path}/{name}" for name in files)
        for sub in dirs:
            walk(f"{path}/{sub}")

    walk(KEY_PREFIX)
    return keys


def disposition(mime_type: str, filename: str) -> tuple[bool, str]:
    inline = mime_type in INLINE_TYPES
    return inline, content_disposition_header(not inline, filename)


def harden(response: HttpResponse, inline: bool) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    # Even a rendered PDF or image runs in an opaque origin without scripts.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _file_missing(revision) -> RevisionFileMissing:
    logger.error(
        "File missing from storage: document %s revision %s (key %s)",
        revision.document_id,
        revision.number,
        revision.storage_key,
    )
    return RevisionFileMissing(
        _(
            "Le fichier de la version %(number)s de ce document est introuvable sur le serveur. "
            "Signalez-le aux responsables de l'espace ; une autre version reste peut-être "
            "téléchargeable."
        )
        % {"number": revision.number}
    )


def revision_response(revision, *, allow_inline: bool = True) -> HttpResponse:
    """The file itself (streamed) or, with S3, a redirect to a short-lived presigned URL.

    PDFs and images open in the browser only when served by us, under a sandboxing CSP; the API
    and presigned S3 URLs (on which we cannot set that header) always send an attachment.
    """
    storage = document_storage()
    s3 = storage_is_s3(storage)
    if allow_inline and not s3:
        inline, header = disposition(revision.mime_type, revision.original_name)
    else:
        inline, header = False, content_disposition_header(True, revision.original_name)
    content_type = served_content_type(revision.mime_type)
    if s3 and not storage.exists(revision.storage_key):
        # One HEAD request, so a lost object reads as a clear 404 here rather than as an XML
        # error page from the bucket after the redirect.
        raise _file_missing(revision)
    if s3:
        # No `expire=` here: the storage's own lifetime (AWS_QUERYSTRING_EXPIRE) applies.
        url = storage.url(
            revision.storage_key,
            parameters={
                "ResponseContentDisposition": header,
                "ResponseContentType": content_type,
            },
        )
        response: HttpResponse = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        stored = storage.open(revision.storage_key, "rb")
    except FileNotFoundError:
        raise _file_missing(revision) from None
    response = FileResponse(stored, content_type=content_type)
    response["Content-Disposition"] = header
    response["Content-Length"] = str(revision.size)
    return harden(response, inline)


def revision_page_response(request, revision, *, back_url: str = "") -> HttpResponse:
    """For the web pages: the file, or a 404 page saying the file is missing from storage."""
    from django.shortcuts import render

    try:
        return revision_response(revision)
    except RevisionFileMissing as error:
        return render(
            request,
            "documents/file_missing.html",
            {
                "message": error.message,
                "back_url": back_url or revision.document.get_absolute_url(),
            },
            status=404,
        )
