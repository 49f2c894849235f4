"""POST /v1/extract without a model: the app is built with load=False and the extract router included."""

from __future__ import annotations

import io
import random
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
    assert res.json() == {"text": "Prépare budget\nline\ntwo", "filename": "jd.TXT", "kind": "txt",
                          "truncated": False}


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
    ("jd", b"\xff\xfe\x00h", "not_utf8", 422),  # no extension: read by content, here not text
    ("jd.txt", b"x" * (64 * 1024 + 1), "file_too_large", 413),
    ("jd.pdf", b"%PDF-1.4 garbage", "unreadable_file", 422),
    ("jd.docx", b"not a zip", "unreadable_file", 422),
    ("jd.txt", b"  \n\t ", "no_text", 422),
])
def test_refusals(client, name, data, code, status):
    res = _post(client, name, data)
    assert res.status_code == status and res.json()["code"] == code, res.text
    assert set(res.json()) == {"code", "message", "detail"}


@pytest.mark.parametrize("data, kind", [(b"Reply to RTI applications.", "txt"), (b"%PDF-1.4 garbage", "pdf"),
                                        (b"PK\x03\x04 not a zip", "docx")])
def test_a_name_without_extension_is_read_by_its_content(client, data, kind):
    """The schema allows any file name (issue 13 item 7): "JD" is read by its first bytes."""
    res = _post(client, "JD", data)
    if kind == "txt":
        assert res.status_code == 200 and res.json()["kind"] == "txt", res.text
    else:  # the sniffed kind's own reader refuses the garbage, naming the kind
        assert res.status_code == 422 and res.json()["detail"]["kind"] == kind, res.text


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
    assert res.json() == {"text": "Prepare the Budget (BE/RE).\nSecond line", "filename": "jd.pdf", "kind": "pdf",
                          "truncated": False}


def test_needs_a_key(client):
    res = _post(client, "jd.txt", b"hello", headers={})
    assert res.status_code == 401 and res.json()["code"] == "missing_key"


def _hostile_docx(paragraphs: int) -> bytes:
    """A valid .docx whose body is `paragraphs` empty paragraphs: ~200 KB zipped for 1.2 M (issue 13, item 4)."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = b"<w:p/>" * paragraphs
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
                    'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/media/image1.bin", random.Random(13).randbytes(190_000))  # the reported file's size
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {ns}><w:body>'.encode() + body
                    + b"<w:p><w:r><w:t>Prepare the budget.</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def test_hostile_docx_is_cut_quickly_with_flat_memory(tmp_path):
    """1.2 M empty paragraphs used to take 42 s and 3 GB; extraction now stops at max_extract_paragraphs."""
    import time

    import psutil

    data = _hostile_docx(1_200_000)
    assert 150_000 < len(data) < 300_000
    app = create_app(Settings(data_dir=tmp_path, dev_key="k"), load=False)
    client = TestClient(app)
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    res = _post(client, "jd.docx", data)
    elapsed = time.perf_counter() - started
    growth_mb = (process.memory_info().rss - before) / 2 ** 20
    print(f"hostile docx: {res.status_code} in {elapsed:.2f} s, RSS growth {growth_mb:.1f} MB")
    assert res.status_code in (200, 422), res.text
    assert res.status_code == 422 or res.json()["truncated"] is True
    assert elapsed < 2.0 and growth_mb < 50


def test_extraction_stops_at_max_text_chars(tmp_path):
    import docx

    d = docx.Document()
    for i in range(400):
        d.add_paragraph(f"Duty number {i}: prepare the budget estimates of the division.")
    buf = io.BytesIO()
    d.save(buf)
    app = create_app(Settings(data_dir=tmp_path, dev_key="k", max_text_chars=1000), load=False)
    res = _post(TestClient(app), "jd.docx", buf.getvalue())
    assert res.status_code == 200 and res.json()["truncated"] is True
    assert len(res.json()["text"]) <= 1000


def test_extraction_stops_at_page_count(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for i in range(3):
        writer.add_page(PdfReader(io.BytesIO(minimal_pdf([f"Page {i} text"]))).pages[0])
    buf = io.BytesIO()
    writer.write(buf)
    app = create_app(Settings(data_dir=tmp_path, dev_key="k", max_extract_pages=2), load=False)
    res = _post(TestClient(app), "jd.pdf", buf.getvalue())
    assert res.status_code == 200 and res.json()["truncated"] is True
    assert res.json()["text"] == "Page 0 text\n\nPage 1 text"
