"""POST /v1/extract without a model: the app is built with load=False and the extract router included."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from suggest.api.app import create_app
from suggest.api.extract import router
from suggest.settings import Settings
from tests._pdfgen import minimal_pdf

KEY = {"Authorization": "Bearer k"}


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, dev_key="k", max_upload_bytes=64 * 1024), load=False)
    if not any(getattr(r, "path", None) == "/v1/extract" for r in app.routes):
        app.include_router(router)
    return TestClient(app)


def _post(client, name, data, headers=KEY):
    return client.post("/v1/extract", files={"file": (name, data)}, headers=headers)


def test_txt_is_decoded_and_cleaned(client):
    res = _post(client, "C:\\Users\\me\\jd.TXT", "\ufeffPrépare budget\r\nline\x0ctwo\x07".encode())
    assert res.status_code == 200
    assert res.json() == {"text": "Prépare budget\nline\ntwo", "filename": "jd.TXT", "kind": "txt"}


@pytest.mark.parametrize("data", [b"\xff\xfe\x00bad", "utf-16 text".encode("utf-16")])
def test_txt_must_be_utf8(client, data):
    res = _post(client, "jd.txt", data)
    assert res.status_code == 422 and res.json()["code"] == "not_utf8"


def test_docx_paragraphs_and_cells(client):
    import docx

    d = docx.Document()
    d.add_paragraph("Intro")
    t = d.add_table(rows=1, cols=3)
    a = t.cell(0, 0).merge(t.cell(0, 1))
    a.text = "merged"
    t.cell(0, 2).text = "right"
    d.add_paragraph("Outro")
    buf = io.BytesIO()
    d.save(buf)
    res = _post(client, "jd.docx", buf.getvalue())
    assert res.status_code == 200, res.text
    assert res.json()["text"] == "Intro\nmerged\nright\nOutro" and res.json()["kind"] == "docx"


@pytest.mark.parametrize("name,data,code,status", [
    ("jd.exe", b"MZ", "unsupported_file", 422),
    ("jd", b"hello", "unsupported_file", 422),
    ("jd.txt", b"x" * (64 * 1024 + 1), "file_too_large", 413),
    ("jd.pdf", b"%PDF-1.4 garbage", "unreadable_file", 422),
    ("jd.docx", b"not a zip", "unreadable_file", 422),
    ("jd.txt", b"  \n\t ", "no_text", 422),
])
def test_refusals(client, name, data, code, status):
    res = _post(client, name, data)
    assert res.status_code == status and res.json()["code"] == code, res.text
    assert set(res.json()) == {"code", "message", "detail"}


def test_docx_that_is_a_zip_but_not_word(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    res = _post(client, "jd.docx", buf.getvalue())
    assert res.status_code == 422 and res.json()["code"] == "unreadable_file"


def test_empty_pdf_says_scanned(client):
    res = _post(client, "scan.pdf", minimal_pdf([]))
    assert res.status_code == 422 and res.json()["code"] == "no_text"
    assert "scanned image" in res.json()["message"]


def test_pdf_text(client):
    res = _post(client, "jd.pdf", minimal_pdf(["Prepare the Budget (BE/RE).", "Second line"]))
    assert res.status_code == 200, res.text
    assert res.json() == {"text": "Prepare the Budget (BE/RE).\nSecond line", "filename": "jd.pdf", "kind": "pdf"}


def test_needs_a_key(client):
    res = _post(client, "jd.txt", b"hello", headers={})
    assert res.status_code == 401 and res.json()["code"] == "missing_key"
