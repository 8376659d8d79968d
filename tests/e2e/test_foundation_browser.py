"""The foundation in a real browser: the sample funnel shows, an upload becomes a dataset that
survives a server restart."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot, wait_idle

pytestmark = pytest.mark.e2e

UPLOAD = ("ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Этап сделки,Воронка\n"
          "101,Кухня,185000,Анна,03.02.2024 11:42:17,Первичный контакт,Продажи\n"
          "102,Шкаф,64500,Олег,05.02.2024 09:03:55,Успешно реализовано,Продажи\n"
          "103,Прихожая,1000,Олег,14.03.2024 18:27:09,Закрыто и не реализовано,Продажи\n")
# no history, no standard order, no won stage: the proposed order is a guess and says so
GUESSED = ("ID,Stage,Amount\n1,Intro call,10\n2,Intro call,10\n3,Intro call,10\n4,Demo,20\n5,Demo,20\n"
           "6,Signed,30\n")


def test_sample_funnel_upload_and_restart(browser, tmp_path_factory, tmp_path):
    srv = Server(tmp_path_factory.mktemp("store_foundation"))
    srv.start()
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(srv.url + "/overview")
        wait_idle(page, timeout=180_000)
        # the bundled B2B sample opens first: its funnel chart is drawn
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        assert "B2B services" in page.inner_text("[data-testid='stMain']")
        shot(page, "foundation_overview")

        page.goto(srv.url + "/data")
        wait_idle(page)
        csv = tmp_path / "moi_sdelki.csv"
        csv.write_text(UPLOAD, encoding="utf-8")
        page.locator("input[type='file']").first.set_input_files(str(csv))
        wait_idle(page)
        page.wait_for_selector("text=Read 3 rows", timeout=60_000)
        shot(page, "foundation_mapping")
        page.get_by_role("button", name="Import", exact=True).click()
        wait_idle(page)
        page.wait_for_function("document.body.innerText.includes('moi_sdelki')", timeout=60_000)
        shot(page, "foundation_imported")

        guess = tmp_path / "no_order.csv"
        guess.write_text(GUESSED, encoding="utf-8")
        page.locator("input[type='file']").first.set_input_files(str(guess))
        wait_idle(page)
        page.wait_for_selector("text=Read 6 rows", timeout=60_000)
        page.wait_for_selector("text=This order is a guess", timeout=30_000)
        shot(page, "foundation_order_guessed")
        page.close()

        srv.stop()
        srv.start()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(srv.url + "/data")
        wait_idle(page, timeout=180_000)
        body = page.inner_text("body")
        assert "moi_sdelki" in body and "B2B services" in body
        shot(page, "foundation_after_restart")

        # Streamlit's own uploader texts read in the reader's language (ui/uploader_text.py)
        page.goto(srv.url + "/data?lang=ru")
        wait_idle(page)
        page.wait_for_selector("[data-testid='stFileUploaderDropzone'] button p", timeout=60_000)
        page.wait_for_selector("[data-testid='stFileUploaderDropzoneInstructions'] span", timeout=60_000)
        after = page.evaluate("""() => {
            const b = document.querySelector('[data-testid="stFileUploaderDropzone"] button p');
            const l = document.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
            return [getComputedStyle(b, '::after').content, getComputedStyle(l, '::after').content,
                    getComputedStyle(b).fontSize];
        }""")
        assert after == ['"Загрузить"', '"До 500 МБ на файл"', "0px"]
        page.close()
    finally:
        srv.stop()
