"""The A/B page in a real browser: landing B wins, headlines show no real difference (EN and RU),
the group picker writes the URL, and a bar of the chart opens the deals behind it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import click_for_dialog, settled_box, shot, wait_idle

pytestmark = pytest.mark.e2e

WEB = "Web funnel (landing test)"


def _web_id(server, page) -> str:
    """The id of the sample web funnel, once the app's first run has imported the samples."""
    from funnel.store import Store

    for _ in range(360):
        path = server.data_dir / "funnel.duckdb"
        rows = Store(path).datasets() if path.exists() else []
        if any(r["name"] == WEB for r in rows):
            return str(next(r["id"] for r in rows if r["name"] == WEB))
        page.wait_for_timeout(500)
    raise AssertionError("the samples were not imported")


def test_ab_page_verdicts(server, browser):
    # tall: Streamlit scrolls its main block, so a "full page" shot is only the viewport
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    # the first run imports the samples; the web funnel's id is read from the store
    page.goto(server.url + "/")
    wait_idle(page, timeout=180_000)
    ds = _web_id(server, page)

    page.goto(f"{server.url}/ab?ds={ds}&ab_by=landing")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    body = page.inner_text("[data-testid='stMain']")
    assert "B wins over A" in body and "B converts better than A" in body
    assert "No real difference yet" in body  # the whole funnel, after Holm's correction
    shot(page, "ab_landing")

    # a bar of the chart lists the visitors behind it: B (2nd trace) at click -> lead (2nd step)
    bar = page.locator(".js-plotly-plot .trace.bars").nth(1).locator(".point").nth(1)

    def middle() -> tuple[float, float]:  # a click on the point, not the element: plotly's drag layer is on top
        box = settled_box(bar)
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    text = click_for_dialog(page, middle).inner_text()
    assert "B: visitors who reached lead" in text and "799" in text  # B's visitors at lead, as in the table
    shot(page, "ab_drill")
    page.keyboard.press("Escape")
    wait_idle(page)

    # switch the group column to the headline test with the picker
    page.locator("[data-testid='stSelectbox']").filter(has_text="Group by").click()
    page.get_by_role("option", name="headline").click()
    wait_idle(page)
    page.wait_for_function("document.body.innerText.includes('No real difference yet')", timeout=60_000)
    body = page.inner_text("[data-testid='stMain']")
    assert "wins over" not in body and "ab_by=x_headline" in page.url
    shot(page, "ab_headline")

    page.goto(f"{server.url}/ab?ds={ds}&ab_by=headline&lang=ru")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    body = page.inner_text("[data-testid='stMain']")
    assert "Реальной разницы пока нет" in body and "лучше, чем" not in body
    shot(page, "ab_headline_ru")
    page.close()
