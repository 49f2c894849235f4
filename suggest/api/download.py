"""Downloads: a Content-Disposition header that is safe for any name, and the responses OpenAPI shows.

The name comes from a path parameter, so it can hold anything: Hindi (not Latin-1, which headers must
be), CR/LF/NUL (header splitting), quotes and semicolons (extra parameters), slashes. RFC 6266 gives
the exact name as `filename*=UTF-8''<percent-encoded>`; `filename="..."` is an ASCII fallback for
clients that ignore `filename*`, cut down to letters, digits and a few safe marks."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi.responses import PlainTextResponse

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# a fallback name longer than this helps nobody and some clients truncate worse
_FALLBACK_CHARS = 100

CSV_RESPONSE = {200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                      "description": "JSON, or CSV when format=csv"}}


def content_disposition(name: str, extension: str) -> str:
    exact = _CONTROL.sub("", name) + extension
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = _UNSAFE.sub("_", ascii_name).strip(" ._")[:_FALLBACK_CHARS] or "export"
    return f"attachment; filename=\"{ascii_name}{extension}\"; filename*=UTF-8''{quote(exact, safe='')}"


def csv_download(body: str, name: str) -> PlainTextResponse:
    return PlainTextResponse(body, media_type="text/csv",
                             headers={"Content-Disposition": content_disposition(name, ".csv")})
