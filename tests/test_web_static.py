"""The page's scripts without a browser: small native ES modules whose imports resolve, and its words for
errors (messages.js): one plain sentence for every code the server can return, and for every code the page
raises itself, without developer words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from suggest import errors
from suggest.api.app import create_app

STATIC = Path(__file__).resolve().parent.parent / "suggest" / "web" / "static"
ENTRY = re.compile(r'^\s*([a-z0-9_]+):\s*"((?:[^"\\]|\\.)*)"', re.MULTILINE)
# what a reviewer should never have to read: setting names, commands, code spellings, markup
DEVELOPER = re.compile(r"CDE_|`|cde-suggest|pip |\b[a-z0-9]+_[a-z0-9_]+\b|\bjson\b|\benv\b|\bHTTP\b|\b[45]\d\d\b",
                       re.IGNORECASE)


def _messages() -> dict[str, str]:
    js = (STATIC / "messages.js").read_text(encoding="utf-8")
    block = js[js.index("export var MESSAGES"): js.index("};", js.index("export var MESSAGES"))]
    found = ENTRY.findall(block)
    names = [k for k, _ in found]
    assert len(names) == len(set(names)), "a code is listed twice"
    return dict(found)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> dict:
    from suggest.settings import Settings

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("msg")), load=False)
    with TestClient(app) as client:
        res = client.get("/v1/errors")
    assert res.status_code == 200
    return res.json()


def test_every_server_code_has_a_sentence_on_the_page(served):
    messages = _messages()
    assert set(served) == set(errors.CODES)
    missing = sorted(set(served) - set(messages))
    assert not missing, f"messages.js has no words for: {missing}"


def test_every_code_the_page_raises_has_a_sentence():
    messages = _messages()
    raised = set()
    for path in STATIC.glob("*.js"):
        raised |= set(re.findall(r'new ApiError\(0, "([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    assert raised, "the page raises its own errors through ApiError"
    assert not sorted(raised - set(messages))


def test_sentences_are_plain():
    for code, sentence in _messages().items():
        assert 15 <= len(sentence) <= 160, code
        assert sentence[0].isupper() and sentence.endswith("."), code
        assert not DEVELOPER.search(sentence), (code, sentence)


def test_the_check_finds_developer_words():
    for bad in ("Raise CDE_MAX_TEXT_CHARS.", "Run `cde-suggest learn list`.", "Error code text_too_long.",
                "The server answered 413."):
        assert DEVELOPER.search(bad), bad


MAX_MODULE_LINES = 250
IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([a-z_]+\.js)";', re.MULTILINE)
EXPORT = re.compile(r"^export (?:function|var|const|let) ([A-Za-z_$][\w$]*)", re.MULTILINE)


def test_static_modules_are_small_and_their_imports_resolve():
    modules = {p.name: p.read_text(encoding="utf-8") for p in STATIC.glob("*.js")}
    assert "app.js" not in modules and "main.js" in modules
    for name, js in modules.items():
        assert js.count("\n") <= MAX_MODULE_LINES, f"{name} has {js.count(chr(10))} lines"
        for names, target in IMPORT.findall(js):
            assert target in modules, f"{name} imports {target}, which does not exist"
            exported = set(EXPORT.findall(modules[target]))
            wanted = {n.strip() for n in names.split(",") if n.strip()}
            assert wanted <= exported, f"{name} imports {sorted(wanted - exported)} that {target} does not export"
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="/static/main.js">' in html
