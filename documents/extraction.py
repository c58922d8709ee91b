"""Plain text out of stored revisions, for search: bounded in time, input and output size."""

from __future__ import annotations

import multiprocessing
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from defusedxml import ElementTree
from django.conf import settings

from . import validation as v
from .storage import document_storage
from .tempfiles import EXTRACT_PREFIX, named_temp_file

# Tags (local names) whose text makes one line: ODF text:p/text:h, OOXML w:p/a:p, XLSX si/is.
PARAGRAPH_TAGS = frozenset({"p", "h", "si", "is"})


class ExtractionTimeout(Exception):
    pass


class ExtractionFailed(Exception):
    pass


class Budget:
    """Cooperative limits: extractors check it between pages/paragraphs."""

    def __init__(self, seconds: float, max_chars: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.chars = 0

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ExtractionTimeout()

    def add(self, text: str) -> bool:
        """Append text; False once the cap is reached (the caller stops reading)."""
        self.check()
        text = text.strip()
        if not text:
            return True
        room = self.max_chars - self.chars
        if room <= 0:
            return False
        self.parts.append(text[:room])
        self.chars += min(len(text), room) + 1
        return self.chars < self.max_chars

    def text(self) -> str:
        return "\n".join(self.parts)


class _Limited:
    """A reader that refuses to inflate more than `limit` bytes (zip bombs that slipped by)."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw = raw
        self.left = limit

    def read(self, n: int = -1) -> bytes:
        chunk = self.raw.read(65536 if n is None or n < 0 else min(n, 65536))
        self.left -= len(chunk)
        if self.left < 0:
            raise ValueError("entry too large")
        return chunk


def _pdf(path: str, budget: Budget) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        for index in range(len(pdf)):
            budget.check()
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                keep_going = budget.add(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
            if not keep_going:
                break
    finally:
        pdf.close()


def _xml_paragraphs(stream: IO[bytes]) -> Iterator[str]:
    for _event, element in ElementTree.iterparse(stream, events=("end",)):
        if element.tag.rsplit("}", 1)[-1] in PARAGRAPH_TAGS:
            yield "".join(element.itertext())
            element.clear()


def _zip_parts(archive: zipfile.ZipFile, mime_type: str) -> list[str]:
    names = archive.namelist()
    if mime_type in (v.ODT, v.ODS, v.ODP):
        return ["content.xml"]
    if mime_type == v.DOCX:
        return ["word/document.xml"]
    if mime_type == v.XLSX:
        return [n for n in names if n == "xl/sharedStrings.xml"]
    if mime_type == v.PPTX:
        slides = [n for n in names if n.startswith("ppt/slides/slide") and n.endswith(".xml")]
        return sorted(slides, key=lambda n: int("".join(c for c in n if c.isdigit()) or 0))
    return []


def _zipped_xml(path: str, mime_type: str, budget: Budget) -> None:
    limit = v.zip_max_uncompressed()
    with zipfile.ZipFile(path) as archive:
        for part in _zip_parts(archive, mime_type):
            with archive.open(part) as raw:
                for paragraph in _xml_paragraphs(_Limited(raw, limit)):
                    if not budget.add(paragraph):
                        return


def _plain(path: str, budget: Budget) -> None:
    with open(path, "rb") as handle:
        data = handle.read(budget.max_chars * 4)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    budget.add(text)


def _extract_path(path: str, mime_type: str, seconds: float, max_chars: int) -> str:
    budget = Budget(seconds, max_chars)
    if mime_type == v.PDF:
        _pdf(path, budget)
    elif mime_type in v.ZIP_TYPES_BY_EXTENSION.values():
        _zipped_xml(path, mime_type, budget)
    elif mime_type in (v.TEXT, v.CSV, v.MARKDOWN):
        _plain(path, budget)
    return budget.text()


def _child(conn: Any, fn: Callable[..., str], args: tuple) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as error:  # reported to the parent, which marks the revision failed
        conn.send(("error", repr(error)))
    finally:
        conn.close()


def run_with_time_limit(fn: Callable[..., str], args: tuple, seconds: float) -> str:
    """Run `fn(*args)` in a forked child killed after `seconds`.

    The extractors' cooperative checks cannot interrupt native code stuck inside one PDF page;
    a child process can always be killed, and a crash there cannot take the worker down.
    """
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: cooperative limits only
        return fn(*args)
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, fn, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ExtractionTimeout(f"no result after {seconds}s")
        try:
            status, payload = receiver.recv()
        except EOFError as error:  # the child died (crash, out of memory)
            raise ExtractionFailed("extractor died") from error
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if status != "ok":
        raise ExtractionFailed(payload)
    return payload


def extract_text(storage_key: str, mime_type: str) -> str:
    """Text of a stored file ('' for images). Raises on unreadable files or past the limits."""
    if mime_type in (v.PNG, v.JPEG, v.WEBP):
        return ""
    seconds = float(getattr(settings, "FABRIQUE_EXTRACT_TIME_LIMIT_SECONDS", 60))
    max_chars = int(getattr(settings, "FABRIQUE_EXTRACT_MAX_CHARS", 1_000_000))
    # Work on a local copy: extractors want a seekable path, and S3 objects are remote.
    # In the swept temp directory: a worker killed here leaves a copy of a private document.
    with named_temp_file(prefix=EXTRACT_PREFIX, suffix=".bin") as local:
        with document_storage().open(storage_key, "rb") as stored:
            shutil.copyfileobj(stored, local, 1024 * 1024)
        local.flush()
        return run_with_time_limit(
            _extract_path, (local.name, mime_type, seconds, max_chars), seconds + 1
        )
