"""A guessed stage order from the stage names (funnel/mapping/stage_ladder.py) and the deals' win probability
(stage_probability.py): orders worked out by hand from the rungs new lead → contact → qualification →
meeting → proposal → negotiation → contract, and from the medians."""

from __future__ import annotations

import pytest

from funnel.importer.stage_order import resolve
from funnel.mapping.stage_ladder import ladder_order, rung
from funnel.mapping.stage_names import numbered_order, stage_number
from funnel.mapping.stage_probability import is_probability_header, probability_order


@pytest.mark.parametrize("by_count, expected", [
    # a Spanish pipeline sheet: most deals in the later stages
    (["Negociación", "Propuesta enviada", "Cualificación", "Prospección"],
     ["Prospección", "Cualificación", "Propuesta enviada", "Negociación"]),
    # Pipedrive's default pipeline, by counts backwards
    (["Negotiations Started", "Proposal Made", "Demo Scheduled", "Needs Defined", "Contact Made", "Lead In"],
     ["Lead In", "Contact Made", "Needs Defined", "Demo Scheduled", "Proposal Made", "Negotiations Started"]),
    # a Russian sales team's own stages (ё folded: «Счёт»)
    (["Счёт выставлен", "Переговоры", "КП отправлено", "Встреча назначена", "Новая заявка"],
     ["Новая заявка", "Встреча назначена", "КП отправлено", "Переговоры", "Счёт выставлен"]),
    # Chinese stages: no word breaks
    (["商务谈判", "方案报价", "需求确认", "初步接触"], ["初步接触", "需求确认", "方案报价", "商务谈判"]),
    # two stages on one rung keep their count order (most deals first)
    (["Переговоры", "Принимают решение", "Первичный контакт"],
     ["Первичный контакт", "Переговоры", "Принимают решение"]),
])
def test_every_stage_on_a_rung_orders_by_the_rungs(by_count, expected):
    assert ladder_order(by_count) == expected


@pytest.mark.parametrize("by_count", [
    ["Proposal", "Stage X"],  # one stage says nothing: no claim at all
    ["Квалификация и сбор потребностей", "Собрать 2 док-та", "Отложенные"],
    ["Negotiation", "Negotiation round 2"],  # one rung only
    ["Proposal"],
])
def test_a_stage_on_no_rung_or_a_single_rung_claims_nothing(by_count):
    assert ladder_order(by_count) is None


def test_words_match_at_their_start_only():
    assert rung("Renewal") is None  # "new" inside a word is not a new lead
    # rung 7: the contract rung comes after the estimate (5) and proposal (6) rungs
    assert rung("Demo scheduled") == 3 and rung("Lead In") == 0 and rung("Contract sent") == 7


def test_the_ladder_order_is_still_a_guess_and_closing_stages_stay_last():
    ps = resolve("", ["Negotiation", "Closed Won", "Qualified", "Closed Lost", "New"])
    assert ps.funnel == ["New", "Qualified", "Negotiation", "Closed Won"]
    assert ps.lost == ["Closed Lost"] and ps.guessed is True
    # no rung for one stage: most deals first, as before
    assert resolve("", ["Stage B", "Proposal", "Closed Won"]).funnel == ["Stage B", "Proposal", "Closed Won"]


def test_a_refusal_stage_is_lost_and_the_words_around_it_are_not():
    from funnel.mapping.status import classify_stage_name

    assert [classify_stage_name(s) for s in ("Отказ", "Отказ клиента", "Отказ: дорого", "Отказались")] == ["lost"] * 4
    assert classify_stage_name("Отказной звонок") is None  # a word that starts alike
    assert classify_stage_name("Повторный контакт после отказа") is None


# -- the deals' win probability (funnel/mapping/stage_probability.py) --------------------------------
def test_probability_orders_stages_and_equal_medians_keep_the_ladder():
    # Salesforce's defaults: Prospecting and Qualification are both 10 %; the ladder puts a prospect first
    medians = {"Qualification": 10.0, "Prospecting": 10.0, "Needs Analysis": 20.0, "Negotiation/Review": 90.0}
    by_count = ["Negotiation/Review", "Qualification", "Needs Analysis", "Prospecting"]
    assert probability_order(medians, by_count) == ["Prospecting", "Qualification", "Needs Analysis",
                                                    "Negotiation/Review"]


def test_probability_says_nothing_when_a_stage_has_none_or_all_are_equal():
    assert probability_order({"A": 10.0}, ["A", "B"]) is None
    assert probability_order({"A": 50.0, "B": 50.0}, ["A", "B"]) is None
    assert probability_order({"A": 50.0}, ["A"]) is None


@pytest.mark.parametrize("header", ["Probability (%)", "Deal - Probability", "Win Probability", "Вероятность, %",
                                    "成交概率", "Wahrscheinlichkeit (%)"])
def test_probability_headers(header):
    assert is_probability_header(header)
    assert not is_probability_header("Amount")


# -- numbered stage names (funnel/mapping/stage_names.py) ---------------------------------------------
def test_numbered_stage_names_give_their_order():
    assert numbered_order(["3-Propose", "1-Qualify", "2-Develop"]) == (["1-Qualify", "2-Develop", "3-Propose"], True)
    # 10 after 3: numbers, not text
    assert numbered_order(["10. Договор", "02. Квалификация", "3 Proposal", "01. Новый лид"]) == (
        ["01. Новый лид", "02. Квалификация", "3 Proposal", "10. Договор"], True)
    assert numbered_order(["1-Qualify", "Proposal"]) is None  # one of two without a number
    assert numbered_order(["1. A", "1) B"]) is None  # one number twice
    # a monday.com board's letters; a stage added without one goes last, and the order is a guess
    assert numbered_order(["C. Demo Done", "A. Lead Generated", "Project Completed", "B. Sales Qualified Leads",
                           "D. Feasibility"]) == (["A. Lead Generated", "B. Sales Qualified Leads", "C. Demo Done",
                                                   "D. Feasibility", "Project Completed"], False)
    assert numbered_order(["C. Demo", "A. Lead", "Won", "Proposal"]) is None  # two in four without one


def test_what_is_not_a_step_number():
    assert [stage_number(n) for n in ("1С", "2nd call", "100 000", "Stage 1", "4-Close", "5) Won", "Ab. x",
                                      "B. Sales")] == [None, None, None, None, 4, 5, None, 1002]


def test_a_numbered_closing_stage_is_still_won_or_lost():
    assert resolve("", ["2. Demo", "1. Lead", "3. Won", "4. Lost"]).funnel == ["1. Lead", "2. Demo", "3. Won"]
    assert resolve("", ["2. Demo", "1. Lead", "3. Won", "4. Lost"]).lost == ["4. Lost"]
    assert not resolve("", ["2. Demo", "1. Lead"]).guessed
    assert resolve("", ["B. Demo", "A. Lead", "G. Project Won", "L. Project Lost"]).lost == ["L. Project Lost"]


def test_an_estimate_comes_before_the_proposal():
    # amoCRM «Опт»: «Расчёт стоимости» (a cost estimate) is worked out before «КП отправлено»; most deals
    # first would put «КП отправлено» (2 deals) before it (1 deal)
    assert ladder_order(["КП отправлено", "Заявка получена", "Счёт выставлен", "Расчёт стоимости"]) == [
        "Заявка получена", "Расчёт стоимости", "КП отправлено", "Счёт выставлен"]
