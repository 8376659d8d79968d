"""A client's amoCRM leads export written by hand (session 50): the consultant's demo file.

The shape of amoCRM's Russian «Экспорт» (see ../shared/reference/crm-exports.md): `;` separators,
cp1251, `dd.mm.yyyy HH:MM:SS` dates, «не закрыта» in «Дата закрытия» of an open deal, the stage by
name in «Этап сделки», tags and notes with commas, quotes and line breaks. The numbers are chosen so
every check can be worked by hand:

| manager          | deals | won | lost | open | won amount each | cycle of a won deal |
|------------------|-------|-----|------|------|-----------------|---------------------|
| Анна Смирнова    | 20    | 8   | 8    | 4    | 100 000         | 10 days             |
| Олег Петров      | 20    | 4   | 12   | 4    | 150 000         | 20 days             |
| Ирина Козлова    | 20    | 6   | 6    | 8    | 50 000          | 30 days             |
| Дмитрий Волков   | 20    | 2   | 10   | 8    | 200 000         | 40 days             |

Totals: 80 deals, 20 won, 36 lost, 24 open; win rate 20 / 56 = 35.7 %, won / all 25 %; revenue
800 000 + 600 000 + 300 000 + 400 000 = 2 100 000; average won deal 105 000, median 100 000 (the
10th and 11th of the 20 sorted amounts: six of 50 000, then eight of 100 000); median cycle 20 days
(eight of 10, then four of 20). A lost deal's budget is 50 000, an open one's 80 000 (open pipeline
24 × 80 000 = 1 920 000). Every manager's deals alternate «yandex» / «instagram» within each outcome,
so each source has 10 won, 18 lost, 12 open. Open deals sit 8 at «Первичный контакт», 8 at
«Переговоры», 4 at «Принимают решение», 4 at «Согласование договора» (the first 8 open deals in row
order at the first stage, and so on). Lost reasons: 18 «Дорого», 12 «Не отвечает», 6 «Выбрали
конкурента» (cycling in that 3:2:1 pattern over the lost rows in order). Deals are created one a day
from 05.01.2026 on; a lost deal closes 15 days after its creation.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

HEADER = [
    "ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания", "Кем создана",
    "Дата редактирования", "Дата закрытия", "Теги", "Примечание", "Этап сделки", "Воронка",
    "Полное имя контакта", "Компания контакта", "Рабочий телефон", "Город", "Причина отказа",
    "utm_source", "utm_medium", "utm_campaign",
]
MANAGERS = [  # name, won, lost, open, won amount, cycle days
    ("Анна Смирнова", 8, 8, 4, 100_000, 10),
    ("Олег Петров", 4, 12, 4, 150_000, 20),
    ("Ирина Козлова", 6, 6, 8, 50_000, 30),
    ("Дмитрий Волков", 2, 10, 8, 200_000, 40),
]
OPEN_STAGES = ["Первичный контакт"] * 8 + ["Переговоры"] * 8 + ["Принимают решение"] * 4 + [
    "Согласование договора"
] * 4
REASONS = ["Дорого", "Дорого", "Дорого", "Не отвечает", "Не отвечает", "Выбрали конкурента"]
WON, LOST = "Успешно реализовано", "Закрыто и не реализовано"
START = datetime(2026, 1, 5, 10, 15, 0)


def rows() -> list[list[str]]:
    """The 80 deal rows in file order (manager by manager; won, lost, then open)."""
    out: list[list[str]] = []
    n_open = n_lost = 0
    for name, won, lost, opened, won_amount, cycle in MANAGERS:
        for outcome, count in (("won", won), ("lost", lost), ("open", opened)):
            for k in range(count):
                i = len(out)
                created = START + timedelta(days=i, minutes=7 * i)
                source = ("yandex", "instagram")[k % 2]
                reason = ""
                if outcome == "won":
                    stage, amount, closed = WON, won_amount, created + timedelta(days=cycle)
                elif outcome == "lost":
                    stage, amount, closed = LOST, 50_000, created + timedelta(days=15)
                    reason = REASONS[n_lost % len(REASONS)]
                    n_lost += 1
                else:
                    stage, amount, closed = OPEN_STAGES[n_open], 80_000, None
                    n_open += 1
                out.append([
                    str(31_245_000 + i),
                    f"Кухня «Модерн», заказ №{i + 1}" if i % 3 else f'Шкаф-купе "Лайт", {i + 1}',
                    str(amount),
                    name,
                    created.strftime("%d.%m.%Y %H:%M:%S"),
                    name if i % 4 else "Робот",
                    (closed or created).strftime("%d.%m.%Y %H:%M:%S"),
                    closed.strftime("%d.%m.%Y %H:%M:%S") if closed else "не закрыта",
                    "сайт, повторный" if i % 5 == 0 else "",
                    "Клиент просит рассрочку;\nперезвонить после 15:00" if i % 7 == 0 else "",
                    stage,
                    "Продажи",
                    f"Клиент {i + 1}",
                    "ООО «Ромашка»" if i % 2 else "",
                    f"+7 900 000-{i:02d}-01",
                    ("Казань", "Набережные Челны")[i % 2],
                    reason,
                    source,
                    "cpc" if source == "yandex" else "social",
                    f"kuhni_{source}",
                ])
    return out


def write_export(path: Path, encoding: str = "cp1251") -> Path:
    """Write the export as amoCRM would (`;`, every cell as text, CRLF), cp1251 or utf-8-sig."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows())
    return path


if __name__ == "__main__":  # python -m tests.consult50_export OUT.csv
    import sys

    print(write_export(Path(sys.argv[1])))
