"""An .xlsx whose header has merged cells (hand-made Russian and Chinese sheets, 1C and Bitrix24 reports saved to
Excel): a merged cell's text sits in its top-left cell, python-calamine reads the others as empty.

- A header of two rows, «Сделка» merged over A1:C1, «Даты» over D1:E1, «Менеджер» merged down F1:F2, and row 2
  naming A–D only (E2 empty under «Даты»): row 2 is the real titles row. Before, the empty E2 made the two-row
  reading fail; the header was read as row 1 («Сделка», «», «», «Даты», «», «Менеджер»), row 2's titles became a
  deal and the deals had no stage column. Now: Название, Этап, Сумма, Создана, «Даты 2» (the group's second
  column), Менеджер; 3 deals (rows 3–5); the stage is «Этап», created from «Создана».
- A header of one row with «Сумма» merged over C1:D1 (the amount and its currency) or «Контакт» over D1:E1 (a name
  and a phone): the title names its first column, the other is «Сумма 2» / «Контакт 2» (was a column without a
  name, that neither the Data page's pickers nor ``--map`` could name). Said in the import's notes.
  «Сумма 2» holds RUB, USD, RUB, the column under the amount's merged title: read as the deals' currency by itself
  (was an extra column), the deals' currencies are those three; ``--map currency="Сумма 2"`` names it too.
A CSV saved from such a sheet says no merge: a group with an empty column under it stays refused as two rows (the
tests of header_rows keep that).
"""

from __future__ import annotations

import io

import duckdb
import openpyxl

from funnel.importer import Source, import_file, prepare
from funnel.quality_report import finding_text
from funnel.store import Store


def _book(rows: list[list], merges: list[str]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TWO_ROWS_GAP = _book([
    ["Сделка", None, None, "Даты", None, "Менеджер"],
    ["Название", "Этап", "Сумма", "Создана", None, None],
    ["Поставка", "Успешно реализовано", 250000, "10.01.2024", "15.02.2024", "Иванов"],
    ["Сервер", "Переговоры", 90000, "01.02.2024", None, "Петров"],
    ["Ноутбуки", "Закрыто и не реализовано", 40000, "03.02.2024", "20.02.2024", "Иванов"],
], ["A1:C1", "D1:E1", "F1:F2"])
ONE_ROW_AMOUNT = _book([
    ["ID", "Этап", "Сумма", None, "Создана", "Менеджер"],
    [1, "Успешно реализовано", 250000, "RUB", "10.01.2024", "Иванов"],
    [2, "Переговоры", 900, "USD", "01.02.2024", "Петров"],
    [3, "Закрыто и не реализовано", 40000, "RUB", "03.02.2024", "Иванов"],
], ["C1:D1"])


def _draft(data: bytes, name: str):
    con = duckdb.connect()
    try:
        return prepare(con, None, Source(data, name))
    finally:
        con.close()


def test_a_two_row_header_with_an_unnamed_column_under_a_merged_group():
    draft = _draft(TWO_ROWS_GAP, "сделки.xlsx")
    assert draft.raw.headers == ["Название", "Этап", "Сумма", "Создана", "Даты 2", "Менеджер"]
    assert draft.raw.n_rows == 3
    fields = draft.mapping.fields
    assert (fields["stage"], fields["amount"], fields["created_at"], fields["manager"]) == (1, 2, 3, 5)


def test_a_title_merged_across_two_columns_names_the_second_title_2(tmp_path):
    draft = _draft(ONE_ROW_AMOUNT, "deals.xlsx")
    assert draft.raw.headers == ["ID", "Этап", "Сумма", "Сумма 2", "Создана", "Менеджер"]
    assert (draft.mapping.fields["amount"], draft.mapping.fields["currency"]) == (2, 3)
    notes = dict(draft.raw.notes)
    assert notes["import50.header_merged"] == {"file": "deals.xlsx", "title": "Сумма", "n": 2, "names": "«Сумма 2»"}
    assert finding_text("import50.header_merged", '{"file": "deals.xlsx", "title": "Сумма", "n": 2, '
                        '"names": "«Сумма 2»"}', "ru").startswith(
        "В «deals.xlsx» заголовок «Сумма» объединён на 2 столбца: им назван первый из них, остальные, без своего "
        "заголовка, читаются как «Сумма 2».")
    store = Store(tmp_path / "funnel.duckdb")
    try:
        info, built, _draft_ = import_file(store, ONE_ROW_AMOUNT, "deals.xlsx", mapping_pairs=["currency=Сумма 2"])
        with store.connect(info) as con:
            rows = con.execute(f"SELECT deal_id, currency FROM ds_{info.id}.deals ORDER BY deal_id").fetchall()
    finally:
        store.close()
    assert rows == [("1", "RUB"), ("2", "USD"), ("3", "RUB")]


def test_a_merged_title_over_an_empty_column_names_nothing():
    """«Комментарий» merged over E1:F1 with F empty in every row: F stays nameless (dropped as an empty trailing
    column), no note."""
    data = _book([["ID", "Этап", "Сумма", "Создана", "Комментарий", None],
                  [1, "Переговоры", 100, "10.01.2024", "позвонить", None],
                  [2, "Успешно реализовано", 200, "11.01.2024", None, None]], ["E1:F1"])
    draft = _draft(data, "deals.xlsx")
    assert "Комментарий 2" not in draft.raw.headers
    assert "import50.header_merged" not in dict(draft.raw.notes)
