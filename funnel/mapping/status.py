"""Won / lost detection from status cells and from default stage names.

Explicit status columns win over stage names (crm-exports.md, hard case 31): Pipedrive ``Deal - Status``
(Open/Won/Lost/Deleted), 1C ``Статус`` (В работе/Выиграна/Проиграна), Dynamics ``Status``
(Open/Won/Lost). Stage names are only the CRMs' *defaults* (amoCRM statuses 142/143, Bitrix24 WON/LOSE,
HubSpot/Salesforce/Zoho ``Closed Won``/``Closed Lost``); accounts rename them, so the Data page asks
the user to confirm.
"""

from __future__ import annotations

import re

from .normalize import normalize_header, simplified
from .stage_names import bare_number, without_number

_PUNCT = re.compile(r"[\s\-–—_:/.,!#()\[\]]+")


_PIPELINE_PREFIX = re.compile(r"^(?:c\d+|dt\d+ \d+) ")  # Bitrix24 stage codes of other pipelines: C1:WON, DT1036_8:SUCCESS


def status_key(v: str | None) -> str:
    """The key a status value is looked up by in a CRM's codes (``Mapping.status_values``)."""
    return _fold(v)


def _fold(v: str | None) -> str:
    """Lower-case, ё->е, emoji (normalize_header), punctuation and hyphens as single spaces: 'Closed-Lost' ==
    'closed lost', «✅ Won» == 'won'."""
    return _PIPELINE_PREFIX.sub("", _PUNCT.sub(" ", normalize_header(v)).strip())


_STATUS_WON = {
    "won", "win", "closed won", "closedwon", "выиграна", "выигран", "выиграно", "выигрыш", "успешно",
    "успешна", "успешная", "успех", "успешно реализовано", "сделка успешна", "реализовано",
    "ganho", "ganha", "venda ganha", "gewonnen", "ganado", "ganada", "gagné", "gagnée", "成交", "赢单", "已成交", "赢得", "成功",
}
_STATUS_LOST = {
    "lost", "lose", "loss", "closed lost", "closedlost", "проиграна", "проигран", "проиграно",
    "проигрыш", "неуспешно", "провалена", "сделка провалена", "закрыто и не реализовано", "отказ",
    "perdido", "perdida", "venda perdida", "verloren", "perdu", "perdue", "输单", "丢单", "失败", "已输单", "已丢单",
}
_STATUS_OPEN = {
    "open", "opened", "in progress", "active", "в работе", "вработе", "открыта", "открыт", "открыто",
    "активна", "активная", "в процессе", "aberto", "offen", "abierto", "ouvert", "en cours", "em andamento", "en curso", "进行中", "跟进中", "未成交",
    "未关闭",
}

# -- Chinese CRM words (issue 15): 纷享销客 / 销售易 status and Zoho CRM's Chinese default stages.
_STATUS_WON |= {"赢单关闭", "已赢单", "成交关闭", "签约", "已签约", "赢"}
_STATUS_LOST |= {"输单关闭", "已输", "输", "输给竞争对手", "流失", "已流失"}
_STATUS_OPEN |= {"跟进", "进行", "谈判中", "未结束", "开放"}


# Closed without a sale under other names: Copper's «Abandoned» status, a cancelled deal or order.
_CANCELLED = {"abandoned", "cancelled", "canceled", "отменена", "отменено", "отменен", "отменён", "已取消"}
_STATUS_LOST |= _CANCELLED | {"deal lost", "dead", "мертвая", "мёртвая"}
_STATUS_WON |= {"deal won"}
_STATUS_OPEN |= {"on hold", "hold", "paused", "на паузе", "暂停"}  # not closed: it may go on
# followed up (caochun/fox-oms: won / tracking), waiting on the client: open
_STATUS_OPEN |= {"tracking", "following up", "follow up", "follow-up", "pending", "跟踪", "跟踪中", "待定"}


# 悟空CRM (WukongCRM) and 芋道 (yudao) CRM end a deal as 赢单, 输单 or 无效 (closed as invalid: no sale);
# Odoo's default won stage is «赢得» in Chinese
_STATUS_LOST |= {"无效"}
_STATUS_WON |= {"赢得"}
# SalesMan CRM's closing statuses (its «Статус закрытия»): «Победа полная», «Победа, договорились с
# конкурентами», «Проигрыш по цене», «Отменена Заказчиком», «Отказ от участия»: the first word says it
_STATUS_WON_PREFIXES = ("победа ",)
_STATUS_LOST_PREFIXES: tuple[str, ...] = ("проигрыш ", "отказ ", "отменена ", "отменен ")
# A CRM's status code whose outcome is its stage's (Odoo's «Active» True: won at the won stage, else open)
STAGE_DECIDES = ""


# Ukrainian (a Bitrix24 or amoCRM account in Ukrainian): «Угода успішна» / «Угода провалена» are
# Bitrix24's «Сделка успешна» / «Сделка провалена»; translations, no export seen
_STATUS_WON |= {"угода успішна", "успішно", "успішна", "виграна", "виграно", "успішно реалізовано"}
_STATUS_LOST |= {"угода провалена", "провалена", "програна", "програно", "відмова", "закрито і не реалізовано"}
_STATUS_OPEN |= {"в роботі", "відкрита", "активна"}

# Survey 18: Krayin's lost stage in Chinese (失单); a WeCom SCRM customer's follow-up status ends as 已成交
# (won) or 已拒绝 (refused: lost), 无意向 (no interest) lost too
_STATUS_LOST |= {"失单", "已失单", "已拒绝", "拒绝", "无意向"}

# Insightly keeps a suspended opportunity open; noCRM.io's open leads are «To do» or «Standby»
_STATUS_OPEN |= {"suspended", "to do", "todo", "standby", "stand by"}

# survey 47: U-ON.Travel's request ends «Тур оплачен» (the tour paid: the sale; «Оплачен» alone is below) or
# «Отказ клиента»
_STATUS_WON |= {"тур оплачен"}


# A status written as a mark alone (a hand-kept sheet's ✅ / ❌ / ⏳): the folding below drops emoji, so these
# said nothing and every deal was open (survey 35). A mark beside a word («✅ Won») is read by the word.
_MARK_KIND = {**dict.fromkeys(("✅", "✔", "✓", "☑", "√", "👍", "🏆", "💰"), "won"),
              **dict.fromkeys(("❌", "✖", "✗", "✘", "×", "⛔", "🚫", "👎", "❎"), "lost"),
              **dict.fromkeys(("⏳", "⌛", "🔄", "🕐", "⏸", "▶", "🟡"), "open")}


def classify_status_value(v: str | None, codes: dict[str, str] | None = None) -> str | None:
    """'won' | 'lost' | 'open' for a status cell, None when it says nothing (empty, Deleted, ...).

    ``codes``: the CRM's own status codes (Bitrix24 ``STAGE_SEMANTIC_ID`` P/S/F), lower-case keys.
    """
    mark = (v or "").replace("\ufe0f", "").strip()
    if mark in _MARK_KIND:
        return _MARK_KIND[mark]
    if codes and mark.lower() in codes:  # as written first: YCLIENTS' «-1» (did not come) is not its «1» (came)
        return codes[mark.lower()]
    text = _fold(v)
    if not text:
        return None
    if codes and text in codes:
        return codes[text]
    for kind, words in (("won", _STATUS_WON), ("lost", _STATUS_LOST), ("open", _STATUS_OPEN)):
        if text in words or text.replace(" ", "") in words:
            return kind
    if text.startswith(_STATUS_WON_PREFIXES):
        return "won"
    if text.startswith(_STATUS_LOST_PREFIXES):
        return "lost"
    return None


_STAGE_WON = {
    "успешно реализовано", "сделка успешна", "успешно", "выиграна", "сделка выиграна", "won", "deal won",
    "closedwon", "closed won", "venda ganha", "成交", "赢单", "已成交", "赢单成交",
}
_STAGE_LOST = {
    "закрыто и не реализовано", "сделка провалена", "анализ причины провала", "проиграна",
    "сделка проиграна", "lost", "deal lost", "closedlost", "closed lost", "venda perdida", "输单",
    "lose", "apology",  # Bitrix24 stage codes LOSE and APOLOGY (analyse the failure)
    "丢单", "已输单", "已丢单",
}
_STAGE_WON |= {"赢单关闭", "成交关闭", "已赢单"}  # Chinese (issue 15)
_STAGE_LOST |= {"输单关闭", "输给竞争对手", "已输"}
_STAGE_WON |= {"赢得"}  # Odoo's won stage in Chinese
_STAGE_LOST |= {"无效"}  # WukongCRM / yudao: closed as invalid
# Spanish, Portuguese, German, French closing stages (HubSpot's localised defaults, spreadsheets)
_STAGE_WON |= {"cerrado ganado", "cierre ganado", "ganado", "ganada", "fechado ganho", "ganho", "negócio ganho",
               "abgeschlossen und gewonnen", "abgeschlossen gewonnen", "gewonnen", "fermé gagné", "conclu gagné",
               "gagné", "gagnée"}
_STAGE_LOST |= {"cerrado perdido", "cierre perdido", "perdido", "perdida", "fechado perdido", "negócio perdido",
                "abgeschlossen und verloren", "abgeschlossen verloren", "verloren", "fermé perdu", "conclu perdu",
                "perdu", "perdue"}
# Prefixes: 'Closed Won & Paid', 'Closed-Lost to Competition', 'Closed - won' (Kommo), ...
_WON_PREFIXES = ("closed won ",)
_LOST_PREFIXES: tuple[str, ...] = ("closed lost ", "отказ ")  # «Отказ клиента», «Отказ: дорого»
_STAGE_LOST |= {"отказ", "отказано", "отказались"} | _CANCELLED
# the lost step of a team's own sheet: a rejection (German «Absage»), a disqualified or declined lead;
# a lead list's end states (Bitrix24's «Качественный лид» is a lead turned into a deal, «Некачественный
# лид» junk; Creatio's «Bad lead»)
_STAGE_LOST |= {"absage", "abgesagt", "rejected", "rejection", "declined", "disqualified", "unqualified",
                "некачественный лид", "bad lead", "junk lead", "junk", "спам", "spam",
                # Zoho's lead statuses «Lost Lead», «Not Qualified»; Salesforce's «Closed - Not Converted»
                "lost lead", "not qualified", "no calificado", "não qualificado", "nicht qualifiziert",
                "non qualifié", "не квалифицирован", "неквалифицированный", "closed - not converted",
                "closed not converted"}
# survey 38: SalesapCRM's «Сделка заключена» / «Сделка сорвалась», «Простой бизнес»'s «Успешно завершена»,
# KeepinCRM's «Неуспішна» (its sale «Успішна» is above), EnvyCRM's «Не успешно»
_CONCLUDED = {"сделка заключена", "заключена", "договор заключен", "успешно завершена", "успешно завершено",
              "завершена успешно", "завершено успешно"}
_FELL_THROUGH = {"сделка сорвалась", "сорвалась", "неуспішна", "неуспішно", "не успешно", "не успешна",
                 "неуспешна", "неуспешная", "завершена неуспешно", "завершено неуспешно"}
_STAGE_WON |= _CONCLUDED | {"success"}  # a Bitrix24 smart process's DT<type>_<n>:SUCCESS and :FAIL
_STAGE_LOST |= {"fail"}
_STAGE_LOST |= _FELL_THROUGH
_STATUS_WON |= _CONCLUDED
_STATUS_LOST |= _FELL_THROUGH
_STAGE_WON |= {"угода успішна", "успішно реалізовано", "успішно", "успішна", "виграна"}  # Ukrainian (_STATUS_WON)
_STAGE_LOST |= {"угода провалена", "аналіз причини провалу", "програна", "відмова", "закрито і не реалізовано"}
# Kommo's fixed closing statuses (142 won, 143 lost) as its Spanish and Portuguese interfaces name them:
# «Logrado con éxito» (a Kommo integration's status table: ``142 | Logrado con éxito``), «Venta perdida»;
# «Venda ganha» / «Venda perdida» (a Kommo pipeline's ids 142 / 143 in a Brazilian integration's notes);
# and a team's own «Vendido», «Venta ganada», «Descalificado / Perdido»
_SPANISH_PORTUGUESE_WON = {"logrado con éxito", "logrado con exito", "logrado", "venta ganada", "venta cerrada",
                           "negocio ganado", "vendido", "vendida", "venda ganha", "venda fechada", "fechado ganho",
                           "ganho"}
_SPANISH_PORTUGUESE_LOST = {"venta perdida", "negocio perdido", "descalificado", "descalificado perdido",
                            "venda perdida", "desqualificado", "negócio perdido", "fechado perdido", "perdido"}
_STAGE_WON |= _SPANISH_PORTUGUESE_WON
_STAGE_LOST |= _SPANISH_PORTUGUESE_LOST
_STATUS_WON |= _SPANISH_PORTUGUESE_WON
_STATUS_LOST |= _SPANISH_PORTUGUESE_LOST
# -- Survey 10 (locales): closing stages in the user's language (evidence per CRM and language: the docstring of
# tests/unit/test_crm_exports_locales.py). Salesforce's «Closed Won» / «Closed Lost» as German reports write
# them («Geschlossen und gewonnen», «Geschlossen/gewonnen»); Zoho CRM's French «Fermée gagnée» / «Fermée
# perdue» and, as the brief writes HubSpot's, «Conclue gagnée» (the feminine of «Conclu gagné» above);
# Italian pipelines' «Chiuso vinto» / «Chiuso perso»; HubSpot's Brazilian «Negócio fechado» beside its
# «Negócio perdido»; Japanese 受注 (order won) / 失注 (order lost), and HubSpot's 成約 / 成立 (closed won)
_LOCALE_WON = {"geschlossen und gewonnen", "geschlossen gewonnen", "fermée gagnée", "conclue gagnée",
               "chiuso vinto", "chiusa vinta", "negócio fechado", "受注", "成約", "成立"}
_LOCALE_LOST = {"geschlossen und verloren", "geschlossen verloren", "fermée perdue", "conclue perdue", "chiuso perso",
                "chiusa persa", "失注"}
_STAGE_WON |= _LOCALE_WON
_STAGE_LOST |= _LOCALE_LOST
_STATUS_WON |= _LOCALE_WON
_STATUS_LOST |= _LOCALE_LOST
# paid: the end of a deal whose last step is the payment (Мегаплан's «Оплачена», an invoice's «Оплачен»);
# «Не оплачен» is not one of these words
_PAID = {"оплачена", "оплачен", "оплачено"}
_STAGE_WON |= _PAID | {"тур оплачен"}  # and U-ON.Travel's «Тур оплачен» (survey 47)
_STATUS_WON |= _PAID
_STAGE_LOST |= {"失单", "已失单", "已拒绝", "无意向"}  # survey 18: Krayin (zh_CN), a WeCom SCRM's statuses
# survey 40: a customer «lost» (churned away) ends a Chinese pipeline of any tool, not only WeCom's: Teambition's task
# group «已流失» was the funnel's second step, the win rate 100 %
_STAGE_LOST |= {"流失", "已流失", "客户流失"}
# survey 44: Weeek's closing statuses, the deal's adjective alone in the feminine («Успешна», «Провалена»)
_STAGE_WON |= {"успешна", "успешная"}
_STAGE_LOST |= {"провалена", "проваленная"}
_STAGE_LOST |= {"bad fit"}  # Close's lead status (its defaults: Potential, Bad Fit, Qualified, Customer)
_STAGE_WON |= {"closed - converted", "closed converted"}  # Salesforce's converted lead
# -- survey 8 (zh): a «线索商机» EasyExcel DTO's status «0跟踪1成功2失败3搁置4失效»; CordysCRM's end stages
# 成功 / 失败 (StageType); Zoho CRM in Chinese 已结束-赢得 / 已结束-丢失; 纷享销客 leads 已转换 (converted, won)
_STATUS_LOST |= {"失效"}
_STATUS_OPEN |= {"跟踪", "跟踪中", "搁置", "已搁置"}
_STAGE_WON |= {"成功"}
_STAGE_LOST |= {"失败", "失效"}
_STAGE_WON |= {"已结束 赢得", "结束 赢得", "已结束 赢单", "结束 赢单"}
_STAGE_LOST |= {"已结束 丢失", "结束 丢失", "已结束 输单", "结束 输单"}
_STATUS_WON |= {"已结束 赢得", "结束 赢得", "已结束 赢单", "结束 赢单"}
_STATUS_LOST |= {"已结束 丢失", "结束 丢失", "已结束 输单", "结束 输单"}
_STAGE_LOST |= {"已结束 输给竞争对手", "结束 输给竞争对手"}  # Zoho's «Closed Lost to Competition»
_STAGE_WON |= {"已转换", "已转化", "转为客户", "已转为客户"}
_STATUS_WON |= {"已转换", "已转化", "转为客户", "已转为客户"}
_STAGE_WON |= {"качественный лид", "converted", "конвертирован", "сконвертирован"}  # the usual name of a lost stage in Russian pipelines
# -- survey 19: an ad platform's lead (巨量引擎's clue_state 转商机: handed over as an opportunity, the lead's
# success; 无效 is already lost); Bitrix24's «Состояние» of a lead, «Провал»; YClients' visit statuses (the
# client came: the sale; did not come: lost; waiting or confirmed: open)
_STAGE_WON |= {"转商机", "已转商机", "клиент пришел", "клиент пришёл"}
_STATUS_WON |= {"转商机", "已转商机", "клиент пришел", "клиент пришёл"}
_STAGE_LOST |= {"клиент не пришел", "клиент не пришёл"}
_STATUS_LOST |= {"провал", "клиент не пришел", "клиент не пришёл"}
_STATUS_OPEN |= {"ожидание клиента", "клиент подтвердил"}
# -- survey 20: Kingdee's (金蝶云星空) 商机 单据状态 执行中 (in progress: open; 赢单 / 输单 already said) and a
# stage of following up no more (终止跟进); Bitrix24's invoices (Отклонён: refused) and quotes (Отклонено;
# «Анализ причины отказа», the twin of the deals' «Анализ причины провала»)
_STATUS_OPEN |= {"执行中"}
_STAGE_LOST |= {"终止跟进", "отклонен", "отклонена", "отклонено", "анализ причины отказа"}
_STATUS_LOST |= {"终止跟进", "отклонен", "отклонена", "отклонено"}
# -- survey 22: international CRMs in a Russian or Chinese interface: Salesforce's and Zoho's «Closed Won» /
# «Closed Lost» as «Закрыто/выиграно», «Закрыто - проиграно» (its Chinese 已结束并赢得客户 / 已结束但客户流失);
# Odoo's won stage «Выиграно»; Dynamics' and Pipedrive's open state in Chinese (打开, 开启)
_CLOSED_RU_WON = {"закрыто выиграно", "закрыта выиграна", "закрыт выигран", "выиграно", "выиграна"}
_CLOSED_RU_LOST = {"закрыто проиграно", "закрыта проиграна", "закрыт проигран", "проиграно"}
_STAGE_WON |= _CLOSED_RU_WON | {"已结束并赢得客户", "已结束 赢得客户"}
_STAGE_LOST |= _CLOSED_RU_LOST | {"已结束但客户流失", "已结束 客户流失"}
_STATUS_WON |= _CLOSED_RU_WON | {"已结束并赢得客户"}
_STATUS_LOST |= _CLOSED_RU_LOST | {"已结束但客户流失"}
_STATUS_OPEN |= {"打开", "开启"}

# -- survey 23: a Brazilian team's closing stages: «Fechado» (closed, i.e. sold: «fechar negócio») and «Pago» (paid)
# end its HubSpot pipeline as won (its dashboard counts both as won); a Kommo account's lost stages carry the reason
# in brackets («Perdido (Sem resposta)», «Perdido (Preço)»: a Kommo report script reads «perdido» + reason as lost)
# (a *status* «Fechado» beside «Aberto» only says closed: not a won word there)
_PAID_WORDS = {"pago", "paga", "pagado", "pagada", "paid"}
_STAGE_WON |= _PAID_WORDS | {"fechado", "fechada"}
_STATUS_WON |= _PAID_WORDS
_LOST_PREFIXES += ("perdido ", "perdida ", "venda perdida ")
_STATUS_LOST_PREFIXES += ("perdido ", "perdida ", "venda perdida ")


# the words as _fold leaves a cell: Traditional Chinese, and the Japanese kanji it shares (成約, 商談), in their
# Simplified forms (normalize.simplified), beside the words as written
_STAGE_WON, _STAGE_LOST, _STATUS_WON, _STATUS_LOST, _STATUS_OPEN = (
    words | {simplified(w) for w in words} for words in (_STAGE_WON, _STAGE_LOST, _STATUS_WON, _STATUS_LOST, _STATUS_OPEN))


def classify_stage_name(name: str | None) -> str | None:
    """'won' | 'lost' when ``name`` is a default closing-stage name of a known CRM, else None. A stage
    named by its probability (SalesMan CRM's «20%» … «100%») is won at «100%»: a deal there is sold;
    «0%» stays a step (SalesMan's first), and a bare «100» may be an id."""
    if bare_number(name or "") == (100, True):
        return "won"
    text = _fold(without_number(name or ""))
    if not text:
        return None
    if text in _STAGE_LOST or text.startswith(_LOST_PREFIXES):
        return "lost"
    if text in _STAGE_WON or text.startswith(_WON_PREFIXES):
        return "won"
    # «Project Won», «Opportunity Lost», «Deal - Won» (not «Not won», «Won back»)
    words = text.split()
    if len(words) in (2, 3) and words[-1] in ("won", "lost") and "not" not in words:
        return words[-1]
    return None

# -- survey 37: ПланФикс's task statuses used as a sales funnel (its system set: Новая, В работе, Завершенная,
# Отложенная, Отклоненная, Выполненная; planfix.com/ru/help): completed is the sale, rejected no sale, put off is
# still open. Written as the adjective the status list shows and as the short form a team types
_PLANFIX_WON = {"завершенная", "завершена", "выполненная", "выполнена"}
_PLANFIX_LOST = {"отклоненная", "отклонённая"}
_STAGE_WON |= _PLANFIX_WON
_STATUS_WON |= _PLANFIX_WON
_STAGE_LOST |= _PLANFIX_LOST
_STATUS_LOST |= _PLANFIX_LOST
_PLANFIX_PAUSED = frozenset({"отложенная", "отложена", "отложено"})
_STATUS_OPEN |= _PLANFIX_PAUSED


def is_paused_stage(name: str | None) -> bool:
    """ПланФикс's «Отложенная» (put off): a deal there is open but at no step of the sale; where it was put off is
    not known, so it is no rung of a guessed ladder (deals.resolve_stages counts its deals open at the first)."""
    return _fold(name or "") in _PLANFIX_PAUSED


# A tracker's resolution says how a closed issue ended where its status does not: Yandex Tracker closes a won and a
# lost deal alike («Закрыт») and its ``resolution`` is «Решён» (``fixed``) or «Не будет сделано» (``wontFix``);
# Jira's «Done» / «Won't Do». These words are read only in such a column (a status «Done» elsewhere may be a
# task's); a duplicate or an invalid issue says nothing of a sale and stays unread. Survey 44; the values are
# those of Tracker's API reference (resolutions fixed, wontFix, duplicate, invalid, later) and Jira's defaults.
RESOLUTION_HEADERS = frozenset({"resolution", "resolution display", "resolution key", "resolution name",
                                "резолюция", "解决结果"})
_RESOLUTION_WON = ("done", "fixed", "resolved", "решён", "решено", "исправлен", "выполнено", "сделано", "готово",
                   "successful", "успешно", "已解决", "已完成", "已修复")
_RESOLUTION_LOST = ("won't do", "won’t do", "wont do", "wontdo", "won't fix", "won’t fix", "wont fix", "wontfix", "declined",
                    "rejected",
                    "не будет сделано", "не будет исправлено", "отклонено", "отклонён", "отказ", "不做", "不修复",
                    "拒绝")
RESOLUTION_VALUES = {**{status_key(w): "won" for w in _RESOLUTION_WON},
                     **{status_key(w): "lost" for w in _RESOLUTION_LOST}}

# survey 50: a bot funnel's last step «Оплатил» (Salebot: the client paid; the verb, where an invoice's status is the
# participle «Оплачен»); YetiForce's sales process statuses as its export writes them, picklist keys
# (PLL_SALE_COMPLETED, PLL_SALE_FAILED, PLL_SALE_CANCELLED) or their English labels
_PAID_VERB = {"оплатил", "оплатила", "оплатили"}
_YETIFORCE_WON = {"pll sale completed", "sale completed"}
_YETIFORCE_LOST = {"pll sale failed", "pll sale cancelled", "sale failed", "sale cancelled"}
_STAGE_WON |= _PAID_VERB | _YETIFORCE_WON
_STATUS_WON |= _PAID_VERB | _YETIFORCE_WON
_STAGE_LOST |= _YETIFORCE_LOST
_STATUS_LOST |= _YETIFORCE_LOST
