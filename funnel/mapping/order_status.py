"""Order lists read as a funnel: an online shop's orders (RetailCRM), a warehouse's customer orders (МойСклад).

An order's status is its stage. In such a list, a finished order is the sale («Выполнен», «Доставлен»)
and a cancelled or returned one is lost («Отменен», «Возврат»): words that in a deal list could be a step
of the team's own, so they count only where the file is an order list (:func:`is_order_list`).

RetailCRM groups its statuses, and exports the group beside the status («Группа статусов»): every
status of the cancel group is lost, of the complete group won, and the groups are in the order an order
moves through them. Evidence: the default statuses and their groups of a RetailCRM-like shop module
(``createOrderStatuses``: groups placed → approval → assembling → delivering → complete, and cancelled;
statuses in that order within each group); RetailCRM's new-order status is «Новый». The column headers
of RetailCRM and МойСклад exports are from their documentation only (no exported file was found), so
there is no preset: the headers are generic synonyms (``synonyms.py``).
"""

from __future__ import annotations

from .normalize import normalize_header

# a column that makes the file an order list: the status of an order, its number, the group of its
# status, what was shipped of it (МойСклад «Отгружено»)
ORDER_LIST_HEADERS = frozenset({"статус заказа", "группа статусов", "группа статуса", "номер заказа", "отгружено",
                                "order status", "status group", "order number",
                                "订单状态", "订单号", "主订单编号", "订单编号",
                                # Ukrainian order CRMs (survey 41): KeyCRM's order list (``/order``: ``ordered_at``,
                                # ``grand_total``, ``status_group_id``), SalesDrive's ``orderTime``
                                "статус замовлення", "номер замовлення", "ordered_at", "grand_total",
                                "status_group_id", "ordertime",
                                # WooCommerce's order export (survey 47: ``order_id, order_number, order_date,
                                # paid_date, status, …, order_total``)
                                "order_number", "order_total",
                                # WooCommerce's REST answer (``/wp-json/wc/v3/orders``: ``id, number, order_key,
                                # status, date_created, total, line_items[]``; session 45)
                                "order_key"})
STATUS_GROUP_HEADERS = frozenset({"группа статусов", "группа статуса", "status group",
                                  # KeyCRM's orders (``/order``: ``status_group_id``; ``include=status`` adds the
                                  # status with its ``group_id``, and a statuses list names the group)
                                  "status_group_id", "status.group_id", "status_group", "status.group_name",
                                  "status_group_name", "група статусів"})

# RetailCRM's status groups, first to last (its group codes, then their Russian names); KeyCRM's order groups
# in Ukrainian (Новий → Погодження → Виробництво → Доставка → Виконано, and Відміна: the group names of a
# KeyCRM account's ``/order/status`` answer, VasulenkoIllia/keycrm_status_analytics ``statuses.json``)
_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"new", "placed", "новый", "новые", "новая", "новий", "нові"}),
    frozenset({"approval", "согласование", "погодження", "in work", "в работе", "в роботі"}),
    frozenset({"assembling", "комплектация", "production", "производство", "виробництво"}),
    frozenset({"delivery", "delivering", "доставка"}),
    frozenset({"complete", "completed", "выполнен", "выполнены", "выполнено", "виконано", "виконані"}),
)
_COMPLETE_GROUP = len(_GROUPS) - 1
_CANCEL_GROUPS = frozenset({"cancel", "cancelled", "canceled", "отменен", "отменены", "отмена", "отменено",
                            "відміна", "скасовано", "returned", "return", "возврат", "повернення"})
# KeyCRM's group ids (``status_group_id``, a status's ``group_id``): 1 new, 2 approval, 3 production, 4 delivery,
# 5 completed (the sale), 6 canceled, the ids beside those group names in the same ``statuses.json``
_KEYCRM_GROUP_IDS = {"1": "new", "2": "approval", "3": "production", "4": "delivery", "5": "completed",
                     "6": "canceled"}

# RetailCRM's default statuses, first to last (the module's list; «Новый» is RetailCRM's own new status)
RETAILCRM_STATUSES = ("Новый", "Заказ размещен", "Наличие подтверждено", "Предложить замену", "Согласовано с клиентом",
                      "Предоплата поступила", "Передано в комплектацию", "Комплектуется", "Укомплектован",
                      "Передан в доставку", "Доставляется", "Доставка перенесена", "Выполнен")
# its cancel group's default statuses: each a reason the order did not happen
RETAILCRM_CANCELLED = ("Недозвон", "Нет в наличии", "Купил в другом месте", "Не устроила доставка",
                       "Не устроила цена", "Отменен")

# МойСклад's default customer-order statuses, first to last (its documentation only: a guess, said as such)
MOYSKLAD_STATUSES = ("Новый", "Подтвержден", "Собран", "Отгружен", "Доставлен")

# A Chinese shop's order statuses, first to last (抖店: 待支付 → 待发货 → 已发货 → 已完成; 有赞 and 淘宝: 待付款 …
# 交易成功), each rank one step; closed unpaid or refunded (已关闭, 交易关闭) is lost
CN_SHOP_STATUSES = (("待支付", "待付款"), ("待发货",), ("已发货", "待收货"), ("已完成", "交易成功"))
CN_SHOP_LOST = ("已关闭", "交易关闭", "已取消", "已退款", "退款成功")

# Ukrainian (survey 41): KeyCRM's «Виконано» (its success group) and «Скасовано»; SalesDrive's «Продаж» (the parcel
# picked up and paid, after «Відправлено») and «Відмова», «Повернення»
_UA_WON = {"виконано", "виконаний", "виконане", "доставлено", "отримано", "продаж"}
_UA_LOST = {"скасовано", "скасований", "скасоване", "повернення", "повернуто", "відмова", "відмовлено"}
# WooCommerce's order statuses, first to last (its slugs, the admin's English and Russian names; an export may keep
# the ``wc-`` prefix): pending payment → on hold → processing → completed; cancelled, refunded and failed are lost
WOOCOMMERCE_STATUSES = (("pending", "wc-pending", "pending payment", "ожидает оплаты", "в ожидании оплаты"),
                        ("on-hold", "wc-on-hold", "on hold", "на удержании"),
                        ("processing", "wc-processing", "обработка", "в обработке"),
                        ("completed", "wc-completed"))  # (its Russian «Выполнен» is RetailCRM's last: ranked there)
_WOO_LOST = {"failed", "wc-failed", "wc-cancelled", "wc-refunded", "не удался", "отменён", "возвращён"}
_ORDER_WON = frozenset({"выполнен", "выполнено", "доставлен", "доставлено", "получен", "completed", "delivered"}
                       | set(CN_SHOP_STATUSES[-1]) | _UA_WON | set(WOOCOMMERCE_STATUSES[-1]))
_ORDER_LOST = frozenset({"возврат", "возвращен", "отменен", "отменено", "отмена", "returned", "refunded"} | _UA_LOST
                        | {normalize_header(s) for s in RETAILCRM_CANCELLED} | set(CN_SHOP_LOST) | _WOO_LOST)
_STATUS_RANK = {**{normalize_header(s): k for k, s in enumerate(MOYSKLAD_STATUSES)},
                **{normalize_header(s): k for k, s in enumerate(RETAILCRM_STATUSES)},
                **{s: k for k, names in enumerate(CN_SHOP_STATUSES) for s in names},
                **{s: k for k, names in enumerate(WOOCOMMERCE_STATUSES) for s in names}}


def is_order_list(headers) -> bool:
    """True when one of ``headers`` says the rows are orders (see :data:`ORDER_LIST_HEADERS`)."""
    return any(normalize_header(h) in ORDER_LIST_HEADERS for h in headers if h)


def order_outcome(status: str | None) -> str | None:
    """'won' | 'lost' for an order status that ends the order («Выполнен», «Отменён», «Возврат»), else None."""
    text = normalize_header(status)
    return "won" if text in _ORDER_WON else "lost" if text in _ORDER_LOST else None


def _group_word(group) -> str:
    """A group as a word: KeyCRM's group id (``5``, ``5.0`` once read as a number) as its group's code."""
    text = normalize_header(None if group is None else str(group))
    number = text[:-2] if text.endswith(".0") else text
    return _KEYCRM_GROUP_IDS.get(number, text)


def group_kind(group: str | None) -> str | None:
    """'won' for the complete group, 'lost' for the cancel group, else None."""
    text = _group_word(group)
    if text in _CANCEL_GROUPS:
        return "lost"
    return "won" if text in _GROUPS[_COMPLETE_GROUP] else None


def group_rank(group: str | None) -> int | None:
    """The position of a status group (0 = new … 4 = complete), None for a group not known."""
    text = _group_word(group)
    return next((k for k, names in enumerate(_GROUPS) if text in names), None)


def status_rank(status: str | None) -> int | None:
    """The position of a RetailCRM (МойСклад, a Chinese shop's) default status, None for a status of the
    shop's own. A file holds one product's statuses; «Новый» is first in both."""
    return _STATUS_RANK.get(normalize_header(status))
