"""Hostile names in a real browser: Markdown images, links, HTML and bare URLs in dataset, file, stage
and manager names render as literal text — no <img>, no <a>, no request to another host.

The names are the outside campaign's payloads (issue 13, point 3); the DOM is searched for elements
built from them and every request the page makes is recorded.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from funnel.importer import import_file
from funnel.store import Store
from tests.e2e.conftest import Server, shot, wait_idle

pytestmark = pytest.mark.e2e

IMG = "![x](http://127.0.0.1:9/p.png)"
LINK = "[a](http://x.example/l)"
HTML = "<img src=x onerror=alert(1)>"
BARE = "http://evil.example/u www.evil.example a@evil.example"
NAME = f"{IMG} {LINK} {HTML} {BARE}"
STAGE = "![s](http://127.0.0.1:9/s.png)"
DEALS = (f"id,name,stage,amount,manager,created\n1,{LINK},Lead,10,{LINK},2024-01-02\n"
         f"2,b,{STAGE},20,\"{HTML}\",2024-01-03\n3,c,Won,30,{BARE},2024-01-04\n4,d,Lost,5,x,2024-01-05\n")
UPLOAD_NAME = "![x](http:127.0.0.1:9p.png)[a](http:x.example)<img src=x onerror=alert(1)>.csv"
FOREIGN = ("127.0.0.1:9", "x.example", "evil.example")


def _hostile_elements(page) -> list[str]:
    """<img>/<a> elements in the page that come from the payloads (by src, href or alt)."""
    return page.evaluate("""() => [...document.querySelectorAll('img, a, image')]
        .filter(e => !(e.getAttribute('href') || '').startsWith('#'))  // heading anchors stay in the page
        .map(e => (e.getAttribute('src') || '') + ' ' + (e.getAttribute('href') || '') + ' ' + (e.getAttribute('alt') || ''))
        .filter(s => /127\\.0\\.0\\.1:9|x\\.example|evil\\.example|^x\\s|onerror/.test(s) || s.trim() === 'x' || s.trim() === 's')""")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store_hostile")
    store = Store(folder / "funnel.duckdb")
    import_file(store, DEALS.encode(), f"{IMG}{LINK}.csv", name=NAME, stages=["Lead", STAGE, "Won"])
    store.close()
    del store
    srv = Server(folder)
    srv.start()
    yield srv
    srv.stop()


def test_hostile_names_are_text_everywhere(browser, hostile_server, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in ("/data?ds=1", "/?ds=1", "/funnel?ds=1"):  # "/" is the Overview
        page.goto(hostile_server.url + path)
        wait_idle(page, timeout=180_000)
        page.wait_for_timeout(1000)
        assert _hostile_elements(page) == [], path
        shot(page, "hostile_" + (path.strip("/").split("?")[0] or "overview"))
    page.goto(hostile_server.url + "/data?ds=1")
    wait_idle(page)
    main = page.inner_text("[data-testid='stMain']").replace("\u2060", "")  # the invisible link breakers
    assert IMG in main and LINK in main and HTML in main  # shown as typed
    csv = tmp_path / "upload.csv"
    csv.write_text(DEALS, encoding="utf-8")
    page.locator("input[type='file']").first.set_input_files(
        files=[{"name": UPLOAD_NAME, "mimeType": "text/csv", "buffer": DEALS.encode()}])
    wait_idle(page)
    page.wait_for_selector("text=Read 4 rows", timeout=60_000)
    assert _hostile_elements(page) == []
    assert UPLOAD_NAME in page.inner_text("[data-testid='stMain']").replace("\u2060", "")
    shot(page, "hostile_upload")
    # 120 stages in one pipeline: listed, not 360 widgets of an editor
    many = "id,stage\n" + "".join(f"{i},Stage {i:03d}\n" for i in range(120))
    page.locator("input[type='file']").first.set_input_files(
        files=[{"name": "many.csv", "mimeType": "text/csv", "buffer": many.encode()}])
    wait_idle(page)
    page.wait_for_selector("text=too many stages to reorder here", timeout=60_000)
    assert page.locator("button:has-text('↑')").count() < 60  # none of its 120 stages got arrows
    # (the stored dataset's own stage editor on the same page has a few)
    shot(page, "hostile_many_stages")
    page.close()
    assert not [u for u in requests if any(host in u for host in FOREIGN)], requests


def test_deal_list_download_is_defused_and_russian(browser, hostile_server):
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page.goto(hostile_server.url + "/?ds=1&lang=ru")  # the Overview
    wait_idle(page, timeout=180_000)
    shot(page, "hostile_overview_ru")
    page.locator(".st-key-ov_tile_deals button").click(timeout=120_000)  # slow on a loaded machine
    page.wait_for_selector("[role='dialog']", timeout=60_000)
    wait_idle(page)
    with page.expect_download(timeout=60_000) as download:
        page.locator(".st-key-drill_csv button").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    shot(page, "hostile_drill_ru")
    page.close()
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 1 + 4  # header + the four deals behind "Deals"
    assert [r[rows[0].index("Сумма")] for r in rows[1:]] == ["10,0", "20,0", "30,0", "5,0"]  # decimal comma
    cells = [c for r in rows[1:] for c in r]
    assert LINK in cells and HTML in cells  # names exported as typed
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
