"""Session 49 hardening by fuzzing: each test is one file the fuzzer (mutated CRM exports) found mishandled.

Expected messages and values are worked out by hand from the file in the test, not copied from output.
"""

from __future__ import annotations

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file


def _import(store, text: str, name: str, **kw):
    return import_file(store, text.encode("utf-8"), name, force=True, **kw)


# An amoCRM export (semicolons) saved without its header row: the first deal's values stand where the titles
# should be. Only 3 of its 8 filled cells are numbers or dates (31000001, 155000, 01.05.2025 10:00:00), so the
# old «half the cells are values» rule let it through; it imported as a table of counts whose steps were
# «31000001» and «155000» (a deal id and an amount) and whose group column was «Сделка #1».
AMO_NO_HEADER = (
    "31000001;Сделка #1;155000;Анна Смирнова;01.05.2025 10:00:00;;Переговоры;Продажи;Сайт;\n"
    "31000002;Сделка #2;90000;Олег Петров;02.05.2025 11:00:00;;Переговоры;Продажи;Сайт;\n"
    "31000003;Сделка #3;12000;Анна Смирнова;03.05.2025 12:00:00;04.06.2025 12:00:00;Закрыто и не реализовано;"
    "Продажи;Яндекс Директ;Дорого\n"
    "31000004;Сделка #4;47000;Олег Петров;04.05.2025 09:00:00;;Первичный контакт;Продажи;Сайт;\n"
)
# The same, a Pipedrive-style English export without its header (it imported as 3 «deals» under columns named
# after the first deal's values, the first deal itself lost as the header).
SAAS_NO_HEADER = (
    "1001,Alderline Inc - Enterprise plan,Olivia Hughes,97900,USD,New business,Demo done,Lost,"
    "2025-05-01 09:02:51,,2025-06-26 01:00:15,Chose competitor,Organic search,Enterprise\n"
    "1002,Cedarstone Inc,Sofia Romero,27600,USD,New business,Lead,Lost,2025-05-01 09:06:39,,"
    "2025-05-20 07:06:06,No budget,Outbound,Enterprise\n"
    "1003,Birchfield Co,Olivia Hughes,34400,USD,New business,Demo done,Open,2025-05-01 09:56:53,,,,Referral,"
    "Mid-market\n"
    "1004,Rowanstone GmbH,Sofia Romero,26400,USD,Renewals,Won,Won,2025-05-01 10:32:32,2025-05-29 10:21:02,,,"
    "Outbound,Enterprise\n"
)


@pytest.mark.parametrize(("text", "name", "first_values"), ids=["amocrm_ru", "pipedrive_en"], argvalues=[
    (AMO_NO_HEADER, "amo_no_header.csv", "31000001, Сделка #1, 155000, Анна Смирнова, 01.05.2025 10:00:00, Переговоры"),
    (SAAS_NO_HEADER, "saas_no_header.csv", "1001, Alderline Inc - Enterprise plan, Olivia Hughes, 97900, USD, "
                                           "New business"),
])
def test_a_crm_export_without_its_header_row_is_refused(mem_store, text, name, first_values):
    """The first line repeats values found in the same columns below it (a manager, a stage, a pipeline, a
    source: «Анна Смирнова», «Переговоры», «Продажи», «Сайт»; «Olivia Hughes», «USD», «New business», «Lost»)
    besides its id, amount and date: a row of data, not titles. Refused, naming the file and the first six
    filled values (the amoCRM line's empty sixth cell, a closing date, skipped), in each language; nothing is
    stored."""
    with pytest.raises(FunnelError) as err:
        _import(mem_store, text, name)
    assert err.value.code == "import.no_header_row"
    assert err.value.params == {"file": name, "headers": first_values}
    assert err.value.message("ru").startswith(f"{name}: в первой строке значения ({first_values}…)")
    assert err.value.message("zh").startswith(f"{name}：")
    assert mem_store.datasets() == []


def test_a_header_row_that_repeats_further_down_is_still_a_header(mem_store):
    """Two exports pasted together repeat the header mid-file: its titles then «recur» in their columns, but
    in a row that is the header again, not data. The file imports: 3 deals (the repeated title row is
    dropped or rejected, never a deal)."""
    text = ("ID,Stage,Manager,Amount,Created\n1,Won,Ann,10,2025-01-02\n2,Lost,Bob,20,2025-01-03\n"
            "ID,Stage,Manager,Amount,Created\n3,Won,Ann,30,2025-01-04\n")
    _info, built, _ = _import(mem_store, text, "twice.csv")
    assert built["n_deals"] == 3
