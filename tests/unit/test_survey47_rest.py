"""Issue 16, what survey 47 left (session 45): an API answer whose money is only in the record's lines, and U-ON.Travel's
order of statuses.

- **U-ON.Travel**'s request holds its price only in ``services[].price`` (one line per service: the stay, the flight):
  the list was left out, so revenue read «—» («no deal has an amount»).
- A shop's order answer with ``line_items`` of a price and a quantity and no total of its own had no amount either.
- U-ON's statuses «Новая → В работе → Подбор тура → Бронирование → Тур оплачен» came out with the booking before the
  tour's selection (neither was on the ladder: ordered by their counts).

The deals are survey 47's seven requests (``tests/unit/test_survey47.py``): created 1, 2, 5, 10, 12, 15, 15 March 2024;
request 1 paid on 11 March, request 2 on 22 March, request 3 refused on 8 March, requests 4–7 open.
"""

from __future__ import annotations

import json

import pytest

from tests.unit.test_survey38 import _cli_json, _import
from tests.unit.test_survey47 import CLOSED, CREATED

STATUSES = ("Тур оплачен", "Тур оплачен", "Отказ клиента", "Подбор тура", "В работе", "Новая", "Бронирование")
# each request's services: 1 = 30,000 + 20,000; 2 = 80,000; 3 = 10,000 + 20,000; 4 = 40,000; 5 = 20,000; 6, 7 = 10,000
SERVICES = ((30000, 20000), (80000,), (10000, 20000), (40000,), (20000,), (10000,), (10000,))


def _uon(tmp_path, capsys) -> dict:
    requests = [{"id": 5001 + k, "dat": CREATED[min(k, 5)], "dat_close": CLOSED[k] if k < 3 else None,
                 "status": STATUSES[k], "manager_name": "Иванов Иван", "source_name": "Сайт",
                 "services": [{"id": 90000 + 10 * k + n, "type_id": 1, "type": "Проживание", "price": price,
                               "price_netto": price * 0.9, "currency_id": 1} for n, price in enumerate(SERVICES[k])]}
                for k in range(7)]
    return _import(tmp_path, capsys, json.dumps({"requests": requests}, ensure_ascii=False), "requests.json")


def test_uon_requests_amount_is_the_sum_of_their_services(tmp_path, capsys):
    doc = _uon(tmp_path, capsys)
    assert doc["mapping"]["fields"]["amount"] == "services.price"
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert (metrics["won"], metrics["lost"], metrics["open"]) == (2, 1, 4)
    # won: request 1 (30,000 + 20,000) and request 2 (80,000); was «—»
    assert metrics["revenue"] == 130_000
    assert metrics["avg_deal_size"] == 65_000


def test_uon_statuses_are_ordered_by_the_ladder(tmp_path, capsys):
    doc = _uon(tmp_path, capsys)
    assert "stages.order_guessed" in {w["code"] for w in doc["warnings"]}  # still a guess, and said
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    # reached (no history: a deal passed every stage before its own; the refused request's stage is unknown, the
    # first): Новая 7; В работе 1, 2, 4, 5, 7 = 5; Подбор тура 1, 2, 4, 7 = 4; Бронирование 1, 2, 7 = 3; paid 1, 2
    assert [(s["stage"], s["reached"]) for s in metrics["stages"]] == [
        ("Новая", 7), ("В работе", 5), ("Подбор тура", 4), ("Бронирование", 3), ("Тур оплачен", 2)]


def _orders(tmp_path, capsys, total: str | None) -> dict:
    """Five orders of WooCommerce's REST answer (``/wp-json/wc/v3/orders``): 1 completed (2 × 25,000 + 1 × 1,500),
    2 completed (1 × 80,000), 3 cancelled (3 × 1,000), 4 processing (1 × 40,000), 5 pending (2 × 10,000); ``total``
    names the order's own total (its lines plus 500 of delivery), if any."""
    lines = (((25000, 2), (1500, 1)), ((80000, 1),), ((1000, 3),), ((40000, 1),), ((10000, 2),))
    orders = []
    for k, status in enumerate(("completed", "completed", "cancelled", "processing", "pending")):
        order = {"id": 700 + k, "number": str(700 + k), "order_key": f"wc_order_{k}abc", "status": status,
                 "currency": "RUB", "date_created": CREATED[k], "date_completed": CLOSED[k] or None,
                 "line_items": [{"id": 10 * k + n, "name": f"Товар {n}", "quantity": count, "subtotal": f"{price * count}.00",
                                 "price": price, "sku": f"S{n}"} for n, (price, count) in enumerate(lines[k])]}
        if total:
            order[total] = f"{sum(p * c for p, c in lines[k]) + 500}.00"
        orders.append(order)
    return _import(tmp_path, capsys, json.dumps(orders, ensure_ascii=False), "orders.json")


def test_line_items_price_is_times_their_quantity(tmp_path, capsys):
    doc = _orders(tmp_path, capsys, total=None)
    assert doc["mapping"]["fields"]["amount"] == "line_items.price"
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    # won: order 1 = 2 × 25,000 + 1,500 = 51,500; order 2 = 80,000; open: 4 and 5
    assert (metrics["won"], metrics["lost"], metrics["open"], metrics["revenue"]) == (2, 1, 2, 131_500)


@pytest.mark.parametrize("total", ["total", "total_price"])  # WooCommerce's, Shopify's
def test_an_orders_own_total_outranks_its_lines(tmp_path, capsys, total):
    doc = _orders(tmp_path, capsys, total=total)
    assert doc["mapping"]["fields"]["amount"] == total
    # won: 51,500 + 500 and 80,000 + 500
    assert _cli_json(tmp_path, capsys, "metrics", "1")["revenue"] == 132_500
