"""The Report button in a real browser: a Russian UI hands over an English workbook of the page."""

from __future__ import annotations

import openpyxl
import pytest

from tests.e2e.conftest import shot, wait_idle
from tests.sample_truth import b2b_reached

pytestmark = pytest.mark.e2e


def test_report_button_downloads_the_file(browser, server, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page.goto(server.url + "/funnel?ds=1&lang=ru")
    wait_idle(page, timeout=180_000)
    page.get_by_role("button", name="Отчёт").click()
    body = page.locator("[data-testid='stPopoverBody']")
    body.locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name="English").click()
    wait_idle(page)
    body.get_by_text("XLSX", exact=True).click()
    wait_idle(page)
    shot(page, "report_popover")
    with page.expect_download(timeout=120_000) as info:
        body.get_by_role("button", name="Скачать отчёт").click()
    download = info.value
    assert download.suggested_filename.endswith("_en.xlsx")
    path = tmp_path / "report.xlsx"
    download.save_as(path)
    book = openpyxl.load_workbook(path)
    assert "Key figures" in book.sheetnames  # English, while the UI is Russian
    kpis = {row[0].value: row[1].value for row in book["Key figures"].iter_rows(min_row=2)}
    assert kpis["Deals"] == b2b_reached(1)  # all time, no filters: every deal of the B2B sample
    stages = [row[1].value for row in book["Stages"].iter_rows(min_row=2)]
    assert stages[3] == b2b_reached(4)
