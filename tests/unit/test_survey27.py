"""Issue 16, survey 27: the CRMs' own funnel reports, exported (counts per stage, not deal lists).

- **A count whose header is not on the list** («Deals reached», amoCRM's «Сделки») made every row one deal: a funnel
  of 40 read as 6 deals, silently.
- **amoCRM's «Сводный отчёт»** lists the stages that hold deals now (its help: «отображаются только те статусы, на
  которых присутствуют сделки в данный момент»), with each one's «%» of them: 20 + 15 + 10 + 5 = 50 deals, read as
  a funnel of reached counts (20/15/10/5).
- **Bitrix24's «Воронка продаж»** is cumulative by default (crm.deal.funnel: going back from the success stage each
  stage's count is added to every earlier one; ``PROCENT = COUNT_FUNNEL * 100 / all deals``): read as current
  counts, 105 deals instead of 50.
- **Money per stage with its currency** («Сумма (Российский рубль)», «Бюджет, ₽») was left out.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached


def _deals_revenue(store, info):
    deals, won, lost, open_, revenue, _cycle = outcome(store, info)
    return deals, won, lost, open_, revenue


def test_a_count_named_by_its_words_is_a_count(mem_store):
    text = "Stage,Deals reached\nQualified,40\nContact Made,30\nDemo Scheduled,20\nProposal Made,10\n" \
           "Negotiations Started,6\nWon,4\n"
    info, _built, _ = import_file(mem_store, text.encode(), "conversion.csv")
    assert info.shape == "counts"  # before: 6 deals, one per row
    with mem_store.connect() as con:
        counts = con.execute(f"SELECT stage, n FROM ds_{info.id}.counts WHERE grp = '' ORDER BY position").fetchall()
    assert counts == [("Qualified", 40), ("Contact Made", 30), ("Demo Scheduled", 20), ("Proposal Made", 10),
                      ("Negotiations Started", 6), ("Won", 4)]


def test_amocrms_deals_per_stage_with_closed_stages_are_those_deals(mem_store):
    """«Этап;Сделки;Бюджет»: 10 + 6 + 4 open, 8 won (320,000), 12 lost = 40 deals; reached 40 (the lost at the first
    stage), 6 + 4 + 8 = 18, 4 + 8 = 12, 8."""
    text = "Этап;Сделки;Бюджет\nПервичный контакт;10;100000\nПереговоры;6;120000\nПринимают решение;4;80000\n" \
           "Успешно реализовано;8;320000\nЗакрыто и не реализовано;12;0\n"
    info, _built, _ = import_file(mem_store, text.encode(), "amocrm.csv")
    assert _deals_revenue(mem_store, info) == (40, 8, 12, 20, 320000)
    assert reached(mem_store, info) == [("Первичный контакт", 40), ("Переговоры", 18), ("Принимают решение", 12),
                                        ("Успешно реализовано", 8)]


def test_amocrms_summary_of_open_stages_is_current_counts_by_its_shares(mem_store):
    """Shares 40 + 30 + 20 + 10 % of the same 50 deals (20 × 100 / 40 = 50 on every row), the counts adding up to 50:
    each deal once, at its stage now. Reached 50, 30, 15, 5; the budget (with its currency) 900,000 open."""
    text = "Этап;Сделок;Бюджет, ₽;%\nПервичный контакт;20;200 000;40\nПереговоры;15;300 000;30\n" \
           "Принимают решение;10;250 000;20\nСогласование договора;5;150 000;10\n"
    info, _built, _ = import_file(mem_store, text.encode(), "svodka.csv")
    assert reached(mem_store, info) == [("Первичный контакт", 50), ("Переговоры", 30), ("Принимают решение", 15),
                                        ("Согласование договора", 5)]
    with mem_store.connect() as con:
        assert con.execute(f"SELECT sum(amount) FROM ds_{info.id}.deals").fetchone()[0] == 900000


BITRIX_CUMULATIVE = """Стадия;%;Количество;Сумма (Российский рубль)
Новая;60;30;300000
Подготовка документов;40;20;220000
Счёт на предоплату;30;15;170000
В работе;20;10;120000
Финальный счёт;12;6;80000
Сделка успешна;8;4;60000
Сделка провалена;30;15;150000
Анализ причины провала;10;5;40000
"""
# the same deals as the report's «классическая» mode writes them: each stage its own
BITRIX_CLASSIC = """Стадия;%;Количество;Сумма (Российский рубль)
Новая;20;10;80000
Подготовка документов;10;5;50000
Счёт на предоплату;10;5;50000
В работе;8;4;40000
Финальный счёт;4;2;20000
Сделка успешна;8;4;60000
Сделка провалена;30;15;150000
Анализ причины провала;10;5;40000
"""
# by hand: own deals 30-20 = 10, 20-15 = 5, 15-10 = 5, 10-6 = 4, 6-4 = 2, won 4, lost 15 + 5: 50 deals (30 × 100 / 60);
# won 60,000; reached 50, 5+5+4+2+4 = 20, 15, 10, 6, 4
BITRIX_REACHED = [("Новая", 50), ("Подготовка документов", 20), ("Счёт на предоплату", 15), ("В работе", 10),
                  ("Финальный счёт", 6), ("Сделка успешна", 4)]


def test_bitrix24s_cumulative_funnel_report_is_its_50_deals(mem_store):
    info, _built, _ = import_file(mem_store, BITRIX_CUMULATIVE.encode(), "funnel.csv")
    assert _deals_revenue(mem_store, info) == (50, 4, 20, 26, 60000)  # before: 105 deals, no revenue
    assert reached(mem_store, info) == BITRIX_REACHED
    said = findings(mem_store, info)["counts.cumulative"]
    assert said[0] == "info"


def test_bitrix24s_classic_funnel_report_gives_the_same_deals(mem_store):
    info, _built, _ = import_file(mem_store, BITRIX_CLASSIC.encode(), "funnel.csv")
    assert _deals_revenue(mem_store, info) == (50, 4, 20, 26, 60000)
    assert reached(mem_store, info) == BITRIX_REACHED
    assert "counts.cumulative" not in findings(mem_store, info)


def test_a_funnel_of_conversions_stays_reached_counts(mem_store):
    """HubSpot's strict funnel (each stage's count of those that reached it, conversions beside): no share of all
    deals, no lost stage: the counts are reached counts, as before."""
    text = "Deal stage,Count of deals,Next step conversion,Cumulative conversion\n" \
           "Appointment scheduled,40,75.00%,100.00%\nQualified to buy,30,66.67%,75.00%\n" \
           "Presentation scheduled,20,75.00%,50.00%\nContract sent,10,60.00%,25.00%\nClosed won,6,,15.00%\n"
    info, _built, _ = import_file(mem_store, text.encode(), "funnel.csv")
    assert info.shape == "counts"


def test_a_count_of_won_deals_per_owner_is_no_yes_no_flag(mem_store):
    """Pipedrive's «Deals won» by owner (Anna 3, Boris 1): «3» was a bad yes/no value (row rejected) and Boris's «1» a
    yes, so 1 deal, won, 100 %. A number other than 0 and 1 is no flag: the file is refused by what it lacks instead
    of read as one won deal."""
    import pytest

    from funnel.errors import FunnelError
    from funnel.mapping import cell_kinds

    assert not cell_kinds.fits_kind(["3", "1"], "bool") and cell_kinds.fits_kind(["1", "0", "yes"], "bool")
    with pytest.raises(FunnelError) as caught:
        import_file(mem_store, b"Owner,Deals won,Won deals value\nAnna Smith,3,15000\nBoris Ivanov,1,4000\n", "won.csv")
    assert caught.value.code == "import.missing_column"
