"""Write the bundled demo datasets (sample_data/*.csv + manifest.json), seeded and byte-for-byte repeatable.

    python3 sample_data/generate.py [--out DIR]

Every file looks like a real CRM export or a hand-typed spreadsheet (../shared/reference/crm-exports.md):
the app's importer reads them like any user upload. Each dataset has patterns planted on purpose, with
the intended rates in sample_data/README.md; tests/unit/test_sample_data.py checks they hold.
A deal walks its pipeline stage by stage (:func:`_walk`): at stage k it waits a log-normal time, then
moves on with that step's probability or is lost there; whatever has not happened by ``END`` is open.
"""

from __future__ import annotations

import argparse
import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
EPOCH = datetime(2025, 1, 1)
END = int((datetime(2026, 11, 1) - EPOCH).total_seconds())  # data end: 2026-11-01 00:00:00
START_18M = int((datetime(2025, 5, 1) - EPOCH).total_seconds())  # first deal: 18 months before END
DAY = 86400

# --- dataset 1: B2B services, amoCRM (Russian UI) -------------------------------------------------
B2B_STAGES = [
    "Новая заявка", "Квалифицирован", "Встреча назначена", "Встреча проведена", "Передан в работу",
    "Макет согласован", "Счёт выставлен", "Предоплата получена", "Передан в производство",
    "Заказ доставлен", "Акты подписаны, оплачено",
]
B2B_LOST = "Закрыто и не реализовано"
# step k -> k+1 conversion; steps 1->2 and 2->3 come from B2B_SOURCES, 7->8 from the manager.
B2B_RATES = [None, None, 0.45, 0.85, 0.90, 0.95, None, 0.95, 0.97, 0.97]
B2B_DAYS = [1, 2, 6, 3, 5, 7, 4, 6, 12, 5]  # median days spent in stage k before leaving it
B2B_STUCK = (5, 0.15)  # 15 % of deals entering "Передан в работу" stop moving and stay open
# source: (share of deals, rate 1->2, rate 2->3)
B2B_SOURCES = {
    "Яндекс Директ": (0.36, 0.58, 0.70), "Сайт": (0.24, 0.62, 0.72), "Рекомендация": (0.12, 0.97, 0.97),
    "Выставка": (0.10, 0.60, 0.72), "Холодный звонок": (0.18, 0.50, 0.66),
}
B2B_MANAGERS = ["Анна Смирнова", "Олег Петров", "Мария Кузнецова", "Дмитрий Волков", "Елена Соколова",
                "Игорь Лебедев"]
B2B_WEAK = ("Игорь Лебедев", 0.35, 0.75)  # rate Счёт выставлен -> Предоплата получена: weak, the rest
B2B_CITIES = ["Москва", "Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Нижний Новгород"]
B2B_PRODUCTS = ["Световая вывеска", "Оклейка витрин", "Выставочный стенд", "Брендирование авто",
                "Полиграфия: каталоги", "Навигация в бизнес-центре", "Крышная установка", 'Вывеска "Кафе у дома"']
B2B_REASONS = {1: ["Нецелевой запрос", "Не дозвонились", "Дорого"],
               3: ["Не пришёл на встречу", "Не пришёл на встречу", "Выбрали конкурента", "Отложили проект"],
               5: ["Выбрали конкурента", "Не устроили сроки", "Бюджет не согласован", "Дорого"]}
B2B_CAMPAIGNS = ["vyveski_poisk", "poligrafiya_rsya", "brand", "stendy_vystavki"]

# --- dataset 2: web funnel with a landing A/B test and a headline A/A ----------------------------
WEB_STEPS = ["impression", "click", "lead", "sale"]
WEB_VISITORS = 40_000
WEB_START = int((datetime(2026, 9, 6) - EPOCH).total_seconds())  # 8 weeks up to END
# source: (share of visitors, P(click | impression), P(sale | lead))
WEB_SOURCES = {"google": (0.32, 0.30, 0.20), "yandex": (0.28, 0.28, 0.20), "facebook": (0.18, 0.22, 0.14),
               "email": (0.08, 0.45, 0.35), "direct": (0.14, 0.35, 0.25)}
WEB_LEAD_RATE = {"A": 0.10, "B": 0.13}  # P(lead | click) by landing; headline H1/H2 changes nothing
WEB_SEED = 4000  # see README: a seed where the planted null (headline) is not a false positive

# --- dataset 3: SaaS, Pipedrive (English UI), two pipelines ---------------------------------------
SAAS_PIPELINES = {
    "New business": ["Lead", "Demo scheduled", "Demo done", "Trial", "Proposal", "Negotiation", "Won"],
    "Renewals": ["Renewal due", "Renewal call", "Won"],
}
SAAS_RATES = {"New business": [0.60, 0.75, None, 0.85, 0.80, 0.70], "Renewals": [0.90, 0.80]}
SAAS_DAYS = {"New business": [3, 5, 4, 14, 6, 10], "Renewals": [10, 12]}
SAAS_STUCK = {"New business": (6, 0.20), "Renewals": (None, 0.0)}  # 20 % entering Negotiation stall
SAAS_DEALS = {"New business": 2650, "Renewals": 350}
SAAS_OWNERS = {"New business": ["Emma Clarke", "Liam Foster", "Olivia Hughes", "Noah Patel", "Sofia Romero"],
               "Renewals": ["Grace Kim", "Daniel Okafor"]}
SAAS_WEAK = ("Liam Foster", 0.28, 0.55)  # rate Demo done -> Trial: weak owner, the rest
# segment: (share, median deal value in USD, time-in-stage multiplier)
SAAS_SEGMENTS = {"SMB": (0.50, 4800, 1.0), "Mid-market": (0.30, 18000, 1.5), "Enterprise": (0.20, 72000, 2.5)}
SAAS_CHANNELS = {"New business": ["Organic search", "Paid search", "Referral", "Webinar", "Outbound"],
                 "Renewals": ["Existing customer"]}
SAAS_REASONS = {"New business": ["Price too high", "Chose competitor", "No budget", "No response",
                                 "Missing feature", "Bad timing"],
                "Renewals": ["Churned to competitor", "Budget cut", "No longer needed"]}
SAAS_NAMES = (["Alder", "Birch", "Cedar", "Maple", "Willow", "Juniper", "Hazel", "Rowan"],
              ["field", "stone", "brook", "works", "line", "gate"], ["Ltd", "Inc", "GmbH", "Co"])


def _fmt_ru(t: int | None) -> str:
    return "" if t is None else (EPOCH + timedelta(seconds=int(t))).strftime("%d.%m.%Y %H:%M:%S")


def _fmt_iso(t: int | None) -> str:
    return "" if t is None else (EPOCH + timedelta(seconds=int(t))).strftime("%Y-%m-%d %H:%M:%S")


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _created_times(rng: np.random.Generator, n: int) -> list[int]:
    """``n`` sorted creation times on weekdays, 09:00-19:00, over the 18 months before END."""
    days = np.arange(START_18M // DAY, END // DAY)
    days = days[((days + 2) % 7) < 5]  # 2025-01-01 was a Wednesday: (d + 2) % 7 is 0 on Mondays
    t = rng.choice(days, size=n) * DAY + rng.integers(9 * 3600, 19 * 3600, size=n)
    return sorted(int(x) for x in t)


def _walk(rng, t: int, rates: list[float], days: list[float], stuck=(None, 0.0)):
    """Walk one deal down its stages from ``t``: (path [(position, entered_at)], status, closed_at)."""
    path = [(1, t)]
    for k, rate in enumerate(rates, start=1):
        if k == stuck[0] and rng.random() < stuck[1]:
            return path, "open", None  # stalls here: never moves again
        t += max(600, int(days[k - 1] * DAY * np.exp(0.8 * rng.standard_normal())))
        if t >= END:
            return path, "open", None
        if rng.random() >= rate:
            return path, "lost", t
        path.append((k + 1, t))
    return path, "won", t


def b2b(rng: np.random.Generator) -> tuple[list[list], list[list]]:
    """amoCRM leads export rows and the stage-history rows (see README, dataset 1)."""
    sources = list(B2B_SOURCES)
    deals, history = [], []
    deal_id = 31_200_000
    for created in _created_times(rng, 4000):
        deal_id += int(rng.integers(1, 40))
        source = sources[rng.choice(len(sources), p=[v[0] for v in B2B_SOURCES.values()])]
        manager = B2B_MANAGERS[rng.integers(len(B2B_MANAGERS))]
        rates = list(B2B_RATES)
        rates[0], rates[1] = B2B_SOURCES[source][1:]
        rates[6] = B2B_WEAK[1] if manager == B2B_WEAK[0] else B2B_WEAK[2]
        path, status, closed = _walk(rng, created, rates, B2B_DAYS, B2B_STUCK)
        history += [[deal_id, B2B_STAGES[p - 1], t] for p, t in path]
        stage = {"won": B2B_STAGES[-1], "lost": B2B_LOST}.get(status, B2B_STAGES[path[-1][0] - 1])
        reason = ""
        if status == "lost":
            history.append([deal_id, B2B_LOST, closed])
            reason = str(rng.choice(B2B_REASONS[max(k for k in B2B_REASONS if k <= path[-1][0])]))
        budget = int(round(180_000 * np.exp(0.9 * rng.standard_normal()) / 500) * 500)
        if status == "open" and path[-1][0] == 1 and rng.random() < 0.3:
            budget = 0  # fresh requests often have no budget yet
        city = str(rng.choice(B2B_CITIES))
        name = f"Сделка #{deal_id}" if rng.random() < 0.5 else f"{rng.choice(B2B_PRODUCTS)}, {city}"
        utm = ["yandex", "cpc", str(rng.choice(B2B_CAMPAIGNS))] if source == "Яндекс Директ" else ["", "", ""]
        deals.append([deal_id, name, budget, manager, created, closed, stage, "Продажи", source, reason,
                      city, *utm])
    _plant_b2b_quality(rng, deals, history)
    history.sort(key=lambda r: (r[2], r[0]))
    for row in deals:
        row[4], row[5] = _fmt_ru(row[4]), _fmt_ru(row[5])
    return deals, [[i, s, _fmt_ru(t)] for i, s, t in history]


def _plant_b2b_quality(rng, deals: list[list], history: list[list]) -> None:
    """3 backward moves, 5 skipped stages, 2 duplicated IDs, 1 closed-before-created, 1 negative budget."""
    won = [d[0] for d in deals if d[6] == B2B_STAGES[-1]]
    by_deal: dict[int, list[list]] = {}
    for row in history:
        by_deal.setdefault(row[0], []).append(row)
    picked = [int(x) for x in rng.choice(won, size=8, replace=False)]
    for deal_id in picked[:3]:  # invoice sent -> back to "mock-up approved" -> invoice again
        t7, t8 = by_deal[deal_id][6][2], by_deal[deal_id][7][2]
        history += [[deal_id, B2B_STAGES[5], t7 + (t8 - t7) // 3], [deal_id, B2B_STAGES[6], t7 + 2 * (t8 - t7) // 3]]
    for deal_id in picked[3:]:  # "Передан в производство" never recorded: 8 -> 10
        history.remove(by_deal[deal_id][8])
    lost = [i for i, d in enumerate(deals) if d[6] == B2B_LOST]
    row = deals[int(rng.choice(lost))]
    row[5] = row[4] - int(rng.integers(2, 30)) * DAY  # closed before it was created (typed by hand)
    opened = [i for i, d in enumerate(deals) if d[5] is None and d[2] > 0]
    deals[int(rng.choice(opened))][2] *= -1  # negative budget
    plain = [i for i, d in enumerate(deals) if d[2] >= 0 and (d[5] is None or d[5] >= d[4])]
    for i in sorted(rng.choice(plain, size=2, replace=False), reverse=True):
        deals.insert(int(rng.integers(i + 1, len(deals) + 1)), list(deals[i]))  # same row exported twice


def web(rng: np.random.Generator) -> tuple[list[list], list[list]]:
    """Raw event log (one row per visitor per step reached) and the counts-by-source table."""
    n, names = WEB_VISITORS, list(WEB_SOURCES)
    table = np.array([WEB_SOURCES[s] for s in names])
    src = rng.choice(len(names), size=n, p=table[:, 0])
    landing = np.where(rng.random(n) < 0.5, "A", "B")
    headline = np.where(rng.random(n) < 0.5, "H1", "H2")
    t_imp = WEB_START + rng.integers(0, END - WEB_START - 3600, size=n)
    t_click = t_imp + rng.integers(2, 600, size=n)
    t_lead = t_click + rng.integers(30, 1800, size=n)
    t_sale = t_lead + rng.integers(3600, 10 * DAY, size=n)
    clicked = rng.random(n) < table[src, 1]
    lead = clicked & (rng.random(n) < np.where(landing == "B", WEB_LEAD_RATE["B"], WEB_LEAD_RATE["A"]))
    sale = lead & (rng.random(n) < table[src, 2]) & (t_sale < END)  # a sale after END is not in the data
    ids = np.char.mod("%08x", rng.choice(16**8, size=n, replace=False))
    rows = []
    for step, mask, t in zip(WEB_STEPS, [np.ones(n, bool), clicked, lead, sale],
                             [t_imp, t_click, t_lead, t_sale], strict=True):
        rows += [[int(ti), ids[i], step, landing[i], headline[i], names[src[i]]]
                 for i, ti in zip(np.flatnonzero(mask), t[mask], strict=True)]
    rows.sort(key=lambda r: (r[0], r[1]))
    events = [[vid, step, _fmt_iso(t), lnd, hl, s] for t, vid, step, lnd, hl, s in rows]
    counts = [[step, int((src[mask] == k).sum()), name] for k, name in enumerate(names)
              for step, mask in zip(WEB_STEPS, [np.ones(n, bool), clicked, lead, sale], strict=True)]
    return events, counts


def saas(rng: np.random.Generator) -> tuple[list[list], list[list]]:
    """Pipedrive deals export rows and the stage-history rows (see README, dataset 3)."""
    seg_names = list(SAAS_SEGMENTS)
    starts = sorted((t, p) for p, n in SAAS_DEALS.items() for t in _created_times(rng, n))
    deals, history = [], []
    for deal_id, (created, pipeline) in enumerate(starts, start=1001):
        stages, owner = SAAS_PIPELINES[pipeline], str(rng.choice(SAAS_OWNERS[pipeline]))
        segment = seg_names[rng.choice(len(seg_names), p=[v[0] for v in SAAS_SEGMENTS.values()])]
        share, median_value, slow = SAAS_SEGMENTS[segment]
        rates = list(SAAS_RATES[pipeline])
        if pipeline == "New business":
            rates[2] = SAAS_WEAK[1] if owner == SAAS_WEAK[0] else SAAS_WEAK[2]
        days = [d * slow for d in SAAS_DAYS[pipeline]]
        path, status, closed = _walk(rng, created, rates, days, SAAS_STUCK[pipeline])
        history += [[deal_id, stages[p - 1], t] for p, t in path]
        value = int(round(median_value * np.exp(0.5 * rng.standard_normal()) / 100) * 100)
        reason = str(rng.choice(SAAS_REASONS[pipeline])) if status == "lost" else ""
        title = f"{rng.choice(SAAS_NAMES[0])}{rng.choice(SAAS_NAMES[1])} {rng.choice(SAAS_NAMES[2])}"
        title += " renewal" if pipeline == "Renewals" else f" - {segment} plan"
        deals.append([deal_id, title, owner, value, "USD", pipeline, stages[path[-1][0] - 1],
                      status.capitalize(), _fmt_iso(created), _fmt_iso(closed if status == "won" else None),
                      _fmt_iso(closed if status == "lost" else None), reason,
                      str(rng.choice(SAAS_CHANNELS[pipeline])), segment])
    history.sort(key=lambda r: (r[2], r[0]))
    return deals, [[i, s, _fmt_iso(t)] for i, s, t in history]


B2B_HEADER = ["ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания сделки", "Дата закрытия",
              "Этап сделки", "Воронка", "Источник", "Причина отказа", "Город", "utm_source", "utm_medium",
              "utm_campaign"]
SAAS_HEADER = ["Deal - ID", "Deal - Title", "Deal - Owner", "Deal - Value", "Deal - Currency of Value",
               "Deal - Pipeline", "Deal - Stage", "Deal - Status", "Deal - Deal created", "Deal - Won time",
               "Deal - Lost time", "Deal - Lost reason", "Deal - Source channel", "Deal - Segment"]


# Sample names and descriptions in the other UI languages: name_ru, name_zh, description_zh
# (the store keeps the English name; funnel.sample_datasets.display_name shows the user's language).
SAMPLE_TRANSLATIONS = {
    'B2B services (amoCRM)': ('B2B-услуги (amoCRM)',
        'B2B 服务（amoCRM）',
        'amoCRM 导出：18 个月内的 4,000 笔交易，11 个阶段的 B2B 漏斗，含阶段历史。请找出会面环节的流失、预付款环节表现较弱的负责人，以及停滞在执行中的交易。'),
    'Web funnel (landing test)': ('Веб-воронка (тест лендинга)',
        '网站漏斗（落地页测试）',
        '8 周内 40,000 位访客的事件日志：展示、点击、线索、成交。落地页 A/B 测试（B 胜出），以及一个没有真正差异的标题测试。'),
    'SaaS pipeline (with history)': ('SaaS-воронка (с историей)',
        'SaaS 销售管道（含历史）',
        'Pipedrive 导出：两个销售管道（New business、Renewals）中的 3,000 笔交易，含阶段历史。Trial 是关键阶段；交易常在 Negotiation 停滞。'),
    'Web funnel (counts by source)': ('Веб-воронка (число по источникам)',
        '网站漏斗（按来源计数）',
        '同一个网站漏斗，以电子表格形式录入：按阶段和流量来源的数量。'),
}


def manifest() -> list[dict]:
    """What the app imports, in order, into an empty store."""
    def entry(name, file, history, stages, en, ru):
        ru_name, zh_name, zh = SAMPLE_TRANSLATIONS[name]
        return {"name": name, "name_ru": ru_name, "name_zh": zh_name, "file": file, "history": history,
                "stages": stages, "preset": None, "description_en": en, "description_ru": ru,
                "description_zh": zh}
    return [
        entry("B2B services (amoCRM)", "b2b_services_deals.csv", "b2b_services_history.csv", B2B_STAGES,
              "amoCRM export: 4,000 deals over 18 months, 11-stage B2B funnel with stage history. "
              "Look for the leak at the meeting, a weak manager at prepayment and deals stuck in work.",
              "Выгрузка amoCRM: 4 000 сделок за 18 месяцев, 11 этапов, с историей этапов. Ищите утечку "
              "на встрече, слабого менеджера на предоплате и сделки, застрявшие в работе."),
        entry("Web funnel (landing test)", "web_events.csv", None, WEB_STEPS,
              "Event log of 40,000 visitors over 8 weeks: impression, click, lead, sale. Landing A/B "
              "test (B wins) and a headline test with no real difference.",
              "Журнал событий: 40 000 посетителей за 8 недель (показ, клик, заявка, продажа). A/B-тест "
              "лендинга (B лучше) и тест заголовков без реальной разницы."),
        entry("SaaS pipeline (with history)", "saas_deals.csv", "saas_history.csv",
              {p: list(s) for p, s in SAAS_PIPELINES.items()},
              "Pipedrive export: 3,000 deals in two pipelines (New business, Renewals) with stage history. "
              "Trial is the key stage; Negotiation is where deals stall.",
              "Выгрузка Pipedrive: 3 000 сделок в двух воронках (New business, Renewals) с историей. "
              "Ключевой этап — Trial; сделки зависают на Negotiation."),
        entry("Web funnel (counts by source)", "web_counts_by_source.csv", None, WEB_STEPS,
              "The same web funnel as typed into a spreadsheet: counts per stage and traffic source.",
              "Та же веб-воронка, набранная в таблицу: число по этапам и источникам трафика."),
    ]


def generate(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    deals, history = b2b(np.random.default_rng(20261101))
    _write_csv(out / "b2b_services_deals.csv", B2B_HEADER, deals)
    _write_csv(out / "b2b_services_history.csv", ["ID сделки", "Этап", "Дата перехода"], history)
    events, counts = web(np.random.default_rng(WEB_SEED))
    _write_csv(out / "web_events.csv", ["visitor_id", "step", "timestamp", "landing", "headline", "source"],
               events)
    _write_csv(out / "web_counts_by_source.csv", ["stage", "count", "source"], counts)
    deals, history = saas(np.random.default_rng(30000))
    _write_csv(out / "saas_deals.csv", SAAS_HEADER, deals)
    _write_csv(out / "saas_history.csv", ["deal_id", "stage", "entered_at"], history)
    text = json.dumps(manifest(), ensure_ascii=False, indent=2) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")



def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write into (default: sample_data/)")
    generate(parser.parse_args(argv).out)


if __name__ == "__main__":
    main()
