"""A leak says what to check where it sits (seeds 001 and 002), and names its own top lost reason.

Before, every leak card said the same «in the classic case (1000 requests, 900 reached, only 30
proposals sent) the problem is the managers' step»: also for the funnel's first step, where the seed's
advice is the intake and the ads (the nail), and for the step out of the price stage (the narrow neck).
The deals are ``walk``'s (tests/unit/test_audit_findings.py): 200 enter, ``passes[i]`` pass step i,
the rest are lost there.
"""

from __future__ import annotations

import pytest

from funnel.audit.wording import check
from tests.unit.test_audit_findings import STAGES, of, run_audit, walk

FIRST_LEAKS = [60, 54, 48, 42]  # step rates .3, .9, .889, .875: the first step is far below the others
SECOND_LEAKS = [180, 54, 48, 42]  # .9, .3, .889, .875


def _one_leak(deals, stages=STAGES):
    _con, info, d = run_audit(deals, stages=stages)
    (leak,) = of(d, "leak")
    return info, leak


def test_the_first_step_points_at_intake_and_sources_with_its_top_lost_reason():
    deals = walk("d", 200, FIRST_LEAKS)
    # the 140 deals lost at A (furthest 1): 70 «no answer», 50 «spam», 20 «price»
    lost_at_a = [x for x in deals if x["status"] == "lost" and x["furthest_pos"] == 1]
    assert len(lost_at_a) == 140
    for k, deal in enumerate(lost_at_a):
        deal["lost_reason"] = "no answer" if k < 70 else "spam" if k < 120 else "price"
    info, leak = _one_leak(deals)
    assert (leak.stage, leak.stage_to, leak.params["place"]) == ("A", "B", "first")
    # top reason: 70 of 140 = 50 %
    assert leak.params["reason"] == "no answer"
    assert leak.params["reason_share_pct"] == pytest.approx(0.5)
    assert leak.params["reason_total_n"] == 140
    en = check(leak, info, "en")
    assert "first step" in en and "by source" in en and "1000 requests" not in en
    assert "«no answer», 50.0% of the 140 that record a reason" in en
    ru = check(leak, info, "ru")
    assert "первый шаг воронки" in ru and "«Источники и сегменты»" in ru
    assert "«no answer» — 50,0\xa0% из 140 с указанной причиной" in ru
    zh = check(leak, info, "zh")
    assert "第一步" in zh and "“来源与细分”" in zh
    # a Chinese sentence ends in 。 and the next follows without a space
    assert "首次回复。在此流失的交易中最常见的原因：“no answer”，占记录了原因的 140 笔交易的 50.0%。" in zh


def test_the_step_out_of_the_price_stage_points_at_the_price():
    stages = [("A", "open"), ("Proposal sent", "open"), ("C", "open"), ("D", "open"), ("Won", "won"),
              ("Lost", "lost")]
    info, leak = _one_leak(walk("d", 200, SECOND_LEAKS), stages)
    assert (leak.stage, leak.stage_to, leak.params["place"]) == ("Proposal sent", "C", "at_price")
    assert "competitors" in check(leak, info, "en")
    assert "после предложения и цены" in check(leak, info, "ru")


def test_the_step_into_the_price_stage_points_at_proposals_not_sent():
    stages = [("A", "open"), ("B", "open"), ("Счёт выставлен", "open"), ("D", "open"), ("Won", "won"),
              ("Lost", "lost")]
    info, leak = _one_leak(walk("d", 200, SECOND_LEAKS), stages)
    assert (leak.stage, leak.stage_to, leak.params["place"]) == ("B", "Счёт выставлен", "to_price")
    assert "не доходят до предложения" in check(leak, info, "ru")


def test_a_middle_step_keeps_the_managers_advice_and_few_reasons_name_none():
    deals = walk("d", 200, SECOND_LEAKS)
    # 126 deals lost at B (180 - 54): only 9 keep a reason, fewer than the 10 a reason needs
    for k, deal in enumerate(x for x in deals if x["status"] == "lost" and x["furthest_pos"] == 2):
        deal["lost_reason"] = "price" if k < 9 else None
    info, leak = _one_leak(deals)
    assert (leak.stage, leak.params["place"]) == ("B", "middle")
    assert "reason" not in leak.params
    en = check(leak, info, "en")
    assert "1000 requests" in en and "most common reason" not in en
