"""The reviewer's desk in a real browser (issue #12's targets): a whole review by keyboard alone, counted,
that survives a reload on a page no taller than three screens; and no serious or critical accessibility
violation (axe-core, bundled by axe-playwright-python, no network) on the suggestion and roles views.

Real app, real model and index, real SQLite store, Debian's Chromium: see tests/test_web.py."""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
import urllib.request

import pytest

from tests.test_web import DEV_KEY, REPO, ROLES_JD, browser, server, sync_api, web  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

JD = REPO / "tests" / "data" / "jds" / "review_keyboard.txt"
ARTIFACTS = REPO / "test-artifacts"
SCREEN = {"width": 1440, "height": 900}
MAX_KEYS = 40
# the review the target asks for, in card order: 8 accepts, 4 rejections with a reason, 1 new level
PLAN = ["a", "a", "a", "r1", "a", "a", "r2", "level", "a", "r3", "a", "a", "r4"]
# what a reviewer adds from the dictionary: (query typed, id of the competency wanted)
ADDS = [("dak", "FUN-085"), ("empathy", None)]
REASON_WORDS = {"1": "not relevant", "2": "duplicate", "3": "wrong level", "4": "too generic"}


def _get(live, path: str) -> dict:
    req = urllib.request.Request(live.base + path, headers={"Authorization": f"Bearer {DEV_KEY}"})
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read())


class Keys:
    """Every key the reviewer presses goes through here, so the test can count them."""

    def __init__(self, page) -> None:
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        for ch in text:
            self.press(ch)


def _active(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName, cid: el.dataset ? el.dataset.competencyId || null : null,
                fold: el.classList.contains('fold'), addBox: !!(el.dataset && el.dataset.addBox)}; }""")


def _card(page, cid: str):
    return page.locator(f'#groups article.card[data-competency-id="{cid}"]')


def _add_by_search(page, keys: Keys, query: str, name: str, cid: str) -> None:
    keys.press("/")
    assert _active(page)["addBox"], "/ puts focus in a dictionary search box"
    keys.type(query)
    box = page.locator("input[data-add-box]:focus")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    sync_api.expect(listbox.locator(f'[role="option"][data-competency-id="{cid}"]')).to_be_visible()
    options = listbox.locator('[role="option"]').evaluate_all("els => els.map(e => e.dataset.competencyId)")
    for _ in range(options.index(cid)):
        keys.press("ArrowDown")
    keys.press("Enter")
    sync_api.expect(_card(page, cid)).to_have_attribute("data-review", "add")
    sync_api.expect(_card(page, cid).locator(".card-title")).to_contain_text(name)


def test_keyboard_review_of_a_whole_jd_survives_a_reload(web, server):  # noqa: F811
    page = web.page
    page.set_viewport_size(SCREEN)
    page.goto(server.base + "/")
    text = JD.read_text(encoding="utf-8")
    page.fill("#api-key", DEV_KEY)
    # the counter holds the text to the server's own limit, and an over-long text is stopped with plain words
    limit = server.settings.max_text_chars
    page.fill("#jd-text", "x" * (limit + 1))
    sync_api.expect(page.locator("#jd-count")).to_have_text(f"{limit + 1:,} of {limit:,} characters")
    page.click("#suggest-btn")
    sync_api.expect(page.locator("#alert .alert-title")).to_have_text(
        "The text is too long for one request. Split it into parts and suggest each part.")
    page.fill("#jd-text", text)
    sync_api.expect(page.locator("#jd-count")).to_have_text(f"{len(text):,} of {limit:,} characters")
    page.fill("#position", "Under Secretary (Administration)")
    page.fill("#department", "Department of Rural Development")
    # Enter in the key field keeps the key and sends nothing
    page.focus("#api-key")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.locator("article.card").count() == 0 and page.evaluate("location.hash") == ""
    page.click("#suggest-btn")
    sync_api.expect(page.locator("article.card").first).to_be_visible(timeout=120_000)
    set_id = page.evaluate("location.hash").removeprefix("#set=")
    suggestions = _get(server, f"/v1/suggestions/{set_id}")["suggestions"]
    assert len(suggestions) >= len(PLAN) + 1
    by_id = {s["competency_id"]: s for s in suggestions}
    # cards most confident first; the weak ones folded behind a count
    order = [s["competency_id"] for s in sorted(suggestions, key=lambda s: -s["confidence"])]
    assert page.locator("#groups article.card").evaluate_all("els => els.map(e => e.dataset.competencyId)") == order
    fold = page.locator("#groups button.fold")
    sync_api.expect(fold).to_have_text(f"Show {len(order) - page.locator('#groups article.card:visible').count()}"
                                       " more with low confidence")
    sync_api.expect(page.locator("#keys-legend")).to_contain_text("accept")

    keys = Keys(page)
    keys.press("j")
    expected: dict[str, tuple[str, str | None]] = {}
    for step in PLAN:
        if _active(page)["fold"]:
            keys.press("Enter")  # show the folded cards; focus goes to the first of them
        cid = _active(page)["cid"]
        assert cid, f"focus is on a card before {step}: {_active(page)}"
        card = _card(page, cid)
        if step == "a":
            keys.press("a")
            expected[cid] = ("accept", None)
        elif step == "level":
            level = by_id[cid]["suggested_level"] % 5 + 1
            keys.press(str(level))
            expected[cid] = ("modify", str(level))
        else:
            keys.press("r")
            sync_api.expect(card.locator(".choice-bar")).to_be_visible()
            keys.press(step[1])
            expected[cid] = ("reject", REASON_WORDS[step[1]])
        sync_api.expect(card).to_have_attribute("data-review", expected[cid][0])
        sync_api.expect(page.locator("#alert")).to_be_empty()
    assert [a for a, _ in expected.values()].count("accept") == 8
    # the level chosen is shown with what it means, from the dictionary
    modified = next(c for c, (a, _) in expected.items() if a == "modify")
    sync_api.expect(_card(page, modified).locator(".level")).to_have_text(expected[modified][1])
    sync_api.expect(_card(page, modified).locator(".level-descriptor")).not_to_be_empty()

    added = []
    dictionary = _get(server, "/v1/competencies?limit=200")["items"]
    for query, cid in ADDS:
        entry = next(e for e in dictionary if (e["id"] == cid if cid else e["name"].lower() == query))
        assert entry["id"] not in by_id, "the target adds what the service did not suggest"
        _add_by_search(page, keys, query, entry["name"], entry["id"])
        added.append(entry["id"])
    assert keys.count <= MAX_KEYS, f"{keys.count} key presses"
    print(f"\nkeyboard review: {keys.count} key presses")

    # reload: the text, position and department, every decision, and the added cards come back
    page.reload()
    sync_api.expect(page.locator("#groups article.card").first).to_be_visible(timeout=60_000)
    assert page.input_value("#jd-text") == unicodedata.normalize("NFC", text)
    assert page.input_value("#position") == "Under Secretary (Administration)"
    assert page.input_value("#department") == "Department of Rural Development"
    for cid, (action, extra) in expected.items():
        card = _card(page, cid)
        sync_api.expect(card).to_have_attribute("data-review", action)
        if action == "reject":
            sync_api.expect(card.locator(".review-state")).to_contain_text(extra)
        if action == "modify":
            sync_api.expect(card.locator(".level")).to_have_text(extra)
    for cid in added:
        sync_api.expect(_card(page, cid)).to_have_attribute("data-review", "add")
    # the history of a card and the undo of its last decision
    rejected = next(c for c, (a, _) in expected.items() if a == "reject")
    _card(page, rejected).focus()
    page.keyboard.press("Enter")
    sync_api.expect(_card(page, rejected).locator(".history li")).to_have_count(1)
    sync_api.expect(_card(page, rejected).locator(".card-body .description")).not_to_have_text("Loading the description…")
    page.keyboard.press("Enter")
    # unreviewed cards stay folded, and the page is no taller than three screens
    hidden = page.locator("#groups article.card").evaluate_all(
        "els => els.filter(e => !e.getClientRects().length).map(e => e.dataset.review)")
    assert hidden and set(hidden) == {"none"}
    sync_api.expect(page.locator("#groups button.fold")).to_have_text(f"Show {len(hidden)} more with low confidence")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"page height after the review: {height} px ({height / SCREEN['height']:.2f} screens)")
    assert height <= 3 * SCREEN["height"]

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#results").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('h-results').scrollIntoView()")
    _card(page, rejected).focus()
    page.keyboard.press("Enter")
    page.screenshot(path=str(ARTIFACTS / "web-review.png"))
    if os.environ.get("CDE_UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(ARTIFACTS / "web-review.png", REPO / "docs" / "screenshot.png")
    (ARTIFACTS / "web-review.json").write_text(json.dumps({"key_presses": keys.count, "page_height_px": height}))

    # a position built from this set shows the set's decisions on its roles' cards (issue #12: they showed
    # "Not reviewed yet")
    assert page.input_value("#roles-title") == "Under Secretary (Administration)"
    page.click("#create-roles")
    sync_api.expect(page.locator("#roles-view section.role").first).to_be_visible(timeout=120_000)
    role_cards = page.locator("#roles-view article.card")
    shown = set(role_cards.evaluate_all("els => els.map(e => e.dataset.competencyId)"))
    inherited = [c for c in expected if c in shown]
    assert inherited, "the roles need some of the competencies decided on the set"
    for cid in inherited:
        card = page.locator(f'#roles-view article.card[data-competency-id="{cid}"]').first
        sync_api.expect(card).to_have_attribute("data-review", expected[cid][0])
        sync_api.expect(card.locator(".review-state")).to_contain_text("taken on the suggestion set")

    # u on an added card takes the add back: the card goes, and the server no longer lists it
    _card(page, added[-1]).focus()
    page.keyboard.press("u")
    sync_api.expect(_card(page, added[-1])).to_have_count(0)
    current = _get(server, f"/v1/suggestions/{set_id}/decisions")["current"]
    assert added[-1] not in {d["competency_id"] for d in current} and added[0] in {d["competency_id"] for d in current}


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_no_serious_accessibility_violations(web, server):  # noqa: F811
    page = web.page
    page.goto(server.base + "/")
    page.fill("#api-key", DEV_KEY)
    page.fill("#jd-text", ROLES_JD)
    page.click("#suggest-btn")
    card = page.locator("#groups article.card").first
    sync_api.expect(card).to_be_visible(timeout=120_000)
    card.focus()
    page.keyboard.press("Enter")  # a card open, with its controls
    page.keyboard.press("r")      # and its reasons
    sync_api.expect(card.locator(".choice-bar")).to_be_visible()
    page.keyboard.press("?")
    found = _serious(page)
    print(f"\naxe, suggestion view: {found or 'no serious or critical violations'}")
    assert found == []

    page.fill("#roles-title", "Section Officer (Coordination)")
    page.fill("#roles-department", "Department of Rural Development")
    page.click("#create-roles")
    sync_api.expect(page.locator("#roles-view section.role").first).to_be_visible(timeout=120_000)
    role_card = page.locator("#roles-view article.card").first
    role_card.focus()
    page.keyboard.press("Enter")
    found = _serious(page)
    print(f"axe, roles view: {found or 'no serious or critical violations'}")
    assert found == []
    page.locator("#roles-view section.role h5", has_text="Competencies").first.evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "web-roles-review.png"))
    if os.environ.get("CDE_UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(ARTIFACTS / "web-roles-review.png", REPO / "docs" / "screenshot-roles.png")
