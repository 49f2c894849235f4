"""POST /v1/extract: turn an uploaded .txt, .docx or .pdf job description into plain text for the page.

The upload is read in chunks and refused as soon as it passes settings.max_upload_bytes. Parsing is bounded
by work too: it stops at max_text_chars characters, max_extract_paragraphs / max_extract_pages, or
extract_timeout_s, and the answer says `truncated`. It runs in a worker thread, behind the model slot, so
uploads cannot pile CPU work beside the model calls. Every failure is an InputError/PayloadTooLarge with
a stable code (unsupported_file, file_too_large, not_utf8, unreadable_file, no_text)."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from ..errors import InputError, PayloadTooLarge
from ..settings import Settings
from .auth import Principal, require
from .contract import RATED, WITH_BODY, errors
from .out_common import Extracted
from .rate import ModelRate

router = APIRouter(prefix="/v1")

CHUNK = 64 * 1024
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


def _kind(filename: str, content_type: str | None) -> str | None:
    """The kind by the name's extension, else by the declared media type; None when a name without an
    extension leaves it open (the content decides then). A name with any other extension is refused."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in KINDS:
        return KINDS[suffix]
    if not suffix:
        return MEDIA_TYPES.get((content_type or "").split(";")[0].strip().lower())
    raise InputError(f"{filename!r} is not a supported file; upload a .txt, .docx or .pdf file",
                     code="unsupported_file", detail={"filename": filename, "accepted": [".txt", ".docx", ".pdf"]})


def _sniff(data: bytes) -> str:
    """A file named without an extension ("JD", or what a phone's share sheet sends) is read by its first
    bytes: PDF and ZIP (.docx) announce themselves; anything else is tried as UTF-8 text."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return "txt"


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


class _Budget:
    """How much extraction may do: characters, blocks (paragraphs or pages) and seconds, whichever runs out
    first. A 200 KB .docx can hold a million paragraphs, so bytes alone do not bound the work."""

    def __init__(self, max_chars: int, max_blocks: int, timeout_s: float) -> None:
        self.max_chars, self.max_blocks = max_chars, max_blocks
        self.deadline = time.monotonic() + timeout_s
        self.chars = self.blocks = 0
        self.cut = False

    def take(self, text: str) -> bool:
        """Count one block; False (and cut) once any limit is reached, so the caller stops reading."""
        self.blocks += 1
        self.chars += len(text) + 1
        if self.chars > self.max_chars or self.blocks >= self.max_blocks or time.monotonic() > self.deadline:
            self.cut = True
            return False
        return True


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_BODY = "word/document.xml"


def _from_docx(data: bytes, filename: str, budget: _Budget) -> str:
    """Paragraphs in document order (table cells, merged cells once, nested tables too), read as a stream
    from word/document.xml: memory stays flat and reading stops as soon as the budget is spent, which
    python-docx cannot do (it builds the whole tree first)."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_DOCX_UNZIPPED:
                raise _unreadable(filename, "docx", "it unpacks to more than "
                                  f"{MAX_DOCX_UNZIPPED // (1024 * 1024)} MB")
            if _DOCX_BODY not in zf.namelist():
                raise _unreadable(filename, "docx", "not a Word .docx document")
            out: list[str] = []
            with zf.open(_DOCX_BODY) as stream:
                # no DTDs, no entities, no network: the XML is the attacker's
                events = etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                                         load_dtd=False, huge_tree=False)
                parts: list[list[str]] = []  # one buffer per open paragraph (text boxes nest them)
                for event, el in events:
                    tag = el.tag
                    if event == "start":
                        if tag == _W + "p":
                            parts.append([])
                        continue
                    if tag == _W + "t" and parts:
                        parts[-1].append(el.text or "")
                    elif tag in (_W + "tab",) and parts:
                        parts[-1].append("\t")
                    elif tag in (_W + "br", _W + "cr") and parts:
                        parts[-1].append("\n")
                    elif tag == _W + "p" and parts:
                        text = "".join(parts.pop())
                        out.append(text)
                        if not budget.take(text):
                            break
                    if tag != _W + "t" and not parts:
                        # drop what has been read, so a long body never piles up in memory
                        el.clear()
                        while el.getprevious() is not None:
                            del el.getparent()[0]
    except InputError:
        raise
    except zipfile.BadZipFile as exc:
        raise _unreadable(filename, "docx", "not a Word .docx document") from exc
    except Exception as exc:  # lxml and zipfile raise assorted errors on damaged files
        raise _unreadable(filename, "docx", type(exc).__name__) from exc
    return "\n".join(out)


def _from_pdf(data: bytes, filename: str, budget: _Budget) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _unreadable(filename, "pdf", "it is password-protected")
        texts: list[str] = []
        for page in reader.pages:  # the deadline is checked between pages: one page cannot be interrupted
            text = (page.extract_text() or "").strip()
            texts.append(text)
            if not budget.take(text):
                break
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


def extract_text(data: bytes, filename: str, kind: str, settings: Settings | None = None) -> tuple[str, bool]:
    """Plain text of an uploaded file and whether it was cut short (a limit reached); raises InputError
    with code not_utf8, unreadable_file or no_text."""
    s = settings or Settings()
    if kind == "txt":
        text, cut = _from_txt(data, filename), False
    else:
        budget = _Budget(s.max_text_chars,
                         s.max_extract_paragraphs if kind == "docx" else s.max_extract_pages, s.extract_timeout_s)
        text = (_from_docx if kind == "docx" else _from_pdf)(data, filename, budget)
        cut = budget.cut
    text = _clean(text)
    if len(text) > s.max_text_chars:
        text, cut = text[: s.max_text_chars].rstrip(), True
    if not text:
        hint = " (it may be a scanned image; paste the text or upload a text-based file)" if kind != "txt" else ""
        raise InputError(f"no text could be extracted from {filename!r}{hint}", code="no_text",
                         detail={"filename": filename, "kind": kind, "truncated": cut})
    return text, cut


def _extract_in_slot(services, data: bytes, filename: str, kind: str) -> tuple[str, bool]:
    # parsing is CPU work like a model call, so it waits for the same bounded slot (503 busy past the queue)
    with services.model_slot():
        return extract_text(data, filename, kind, services.settings)


@router.post("/extract", response_model=Extracted, operation_id="extractText", responses=errors(*WITH_BODY, *RATED),
             tags=["suggestions"], dependencies=[ModelRate])
async def extract(request: Request, who: Annotated[Principal, Depends(require("viewer"))],
                  file: Annotated[UploadFile, File(description="a .txt (UTF-8), .docx or .pdf job description")]
                  ) -> Any:
    """Extract the text of an uploaded job description so it can be reviewed before suggesting."""
    settings = request.app.state.services.settings
    filename = _safe_name(file.filename)
    try:
        kind = _kind(filename, file.content_type)
        data = await _read_capped(file, settings.max_upload_bytes)
    finally:
        await file.close()
    kind = kind or _sniff(data)
    text, cut = await run_in_threadpool(_extract_in_slot, request.app.state.services, data, filename, kind)
    return {"text": text, "filename": filename, "kind": kind, "truncated": cut}
