"""Streaming upload: temp file on disk, SHA-256 and size computed as chunks arrive, hard cap."""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import weakref
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest

from .tempfiles import UPLOAD_PREFIX, named_temp_file

# Room for the multipart envelope and the small form fields around the file.
ENVELOPE_SLACK = 256 * 1024


class StreamedUploadFile(TemporaryUploadedFile):
    """Django's temporary upload file, named with our prefix in our temp directory, so that
    one left by a killed process is recognised and swept (documents/tempfiles.py)."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        _stem, ext = os.path.splitext(name)
        file = named_temp_file(prefix=UPLOAD_PREFIX, suffix=".upload" + ext[:16])
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class _BackgroundHasher:
    """SHA-256 in a helper thread: hashlib releases the GIL on large buffers, so hashing runs
    on another core while the multipart parser (pure Python, holding the GIL) keeps reading.
    The queue is bounded, so at most a few chunks wait in memory. If the request dies without
    closing us (client gone mid-body), the thread notices its handler was freed and exits."""

    def __init__(self, owner: object) -> None:
        self.digest = hashlib.sha256()
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self.owner = weakref.ref(owner)
        self.thread = threading.Thread(target=self._run, name="upload-sha256", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                chunk = self.chunks.get(timeout=5)
            except queue.Empty:
                if self.owner() is None:
                    return
                continue
            if chunk is None:
                return
            self.digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self.chunks.put(chunk)

    def hexdigest(self) -> str:
        self.close()
        return self.digest.hexdigest()

    def close(self) -> None:
        if self.thread.is_alive():
            self.chunks.put(None)
            self.thread.join()


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes every file to a temporary file (never memory), hashing and counting as it goes.

    Past FABRIQUE_UPLOAD_MAX_BYTES it stops the upload: the parser closes (and so deletes) the
    temporary file and drains the rest of the body, and the view answers 413.
    """

    # Larger reads than Django's 64 KiB: fewer trips through the parser's Python loop.
    chunk_size = 1024 * 1024

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.too_large = False
        self._hasher: _BackgroundHasher | None = None
        self._size = 0

    def new_file(self, *args, **kwargs) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = StreamedUploadFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )
        if self._hasher is not None:
            self._hasher.close()
        self._hasher = _BackgroundHasher(self)
        self._size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size > settings.FABRIQUE_UPLOAD_MAX_BYTES:
            self.too_large = True
            if self._hasher is not None:
                self._hasher.close()
            raise StopUpload(connection_reset=False)
        self._hasher.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int):
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.sha256 = self._hasher.hexdigest()
            uploaded.streamed_size = self._size
        return uploaded

    def upload_complete(self) -> None:
        if self._hasher is not None:
            self._hasher.close()
        return super().upload_complete()

    def upload_interrupted(self) -> None:
        if self._hasher is not None:
            self._hasher.close()
        super().upload_interrupted()


def install_upload_handlers(request: HttpRequest) -> HashingUploadHandler:
    """Must run before anything reads request.POST/FILES (CSRF checks do)."""
    handler = HashingUploadHandler(request)
    request.upload_handlers = [handler]
    return handler


def declared_length_too_large(request: HttpRequest) -> bool:
    """An honest Content-Length over the limit is refused before a byte of the body is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.FABRIQUE_UPLOAD_MAX_BYTES + ENVELOPE_SLACK


def upload_too_large(request: HttpRequest) -> bool:
    handler = getattr(request, "_fabrique_upload_handler", None)
    return bool(handler and handler.too_large)


def streaming_upload(
    view: Callable | None = None, *, too_large_response: Callable | None = None
) -> Callable:
    """Decorator for plain Django views: install the hashing handler before CSRF reads the body.

    Use as `csrf_exempt(streaming_upload(csrf_protect(view)))`, Django's documented pattern for
    changing upload handlers on a CSRF-protected view.

    A body whose Content-Length is over the limit is answered at once, before the CSRF check
    would read (and spool) it: by `too_large_response(request, *args, **kwargs)` when given (the
    HTML form pages re-render themselves), else with a JSON 413 carrying `detail`. Such a
    callable must not touch request.POST or request.FILES.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                if declared_length_too_large(request):
                    if too_large_response is not None:
                        return too_large_response(request, *args, **kwargs)
                    from django.http import JsonResponse

                    from .validation import too_large_message

                    return JsonResponse({"detail": too_large_message()}, status=413)
                request._fabrique_upload_handler = install_upload_handlers(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
