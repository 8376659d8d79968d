"""Data page under AppTest: an .xlsx whose amount title «Сумма» is merged over C1:D1 (the amount and its currency).

Before, D was a column without a name: the pickers offered it as «4. » and it was not the currency. Now it is
«Сумма 2» (the merged title, numbered past its first column) and read as the currency (every cell RUB or USD):
the «Валюта» picker shows «4. Сумма 2». Worked out by hand from the sheet below (3 deals)."""

from __future__ import annotations

from tests.app.conftest import uploaded
from tests.unit.test_merged_header_titles import ONE_ROW_AMOUNT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_merged_amount_title_names_its_currency_column(data_dir):
    at = uploaded("сделки.xlsx", ONE_ROW_AMOUNT, lang="ru", mime=XLSX)
    assert not at.error
    assert any(s.value.startswith("Прочитаны 3 строки") for s in at.success)
    pickers = {s.label: s for s in at.selectbox if s.key and s.key.startswith("g")}
    assert pickers["Сумма"].format_func(pickers["Сумма"].value) == "3. Сумма"
    assert pickers["Валюта"].format_func(pickers["Валюта"].value) == "4. Сумма 2"
