"""Small real files of every accepted type, and the bad-file corpus, built in code."""

import io
import os
import struct
import zipfile
import zlib

from documents.demo import tiny_pdf


def pdf(text: str = "Bonjour Fabrique") -> bytes:
    return tiny_pdf(text)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"\x00\xff\x00\x00"  # one red pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\x00" * 64
        + b"\xff\xd9"
    )


def webp() -> bytes:
    body = b"WEBPVP8 " + struct.pack("<I", 10) + b"\x00" * 10
    return b"RIFF" + struct.pack("<I", len(body)) + body


CT_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def docx(text: str = "Texte du document Word") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_DOCX.format(main=DOCX_MAIN))
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def xlsx_as_docx_content() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_DOCX.format(main=XLSX_MAIN))
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def odt(text: str = "Texte du document ODF") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
            f"<text:h>Titre</text:h><text:p>{text}</text:p></office:text></office:body>"
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buf.getvalue()


def zip_bomb_docx(size: int = 200 * 1024 * 1024) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_DOCX.format(main=DOCX_MAIN))
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                part.write(block)
    return buf.getvalue()


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + os.urandom(200)


def pe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 100


GOOD = {
    "rapport.pdf": (pdf, "application/pdf"),
    "image.png": (png, "image/png"),
    "photo.jpg": (jpeg, "image/jpeg"),
    "image.webp": (webp, "image/webp"),
    "note.docx": (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "note.odt": (odt, "application/vnd.oasis.opendocument.text"),
    "notes.txt": (lambda: "Un texte accentué.\n".encode(), "text/plain"),
    "comptage.csv": (lambda: b"date,velos\n2026-01-01,12\n", "text/csv"),
    "lisez-moi.md": (lambda: b"# Titre\n\nDu *Markdown*.\n", "text/markdown"),
}

BAD = {
    "html renamed pdf": (
        "rapport.pdf",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    ),
    "html as txt": ("notes.txt", b"<html><head><script>alert(1)</script></head></html>"),
    "svg with script": (
        "dessin.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "svg renamed png": (
        "dessin.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "pdf html polyglot": (
        "poly.pdf",
        b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n" + pdf()[9:],
    ),
    "gif script polyglot": ("image.gif", b"GIF89a/*\x00\x00*/=1;alert(1);//" + b"\x00" * 32),
    "gif polyglot renamed png": ("image.png", b"GIF89a/*\x00\x00*/=1;alert(1);//" + b"\x00" * 32),
    "elf executable": ("programme.pdf", elf()),
    "pe executable": ("setup.txt", pe()),
    "random with zip header": ("archive.docx", b"PK\x03\x04" + os.urandom(2000)),
    "plain zip": ("archive.zip", None),
    "docx renamed odt": ("note.odt", docx()),
    "pdf renamed docx": ("note.docx", pdf()),
    "xlsx content named docx": ("tableur.docx", xlsx_as_docx_content()),
    "png renamed jpg": ("image.jpg", png()),
    "xml": ("data.xml", b'<?xml version="1.0"?><data/>'),
    "text without extension": ("LISEZMOI", b"hello"),
}


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    return buf.getvalue()


def pdf_accented(text: str = "Aménagement du quai") -> bytes:
    """A PDF with accented text: the demo builder's font declares WinAnsiEncoding."""
    return tiny_pdf(text)


PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)


def _odf(mimetype: str, body: str) -> bytes:
    """An ODF package: the uncompressed "mimetype" entry first, then content.xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "content.xml",
            f"<office:document-content {_ODF_NS}><office:body>{body}</office:body>"
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buf.getvalue()


def ods(text: str = "Tableur ODF") -> bytes:
    return _odf(
        ODS,
        '<office:spreadsheet><table:table table:name="Feuille1"><table:table-row>'
        f"<table:table-cell><text:p>{text}</text:p></table:table-cell>"
        "</table:table-row></table:table></office:spreadsheet>",
    )


def odp(text: str = "Présentation ODF") -> bytes:
    return _odf(
        ODP,
        '<office:presentation><draw:page draw:name="page1"><draw:frame><draw:text-box>'
        f"<text:p>{text}</text:p></draw:text-box></draw:frame></draw:page>"
        "</office:presentation>",
    )


def xlsx(text: str = "Tableur Excel") -> bytes:
    """A workbook whose one string cell lives in xl/sharedStrings.xml."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_MAIN}"/></Types>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}"><sheets><sheet name="Feuille1" sheetId="1"/></sheets>'
            "</workbook>",
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
            "</row></sheetData></worksheet>",
        )
        z.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main}" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>',
        )
    return buf.getvalue()


def pptx(text: str = "Diaporama PowerPoint") -> bytes:
    """A presentation with one slide holding one paragraph."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/ppt/presentation.xml" ContentType="{PPTX_MAIN}"/></Types>',
        )
        z.writestr(
            "ppt/presentation.xml",
            '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
        )
        z.writestr(
            "ppt/slides/slide1.xml",
            '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>'
            f"<p:sp><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>"
            "</p:spTree></p:cSld></p:sld>",
        )
    return buf.getvalue()
