"""What stuck deals are worth, said with its factors (helper h2's audit of Maven's CRM pipeline in Russian).

The finding's impact is the leak rule: stuck deals × P(won | their stage) × the average won deal, not the stuck
deals' own amount at a win probability. Maven's open deals carry no amount, and the page wrote «Сумма зависших
сделок: —; с учётом вероятности выигрыша на этапе это около 2,1 млн»: an unknown sum worth 2.1M. Now the text
says the sum is unknown and why, and how the 2.1M is made.

A Maven-shaped file (its own headers: ``engage_date`` is the date each deal entered «Engaging``; no creation date,
open deals with no ``close_value``), worked by hand:
- 10 closed deals, each engaged 10 days before its close: time in «Engaging» 10 days for all, so its p90 is 10;
  6 won (1 000, 2 000, 3 000, 1 000, 2 000, 3 000: average 2 000), 4 lost (0); the last close is 2024-03-11,
  the audit's date;
- 12 open deals at «Engaging» since 2024-01-01: 70 days there, over the p90 → 12 stuck of 12 open;
- P(won | reached «Engaging») among closed deals = 6 / 10 = 60 %;
- impact = 12 × 0.6 × 2 000 = 14 400 («14,4 тыс.»; «1.4万» in Chinese).
"""

from __future__ import annotations

from funnel.audit.diagnose import diagnose
from funnel.audit.wording import why
from funnel.importer import import_file
from funnel.spec import FunnelSpec

WON = [1000, 2000, 3000, 1000, 2000, 3000]
ROWS = ["opportunity_id,sales_agent,deal_stage,engage_date,close_date,close_value"]
ROWS += [f"W{i},Ann,Won,2024-02-{i + 1:02d},2024-02-{i + 11:02d},{v}" for i, v in enumerate(WON)]
ROWS += [f"L{i},Bob,Lost,2024-02-{i + 1:02d},2024-02-{i + 11:02d},0" for i in range(3)]
ROWS += ["L3,Bob,Lost,2024-03-01,2024-03-11,0"]
ROWS += [f"O{i},Ann,Engaging,2024-01-01,," for i in range(12)]


def _stuck(mem_store, tmp_path, rows=ROWS):
    path = tmp_path / "sales_pipeline.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    info, _built, _draft = import_file(mem_store, path, path.name, stages=["Prospecting", "Engaging", "Won"])
    with mem_store.connect() as con:
        found = [f for f in diagnose(con, info, FunnelSpec()).findings if f.code == "stuck_deals"]
    assert len(found) == 1 and found[0].deal_count == 12
    return found[0], info


def test_stuck_deals_without_amounts_say_the_sum_is_unknown_and_how_the_impact_is_made(mem_store, tmp_path):
    f, info = _stuck(mem_store, tmp_path)
    assert round(f.impact) == 12 * 6 * 2000 // 10  # 14 400
    ru = why(f, info, "ru")
    assert "Сумма зависших сделок: —" not in ru
    assert "неизвестно: у открытых сделок в этом файле нет суммы" in ru
    assert ("около 14,4\u00a0тыс.: зависшие сделки (12) × P(выигрыш | «Engaging») = 60,0\u00a0% "
            "× средняя выигранная сделка (2\u00a0тыс.).") in ru
    zh = why(f, info, "zh")
    assert "停滞交易金额：—" not in zh and "进行中的交易没有金额" in zh
    assert "约值 1.4万：停滞交易（12）× P(赢单 | “Engaging”) = 60.0% × 平均赢单金额（2,000）。" in zh


def test_stuck_deals_with_amounts_give_their_sum_and_the_impact_by_the_leak_rule(mem_store, tmp_path):
    """The same file with 500 on each open deal: their sum is 12 × 500 = 6 000, said as it is; the impact is still
    12 × 60 % × 2 000 = 14 400 (not 6 000 × 60 % = 3 600, which the old «at the stage's win probability» implied)."""
    rows = [r + "500" if r.startswith("O") else r for r in ROWS]
    f, info = _stuck(mem_store, tmp_path, rows)
    en = why(f, info, "en")
    assert ("Amount in the stuck deals: 6K. By the leak rule they are worth about 14.4K: stuck deals (12) "
            "× P(won | «Engaging») = 60.0% × average won deal (2K).") in en
