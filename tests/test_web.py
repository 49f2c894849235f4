"""The reviewer's web page, end to end: the real app (real model, index and SQLite store) served by uvicorn on
loopback, driven by Debian's Chromium through Playwright. Every request that is not to that server is
blocked and recorded, and the test fails if there was any (no CDN, no fonts, no telemetry)."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests._pdfgen import minimal_pdf

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
SAMPLE = REPO / "eval" / "samples" / "section_officer_budget.txt"
DEV_KEY = "test-dev-key"
POSITION = "Section Officer (Budget)"
READY_TIMEOUT = float(os.environ.get("CDE_TEST_READY_TIMEOUT", "600"))

if not Path(CHROMIUM).exists():
    if os.environ.get("CDE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} not found and CDE_REQUIRE_BROWSER=1 (apt-get install chromium)",
                    pytrace=False)
    pytest.skip(f"{CHROMIUM} not found; install Debian's chromium or set CDE_REQUIRE_BROWSER=1 to fail",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


# -- the server ------------------------------------------------------------------------------------


class LiveServer:
    def __init__(self, tmp: Path) -> None:
        import uvicorn

        from suggest.api.app import create_app
        from suggest.api.extract import router as extract_router
        from suggest.settings import Settings

        cache = os.environ.get("CDE_CACHE_DIR") or os.environ.get("CDE_TEST_CACHE_DIR")
        extra = {"cache_dir": Path(cache)} if cache else {}
        self.settings = Settings(data_dir=tmp / "data", dev_key=DEV_KEY, **extra)
        self.app = create_app(self.settings)
        if not any(getattr(r, "path", None) == "/v1/extract" for r in self.app.routes):
            self.app.include_router(extract_router)  # until app.py includes it
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.host = f"127.0.0.1:{self.port}"
        self.base = f"http://{self.host}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + READY_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.thread.is_alive():
                raise RuntimeError("the server thread exited early")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=5) as res:
                    if res.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                last = exc.read().decode("utf-8", "replace")
            except OSError as exc:
                last = str(exc)
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"/readyz not 200 after {READY_TIMEOUT:.0f}s: {last}")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("web"))
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="module", autouse=True)
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Page:
    """A page whose every request off the server is aborted and recorded."""

    def __init__(self, browser, server: LiveServer) -> None:
        self.server = server
        self.foreign: list[str] = []
        self.requests: list[tuple[str, str, str | None]] = []
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1440, "height": 1000})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._seen)
        self.page.set_default_timeout(30_000)

    def _local(self, url: str) -> bool:
        if url.startswith(("data:", "about:")):
            return True
        if url.startswith("blob:"):
            url = url[len("blob:"):]
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.netloc == self.server.host

    def _route(self, route) -> None:
        url = route.request.url
        if self._local(url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _seen(self, request) -> None:
        self.requests.append((request.method, request.url, request.post_data if request.method == "POST" else None))
        if not self._local(request.url) and request.url not in self.foreign:
            self.foreign.append(request.url)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def web(browser, server):
    page = Page(browser, server)
    yield page
    page.close()
    assert page.foreign == [], f"requests to other hosts were attempted: {page.foreign}"


def _watch_busy(page) -> None:
    page.evaluate("""() => {
        window.__busy = [];
        const rec = () => window.__busy.push({spinner: !document.getElementById('spinner').hidden,
            text: document.getElementById('status-text').textContent,
            ariaBusy: document.getElementById('main').getAttribute('aria-busy')});
        new MutationObserver(rec).observe(document.getElementById('status'),
            {subtree: true, childList: true, attributes: true, characterData: true});
    }""")


def _card(page, cid: str):
    return page.locator(f'article.card[data-competency-id="{cid}"]')


# -- the flow --------------------------------------------------------------------------------------


def test_suggest_review_propose_reload_export(web, server, artifacts):
    page = web.page
    page.goto(server.base + "/")
    assert page.title() == "Competency suggestions"
    assert page.locator("h1").inner_text() == "Competency suggestions"
    # every visible form control has a label
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length)).map(el => el.id || el.name)""")
    assert unlabelled == []

    # no key: a plain-words alert, not a crash
    page.fill("#jd-text", SAMPLE.read_text(encoding="utf-8"))
    page.click("#suggest-btn")
    alert = page.get_by_role("alert")
    sync_api.expect(alert).to_contain_text("Enter your API key")

    page.fill("#api-key", DEV_KEY)
    page.fill("#position", POSITION)
    page.fill("#department", "Ministry of Jal Shakti")
    _watch_busy(page)
    page.click("#suggest-btn")
    cards = page.locator("article.card")
    sync_api.expect(cards.first).to_be_visible(timeout=120_000)
    sync_api.expect(page.locator("#alert")).to_be_empty()
    busy = page.evaluate("window.__busy")
    assert any(b["spinner"] and "Finding competencies" in b["text"] and b["ariaBusy"] == "true" for b in busy), busy
    sync_api.expect(page.locator("#spinner")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('cde.apiKey')") == DEV_KEY

    set_id = page.evaluate("location.hash").removeprefix("#set=")
    assert set_id
    api_set = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{server.base}/v1/suggestions/{set_id}", headers={"Authorization": f"Bearer {DEV_KEY}"})).read())
    suggestions = api_set["suggestions"]
    assert cards.count() == len(suggestions) >= 3
    # one list, most confident first, whatever the type (the type is a label on each card)
    shown = page.locator("#groups .card-title .cid").all_inner_texts()
    assert shown == [sg["competency_id"] for sg in sorted(suggestions, key=lambda sg: -sg["confidence"])]
    # the JD is rendered with one underlined span per activity
    assert page.locator("#jd-view .act").count() >= len(api_set["activities"])
    assert page.locator("#jd-view").inner_text().strip() == api_set["text"].strip()

    first, second, third = suggestions[0], suggestions[1], suggestions[2]
    c1 = _card(page, first["competency_id"])
    sync_api.expect(c1.locator(".card-title")).to_contain_text(first["name"])
    sync_api.expect(c1.locator(".cid")).to_have_text(first["competency_id"])
    sync_api.expect(c1.locator(".level")).to_have_text(str(first["suggested_level"]))
    sync_api.expect(c1.locator(".level-line .level-descriptor")).to_have_text(first["level_descriptor"])
    sync_api.expect(c1.locator(".review-state")).to_have_text("Not reviewed yet.")
    # compact: the details and the review controls open on demand, with the dictionary's description
    sync_api.expect(c1.locator(".card-body")).to_be_hidden()
    c1.get_by_role("button", name="Details").click()
    sync_api.expect(c1.locator(".score")).to_have_text(f"{first['score']:.2f}")
    for tag in first["ask_tags"]:
        sync_api.expect(c1.locator(f".badge-{tag}")).to_be_visible()
    sync_api.expect(c1.locator(".matched")).to_contain_text(first["matched_text"])
    entry = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{server.base}/v1/competencies/{first['competency_id']}",
        headers={"Authorization": f"Bearer {DEV_KEY}"})).read())
    sync_api.expect(c1.locator(".description")).to_have_text(entry["description"])
    c1.get_by_role("button", name="Details").click()
    page.mouse.move(0, 0)
    page.locator("#api-key").focus()

    # hover highlights the evidence spans, leaving removes it; focus does the same
    hl = page.locator("#jd-view .evidence-hl")
    assert hl.count() == 0
    c1.hover()
    sync_api.expect(hl.first).to_be_visible()
    highlighted = "".join(hl.all_inner_texts())
    assert first["evidence"][0]["text"] in highlighted
    page.screenshot(path=str(artifacts / "web-hover.png"))
    page.mouse.move(0, 0)
    sync_api.expect(hl).to_have_count(0)
    c2 = _card(page, second["competency_id"])
    c2.locator("input.select-box").focus()
    sync_api.expect(hl.first).to_be_visible()
    assert second["evidence"][0]["text"] in "".join(hl.all_inner_texts())
    page.locator("#api-key").focus()
    sync_api.expect(hl).to_have_count(0)

    # bulk: two accepted in one request
    c1.locator("input.select-box").check()
    c2.locator("input.select-box").check()
    sync_api.expect(page.locator("#accept-selected")).to_have_text("Accept selected (2)")
    before = len(web.requests)
    page.click("#accept-selected")
    sync_api.expect(c1.locator(".review-state")).to_contain_text("Accepted")
    sync_api.expect(c2.locator(".review-state")).to_contain_text("Accepted")
    posts = [r for r in web.requests[before:] if r[0] == "POST" and r[1].endswith("/decisions")]
    assert len(posts) == 1 and len(json.loads(posts[0][2])["decisions"]) == 2

    # the third: accepted with its own button, then rejected with a reason (the later decision wins)
    c3 = _card(page, third["competency_id"])
    c3.get_by_role("button", name="Details").click()
    c3.get_by_role("button", name="Accept").click()
    sync_api.expect(c3.locator(".review-state")).to_contain_text("Accepted")
    c3.get_by_role("button", name="Reject…").click()
    c3.get_by_label("Comment").fill("No such work in this post")
    c3.get_by_role("button", name="Not relevant to this post").click()
    sync_api.expect(c3.locator(".review-state")).to_contain_text("Rejected")
    sync_api.expect(c3.locator(".review-state")).to_contain_text("not relevant")
    sync_api.expect(page.locator("#alert")).to_be_empty()

    # the fourth, by keyboard only: a new level (its digit), then a rejection without a reason (r, Enter)
    fourth = suggestions[3]
    c4 = _card(page, fourth["competency_id"])
    new_level = 1 if fourth["suggested_level"] != 1 else 2
    c4.focus()
    page.keyboard.press(str(new_level))
    sync_api.expect(c4.locator(".review-state")).to_contain_text(f"Modified at level {new_level}")
    c4.focus()
    page.keyboard.press("r")
    page.keyboard.press("Enter")
    sync_api.expect(c4.locator(".review-state")).to_contain_text("Rejected")
    # u takes the rejection back: the level chosen before stands again
    c4.focus()
    page.keyboard.press("u")
    sync_api.expect(c4.locator(".review-state")).to_contain_text(f"Modified at level {new_level}")
    c4.focus()
    page.keyboard.press("r")
    page.keyboard.press("Enter")
    sync_api.expect(c4.locator(".review-state")).to_contain_text("Rejected")
    sync_api.expect(page.locator("#set-meta")).to_contain_text("4 of")

    # propose a new competency: from the unmatched list when there is one, else from any activity
    unmatched = page.locator("#unmatched-list li.activity")
    item = unmatched.first if unmatched.count() else page.locator("#activity-list li.activity").first
    item.locator("summary").click()
    form = item.locator("form.proposal-form")
    form.get_by_label("Name of the new competency").fill("Grants-in-aid utilisation tracking")
    form.get_by_label("Type").select_option("Domain")
    form.get_by_label("Level").select_option("3")
    form.get_by_label("Knowledge statements (one per line)").fill("GFR rules on grants-in-aid\nUC formats")
    form.get_by_label("Skill statements (one per line)").fill("Track pending utilisation certificates")
    form.get_by_label("Rationale").fill("No dictionary entry covers UC follow-up")
    form.get_by_role("button", name="Propose").click()
    sync_api.expect(form.locator(".proposal-result")).to_contain_text("Proposed")
    proposals = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{server.base}/v1/proposals", headers={"Authorization": f"Bearer {DEV_KEY}"})).read())
    assert any(p["name"] == "Grants-in-aid utilisation tracking" and p["set_id"] == set_id
               for p in proposals["items"])

    # a screenshot of the suggestions view, with a card's evidence highlighted
    page.locator("#results").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('h-results').scrollIntoView()")
    c1.hover()
    page.screenshot(path=str(artifacts / "web-suggestions.png"))

    # reload: the set comes back from the hash, with its reviews
    page.reload()
    sync_api.expect(page.locator("article.card").first).to_be_visible(timeout=60_000)
    assert page.input_value("#api-key") == DEV_KEY
    sync_api.expect(c1.locator(".review-state")).to_contain_text("Accepted")
    sync_api.expect(c2.locator(".review-state")).to_contain_text("Accepted")
    sync_api.expect(c3.locator(".review-state")).to_contain_text("Rejected")
    sync_api.expect(c3.locator(".review-state")).to_contain_text("not relevant")
    assert c1.get_attribute("data-review") == "accept" and c3.get_attribute("data-review") == "reject"
    page.screenshot(path=str(artifacts / "web-reloaded.png"), full_page=True)

    # the position view, and its exports
    assert page.input_value("#position-name") == POSITION
    page.click("#load-position")
    rows = page.locator("#position-view tbody tr")
    sync_api.expect(rows).to_have_count(2)
    shown = {rows.nth(i).get_attribute("data-competency-id") for i in range(2)}
    accepted = {first["competency_id"], second["competency_id"]}
    assert shown == accepted
    with page.expect_download() as dl:
        page.click("#export-json")
    download = dl.value
    assert download.suggested_filename.endswith(".json")
    download.save_as(artifacts / download.suggested_filename)
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert exported["position"] == POSITION
    assert {c["competencySubThemeRefId"] for c in exported["competencies_v6"]} == accepted
    with page.expect_download() as dl:
        page.click("#export-csv")
    csv_text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert csv_text.startswith("competency_id,") and all(cid in csv_text for cid in accepted)
    assert third["competency_id"] not in csv_text
    page.locator("#h-position").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "web-position.png"))
    sync_api.expect(page.locator("#alert")).to_be_empty()


# -- uploads ---------------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Key responsibilities of the Under Secretary:")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Duty"
    table.cell(0, 1).text = "Frequency"
    table.cell(1, 0).text = "Put up draft replies to Parliament Questions"
    table.cell(1, 1).text = "Every session"
    document.add_paragraph("Supervise the Section and dispose of RTI applications.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_upload_docx_and_pdf(web, server, artifacts, tmp_path):
    from pypdf import PdfReader

    page = web.page
    docx_path = tmp_path / "jd.docx"
    docx_path.write_bytes(_docx_bytes())
    pdf_lines = ["Prepare the Budget Estimates for the Division.",
                 "Reconcile releases in PFMS with sanction orders (monthly)."]
    pdf_path = tmp_path / "jd.pdf"
    pdf_path.write_bytes(minimal_pdf(pdf_lines))
    reader = PdfReader(str(pdf_path), strict=True)
    assert all(line in reader.pages[0].extract_text() for line in pdf_lines)

    page.goto(server.base + "/")
    alert = page.get_by_role("alert")
    textarea = page.locator("#jd-text")

    # keyboard: the skip link comes first, shows a focus outline, and moves focus to <main>
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "api-key"

    # a wrong key is refused in plain words
    page.fill("#api-key", "not-a-key")
    page.set_input_files("#jd-file", str(docx_path))
    sync_api.expect(alert).to_contain_text("API key was not accepted")
    assert textarea.input_value() == ""

    page.fill("#api-key", DEV_KEY)
    page.set_input_files("#jd-file", str(docx_path))
    sync_api.expect(textarea).to_have_value(
        "Key responsibilities of the Under Secretary:\nDuty\nFrequency\n"
        "Put up draft replies to Parliament Questions\nEvery session\n"
        "Supervise the Section and dispose of RTI applications.")
    sync_api.expect(page.locator("#status-text")).to_contain_text("jd.docx")
    sync_api.expect(page.locator("#alert")).to_be_empty()

    page.set_input_files("#jd-file", str(pdf_path))
    sync_api.expect(textarea).to_have_value(re.compile(re.escape(pdf_lines[0])))
    value = textarea.input_value()
    assert all(line in value for line in pdf_lines) and "Under Secretary" not in value
    page.screenshot(path=str(artifacts / "web-upload.png"))

    # an unsupported type and an image-only PDF get their own messages
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x90\x00")
    page.set_input_files("#jd-file", str(exe))
    sync_api.expect(alert).to_contain_text("not supported")
    sync_api.expect(alert).to_contain_text("unsupported_file")
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(minimal_pdf([]))
    assert PdfReader(str(blank), strict=True).pages[0].extract_text().strip() == ""
    page.set_input_files("#jd-file", str(blank))
    sync_api.expect(alert).to_contain_text("scanned image")
    assert all(line in textarea.input_value() for line in pdf_lines)  # the earlier text is kept
    page.screenshot(path=str(artifacts / "web-upload-error.png"))


# -- a position with roles -------------------------------------------------------------------------


ROLES_JD = """Section Officer (Coordination)

Role 1: Budget work
- Prepare the Budget Estimates and Revised Estimates for the Division.
- Monitor monthly expenditure against the budget allocation and flag likely savings.
- Reconcile releases in PFMS with the sanction orders every month.

Role 2: RTI work
- Reply to RTI applications within thirty days.
- Forward RTI appeals to the First Appellate Authority.
- Maintain the register of RTI applications and their disposal.

Role 3: Staff mentoring
- Mentor newly joined assistants on noting and drafting.
- Guide junior staff on office procedure and file management.
"""


def _get_json(server, path: str) -> dict:
    req = urllib.request.Request(server.base + path, headers={"Authorization": f"Bearer {DEV_KEY}"})
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read())


def _role(page, i: int):
    return page.locator(f'#roles-view section.role[data-role="{i}"]')


def test_position_roles_edit_decide_gap_export(web, server, artifacts):
    page = web.page
    page.goto(server.base + "/")
    page.fill("#api-key", DEV_KEY)
    page.fill("#jd-text", ROLES_JD)
    page.fill("#roles-title", "Section Officer (Coordination)")
    page.fill("#roles-department", "Department of Rural Development")
    _watch_busy(page)
    page.click("#create-roles")
    roles = page.locator("#roles-view section.role")
    sync_api.expect(roles).to_have_count(3, timeout=120_000)
    busy = page.evaluate("window.__busy")
    assert any(b["spinner"] and "Grouping activities" in b["text"] and b["ariaBusy"] == "true" for b in busy), busy
    sync_api.expect(page.locator("#spinner")).to_be_hidden()
    sync_api.expect(page.locator("#alert")).to_be_empty()

    # the position id is in the hash, and the page shows the roles the API has
    pid = re.search(r"position=([^&]+)", page.evaluate("location.hash")).group(1)
    pos = _get_json(server, f"/v1/positions/{pid}")
    assert [r["section"] for r in pos["roles"]] == ["Budget work", "RTI work", "Staff mentoring"]
    for i, role in enumerate(pos["roles"]):
        sync_api.expect(_role(page, i).locator("h4")).to_have_text(f"Role {i + 1}: {role['name']}")
        sync_api.expect(_role(page, i).locator("li.role-activity")).to_have_count(len(role["activities"]))
        sync_api.expect(_role(page, i).locator("article.card")).to_have_count(len(role["competencies"]))
        if role["competencies"]:  # most confident first, as in the suggestion view
            best = max(role["competencies"], key=lambda c: c["confidence"])
            sync_api.expect(_role(page, i).locator("article.card .card-title").first).to_contain_text(best["name"])
    assert pos["roles"][0]["competencies"] and pos["roles"][1]["competencies"]
    # every control has a label, and every action is a real button
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length)).map(el => el.id || el.name)""")
    assert unlabelled == []
    assert page.locator("#roles-view [onclick], #roles-view a[href='#']").count() == 0

    # merge roles 2 and 3 (ticked by keyboard: focus the box, Space), with a new name
    _role(page, 1).locator("input.role-pick").focus()
    page.keyboard.press("Space")
    _role(page, 2).get_by_label("Select Role 3").check()
    page.get_by_label("Name of the merged role").fill("RTI and staff work")
    page.get_by_role("button", name="Merge selected").click()
    sync_api.expect(roles).to_have_count(2)
    sync_api.expect(_role(page, 1).locator("h4")).to_have_text("Role 2: RTI and staff work")
    sync_api.expect(_role(page, 1).locator("li.role-activity")).to_have_count(5)
    sync_api.expect(page.locator("#roles-meta")).to_contain_text("revision 2")
    # focus went to the merged role's heading, which shows a focus outline
    assert page.evaluate("document.activeElement.dataset.roleHeading") == "1"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"

    # split the PFMS activity out of role 1 into a new role
    budget = _role(page, 0)
    budget.get_by_label(re.compile("Reconcile releases in PFMS")).check()
    budget.get_by_label("Name of the new role").fill("PFMS reconciliation")
    budget.get_by_role("button", name="Split selected into a new role").click()
    sync_api.expect(roles).to_have_count(3)
    sync_api.expect(_role(page, 1).locator("h4")).to_have_text("Role 2: PFMS reconciliation")
    sync_api.expect(_role(page, 1).locator("li.role-activity")).to_have_count(1)
    sync_api.expect(_role(page, 0).locator("li.role-activity")).to_have_count(2)
    sync_api.expect(page.locator("#alert")).to_be_empty()

    pos = _get_json(server, f"/v1/positions/{pid}")
    assert pos["revision"] == 3
    assert [r["name"] for r in pos["roles"]][1:] == ["PFMS reconciliation", "RTI and staff work"]
    accepted = pos["roles"][0]["competencies"][0]
    rejected = next(c for c in pos["roles"][2]["competencies"]
                    if c["competency_id"] != accepted["competency_id"])
    a_id, r_id = accepted["competency_id"], rejected["competency_id"]

    # level 4 for one (the same review cards as the suggestion view), a rejection with a reason and a
    # comment for another
    a_action, a_words = ("accept", "Accepted") if accepted["suggested_level"] == 4 else ("modify", "Modified")
    item = _role(page, 0).locator(f'article.card[data-competency-id="{a_id}"]')
    sync_api.expect(item.locator(".review-state")).to_have_text("Not reviewed yet.")
    item.get_by_role("button", name="Details").click()
    item.get_by_role("button", name="Change level…").click()
    item.get_by_role("button", name="Level 4").click()
    sync_api.expect(item.locator(".review-state")).to_contain_text(f"{a_words} at level 4")
    sync_api.expect(item.locator(".level")).to_have_text("4")
    sync_api.expect(item).to_have_attribute("data-review", a_action)
    item = _role(page, 2).locator(f'article.card[data-competency-id="{r_id}"]')
    item.focus()
    page.keyboard.press("r")
    item.get_by_label("Comment").fill("No such work in this post")
    item.get_by_role("button", name="Not relevant to this post").focus()
    page.keyboard.press("Enter")
    sync_api.expect(item.locator(".review-state")).to_contain_text("Rejected")
    sync_api.expect(item.locator(".review-state")).to_contain_text("not relevant")
    decided = [json.loads(r[2])["decisions"] for r in web.requests
               if r[0] == "POST" and r[1].endswith(f"/v1/positions/{pid}/decisions")]
    assert decided == [[{"competency_id": a_id, "action": a_action, "level": 4}],
                       [{"competency_id": r_id, "action": "reject", "reason_code": "not_relevant",
                         "comment": "No such work in this post"}]]
    # focus goes back to the card whose choice was made (the choice's button is gone)
    assert page.evaluate("document.activeElement.dataset.competencyId") == r_id
    sync_api.expect(page.locator("#alert")).to_be_empty()

    # reload: the position comes back from the hash, with its decisions
    page.reload()
    sync_api.expect(roles).to_have_count(3, timeout=60_000)
    item = _role(page, 0).locator(f'article.card[data-competency-id="{a_id}"]')
    sync_api.expect(item.locator(".review-state")).to_contain_text(f"{a_words} at level 4")
    sync_api.expect(item.locator(".level")).to_have_text("4")
    item = _role(page, 2).locator(f'article.card[data-competency-id="{r_id}"]')
    sync_api.expect(item.locator(".review-state")).to_contain_text("Rejected")
    sync_api.expect(item.locator(".review-state")).to_contain_text("not relevant")
    sync_api.expect(item.locator(".review-state")).to_contain_text("No such work in this post")

    # the gap report: only the accepted competency, current level 1 -> a gap of 3
    gap_rows = page.locator("#gap-form tbody tr")
    sync_api.expect(gap_rows).to_have_count(1)
    assert gap_rows.first.get_attribute("data-competency-id") == a_id
    page.get_by_label(f"Current level for {accepted['name']}").select_option("1")
    page.get_by_role("button", name="Show training needs").click()
    need = page.locator(f'#gap-result tbody tr[data-competency-id="{a_id}"]')
    sync_api.expect(need.locator(".gap-gap")).to_have_text("3")
    sync_api.expect(need.locator(".gap-current")).to_have_text("1")
    sync_api.expect(need.locator(".gap-required")).to_have_text("4")
    sync_api.expect(need.locator(".levels-to-reach li")).to_have_count(3)
    sync_api.expect(need.locator(".levels-to-reach li").first).to_contain_text("Level 2:")
    assert page.locator("#gap-result tbody tr").count() == 1
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").click()
    csv_text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename.endswith(".csv")
    assert csv_text.startswith("competency_id,") and f"{a_id}," in csv_text and r_id not in csv_text
    gap_posts = [r for r in web.requests if r[0] == "POST" and "/gap" in r[1]]
    assert gap_posts and json.loads(gap_posts[-1][2]) == {"levels": {a_id: 1}}

    # exports: FRAC nests POSITION -> ROLE -> COMPETENCY -> COMPETENCIESLEVEL at the required level
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export FRAC JSON").click()
    assert dl.value.suggested_filename.endswith("-frac.json")
    dl.value.save_as(artifacts / "web-position-frac.json")
    frac = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert frac["type"] == "POSITION" and frac["name"] == "Section Officer (Coordination)"
    assert all(r["type"] == "ROLE" for r in frac["children"])
    comps = [c for r in frac["children"] for c in r["children"] if c["type"] == "COMPETENCY"]
    # what the reviewer accepted is VERIFIED, the rejected one is left out, the unreviewed ones stay DRAFT
    assert {c["id"] for c in comps if c["status"] == "VERIFIED"} == {a_id} and r_id not in {c["id"] for c in comps}
    assert all(c["status"] == "DRAFT" for c in comps if c["id"] != a_id)
    comp = next(c for c in comps if c["id"] == a_id)
    assert comp["level"] == "Level 4"
    assert comp["children"][0]["type"] == "COMPETENCIESLEVEL" and comp["children"][0]["level"] == "Level 4"
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export iGOT JSON").click()
    igot = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert [(c["competencySubThemeRefId"], c["level"]) for c in igot["competencies_v6"]] == [(a_id, 4)]

    # rename (Enter in the name field submits) and move one activity to another role
    field = _role(page, 1).get_by_label("Role name")
    field.fill("PFMS and accounts")
    field.press("Enter")
    sync_api.expect(_role(page, 1).locator("h4")).to_have_text("Role 2: PFMS and accounts")
    moving = _role(page, 2).locator("li.role-activity").first
    moved_text = moving.locator("label").first.inner_text().split(": ", 1)[1]
    moving.get_by_label("Move to").select_option(label="Role 2: PFMS and accounts")
    moving.get_by_role("button", name="Move").click()
    sync_api.expect(_role(page, 1).locator("li.role-activity")).to_have_count(2)
    sync_api.expect(_role(page, 1).locator("li.role-activity").filter(has_text=moved_text)).to_have_count(1)
    sync_api.expect(page.locator("#roles-meta")).to_contain_text("revision 5")
    sync_api.expect(page.locator("#alert")).to_be_empty()
    page.locator("section.gap").screenshot(path=str(artifacts / "web-position-gap.png"))
    page.evaluate("document.getElementById('h-roles').scrollIntoView()")
    page.screenshot(path=str(artifacts / "web-position-roles.png"))


MIXED_JD = """पदनाम: अनुभाग अधिकारी (बजट)
विभाग: ग्रामीण विकास विभाग

कर्तव्य:
१. सभी प्रभागों के बजट अनुमान और संशोधित अनुमान संकलित करना और वित्त मंत्रालय को भेजना।
२. सूचना का अधिकार के आवेदनों का तीस दिन के भीतर उत्तर देना।
- Reconcile scheme-wise releases on PFMS with the figures of the Pr. Accounts Office.
- Draft replies to Parliament Questions (संसद प्रश्न) on the budget.
"""


def test_mixed_hindi_english_jd(web, server, artifacts):
    """A mixed JD: cards keep the dictionary's English names, Hindi evidence is highlighted in the JD, the
    Devanagari font is served by the app itself, and the page never claims that every activity matched
    when nothing was suggested."""
    page = web.page
    page.goto(server.base + "/")
    page.fill("#api-key", DEV_KEY)
    page.fill("#jd-text", MIXED_JD)
    page.click("#suggest-btn")
    cards = page.locator("article.card")
    sync_api.expect(cards.first).to_be_visible(timeout=600_000)  # first Hindi line: the multilingual index
    set_id = page.evaluate("location.hash").removeprefix("#set=")
    api_set = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{server.base}/v1/suggestions/{set_id}", headers={"Authorization": f"Bearer {DEV_KEY}"})).read())
    langs = [a["lang"] for a in api_set["activities"]]
    assert langs == ["hi", "hi", "en", "mixed"], langs
    ids = [s["competency_id"] for s in api_set["suggestions"]]
    assert "FUN-067" in ids and "FUN-091" in ids
    hindi = next(s for s in api_set["suggestions"] if s["competency_id"] == "FUN-091")
    card = _card(page, "FUN-091")
    sync_api.expect(card.locator(".card-title")).to_contain_text("RTI Responsiveness")
    card.hover()
    hl = page.locator("#jd-view .evidence-hl")
    sync_api.expect(hl.first).to_be_visible()
    assert hindi["evidence"][0]["text"] in "".join(hl.all_inner_texts())
    assert re.search("[\u0900-\u097f]", hindi["evidence"][0]["text"])
    # Devanagari falls back to the app's own font face (local() first, else the file served beside the sheet)
    family = page.evaluate("getComputedStyle(document.getElementById('jd-view')).fontFamily")
    assert "CDE Devanagari" in family
    page.screenshot(path=str(artifacts / "web-hindi.png"), full_page=False)
    r = urllib.request.urlopen(server.base + "/static/fonts/NotoSansDevanagari-Regular.ttf")
    assert r.status == 200 and len(r.read()) > 100_000


def test_unhandled_language_shows_a_notice(web, server):
    """With the multilingual model switched off, a Hindi JD gets a plain notice and no 'every activity
    matched' claim next to zero competencies."""
    page = web.page
    page.goto(server.base + "/")
    page.fill("#api-key", DEV_KEY)
    page.fill("#jd-text", "कर्तव्य:\n१. बजट अनुमान तैयार करना।\n२. आवेदनों का उत्तर देना।\n")
    server.app.state.services.settings.multilingual = False  # the setting, as an administrator would set it
    try:
        page.click("#suggest-btn")
        sync_api.expect(page.locator("#notices")).to_contain_text("not read", timeout=120_000)
    finally:
        server.app.state.services.settings.multilingual = True
    # said plainly, in place of a bare "0 competencies"
    sync_api.expect(page.locator("#notices .lang-notice")).to_contain_text("language (Hindi) is not handled yet")
    sync_api.expect(page.locator("#status-text")).to_have_text(
        "Nothing was suggested: this text's language is not handled yet.")
    sync_api.expect(page.locator("#groups")).not_to_contain_text("0 competencies")
    sync_api.expect(page.locator("#unmatched-list")).not_to_contain_text("Every activity matched")
    sync_api.expect(page.locator("#unmatched-list")).to_contain_text("language not handled")
