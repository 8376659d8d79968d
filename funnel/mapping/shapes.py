"""Which input shape a file is (../shared/DOMAIN.md, shapes A-E), and the mappings of shapes B, D, E.

- ``history`` (B): one row per stage entry: deal id, stage, entered time (+ pipeline). Known layouts
  first (Salesforce OpportunityHistory / field history / history report, Bitrix24 REST
  ``crm.stagehistory.list``, amoCRM/Kommo API events), then a generic deal-id/stage/date file whose
  deal ids repeat or which has no deal attributes (amount, owner, status).
- ``events`` (D): a raw event log: entity (user, visitor, session), step (event, page), timestamp.
  Also one row per visitor with yes/no outcome columns (an A/B export: ``user_id, group,
  converted``): every row is a visit, every "yes" a step reached, the columns in file order.
- ``counts`` (E): aggregate numbers, long (stage, count [, group]) or wide (one numeric column per
  step in funnel order, e.g. ``Date,Pageviews,Clicks,Enrollments,Payments``).
- ``deals`` (A, or C with HubSpot ``Date entered`` columns): everything else.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from . import cell_kinds as sv
from .ad_counts import CONVERSIONS, ad_rank, in_ad_order
from .matcher import CODE_SCORE, detect_preset, header_score
from .normalize import normalize_header
from .synonyms import NORMALIZED_SYNONYMS, normalized


@dataclass
class HistoryMapping:
    deal_id: int
    stage: int
    entered_at: int
    pipeline: int | None = None
    field_filter: tuple[int, str] | None = None  # keep rows whose column equals this (case-insensitive)
    stage_before: int | None = None  # the stage a row's move left («value_before», «Old value», «Было»)


@dataclass
class EventMapping:
    entity: int
    step: int | None  # None for a table of outcome flags
    timestamp: int | None = None
    extras: dict[int, str] = field(default_factory=dict)
    variant: int | None = None
    source: int | None = None
    flags: list[int] = field(default_factory=list)  # yes/no outcome columns: one step each, in file order


@dataclass
class CountsMapping:
    stage: int | None = None
    count: int | None = None
    group: int | None = None
    wide_stages: list[int] = field(default_factory=list)
    # number columns of a wide table not read as steps, with why (an id, a time, a percentage, a
    # fraction): said at import, never silently dropped
    left_out: list[tuple[int, str]] = field(default_factory=list)
    # an experiment's results (one row per variation and metric): each row's own first step, its users
    # (:func:`_experiment_results`); ``stage`` is then the metric, ``count`` its conversions
    base: int | None = None
    # step columns of fractional counts, rounded to whole ones (an ad platform's conversions under a
    # data-driven attribution: 12.50, 3.33): said at import
    rounded: list[int] = field(default_factory=list)
    # a second level of the group (Metrica's «… (детально)»): each group is «level 1 › level 2»
    detail: int | None = None


# (deal id, stage, entered, pipeline, (filter column, kept value)) per known history layout.
HISTORY_LAYOUTS: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...],
                            tuple[tuple[str, ...], str] | None]] = [
    (("opportunityid",), ("newvalue",), ("createddate",), (), (("field",), "StageName")),
    (("opportunity id", "opportunity name"), ("new value",), ("edit date", "created date"), (),
     (("field / event", "field/event"), "Stage")),
    (("opportunityid", "opportunity id"), ("stagename", "stage name"), ("createddate", "created date"), (), None),
    (("opportunity id", "opportunity name"), ("to stage",), ("edit date", "last modified", "created date"),
     (), None),
    # Bitrix24's crm.stagehistory.list: a deal's STAGE_ID, a lead's STATUS_ID
    (("owner_id",), ("stage_id", "status_id"), ("created_time",), ("category_id",), None),
    # amoCRM's events (/api/v4/events): flattened to a table, or its JSON answer as json_reader flattens it
    (("entity_id",), ("value_after", "value_after.lead_status.id"), ("created_at",),
     ("pipeline_id", "value_after.lead_status.pipeline_id"), (("type",), "lead_status_changed")),
    # Pipedrive's deal changes (the API's deal flow / updates as a warehouse keeps them): one row per field
    # change, the stage's rows have the field key stage_id and the new stage id
    (("deal_id",), ("new_value",), ("change_time", "log_time", "timestamp"), (),
     (("changed_field_key", "field_key"), "stage_id")),
]
_GENERIC_HISTORY = (
    normalized(("deal_id", "deal id", "deal", "opportunity id", "lead_id", "lead id", "record id", "id сделки",
                "сделка", "номер сделки", "商机编号", "商机id", "编号")),
    normalized(("stage", "stage_name", "stage name", "new stage", "to stage", "этап", "стадия", "новый этап",
                "阶段", "新阶段")),
    normalized(("entered_at", "entered at", "date entered", "stage entered", "stage date", "changed at",
                # a warehouse's history table (survey 17: uditsalesops-lab/acceldata-revops-portfolio changed_date)
                "changed date", "change date", "date changed", "changed on",
                "moved at", "timestamp", "date", "дата перехода", "дата входа", "дата", "время", "进入时间",
                "进入日期", "变更时间", "时间", "日期",
                # survey 22: Zoho's Stage History («Modified Time»), Salesforce's Opportunity History report
                # («Edit Date»)
                "modified time", "modified date", "edit date")),
    normalized(("pipeline", "воронка", "漏斗", "销售漏斗")),
)
# survey 22: a history naming its deal by name only (Salesforce's Opportunity History report «Opportunity
# Name», Zoho's Stage History «Deal Name»): its rows meet the deals by their names (reconcile.reconcile_names)
_GENERIC_HISTORY = (_GENERIC_HISTORY[0] + normalized(("deal name", "opportunity name", "potential name")),
                    *_GENERIC_HISTORY[1:])
_EVENT_WORDS = (
    # user_pseudo_id: GA4's BigQuery export (its user_id is empty unless the site signs users in);
    # visitorid: RetailRocket's events.csv
    normalized(("user_id", "userid", "user id", "user", "visitor_id", "visitorid", "visitor", "user_pseudo_id",
                "client_id", "clientid", "session_id", "session", "cookie", "cookie_id", "uid", "entity",
                "entity_id", "person_id", "distinct_id", "anonymous_id", "пользователь", "id пользователя",
                "посетитель", "用户", "用户id", "访客", "会话",
                # a mobile app's log (Yandex Practicum's logs_exp_us: DeviceIDHash, EventName, EventTimestamp)
                "deviceidhash", "device_id_hash", "device_id", "deviceid", "device id")),
    # event_type: Amplitude's export and the "eCommerce behavior" dataset
    normalized(("step", "event", "event_name", "event name", "event_type", "event type", "action", "page",
                "funnel_step", "step_name", "шаг", "событие", "действие", "步骤", "事件", "行为", "eventname",
                "eventtype")),
    # event_timestamp: GA4's, in microseconds; its event_date (yyyymmdd) only when there is no time
    normalized(("timestamp", "time", "event_time", "event time", "event_timestamp", "event timestamp", "datetime",
                "date", "ts", "created_at", "время", "дата", "дата и время", "时间", "时间戳", "日期",
                "event_date", "event date", "eventtimestamp", "eventtime")),
)
_OUTCOME_FLAG = re.compile(r"^(?:is[\s_]?)?(?:converted|conversion|purchased?|ordered|paid|bought|sale|won)$"
                           r"|конверс|конвертир|покупк|купил|оплат|转化|购买|成交|下单")
ENTITY_FILLED = 0.5  # an entity column filled in fewer sample rows than this gives way to another one
_GROUP = normalized(("variant", "group", "version", "landing_page", "landing page", "source", "segment",
                     "channel", "device category", "device_category", "device", "platform", "campaign",
                     "вариант", "группа", "источник", "сегмент", "канал", "версия", "устройство", "платформа",
                     "кампания", "版本", "分组", "来源", "渠道", "细分", "设备", "设备类别", "平台", "广告系列",
                     "breakdown_value", "breakdown"))  # PostHog's funnel export
_COUNT_STAGE = normalized(("stage", "step", "stage name", "name", "event", "deal stage", "этап", "шаг", "стадия",
                           "этап сделки", "阶段", "步骤", "商机阶段",
                           "label"))  # Matomo's reports name their rows «label» (Funnels: the step)
_COUNT = normalized(("count", "n", "number", "users", "active users", "total users", "visitors", "deals", "leads",
                     # a web funnel's table (step, stage, sessions: GA's Merchandise Store funnel), Metrica's visits
                     "sessions", "visits", "визиты", "сеансы", "сессии", "посетители", "会话数", "访问次数", "访客数",
                     "total", "value", "qty", "количество", "кол-во", "число", "сделок", "数量", "人数", "数",
                     # a CRM report's record count per stage (HubSpot, Salesforce summary reports)
                     "count of deals", "number of deals", "deal count", "record count", "count of records",
                     "количество сделок", "кол-во сделок", "商机数", "商机数量",
                     # Matomo Funnels' flow: the visits at each step (step_nb_visits_actual, _entries, _exits,
                     # _proceeded are counts of the same step, read as steps of their own before)
                     "step_nb_visits"))
_STEP_WORDS = {
    "pageview", "pageviews", "view", "views", "impression", "impressions", "reach", "click", "clicks",
    "visit", "visits", "session", "sessions", "lead", "leads", "signup", "signups", "registration",
    "registrations", "enrollment", "enrollments", "trial", "trials", "mql", "mqls", "sql", "sqls",
    "opportunities", "proposals", "order", "orders", "purchase", "purchases", "payment", "payments",
    "sale", "sales", "conversion", "conversions", "enquiries", "recipients", "sent", "delivered", "deliveries",
    "opens", "opened", "clicked", "показы", "клики", "визиты", "переходы",
    "лиды", "заявки", "регистрации", "продажи", "оплаты", "заказы", "покупки", "展示", "曝光", "点击",
    "访问", "线索", "注册", "订单", "成交", "付款", "购买", "转化",
}
FLAG_SHARE = 0.8
MIN_IDS_FOR_LIST = 10  # sample rows with all-different ids that make a file a list, not a history  # of a column's sample values that must be yes/no words for an outcome column
# a record's key, never a count: "Prospect ID", "id_lead", and numbers that name a record ("Lead Number",
# "Order No": LeadSquared's leads carry one beside their id)
_ID_HEADER = re.compile(r"(?:^|[\s_.-])(?:id|number|no|num|nr)$|^id[\s_]|^id$|(?:编号|单号|编码|号码|序号)$")
_SPEND = re.compile(r"spen[dt]|cost|расход|затрат|花费|成本")


def _find(norm: list[str], alts: tuple[str, ...], taken: AbstractSet[int] = frozenset()) -> int | None:
    """The first column (not in ``taken``) whose header is one of ``alts``, an underscore read as a space
    (``stage_date``, ``date_entered`` of a sync's ``deal_stage`` table are «stage date», «date entered»)."""
    folded = [h.replace("_", " ") for h in norm]
    for alt in alts:
        alt = normalize_header(alt).replace("_", " ")
        for i, h in enumerate(folded):
            if h == alt and i not in taken:
                return i
    return None


# Columns only a deals list has (Salesforce Opportunity.csv, HubSpot): with unique ids, not a history.
_OUTCOME_FLAGS = normalized(("iswon", "isclosed", "is won", "is closed", "hs_is_closed_won",
                             "hs_is_closed_lost", "is closed lost", "stagesortorder",
                             # a history has no name of its own: an opportunity's name makes it the list
                             "opportunityname", "opportunity name", "name", "dealname", "deal name"))


def _ids_repeat(smp, column: int) -> bool:
    ids = sv.column(smp, column)
    return len(ids) > len(set(ids))


def _history_from_layouts(norm: list[str], smp=None) -> HistoryMapping | None:
    found = _layout_history(norm)
    if found and smp and not _ids_repeat(smp, found.deal_id) and any(h in _OUTCOME_FLAGS for h in norm):
        return None  # a plain opportunity list: one row per id, won/closed flags or a name (issue 16, class 4)
    return found


def _layout_history(norm: list[str]) -> HistoryMapping | None:
    for deal, stage, entered, pipeline, filt in HISTORY_LAYOUTS:
        d, s, e = _find(norm, deal), _find(norm, stage), _find(norm, entered)
        if d is None or s is None or e is None:
            continue
        fcol = _find(norm, filt[0]) if filt else None
        if filt and fcol is None and any("value" in alt for alt in stage):
            continue  # a field history's «new value» is a stage only on the rows its filter keeps
        return HistoryMapping(d, s, e, _find(norm, pipeline) if pipeline else None,
                              (fcol, filt[1]) if filt and fcol is not None else None)
    return None


def _looks_like_deals(norm: list[str]) -> bool:
    attrs = ("amount", "manager", "status", "deal_name", "lost_reason")
    return any(h in NORMALIZED_SYNONYMS[f] for f in attrs for h in norm)


def _generic_history(norm: list[str], smp) -> HistoryMapping | None:
    d = _find(norm, _GENERIC_HISTORY[0])
    s = _find(norm, _GENERIC_HISTORY[1], {d})
    e = _find(norm, _GENERIC_HISTORY[2], {d, s})
    if d is None or s is None or e is None:
        return None
    ids = sv.column(smp, d)
    repeats = len(ids) > len(set(ids))
    if not repeats and (_looks_like_deals(norm) or len(ids) >= MIN_IDS_FOR_LIST):
        return None  # one row per id: a list of deals, not a history
    return HistoryMapping(d, s, e, _find(norm, _GENERIC_HISTORY[3], {d, s, e}))


# A change log of any field (a CRM's events or audit export: «Дата; Сделка; Событие; Было; Стало», "Date, Deal
# ID, Field, Old value, New value"): its stage rows are those whose field or event names the stage
_CHANGE_FIELD = normalized(("field", "field name", "changed field", "property", "property name", "event", "event type",
                            "change", "событие", "тип события", "поле", "изменение", "изменённое поле",
                            "измененное поле", "что изменилось", "字段", "事件", "变更字段", "变更类型"))
_CHANGE_NEW = normalized(("new value", "new", "to", "value after", "after", "changed to", "стало", "новое значение",
                          "значение после", "после", "новое", "变更后", "新值", "修改后"))
_STAGE_FIELD = re.compile(r"этап|стади|stage|статус|status|阶段|状态|etapa|estado|est[aá]gio")
# survey 22: amoCRM's «Список событий» (Дата, Автор, Объект, Название, Событие, Значение до, Значение после, and
# in a script's export «ID объекта»; amoCRM's help page) and Kommo's in English and Spanish (Name / Nombre, Event
# / Evento «Estado del lead cambiado», Value after / Valor nuevo) name the deal by its id or its name (matched to
# the deals by name: reconcile.reconcile_names)
_CHANGE_FIELD += normalized(("evento", "tipo de evento"))
_CHANGE_NEW += normalized(("valor nuevo", "nuevo valor", "valor novo", "novo valor", "valor posterior"))
_CHANGE_KEY = normalized(("id объекта", "object id", "id del objeto", "id do objeto", "название", "name", "nombre",
                          "nome"))
_CHANGE_TIME = normalized(("fecha", "data", "fecha y hora"))


def _change_log_history(norm: list[str], smp) -> HistoryMapping | None:
    """A field change log read as a stage history: deal, time, the changed field and its new value; kept,
    the rows of the field value naming a stage that recurs most in the sample («Изменение этапа», "Stage",
    "dealstage")."""
    d = _find(norm, _GENERIC_HISTORY[0])
    d = _find(norm, _CHANGE_KEY) if d is None else d
    e = _find(norm, _GENERIC_HISTORY[2], {d})
    e = _find(norm, _CHANGE_TIME, {d}) if e is None else e
    f = _find(norm, _CHANGE_FIELD, {d, e})
    s = _find(norm, _CHANGE_NEW, {d, e, f})
    if None in (d, e, f, s) or not smp:
        return None
    names = [v for v in sv.column(smp, f) if _STAGE_FIELD.search(v.casefold())]
    if not names:
        return None
    kept = max(dict.fromkeys(names), key=names.count)
    return HistoryMapping(d, s, e, None, (f, kept))


def propose_history_mapping(headers, samples=None) -> HistoryMapping | None:
    """The stage-history columns of a long history file, None when it is not one."""
    norm = [normalize_header(h) for h in headers]
    found = _history_from_layouts(norm, samples) or _change_log_history(norm, samples) \
        or _generic_history(norm, samples)
    if found is not None:
        taken = {found.deal_id, found.stage, found.entered_at, found.pipeline}
        if found.field_filter is not None:
            taken.add(found.field_filter[0])
        found.stage_before = _find(norm, _STAGE_BEFORE, taken)
    return found


# The stage a move left, beside the one it entered: a history that logs moves only (amoCRM's events) never
# enters the stage a deal was created in, and this column is where that stage shows (history_order)
_STAGE_BEFORE = normalized(("value_before", "value_before.lead_status.id", "old value", "old_value", "oldvalue",
                            "from stage", "from_stage", "previous stage", "prev stage", "old stage", "stage from",
                            "было", "старое значение", "значение до", "предыдущий этап", "прежний этап",
                            "valor anterior", "valor antigo",
                            "原阶段", "变更前", "旧值", "修改前"))


def _entity(norm: list[str], samples) -> int | None:
    """The entity column: the first one named like a user, visitor or session that is filled in most
    sample rows (GA4's export has an empty ``user_id`` beside its ``user_pseudo_id``), else the first."""
    found: list[int] = []
    while (i := _find(norm, _EVENT_WORDS[0], set(found))) is not None:
        found.append(i)
    rows = len(samples or [])
    filled = [i for i in found if not rows or len(sv.column(samples, i)) >= ENTITY_FILLED * rows]
    return (filled or found or [None])[0]


def _marks_step(header: str, samples, i: int) -> bool:
    """A column that writes its own name where a visitor reached it and nothing elsewhere: the Kaggle
    e-commerce funnel's page tables merged on ``user_id`` (``search_page`` column: «search_page» or empty)."""
    vals = sv.column(samples, i)
    return 0 < len(vals) < len(samples) and all(normalize_header(v) == header for v in vals)


_RECORD_ID = re.compile(r"(?:^|[\s_.-])id$")
_TEST_GROUP = normalized(("experiment", "group", "variant", "test group", "ab group", "experiment group",
                          "группа", "вариант", "эксперимент", "分组", "实验组", "实验"))


def _tested_record_id(norm: list[str], samples) -> int | None:
    """An A/B file's record id that no visitor word names (AdSmart's ``auction_id`` beside ``experiment``):
    a column named «… id» whose sample values differ in every row, when a column names the test's
    groups. Without a group column such a file may be a deal list (``Opportunity ID, Won``)."""
    if _find(norm, _TEST_GROUP) is None:
        return None
    rows = len(samples)
    for i, h in enumerate(norm):
        vals = sv.column(samples, i)
        if h and _RECORD_ID.search(h) and len(vals) == rows >= 2 and len(set(vals)) == rows:
            return i
    return None


def propose_event_mapping(headers, samples=None) -> EventMapping | None:
    """The columns of a raw event log (entity, step, timestamp), None when it is not one."""
    norm = [normalize_header(h) for h in headers]
    entity = _entity(norm, samples)
    step = _find(norm, _EVENT_WORDS[1], {entity})
    if entity is None or step is None:
        return None
    return _with_attributes(headers, norm, EventMapping(entity, step))


def propose_outcome_mapping(headers, samples=None) -> EventMapping | None:
    """One row per visitor with yes/no outcome columns (``user_id, group, converted``), else None.

    Needs a visitor-id column, no stage or step column, and at least one other column whose sample
    values are yes/no words (1/0, TRUE/FALSE, да/нет); a few bad cells are rejected at import.
    """
    norm = [normalize_header(h) for h in headers]
    entity = _entity(norm, samples)
    if entity is None and samples:
        entity = _tested_record_id(norm, samples)
    if entity is None or not samples or _find(norm, NORMALIZED_SYNONYMS["stage"]) is not None \
            or _find(norm, _EVENT_WORDS[1], {entity}) is not None or _deal_record(headers, norm):
        return None
    flags = [i for i, h in enumerate(norm) if h and i != entity and sv.column(samples, i)
             and (sv.share(sv.column(samples, i), sv.is_bool) >= FLAG_SHARE or _marks_step(h, samples, i))]
    if not flags or _order_record(norm, samples, flags):
        return None
    answers = {norm[i]: i for i in flags}
    if {"yes", "no"} <= set(answers) or {"да", "нет"} <= set(answers) or {"是", "否"} <= set(answers):
        # a survey's answer as two columns (AdSmart's brand-awareness test: yes, no; 0, 0 for no answer):
        # «yes» is the outcome, «no» an attribute (a «no» was counted as a visitor who passed «yes»)
        flags = [i for i in flags if norm[i] not in ("no", "нет", "否")]
    # the outcome («converted») is the last step, wherever its column stands: before step1 … step5 it was
    # reached by every visitor who did step1 (a marketing A/B file: Maxmelon326/A-B-testing)
    flags.sort(key=lambda i: (_OUTCOME_FLAG.search(norm[i]) is not None, i))
    return _with_attributes(headers, norm, EventMapping(entity, None, flags=flags))


def _order_record(norm: list[str], samples, flags: list[int]) -> bool:
    """Whether a buyer's rows with a zero column are orders, not a visitor's outcomes: a manager, a lost
    reason or a status of words (GetCourse's «Заказы»: «Пользователь», «Статус» Завершен / Отменен,
    «Менеджер», and «Другие комиссии» all 0, which read as a yes/no column made 12 orders 12 lost visitors)."""
    if any(h in NORMALIZED_SYNONYMS["manager"] or h in NORMALIZED_SYNONYMS["lost_reason"] for h in norm):
        return True
    return any(h in NORMALIZED_SYNONYMS["status"] and i not in flags and sv.column(samples, i) for i, h in enumerate(norm))


def _deal_record(headers, norm: list[str]) -> bool:
    """Whether the rows are deals, not visitors: a column the deals' matcher reads as the stage
    (Pipedrive's ``stage_id``, HighLevel's ``pipelineStageId``). A deal list synced by a connector
    (Pipedrive's API v2, Airbyte) carries ``user_id`` as a plain id beside yes/no columns (``active``,
    ``deleted``, ``org_hidden``), the outcome log's own look."""
    return any(header_score("stage", h) >= CODE_SCORE for h, n in zip(headers, norm, strict=True) if n)


def _with_attributes(headers, norm: list[str], m: EventMapping) -> EventMapping:
    """Time, variant, source and the extra columns around an event log's entity and step(s)."""
    taken = {m.entity, m.step, *m.flags}
    m.timestamp = _find(norm, _EVENT_WORDS[2], taken)
    m.variant = _find(norm, NORMALIZED_SYNONYMS["variant"] + normalized(("group", "группа", "分组", "expid", "exp_id",
                                                                         "experiment", "experiment_id")),
                      taken | {m.timestamp})
    m.source = _find(norm, normalized(("source", "utm_source", "channel", "traffic_source.source", "traffic source",
                                       "источник", "канал", "来源", "渠道")),  # GA4's export: traffic_source.source
                     taken | {m.timestamp, m.variant})
    used = taken | {m.timestamp, m.variant, m.source}
    m.extras = {i: str(headers[i]).strip() for i, h in enumerate(norm) if h and i not in used}
    return m


def _is_step_header(h: str) -> bool:
    return any(tok in _STEP_WORDS for tok in re.split(r"[\s_\-./]+", h) if tok)


# a column named like a record's id with no separator («visitorid», «itemId»), never a count; words
# that end in «id» and may well be counts («Paid», «Prepaid», «Valid», «Android») are not ids
_ID_SUFFIX = re.compile(r"id$")
_NOT_ID_WORDS = ("paid", "valid", "android", "void")
_ID_DIGITS = 15
_COMPACT_DATE = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")  # yyyymmdd
# unix times in seconds, milliseconds, microseconds (2001-09-09 .. 2033-05-18)
_EPOCH_DIGITS = {10: (1e9, 2e9), 13: (1e12, 2e12), 16: (1e15, 2e15)}


def _is_epoch(v: str) -> bool:
    span = _EPOCH_DIGITS.get(len(v))
    return v.isdigit() and span is not None and span[0] <= int(v) < span[1]


# a column of averages, shares or views, whole numbers or not: Yandex Metrica's «Глубина просмотра» (pages per
# visit, «3.0» in a one-month report), «Время на сайте», «Доля новых посетителей», «Просмотры» (pageviews:
# three times the visits, no people); GA's «Pages / Session», «Avg. Session Duration»; Baidu Tongji's 浏览量(PV)
_AVERAGE_HEADER = re.compile(
    r"\b(?:avg|average|mean|median|depth|duration|per|ratio)\b|/\s*(?:session|visit|user)"
    r"|глубин|доля|время на сайте|средн|平均|比例|时长|深度")
# views after the visits or visitors of the same rows: the pages they saw, no step of theirs (Udacity's
# «Pageviews», the first column, counts the cookies that viewed the page: a step)
_VIEWS_HEADER = re.compile(r"\b(?:pageviews?|page views?|views|hits)\b|просмотр|浏览量|\bpv\b")
# people, not their visits: «Посетители», «Users», «Visitors» beside «Визиты», «Sessions»
_PEOPLE_HEADER = re.compile(r"\b(?:users?|visitors?)\b|пользовател|посетител|用户|访客", re.IGNORECASE)
# a count of visitors, users or their visits (GA4's «Active users», Metrica's «Посетители», an experiment's «users»):
# the steps after it that count views are averages, not steps; the A/B page speaks of visitors (importer/counts.py)
VISITS_HEADER = re.compile(r"\b(?:users?|visitors?|sessions?|visits?)\b|пользовател|посетител|визит|сеанс"
                           r"|用户|访客|访问|会话", re.IGNORECASE)


# a period or an age, counted in whole numbers but no people: the Fast Food marketing A/B sample's
# ``LocationID, MarketSize, AgeOfStore, Promotion, week, SalesInThousands`` was a funnel AgeOfStore → week
_PERIOD_HEADER = re.compile(r"^(?:hour|hr|day|week|month|year|weekday|day of week|age(?: ?of ?\w+)?|"
                            r"час|день|неделя|месяц|год|возраст|小时|周|月|月份|年|年份|年龄)s?$")


def never_count(header: str, vals: list[str]) -> str | None:
    """Why a number column is no count of a funnel step ("id", "time", "percentage"), else None (a
    column of numbers with a fraction is a fifth reason, "fraction", told by the caller):
    a record's id, a date or unix time (10, 13 or 16 digits), a percentage (``98%``, a significance), an
    average, a share or a count of views by its header ("average")."""
    if _ID_HEADER.search(header) or _ID_SUFFIX.search(header) and not header.endswith(_NOT_ID_WORDS):
        return "id"
    if _AVERAGE_HEADER.search(header):
        return "average"
    if _PERIOD_HEADER.match(header):
        return "time"
    if any("%" in v for v in vals):
        return "percentage"
    if vals and all(_is_epoch(v) or _COMPACT_DATE.match(v) for v in vals):
        return "time"
    if vals and all(len(v) >= _ID_DIGITS and v.isdigit() for v in vals):
        return "id"  # 抖店's 19-digit order numbers: no step counts 10^14 people
    return None


def _wide_counts(norm: list[str], smp) -> CountsMapping | None:
    # a "no value" word («--» of Yandex Direct's Conversions without goal data) is an empty count, not text:
    # such a column vanished from the steps and was named nowhere (survey 26)
    def numeric(i: int) -> bool:
        vals = sv.values(smp, i)
        return bool(vals) and all(sv.is_number(v) for v in vals)

    def counted(i: int) -> bool:  # counts are whole numbers: 0.5 (a probability), 10515.315 (money) are not
        return numeric(i) and all(sv.is_whole_number(v) for v in sv.values(smp, i))

    usable = [i for i, h in enumerate(norm) if h and not _SPEND.search(h)]
    left_out: list[tuple[int, str]] = []
    if smp:
        # every whole-number column in file order (Sessions, Add to cart, Checkout, Purchase: not only
        # those named with a step word); the other number columns are said, not silently dropped
        steps, rounded = [], []
        for i in usable:
            why = never_count(norm[i], sv.column(smp, i)) if numeric(i) or _ID_HEADER.search(norm[i]) else None
            if why is not None:
                left_out.append((i, why))
            elif counted(i):
                steps.append(i)
            elif numeric(i) and ad_rank(norm[i]) == CONVERSIONS:
                # Google Ads' conversions under data-driven attribution (45.00, 12.50, 3.33): counts shared among
                # clicks, rounded to whole ones and said (were left out as "a rate, money": no conversion step)
                steps.append(i)
                rounded.append(i)
            elif numeric(i):
                left_out.append((i, "fraction"))
        visits = next((k for k, i in enumerate(steps) if VISITS_HEADER.search(norm[i])), None)
        if visits is not None:
            views = [i for i in steps[visits + 1:] if _VIEWS_HEADER.search(norm[i])]
            left_out += [(i, "average") for i in views]
            steps = [i for i in steps if i not in views]
            # visitors right after visits with a goal after them (Metrica's «Визиты, Посетители, Целевые визиты»):
            # people beside sessions, no step between the visits and the goal (the step rate was target visits
            # per visitor, 6.10 % for Metrica's 5.00 %; survey 26); alone after visits they stay, as before
            people = steps[visits + 1] if visits + 2 < len(steps) else None
            if people is not None and _PEOPLE_HEADER.search(norm[people]) and _PEOPLE_HEADER.search(
                    norm[steps[visits]]) is None:
                left_out.append((people, "people"))
                steps = [i for i in steps if i != people]
        # with two step words (Sessions ... Purchase), the columns between them are steps too (Add to
        # cart, Checkout); a number before the first or after the last (Facebook's «interest» category
        # code beside Impressions, Clicks) is no step: left out, and said
        named = [i for i in steps if _is_step_header(norm[i]) or ad_rank(norm[i]) is not None]
        if len(named) >= 2:
            left_out += [(i, "not_step") for i in steps if not named[0] <= i <= named[-1]]
            steps = [i for i in steps if named[0] <= i <= named[-1]]
    else:
        steps, rounded = [i for i in usable if _is_step_header(norm[i]) and never_count(norm[i], []) is None], []
    if len(steps) < 2 or _find(norm, NORMALIZED_SYNONYMS["stage"]) is not None:
        return None
    # an ad platform's counts by what they count, not where the report puts them: Google Ads writes «Clicks» before
    # «Impr.» (survey 26: refused as rising columns, "no stage"); Yandex Direct, Baidu, Ocean Engine alike
    steps = in_ad_order(norm, steps)
    if smp and _moments(norm, smp, steps):
        return None  # one row per event (a trade, a call, an order at its minute): a record list, not counts
    if smp and len(_names(norm, smp, steps)) >= 2:
        chain = _narrowing(norm, smp, steps)
        if chain is None:
            return None  # a record list (a property and an opportunity name on every row): not one row per group
        # a campaign report (Mailchimp: title, subject, list, then Recipients, Deliveries, Opens, Clicks):
        # its narrowing step columns, one row per campaign named by its first text column
        left_out += [(i, "not_step") for i in steps if i not in chain]
        first_text = next(i for i in usable if i not in steps and sv.column(smp, i) and not numeric(i))
        return CountsMapping(None, None, first_text, chain, sorted(left_out))
    if smp and _rising(steps, smp):
        return None
    group = _find(norm, _GROUP, set(steps))
    if group is None and smp:
        group = next((i for i in usable if i not in steps and sv.column(smp, i) and (i, "id") not in left_out
                      and not numeric(i) and not any(sv.is_date(v) for v in sv.column(smp, i))), None)
    detail = _detail_of(norm, smp, group, steps) if group is not None and smp else None
    return CountsMapping(None, None, group, steps, sorted((i, why) for i, why in left_out if i not in (group, detail)),
                         rounded=[i for i in rounded if i in steps], detail=detail)


def _detail_of(norm: list[str], smp, group: int, steps: list[int]) -> int | None:
    """A second level of the group beside it: a text column whose values tell apart the rows of one group value
    (Metrica's «Источник трафика» and «Источник трафика (детально)»: «Переходы из поисковых систем» on two rows,
    Яндекс and Google). Its rows were summed into the first level, the detail said nowhere (survey 26)."""
    groups = sv.column(smp, group)
    if len(set(groups)) == len(groups):
        return None
    for i, h in enumerate(norm):
        vals = sv.column(smp, i)
        if i == group or i in steps or not h or not vals or any(sv.is_number(v) or sv.is_date(v) for v in vals):
            continue
        pairs = [(r[group] if group < len(r) else None, r[i] if i < len(r) else None) for r in smp]
        if len(set(pairs)) == len(pairs):
            return i
    return None


NARROWING_ROWS = 0.9  # share of sample rows in which each kept step is at most the step before it
MIN_NARROWING = 3


def _narrowing(norm: list[str], smp, steps: list[int]) -> list[int] | None:
    """The step-word columns of ``steps`` that narrow left to right in (nearly) every sample row, kept
    greedily in file order (Total Opens beside Unique Opens is skipped: it does not narrow), when at
    least MIN_NARROWING of them do: a funnel's counts per row; else None."""
    def value(row, i):
        try:
            return float(str(row[i]).replace(",", "").replace(" ", ""))
        except (TypeError, ValueError, IndexError):
            return None

    def words(i: int) -> list[str]:
        return [w for w in re.split(r"[\s_\-./]+", norm[i]) if w]

    uniques = {" ".join(words(i)[1:]) for i in steps if words(i)[:1] == ["unique"]}

    def candidate(i: int) -> bool:  # Forwarded Opens is no step; a Total beside its Unique count neither
        w = words(i)
        return _is_step_header(norm[i]) and "forwarded" not in w \
            and not (w[:1] == ["total"] and " ".join(w[1:]) in uniques)

    chain: list[int] = []
    for i in (i for i in steps if candidate(i)):
        if chain:
            pairs = [(value(r, chain[-1]), value(r, i)) for r in smp]
            pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
            if not pairs or sum(b <= a for a, b in pairs) < NARROWING_ROWS * len(pairs):
                continue
        chain.append(i)
    return chain if len(chain) >= MIN_NARROWING else None


# A text column whose sampled values are this distinct names one record per row (a property, an
# opportunity); an aggregate's dimensions repeat (google, cpc, mobile), its date is a date
NAME_SHARE = 0.8
NAME_MIN_ROWS = 5


def _names(norm: list[str], smp, steps: list[int]) -> list[int]:
    """The text columns outside ``steps`` (neither numbers nor dates) whose sampled values are nearly
    all distinct: two of them make a list of records, not aggregate counts."""
    out = []
    for i, h in enumerate(norm):
        vals = sv.column(smp, i) if h and i not in steps else []
        if len(vals) >= NAME_MIN_ROWS and not all(sv.is_number(v) for v in vals) \
                and not all(sv.is_date(v) for v in vals) and len(set(vals)) >= NAME_SHARE * len(vals):
            out.append(i)
    return out


# a time of day off the hour (15:08, 15:08:50): when something happened, not a report's day or hour
_OFF_THE_HOUR = re.compile(r"\b\d{1,2}:(?!00(?::00)?\b)\d{2}(?::\d{2})?")


def _moments(norm: list[str], smp, steps: list[int]) -> bool:
    """Whether a column outside ``steps`` times nearly every sampled row to the minute, mostly at other
    moments: rows are events (a trading terminal's «deals», a call log), where an aggregate's rows are days,
    weeks or hours of a report."""
    for i, h in enumerate(norm):
        vals = sv.column(smp, i) if h and i not in steps else []
        if len(vals) >= NAME_MIN_ROWS and all(sv.is_date(v) for v in vals) \
                and sum(bool(_OFF_THE_HOUR.search(v)) for v in vals) >= NAME_SHARE * len(vals) \
                and len(set(vals)) * 2 >= len(vals):  # fills of one order may share their second
            return True
    return False


def _rising(steps: list[int], smp) -> bool:
    """True when the last step holds more than the first (summed over the samples): such columns are
    attributes (catalog size, monthly revenue), not a funnel's counts, which narrow overall (a single
    ad may show more conversions than clicks, so steps in between are not compared)."""
    sums = []
    for i in steps:
        total = 0.0
        for v in sv.column(smp, i):
            try:
                total += float(v.replace(" ", "").replace(",", ""))
            except ValueError:
                pass
        sums.append(total)
    return sums[-1] > sums[0]


# Columns a table of counts never has: one deal's outcome. A deal list exported without its id
# (Copper's opportunities: Name, Pipeline, Stage, Status, Value, Owner, Loss Reason, Date Created) has
# a stage and a number and is still one deal per row.
_OUTCOME_COLUMNS = ("status", "lost_reason", "won_flag", "closed_flag", "lost_flag", "closed_at", "won_at", "lost_at")


def _has_deal_outcomes(norm: list[str], smp) -> bool:
    """A status, lost reason, closed/won flag or close date column; a numeric one (``Closed``, ``Won``
    as a step of wide counts) is a count."""
    def counted(i: int) -> bool:
        vals = sv.column(smp, i) if smp else []
        return bool(vals) and all(sv.is_number(v) for v in vals) or not smp and norm[i] in ("closed", "won", "lost")
    return any(h and not counted(i) for i, h in enumerate(norm)
               if any(h in NORMALIZED_SYNONYMS[f] for f in _OUTCOME_COLUMNS))


def _has_yes_no_column(norm: list[str], smp) -> bool:
    """A column of yes/no words (``Do Not Email``: No, Yes): one record's answer, never an aggregate
    (a column of 0 and 1 may still be a small count)."""
    for i, h in enumerate(norm):
        vals = sv.column(smp, i) if h else []
        if vals and all(sv.is_bool(v) for v in vals) and not all(sv.is_number(v) for v in vals):
            return True
    return False


def _named_and_dated(norm: list[str], samples, taken: set[int]) -> bool:
    """A column of names and a column of creation dates beside the stage: one row per deal (a small
    Notion or sheet export whose few deals each sit at another stage: «Name, Stage, Value, Created»,
    never a table of counts, whose rows are stages)."""
    name = _find(norm, NORMALIZED_SYNONYMS["deal_name"], taken)
    created = _find(norm, NORMALIZED_SYNONYMS["created_at"], taken | {name}) if name is not None else None
    if name is None or created is None or not samples:
        return False
    names, dates = sv.column(samples, name), sv.column(samples, created)
    # compact dates (20240105: Looker Studio's date dimension, 1C's, SAP's) are dates here as in a deal list
    return bool(names) and len(set(names)) == len(names) and bool(dates) \
        and (all(sv.is_date(v) for v in dates) or sv.all_compact_dates(dates))


# a count's header by its words when it is none of _COUNT's: a CRM report's «Deals reached», «Entered stage»,
# «Count of Opportunities», an Excel pivot's «Count of Deal Name», amoCRM's «Сделки», «Сделок, шт», 商机数(个)
# (survey 27: each became one row, one deal, silently: 6 deals for a funnel of 40)
_COUNT_WORDS = re.compile(r"\b(?:count|number|qty|reached|entered|deals|opportunities|opps|leads|records)\b|#\s*of"
                          r"|сделки|сделок|лиды|лидов|количество|кол-во|число|\bшт\b|数")
# a number that is no count of deals: money, a rate, a time
_NOT_COUNT_WORDS = re.compile(r"amount|budget|revenue|value|price|%|rate|conversion|percent|share|days|time|duration"
                              r"|сумм|бюджет|выручк|стоимост|процент|доля|конверси|дн|время|金额|收入|比例|率|天|时长")


def _count_by_words(norm: list[str], samples, stage: int) -> int | None:
    """The one column beside the stage whose header says it counts (:data:`_COUNT_WORDS`, never money, a rate or
    a time) and whose sample cells are all whole numbers, when the stage's sample values are distinct (a row per
    stage, not a deal list's repeated stages); else None."""
    stages = sv.column(samples, stage) if samples else []
    if not stages or len(set(stages)) != len(stages):
        return None
    found = [i for i, h in enumerate(norm) if i != stage and h and _COUNT_WORDS.search(h)
             and not _NOT_COUNT_WORDS.search(h) and sv.values(samples, i)
             and all(sv.is_number(v) and sv.is_whole_number(v) for v in sv.values(samples, i))
             and not _row_numbers(sv.values(samples, i))]
    return found[0] if len(found) == 1 else None


def _row_numbers(values: list[str]) -> bool:
    """1, 2, 3, … in order (a report's «№» / «#» / «Number» of its rows): no count."""
    try:
        return [int(float(v.rstrip("."))) for v in values] == list(range(1, len(values) + 1))
    except ValueError:
        return False


def propose_counts_mapping(headers, samples=None) -> CountsMapping | None:
    """Long (stage, count [, group]) or wide (numeric step columns) aggregate counts, else None."""
    norm = [normalize_header(h) for h in headers]
    if (experiment := _experiment_results(norm, samples)) is not None:
        return experiment
    stage = _find(norm, _COUNT_STAGE)
    count = _find(norm, _COUNT, {stage})
    if count is None and stage is not None:
        count = _count_by_words(norm, samples, stage)
    if (_find(norm, NORMALIZED_SYNONYMS["deal_id"]) is not None or _has_deal_outcomes(norm, samples)
            or _has_yes_no_column(norm, samples) or _named_and_dated(norm, samples, {i for i in (stage, count) if i is not None})):
        return None
    if stage is not None and count is not None and norm[stage].replace("_", " ") not in NORMALIZED_SYNONYMS["stage"] \
            and _find(norm, NORMALIZED_SYNONYMS["stage"], {stage, count}) is not None:
        return None  # «Name, Milestone, Value»: a deal list (its stage is the other column), not counts per name
    if stage is not None and count is not None and all(sv.is_number(v) for v in sv.column(samples, count)):
        if _named_rows(norm, samples, stage, count):
            return None
        group = _find(norm, _GROUP, {stage, count})
        if group is not None and samples and not sv.column(samples, group):
            group = None  # PostHog's funnel without a breakdown: ``breakdown_value`` empty
        if group is None and samples:
            group = _breakdown(norm, samples, stage, count)
        return CountsMapping(stage, count, group, [])
    return _wide_counts(norm, samples)


# an A/B platform's results export, one row per variation and metric: GrowthBook's «Export CSV» (metric,
# variation, users, totalValue, …), Optimizely's results CSV (Variation Name, Metric Event Name, Numerator
# Value, Denominator Value, …), an Eppo export (Variation Name, Metric Name, Numerator, Denominator, Assignment
# Count, …)
_EXP_VARIATION = normalized(("variation", "variation name", "variant", "variant name", "arm", "вариант", "变体",
                             "实验版本"))
_EXP_METRIC = normalized(("metric", "metric name", "metric event name", "goal", "goal name", "метрика", "цель",
                          "指标", "指标名称"))
_EXP_USERS = normalized(("users", "assignment count", "denominator value", "denominator", "visitors",
                         "participants", "sample size", "пользователи", "посетители", "用户数", "样本量"))
_EXP_CONVERSIONS = normalized(("totalvalue", "total value", "numerator value", "numerator", "conversions",
                               "unique conversions", "конверсии", "转化数"))


def _experiment_results(norm: list[str], samples) -> CountsMapping | None:
    """An experiment's results, one row per variation and metric, with its users and its conversions:
    each metric a funnel of its own (users → metric) per variation, compared as an A/B test. Read as
    aggregate counts, GrowthBook's all-zero «riskOfChoosing» made the first step and Optimizely's
    true/false «Is Baseline Variation» made it a deal list: refused for want of a stage."""
    variation = _find(norm, _EXP_VARIATION)
    metric = _find(norm, _EXP_METRIC, {variation})
    # Eppo's «Assignment Count» before its «Denominator» (the metric's own, the same for a conversion)
    users = _find(norm, _EXP_USERS, {variation, metric})
    conversions = _find(norm, _EXP_CONVERSIONS, {variation, metric, users})
    if None in (variation, metric, users, conversions) or not samples:
        return None
    if not all(sv.is_number(v) for i in (users, conversions) for v in sv.column(samples, i)):
        return None
    return CountsMapping(metric, conversions, variation, [], [], users)


def _named_rows(norm: list[str], samples, stage: int, count: int) -> bool:
    """Stages repeated down the rows beside a text column whose every value is its own (a name per row): a deal
    list's «Deal, Stage, Date added, Value», each row a deal, not a table of counts (survey 29: read as 1,000 deals
    of five, «Value» taken for counts and the names for a breakdown). A breakdown's values repeat, once per step."""
    if not samples or len(samples) < 3 or not _steps_repeat(samples, stage):
        return False
    return any(len(vals) == len(samples) and len(set(vals)) == len(vals)
               for _i, vals in _text_columns(norm, samples, {stage, count}))


def _steps_repeat(samples, stage: int) -> bool:
    steps = [r[stage] if stage < len(r) else None for r in samples]
    return len(set(steps)) < len(steps)


def _text_columns(norm: list[str], samples, skip: set[int]):
    """(index, sample values) of each titled column outside ``skip`` whose values are text: no number, no date."""
    for i, h in enumerate(norm):
        if i in skip or not h:
            continue
        vals = sv.column(samples, i)
        if vals and not any(sv.is_number(v) or sv.is_date(v) for v in vals):
            yield i, vals


def _breakdown(norm: list[str], samples, stage: int, count: int) -> int | None:
    """The column a long counts table is broken down by when no group word names it: the first text
    column (no numbers, no dates) beside which each step repeats, once per value. GA4's funnel exploration
    broken down by «Session default channel group» (its «Total» rows then summed with the channels: 39,500
    users at the first step instead of 19,500), PostHog's ``breakdown_value``."""
    if not _steps_repeat(samples, stage):
        return None
    for i, vals in _text_columns(norm, samples, {stage, count}):
        pairs = [(r[stage] if stage < len(r) else None, r[i] if i < len(r) else None) for r in samples]
        if len(set(pairs)) == len(pairs) and len(set(vals)) > 1:
            return i
    return None


EVENT_FIELDS = ("entity", "step", "timestamp", "variant", "source")
COUNT_FIELDS = ("stage", "count", "group")


def with_shape_pairs(mapping, headers: list[str], pairs: list[str], shape: str, samples=None):
    """An event log's or a counts table's mapping with each ``FIELD=HEADER`` of ``pairs`` applied (the
    CLI's ``--map``; an empty HEADER unmaps the field): EVENT_FIELDS or COUNT_FIELDS, and ``steps=H1,H2,…``, the
    step columns in order of a visitor file's yes/no columns or of a wide counts table (roles.py). ``mapping`` may
    be None (nothing proposed): an event log then needs entity and step among the pairs, a counts table
    stage and count. Returns None when the pairs do not give what is needed; a choice that cannot be read (one
    column in two roles, no step) raises FunnelError."""
    from ..errors import FunnelError  # the mapping package raises through its callers' errors
    from .roles import STEPS, apply_roles

    fields = EVENT_FIELDS if shape == "events" else COUNT_FIELDS
    given: dict[str, int | None] = {}
    steps: list[int] | None = None

    def column(header: str) -> int:
        if header not in headers:
            raise FunnelError("edit.unknown_column", column=header, headers=", ".join(headers[:12]))
        return headers.index(header)

    for pair in pairs:
        name, _sep, header = pair.partition("=")
        name, header = name.strip(), header.strip()
        if name == STEPS:  # one header, or several split at commas (a header with a comma in it is one)
            named = [header] if header in headers else [h.strip() for h in header.split(",") if h.strip()]
            steps = [column(h) for h in named]
            continue
        if name not in fields:
            raise FunnelError("edit.unknown_field", field=name, fields=", ".join((*fields, STEPS)))
        given[name] = column(header) if header else None
    return apply_roles(mapping, headers, shape, given, steps, samples)


def detect_shape(headers, samples=None) -> str:
    """'history' | 'deals' | 'events' | 'counts' (see the module docstring for the precedence)."""
    norm = [normalize_header(h) for h in headers]
    if _history_from_layouts(norm, samples):
        return "history"
    if detect_preset(norm)[0]:
        return "deals"
    if propose_event_mapping(headers, samples) or propose_outcome_mapping(headers, samples):
        return "events"
    if propose_counts_mapping(headers, samples):
        return "counts"
    if _generic_history(norm, samples) or _change_log_history(norm, samples):
        return "history"
    return "deals"
