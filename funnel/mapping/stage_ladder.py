"""A guessed stage order from the words sales teams name their stages with, in any CRM or spreadsheet.

A snapshot file without history or a known CRM gave its stages "most deals first", which is rarely the
funnel: a Spanish pipeline sheet with 1 deal in *Prospección*, 2 in *Cualificación*, 3 in *Propuesta
enviada* and 3 in *Negociación* came out backwards. Most pipelines are built from the same rungs:
a new lead, a first contact, qualification (or needs), a meeting or demo, a proposal, negotiation, a
contract or invoice (an estimate between the meeting and the proposal). When **every** open stage starts with one rung's word, the rungs order them (the
number of deals orders stages of one rung); when one does not, nothing is claimed (None). The order
stays a guess either way: the Data page and the pages say so until the user confirms it.
"""

from __future__ import annotations

import re

from .normalize import normalize_header, simplified

# One entry per rung, first to last. A stage is on a rung when one of its words starts with a stem
# (EN, RU, ZH, ES, PT, DE, FR, JA). Chinese and Japanese have no word breaks: their stems match anywhere.
_RUNGS: tuple[tuple[str, ...], ...] = (
    ("new", "lead", "incoming", "inbound", "prospect", "prospecc", "prospecç", "nuevo", "novo", "neu",
     "nouveau", "нов", "неразобран", "входящ", "лид", "заявк", "线索", "新",
     "not contacted", "uncontacted", "не обработан"),  # a lead nobody has called yet (Zoho, Bitrix24)
    ("contact", "first contact", "initial contact", "contacto", "contato", "kontakt", "premier contact",
     "первичн", "контакт", "звонок", "初步接触", "接触", "联系", "接洽", "初步"),
    ("qualif", "cualific", "calific", "quali", "discovery", "needs", "need analysis", "necesidad", "necessidad",
     "bedarf", "besoin", "квалиф", "потребност", "выявлен", "资格", "需求", "确认", "验证"),
    ("meeting", "demo", "presentation", "appointment", "reunión", "reunion", "reunião", "demostración",
     "presentación", "apresentação", "termin", "präsentation", "rendez", "présentation", "встреч", "демо",
     "презентац", "演示", "拜访", "会议"),
    # a cost estimate, worked out before the proposal is sent (amoCRM's «Расчёт стоимости» before «КП
    # отправлено»)
    ("расчет", "просчет", "калькуляц", "estimate", "costing", "cálculo"),
    ("proposal", "quote", "quotation", "offer", "oferta", "propuesta", "cotización", "proposta", "orçamento", "angebot",
     "devis", "proposition", "offre", "предложен", "кп", "коммерческ", "报价", "方案", "建议"),
    ("negotiat", "negociac", "negociaç", "verhandl", "négociation", "decision", "decisión", "decisão",
     "entscheid", "décision", "переговор", "принимают решение", "решени", "согласован", "谈判", "决策"),
    ("contract", "contrato", "vertrag", "contrat", "договор", "invoice", "factura", "fatura", "rechnung",
     "facture", "счет", "счёт", "payment", "pago", "pagamento", "zahlung", "paiement", "оплат", "合同", "签约",
     "付款"),
)


_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and ideographs: no word breaks


def _pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    latin_or_cyrillic = [re.escape(s) for s in stems if not _CJK.search(s)]
    chinese = [re.escape(s) for s in stems if _CJK.search(s)]
    parts = [r"(?<!\w)(?:" + "|".join(latin_or_cyrillic) + ")"] if latin_or_cyrillic else []
    if chinese:
        parts.append("(?:" + "|".join(chinese) + ")")
    return re.compile("|".join(parts))


# survey 8 (zh): a bid/opportunity DTO's stages 信息收集 → 需求确认 → 方案交流 → 招投标 → 合同签订 (gathering
# information is the first step; a tender comes after the proposal and decides before the contract);
# 纷享销客's lead statuses 未分配 (unassigned) → 待处理 (to handle, a new lead) → 跟进中 (followed up: contact)
# CordysCRM's default stages (1Panel-dev/CordysCRM StageType): 新建 → 需求明确 → 方案验证 → 项目汇报 (a
# presentation to the client) → 商务采购 (the client's purchasing: the decision)


def _with(rungs, marker: str, words: tuple[str, ...]):
    """``rungs`` with ``words`` added to the rung holding ``marker`` (by content, not position: rungs are
    added between others)."""
    return tuple(stems + words if marker in stems else stems for stems in rungs)


_RUNGS = _with(_RUNGS, "new", ("信息收集", "未分配", "待处理"))
_RUNGS = _with(_RUNGS, "contact", ("跟进",))
_RUNGS = _with(_RUNGS, "meeting", ("汇报",))
_RUNGS = _with(_RUNGS, "negotiat", ("招投标", "投标", "招标", "采购"))
# survey 10 (ja): Japanese sales teams' phases (a Salesforce report reader's ladder «初回/接触 → 要件/ヒアリング →
# 提案/見積 → 最終/契約/稟議 → 受注»; HubSpot's Japanese help «アポ取得 → 初回提案 → 見積もり提示 → 受注»): a new
# lead, the first contact, the hearing of needs, the appointment, the proposal or quote, the internal approval
# (稟議) and negotiation (交渉), the contract
_RUNGS = _with(_RUNGS, "new", ("新規", "リード"))
_RUNGS = _with(_RUNGS, "contact", ("初回",))
_RUNGS = _with(_RUNGS, "qualif", ("ヒアリング", "要件"))
_RUNGS = _with(_RUNGS, "meeting", ("アポ",))
_RUNGS = _with(_RUNGS, "proposal", ("提案", "見積"))
_RUNGS = _with(_RUNGS, "negotiat", ("交渉", "稟議"))
_RUNGS = _with(_RUNGS, "contract", ("契約",))
# survey 12: kintone's process status «未処理» (not yet handled: a new record, as Bitrix24's «Не обработан»);
# Streak's sales template «Lead → Pitched → Negotiating» (a pitch is the offer made)
_RUNGS = _with(_RUNGS, "new", ("未処理",))
_RUNGS = _with(_RUNGS, "proposal", ("pitch",))
# survey 14: after the sale, a customer is onboarded and activated (TangoJamaicaFoxtrot/EburyDash: Discovery,
# Qualified, Demo, Activated, Onboarded): the last rung, so that the ladder orders such a pipeline instead of
# giving up on it (most deals first put the customers first). Not won by these words: a product's «Activated»
# may come before «Paid»; the order stays a guess
_RUNGS = (*_RUNGS, ("onboard", "activat", "implement", "go-live", "go live", "kick-off", "kickoff", "внедрен",
                    "подключен", "实施", "上线"))
# survey 21: RD Station CRM's «Sem contato» (not contacted yet: a new lead, not the contact made), Ploomes' and
# Agendor's «Diagnóstico» (the needs found) and «Fechamento» (the closing: after the proposal); Spanish, German
# and French twins of the new lead nobody has called
_RUNGS = _with(_RUNGS, "new", ("sem contato", "sin contacto", "sin contactar", "nicht kontaktiert", "non contacté"))
_RUNGS = _with(_RUNGS, "qualif", ("diagnóstico", "diagnostico", "diagnóstic"))
_RUNGS = _with(_RUNGS, "contract", ("fechamento", "cierre"))
# Within its rung a stage named here comes first: an unassigned lead before one waiting to be handled
_FIRST_IN_RUNG = re.compile("未分配|unassigned|не распределен")

# survey 19: an ad platform's lead stages (巨量引擎: 新线索 → 待再次沟通 / 已加微信 → 有意向 → 转商机, won): to be
# talked to again or added on WeChat is contact, an intent (意向) is a qualified lead; 待分配 (to assign) new
_RUNGS = _with(_RUNGS, "new", ("待分配",))
_RUNGS = _with(_RUNGS, "contact", ("沟通", "微信", "待联系"))
_RUNGS = _with(_RUNGS, "qualif", ("意向",))
_FIRST_IN_RUNG = re.compile("未分配|待分配|unassigned|не распределен")
# survey 22: Pipedrive's and Salesforce's default stages in Chinese: 潜在客户 (a prospect) and 预期 (Salesforce's
# Prospecting) new, 评价 (its Qualification) qualified, 协商/审核 (Negotiation/Review) negotiation
_RUNGS = _with(_RUNGS, "new", ("潜在", "预期"))
_RUNGS = _with(_RUNGS, "qualif", ("评价", "评估"))
_RUNGS = _with(_RUNGS, "negotiat", ("协商", "审核"))
# survey 38: a lead «Взято в работу» (taken on: the contact made, EnvyCRM's second stage); KeepinCRM's Ukrainian
# «Консультація» (the consultation: a meeting), «Комерційна пропозиція», «Узгодження» (the terms agreed)
_RUNGS = _with(_RUNGS, "contact", ("взят в работ", "взято в работ", "взята в работ", "принят в работ",
                                   "принято в работ", "принята в работ", "взято в роботу", "прийнято в роботу"))
_RUNGS = _with(_RUNGS, "meeting", ("консультац",))
_RUNGS = _with(_RUNGS, "proposal", ("комерційн", "пропозиц"))
_RUNGS = _with(_RUNGS, "negotiat", ("узгоджен", "перемовин"))
# survey 41: a Ukrainian leads pipeline (KeyCRM) «Новий лід → Кваліфікація → Зустріч → Пропозиція»: «Зустріч» (a
# meeting) was placed before «Кваліфікація», which no rung held (Russian «квалиф» has и, Ukrainian і)
_RUNGS = _with(_RUNGS, "qualif", ("кваліф", "потреб"))
_RUNGS = _with(_RUNGS, "meeting", ("зустріч", "демонстрац"))
_RUNGS = _with(_RUNGS, "contract", ("рахун", "договір"))  # an invoice («Виставлено рахунок»), a contract
# survey 43: an order list's stock check («Перевірка наявності», «Проверка наличия») is worked out after the needs
# and before the invoice, as a cost estimate is (it was on no rung: the order guessed by counts, two stages swapped)
_RUNGS = _with(_RUNGS, "расчет", ("перевірка наявн", "проверка налич", "наявніст", "stock check", "availability"))

# a stage name is compared as normalize_header writes it: Traditional Chinese and the Japanese kanji it shares
# (見積 → 见积) in their Simplified forms, so the stems are matched in both
_PATTERNS = tuple(_pattern(tuple(dict.fromkeys((*stems, *map(simplified, stems))))) for stems in _RUNGS)
PROPOSAL_RUNG = next(k for k, stems in enumerate(_RUNGS) if "proposal" in stems)  # the close rate's stage


def rung(name: str) -> int | None:
    """The rung (0 = a new lead ... 7 = contract or invoice, 8 = onboarding after the sale) ``name`` starts a
    word with, the first found."""
    text = normalize_header(name)
    for k, pattern in enumerate(_PATTERNS):
        if pattern.search(text):
            return k
    return None


def ladder_order(open_by_count: list[str]) -> list[str] | None:
    """``open_by_count`` (open stages, most deals first) ordered by rung, or None when a stage is on none.

    Needs two stages on two different rungs: otherwise the words say nothing about the order.
    """
    found = {name: rung(name) for name in open_by_count}
    rungs = {name: k for name, k in found.items() if k is not None}
    if len(open_by_count) < 2 or len(rungs) < len(found) or len(set(rungs.values())) < 2:
        return None
    # stable: most deals first within a rung (after an unassigned lead)
    return sorted(open_by_count, key=lambda name: (rungs[name], not _FIRST_IN_RUNG.search(normalize_header(name))))


def new_lead_first(open_by_count: list[str]) -> list[str] | None:
    """When a stage is on no rung (a process word: «На паузе», "Blocked"), the ladder claims nothing,
    but a new lead («Новая», "New", "Lead In") still comes first: those first, the rest as they were
    (most deals first). None when no stage is a new lead."""
    first = [name for name in open_by_count if rung(name) == 0]
    if not first or len(first) == len(open_by_count):
        return None
    return first + [name for name in open_by_count if name not in first]

# survey 44: a task tracker kept as a pipeline starts where an issue does: Yandex Tracker's «Открыт», Jira's «Open» /
# «To Do», a backlog (Yandex Tracker's sales queue «Открыт → Квалификация → КП отправлено → Переговоры» came out with
# the proposal before the qualification: «Открыт» was on no rung, so the count ordered them)
_RUNGS = _with(_RUNGS, "new", ("открыт", "open", "to do", "todo", "backlog", "бэклог", "待办"))
# survey 47: 腾讯广告's lead follow-up tags «待跟进 → 已联系 → 有意向 → 已到店»: a lead waiting to be followed up is new,
# a visit to the store («到店», «到访») is the meeting (it came last by its count: every middle label wrong)
_RUNGS = _with(_RUNGS, "new", ("待跟进",))
_RUNGS = _with(_RUNGS, "meeting", ("到店", "到访"))
# survey 47: U-ON.Travel's request statuses «Новая → В работе → Подбор тура → Бронирование → Тур оплачен» came out
# with the booking before the tour's selection (both on no rung: ordered by their counts). A request taken «в работу»
# is the contact made (Bitrix24's lead status «В работе» after «Не обработан»); a selection of offers («Подбор тура»,
# «Подбор объекта») is the proposal; a booking is the contract
_RUNGS = _with(_RUNGS, "contact", ("в работе", "in work"))
_RUNGS = _with(_RUNGS, "proposal", ("подбор",))
_RUNGS = _with(_RUNGS, "contract", ("бронир", "booking", "reservation", "预订"))
# survey 52: a Bitrix24-like pipeline's codes «NEW → QUALIFICATION → CALCULATION → PROPOSAL → CONTRACT»: a calculation
# is the cost estimate before the proposal
_RUNGS = _with(_RUNGS, "расчет", ("calculat",))
# survey 53: a HubSpot import file's stages «Pending Response → Pending Contract → Closed Won» (Dgbusiness/
# hubspot_migration_test): a deal waiting for the client's answer has been contacted (it was on no rung: the two open
# stages ordered by their counts, the contract first)
_RUNGS = _with(_RUNGS, "contact", ("pending response", "awaiting response", "waiting for response", "ждем ответа",
                                   "ждём ответа", "ожидает ответа", "等待回复"))
_PATTERNS = tuple(_pattern(tuple(dict.fromkeys((*stems, *map(simplified, stems))))) for stems in _RUNGS)
