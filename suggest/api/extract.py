"""POST /v1/extract: turn an uploaded .txt, .docx or .pdf job description into plain text for the page.

The upload is read in chunks and refused as soon as it passes settings.max_upload_bytes; parsing runs in a
worker thread so a slow PDF never blocks the event loop. Every failure is an InputError/PayloadTooLarge with
a stable code (unsupported_file, file_too_large, not_utf8, unreadable_file, no_text)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from ..errors import InputError, PayloadTooLarge
from .auth import Principal, require
from .deps import ERRORS

router = APIRouter(prefix="/v1")

CHUNK = 64 * 1024
MAX_PDF_PAGES = 500
MAX_DOCX_UNZIPPED = 64 * 1024 * 1024  # a small .docx that inflates past this is refused (zip bomb)
KINDS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf"}
MEDIA_TYPES = {"text/plain": "txt", "application/pdf": "pdf",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}
# what SuggestRequest refuses, minus tab and newline; form feeds (PDF page breaks) become newlines
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")



def _safe_name(name: str | None) -> str:
    name = (name or "").strip()
    name = PureWindowsPath(PurePosixPath(name).name).name  # no directories, whichever separator
    name = _CONTROL.sub("", name).replace("\x0c", "")
    return name[:255] or "upload"


def _kind(filename: str, content_type: str | None) -> str:
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in KINDS:
        return KINDS[suffix]
    if not suffix and content_type:
        kind = MEDIA_TYPES.get(content_type.split(";")[0].strip().lower())
        if kind:
            return kind
    raise InputError(f"{filename!r} is not a supported file; upload a .txt, .docx or .pdf file",
                     code="unsupported_file", detail={"filename": filename, "accepted": [".txt", ".docx", ".pdf"]})


async def _read_capped(upload: UploadFile, limit: int) -> bytes:
    buf = bytearray()
    while True:
        chunk = await upload.read(CHUNK)
        if not chunk:
            return bytes(buf)
        buf.extend(chunk)
        if len(buf) > limit:
            raise PayloadTooLarge(f"the file is over the limit of {limit} bytes; upload a smaller file "
                                  "or paste the text", code="file_too_large", detail={"limit": limit})


def _unreadable(filename: str, kind: str, why: str) -> InputError:
    return InputError(f"{filename!r} could not be read as a {kind.upper()} file ({why}); "
                      "check that it opens, or paste the text instead", code="unreadable_file",
                      detail={"filename": filename, "kind": kind})


def _from_txt(data: bytes, filename: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{filename!r} is not UTF-8 text (bad byte at position {exc.start}); "
                         "save it as UTF-8 and upload it again", code="not_utf8",
                         detail={"filename": filename, "position": exc.start}) from exc
    if "\x00" in text:
        raise InputError(f"{filename!r} is not UTF-8 text (it looks like UTF-16 or a binary file); "
                         "save it as UTF-8 and upload it again", code="not_utf8", detail={"filename": filename})
    return text


def _docx_blocks(container) -> list[str]:
    """Paragraphs and table cells in document order; merged cells once; nested tables too."""
    from docx.table import Table

    out: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    out.extend(_docx_blocks(cell))
        else:
            out.append(block.text)
    return out


def _from_docx(data: bytes, filename: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_DOCX_UNZIPPED:
                raise _unreadable(filename, "docx", "it unpacks to more than "
                                  f"{MAX_DOCX_UNZIPPED // (1024 * 1024)} MB")
    except zipfile.BadZipFile as exc:
        raise _unreadable(filename, "docx", "not a Word .docx document") from exc
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        blocks = _docx_blocks(document)
    except InputError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors... on damaged files
        raise _unreadable(filename, "docx", type(exc).__name__) from exc
    return "\n".join(blocks)


def _from_pdf(data: bytes, filename: str) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _unreadable(filename, "pdf", "it is password-protected")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise _unreadable(filename, "pdf", f"more than {MAX_PDF_PAGES} pages")
        texts = [(page.extract_text() or "").strip() for page in pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError and assorted errors on damaged files
        raise _unreadable(filename, "pdf", type(exc).__name__) from exc
    return "\n\n".join(t for t in texts if t)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = _CONTROL.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def extract_text(data: bytes, filename: str, kind: str) -> str:
    """Plain text of an uploaded file; raises InputError with code not_utf8, unreadable_file or no_text."""
    if kind == "txt":
        text = _from_txt(data, filename)
    elif kind == "docx":
        text = _from_docx(data, filename)
    else:
        text = _from_pdf(data, filename)
    text = _clean(text)
    if not text:
        hint = " (it may be a scanned image; paste the text or upload a text-based file)" if kind != "txt" else ""
        raise InputError(f"no text could be extracted from {filename!r}{hint}", code="no_text",
                         detail={"filename": filename, "kind": kind})
    return text


@router.post("/extract", responses=ERRORS, tags=["suggestions"])
async def extract(request: Request, who: Annotated[Principal, Depends(require("viewer"))],
                  file: Annotated[UploadFile, File(description="a .txt (UTF-8), .docx or .pdf job description")]
                  ) -> dict:
    """Extract the text of an uploaded job description so it can be reviewed before suggesting."""
    settings = request.app.state.services.settings
    filename = _safe_name(file.filename)
    try:
        kind = _kind(filename, file.content_type)
        data = await _read_capped(file, settings.max_upload_bytes)
    finally:
        await file.close()
    text = await run_in_threadpool(extract_text, data, filename, kind)
    return {"text": text, "filename": filename, "kind": kind}
