"""propose_mapping: which column of a deals export feeds which canonical field.

Order of work:
1. recognise the CRM layout by header signature (``presets``) and map its known headers exactly;
2. fill every field still free from the generic synonyms (EN/RU/ZH), exact first, then with an entity
   prefix (``Deal - ``) or a parenthesised suffix removed, then fuzzy; sample values veto matches of
   the wrong kind (a Yes/No ``Closed`` is a flag, not a date);
3. ``source`` falls back to ``utm_source``; HubSpot ``Date entered "<Stage> (<Pipeline>)"`` columns
   become ``stage_entered`` (input shape C);
4. every other column is an extra attribute unless it is contact data, free text, a related-record
   id, an audit column or a checksum.
Columns are addressed by position: headers repeat (amoCRM ``Источник`` twice) and the first wins.
"""

from __future__ import annotations

import difflib
import re

from babel.numbers import is_currency

from ..money import CURRENCY_NAMES, ONE_CURRENCY_SIGNS, SYMBOLS
from ..readers.headers import clean_header
from ..readers.json_reader import LINE_LISTS, LINE_TOTALS
from ..readers.values import NONE_WORDS
from . import cell_kinds as sv
from .header_currency import without_currency, without_unit
from .model import Mapping
from .normalize import DATE_PART, canonical_entity, header_tokens, normalize_header, without_entity
from .order_status import is_order_list
from .presets import PRESETS
from .status import classify_stage_name
from .synonyms import (
    BOARD_SCORE,
    ENTITY_PREFIX,
    EXACT_ONLY,
    FOLDED_TOKEN_SYNONYMS,
    MANAGER_FALLBACK,
    MAPPABLE_FIELDS,
    MAX_ATTRIBUTE_CHARS,
    NORMALIZED_BOARD_SYNONYMS,
    NORMALIZED_SOURCE_FALLBACK,
    NORMALIZED_SYNONYMS,
    SKIP_PATTERNS,
    TOKEN_SYNONYMS,
    ascii_fold,
)

MIN_PRESET_SCORE = 0.6
# A column holding each stage's position in the funnel (Salesforce StageSortOrder, Pipedrive stage_order_nr)
STAGE_SORT_HEADERS = ("stagesortorder", "stage sort order", "stage order", "stage position", "sort order",
                      "stage index", "stage idx", "furthest_stage_idx", "furthest stage index",
                      "stage sequence", "dealstage.sequence", "deal stage sequence",  # Agendor's API, flattened
                      "stage_order_nr", "stage order nr",  # Pipedrive's API: the stage's place in its pipeline
                      "stage.order", "stage.position")  # a stage object flattened (Salesflare's API, survey 38)
# When one header fits two fields equally (``Closed``), flags beat dates; sample values veto the flag.
_TIE_RANK = {f: (0 if kind == "bool" else 1, n) for n, (f, kind) in enumerate(MAPPABLE_FIELDS.items())}
FUZZY_CUTOFF = 0.88
# Fields whose column may hold a code instead of a name (Bitrix24's stage_id PRODUCTION, C1:WON; a
# manager's user id): a file that has nothing better is not refused for want of a stage.
CODE_ID_FIELDS = ("stage", "pipeline", "manager")
# amount-like headers that are not the deal's amount
_NOT_THE_AMOUNT = re.compile(r"\b(?:weighted|forecast|probability|discount|tax|cost|spend|paid|received|"
                             r"average|avg|min|max|per|annual|declared|gewichtete[rnms]?|"
                             r"by|band|bucket|category|range|tier|segment|past|previous|history|stage|status)\b")  # AnnualRevenue, Olist's
# declared_monthly_revenue: the company's size (as the seller declared it), not the deal's amount; Pipedrive's
# German «Deal - Gewichteter Wert» (weighted value) beside its «Deal - Wert»; IBM's sales win-loss sample's
# «Client Size By Revenue» (a band, 1 to 5) and «Revenue From Client Past Two Years» beside its «Opportunity
# Amount USD»
# a unit price: the amount only when nothing else is (a sheet's «Qty, Price, Amount» row, Amount =
# Qty × Price, took «Price» for being the column further left)
_UNIT_PRICE = {"price"}
_STATE = re.compile(r"\bstat(?:e|us)\b")  # a state or status: never a fuzzy stage
_PAREN_SUFFIX = re.compile(r"\s*\([^()]*\)$")
# a JSON path flattened to an object's name, and its tokens: the object is the field (Agendor's ``dealStatus.name``,
# ``owner.name``; KeyCRM's ``manager.full_name`` beside ``manager_id``, survey 41: managers «5», «9», «11»; Yandex
# Tracker's references {self, id, key, display}, ``assignee.display``, survey 44)
_OBJECT_NAME = ((".name", " name"), (".full_name", " full name"), (".display", " display"))
# Jira's CSV names a project's own fields «Custom field (Lead source)» (survey 40): the field is inside
_CUSTOM_FIELD = re.compile(r"^custom field \((.+)\)$")
# Yandex Tracker's local fields, a queue's own: ``<the queue's 24-hex id>--dealSum``, ``…--leadSource`` (survey 44);
# Мегаплан's custom fields, ``Category<program id>CustomField<the name in Latin letters>``: «Istochnik» (survey 47)
_LOCAL_FIELD = re.compile(r"^(?:[0-9a-f]{24}--|category\d+customfield)(?=\w)")
# a team's group tag before its own properties: HubSpot's «[IS/SDR] SDR Responsável», «[IS] Origem do lead»
_TAG_PREFIX = re.compile(r"^\[[^\[\]]*\]\s*")
_DETAIL_SUFFIX = re.compile(r" (?:description|details?|comments?|notes?|text)$")
_QUOTE = "\"'“”‘’„«»"
_ENTERED = re.compile(rf"^date entered\s*[{_QUOTE}](.+?)(?:\s*\(([^()]*)\))?[{_QUOTE}]$", re.IGNORECASE)
# the API's and warehouse syncs' property names: hs_date_entered_closedwon, hs_v2_date_entered_<id>,
# date_entered_pre_pitch (the stage is the rest of the name, as the deals' stage column holds it)
_ENTERED_PROPERTY = re.compile(r"^(?:hs_)?(?:v2_)?date_entered_([\w-]+)$", re.IGNORECASE)  # a stage id may be a uuid
# HubSpot contacts: «Became a Marketing Qualified Lead Date» (the export's labels) and
# hs_lifecyclestage_marketingqualifiedlead_date (the API's), the date a lifecycle stage was entered
_BECAME = re.compile(r"^became an? (.+?) date$|^hs_lifecyclestage_(\w+?)_date$", re.IGNORECASE)
_OTHER_STAGE_TIME = re.compile(rf"^(?:date exited|cumulative time in|time in|latest time in)\s*[{_QUOTE}]"
                               r"|^(?:hs_)?(?:v2_)?(?:date_exited|cumulative_time_in|time_in|latest_time_in)_\w+$",
                               re.IGNORECASE)


def _item_matches(item: tuple[str, ...], norm: list[str]) -> bool:
    """``norm``: the headers with their entity prefix written as the English one (:func:`canonical_entity`)."""
    for alt in item:
        if alt.startswith("prefix:"):
            if sum(1 for h in norm if h.startswith(alt[7:])) >= 3:
                return True
        elif alt.startswith("suffix:"):
            if any(h.endswith(alt[7:]) for h in norm):
                return True
        elif canonical_entity(normalize_header(alt)) in norm:
            return True
    return False


def detect_preset(norm: list[str]) -> tuple[str | None, float]:
    """The preset whose signature matches best: (name, share of signature items found). A Pipedrive
    export in Portuguese, Spanish or French («Negócio - ID», «Trato - ID», «Affaire - ID») is read with
    its entity prefix as the English «Deal - »."""
    norm = [canonical_entity(h) for h in norm]
    best: tuple[float, int, str | None] = (0.0, 0, None)
    for name, preset in PRESETS.items():
        sig = preset["signature"]
        if not all(_item_matches(item, norm) for item in preset.get("required", ())):
            continue
        if any(_item_matches(item, norm) for item in preset.get("excluded", ())):
            continue  # a header another CRM's export has and this one's never does
        hits = sum(1 for item in sig if _item_matches(item, norm))
        score = hits / len(sig)
        if hits >= 2 and score >= MIN_PRESET_SCORE and (score, hits) > best[:2]:
            best = (score, hits, name)
    return best[2], best[0]


def stage_entered_columns(headers: list[str]) -> tuple[dict[int, tuple[str, str | None]], set[int]]:
    """HubSpot stage-date columns: ({index: (stage, pipeline)} of "Date entered", indexes of the rest)."""
    entered: dict[int, tuple[str, str | None]] = {}
    other: set[int] = set()
    for i, h in enumerate(headers):
        text = clean_header(h)
        m = _ENTERED.match(text)
        if m:
            entered[i] = (m.group(1).strip(), (m.group(2) or "").strip() or None)
        elif m := _ENTERED_PROPERTY.match(text):
            entered[i] = (m.group(1), None)
        elif m := _BECAME.match(text):
            stage = (m.group(1) or m.group(2)).strip()
            if stage.lower() in ("other lifecycle", "other"):  # «Other» is outside the funnel
                other.add(i)
            else:
                entered[i] = (stage, None)
        elif _OTHER_STAGE_TIME.match(text):
            other.add(i)
    return entered, other


def _ordered_candidates(alts: tuple[str, ...], norm: list[str], free: set[int], smp) -> list[int]:
    """Columns whose header is one of ``alts``: non-empty samples first, then preference, then position."""
    found = []
    norm = [canonical_entity(h) for h in norm]  # «negócio - id» is the preset's «deal - id»
    for rank, alt in enumerate(canonical_entity(normalize_header(a)) for a in alts):
        for i, h in enumerate(norm):
            if h == alt and i in free:
                empty = smp is not None and not sv.column(smp, i)
                found.append((empty, rank, i))
    return [i for _e, _r, i in sorted(found)]


def _generic_score(field: str, header: str, tokens: str = "") -> float:
    if field == "amount" and (lines := _LINE_COLUMN.match(header)):
        # the sum of a record's lines (U-ON's ``services.price``): the amount only when the record has none of its own
        return LINE_SCORE if header[lines.end():] in LINE_TOTALS else 0.0
    if local := _LOCAL_FIELD.match(header):
        return _generic_score(field, header[local.end():], tokens.partition(" ")[2])
    syns = NORMALIZED_SYNONYMS.get(field, ())
    if header not in syns:  # Pipedrive's ``user_id.name`` is a synonym of its own
        for suffix, words in _OBJECT_NAME:
            if header.endswith(suffix) and len(header) > len(suffix) and tokens.endswith(words):
                return _generic_score(field, header[:-len(suffix)], tokens[:-len(words)])
    if header in syns:
        return 0.86 if field == "amount" and header in _UNIT_PRICE else 0.9
    words = re.sub(r"[_.]+", " ", header).strip()  # snake_case / dotted.names -> words
    for variant in (ENTITY_PREFIX.sub("", header), _PAREN_SUFFIX.sub("", header), words, _TAG_PREFIX.sub("", header),
                    DATE_PART.sub("", header), _CUSTOM_FIELD.sub(r"\1", header)):
        if variant != header and variant in syns:
            return 0.8
    token_syns = TOKEN_SYNONYMS.get(field, frozenset())
    if tokens and tokens in token_syns:  # OpportunityStage, StageName, hs_is_closed_won
        return 0.85
    if (typed := _DB_PREFIX.sub("", tokens)) != tokens and ascii_fold(typed) in FOLDED_TOKEN_SYNONYMS.get(field, ()):
        return 0.74  # a database's column: TP_STATUS, DT_CRIACAO (criação), NM_DONO
    if field == "amount" and (bare := without_currency(header)) and _amount_words(bare, syns, token_syns):
        return 0.8  # Бюджет ₽, importe_eur, Opportunity Amount USD
    if field == "amount" and (bare := without_unit(header)) and _amount_words(bare, syns, token_syns):
        return 0.8  # Сумма, тыс.руб; Revenue (000s)
    if tokens and without_entity(tokens) in token_syns:
        return 0.78
    code = re.sub(r" (?:id|code)$", "", tokens) if field in CODE_ID_FIELDS else tokens
    if code != tokens and without_entity(code) in token_syns:
        return CODE_SCORE  # stage_id, pipeline_id, manager_id, Owner code: codes or ids, still that field
    if field == "lost_reason" and (bare := _DETAIL_SUFFIX.sub("", tokens)) != tokens and bare in token_syns:
        return 0.72  # Loss reason description, Lost Reason Detail: the reason in words is still the reason
    if field == "amount" and tokens and not _NOT_THE_AMOUNT.search(tokens) and any(
            " ".join(tokens.split()[-n:]) in token_syns for n in (1, 2)):
        return 0.68  # Masked Deal value, Total Amount, deal_value_usd: a word or two before the amount
    if header in NORMALIZED_BOARD_SYNONYMS.get(field, ()):
        return BOARD_SCORE
    if field in EXACT_ONLY:
        return 0.0
    if field == "stage" and _STATE.search(header):
        return 0.0  # Insightly's «Opportunity State» is its outcome, one letter from «Opportunity Stage»
    if len(header) >= 5:
        close = difflib.get_close_matches(header, [s for s in syns if len(s) >= 5], n=1, cutoff=FUZZY_CUTOFF)
        if close and _PREFIXED.match(header[:len(header) - len(close[0])]) and header.endswith(close[0]):
            return 0.0  # a letter before the field's word makes another field: UCI bank marketing's «poutcome»
            # (the previous campaign's outcome) beside its «y» (this one's)
        if close:
            return round(0.75 * difflib.SequenceMatcher(None, header, close[0]).ratio(), 3)
    return 0.0


def _amount_words(bare: str, syns, token_syns) -> bool:
    """Whether a header less its currency or unit names the amount, by itself or after the entity's word
    («Opportunity Amount» of IBM's «Opportunity Amount USD»)."""
    tokens = header_tokens(bare)
    return bare in syns or tokens in token_syns or without_entity(tokens) in token_syns


_PREFIXED = re.compile(r"^[a-z]{1,2}$")
# a column the JSON reader made of a record's lines, ``services.price`` (readers/json_reader.py: _lines_total)
_LINE_COLUMN = re.compile("^(?:" + "|".join(sorted(LINE_LISTS)) + r")\.(?=[^.]+$)")
LINE_SCORE = 0.6  # below every header naming the record's own amount (0.68 and up)
CODE_SCORE = 0.7  # a field's code or id column (stage_id, Owner code): the lowest score still naming the field


def header_score(field: str, header: str) -> float:
    """How surely the generic matcher reads the raw ``header`` as ``field`` (0: not at all); what the
    cells hold is not looked at."""
    return _generic_score(field, normalize_header(header), header_tokens(header))


def _generic_fill(m: Mapping, norm: list[str], free: set[int], smp, tokens: list[str] | None = None) -> None:
    cands = []
    tokens = tokens or [""] * len(norm)
    for field in MAPPABLE_FIELDS:
        if field in m.fields:
            continue
        for i in sorted(free):
            score = _generic_score(field, norm[i], tokens[i])
            if score and _fits(field, norm[i], sv.column(smp, i)):
                # of two equal matches a filled column first: 巨量引擎's leads have an empty «日期» (date)
                # before the filled «线索创建时间» (the lead's creation)
                empty = smp is not None and not sv.column(smp, i)
                cands.append((-score, empty, i, _TIE_RANK[field], field))
    for _score, _empty, i, _rank, field in sorted(cands):
        if field not in m.fields and i in free:
            m.fields[field] = i
            free.discard(i)


# A header that says "a date" (Created, Modified on, Datum, Дата …) is an attribute of the deal; a
# column of dates under a stage's name (Erstgespräch, Angebot unterschrieben) is that stage's entry date.
DATE_WORDS = re.compile(r"date|datum|time|zeit|fecha|data|дата|время|日期|时间|(?:^|[\s_])(?:at|on|am|le)$|"
                         r"created|modified|updated|clos(?:e|ed|ing)(?!r)|deadline|birth|erstellt|geändert|stamp|"
                         r"resolved|viewed|completed|completion|finished|(?:^|[\s_])due(?:$|[\s_])|"  # Jira, Asana
                         r"(?:^|[\s_])dt(?:$|[\s_])|"  # DT_CRIACAO: a database's date column
                         r"(?:^|[\s_])dat(?:$|[\s_])|"  # U-ON's «dat», «dat_lead», «dat_close» (survey 47: two stages)
                         r"日時|時期|日付|予定日|(?:作成|更新|登録|受注|失注)日|"  # kintone's 作成日時, 見込み時期
                         # amoCRM's «Создана», «Закрыта», «Изменена» (Ukrainian «Створено», «Закрито», «Змінено»): the
                         # participle is the whole header (never «Кем создана», «Причина закрытия», «Сделка закрыта»);
                         # «创建于»: «created on»
                         r"^(?:создан|закрыт|изменен|обновлен|створен|закрит|змінен|оновлен)[аоыі]?$|"
                         r"(?:创建|关闭|成交|更新|修改)于$")


def _fits(field: str, norm: str, values: list[str]) -> bool:
    """The sample cells can be the field's (cell_kinds.fits_kind). A date field's column may also hold
    compact dates (20240105, read as numbers otherwise) when its header names a date and every sample
    cell is a real day: an «ID» or an «Amount» of such numbers stays what it is."""
    kind = MAPPABLE_FIELDS[field]
    if field == "variant" and norm in ("version", "версия") and values and all(sv.is_number(v) for v in values):
        return False  # an API record's edit counter (Yandex Tracker's, SalesDrive's «version»: 3, 5), no A/B arm
    return sv.fits_kind(values, kind) or kind == "date" and bool(DATE_WORDS.search(norm)) \
        and sv.all_compact_dates(values)


def _stage_date_column(norm: str, values: list[str]) -> bool:
    """A column of dates under a name that is neither a date word nor a value itself (a file without
    a header row has values for names). Plain numbers are not dates here: a Salesforce lead list's
    PostalCode (32306) reads as a spreadsheet day number."""
    return bool(norm and values) and not DATE_WORDS.search(norm) and not SKIP_PATTERNS.search(norm) \
        and not sv.is_date(norm) and not sv.is_number(norm) \
        and all(sv.is_date(v) and not sv.is_number(v) for v in values)


def _keep_as_extra(norm: str, values: list[str]) -> bool:
    if not norm or SKIP_PATTERNS.search(norm):
        return False
    return not sv.is_free_text(values, MAX_ATTRIBUTE_CHARS)


def _closing_stages(m: Mapping, preset: dict | None, smp) -> None:
    won = list(preset["won"]) if preset else []
    lost = list(preset["lost"]) if preset else []
    if "stage" in m.fields:
        for v in dict.fromkeys(sv.column(smp, m.fields["stage"])):
            kind = classify_stage_name(v)
            if kind == "won" and v not in won:
                won.append(v)
            elif kind == "lost" and v not in lost:
                lost.append(v)
    m.won_stages, m.lost_stages = won, lost


# The type prefix of a database's column names (Brazilian and Portuguese schemas: TP_ type, DT_ date,
# NM_ name, NR_ number, VL_ value, DS_ description, CD_ code, QT_ quantity)
_DB_PREFIX = re.compile(r"^(?:tp|dt|nm|nr|vl|ds|cd|qt) (?=\w)")


def _own_currency(m: Mapping, headers: list[str], norm: list[str], free: set[int]) -> None:
    """A multi-currency Salesforce report writes each money column twice, in the deal's currency and
    «(converted)» to the company's, each after its «… Currency» column: ``Amount (Net Revenue) Currency,
    Amount (Net Revenue), Amount (Net Revenue) (converted) Currency, Amount (Net Revenue) (converted)``.
    The converted amount adds up across deals (ZAR and USD did not), with its own currency column."""
    amount = m.fields.get("amount")
    if amount is None:
        return
    by_header = {h: i for i, h in enumerate(norm) if h}
    converted = by_header.get(f"{norm[amount]} (converted)")
    if converted is not None and converted in free:
        free.add(amount)
        free.discard(converted)
        m.fields["amount"] = amount = converted
    own = by_header.get(f"{norm[amount]} currency")
    if own is not None and (own in free or own == m.fields.get("currency")):
        if "currency" in m.fields:
            free.add(m.fields["currency"])
        m.fields["currency"] = own
        free.discard(own)


def _currency_of_values(m: Mapping, free: set[int], smp) -> None:
    """A «currency» column whose cells are mostly no currency is not the deals' currency: an invoice's
    «currency» of «Sin_Factura» (no invoice yet) beside ``amount_usd`` would split the revenue into
    currencies that do not exist. An ISO code (Babel's list), a sign or a currency's name is one."""
    index = m.fields.get("currency")
    if index is None:
        return
    values = [v.strip() for v in sv.column(smp, index) if v and v.strip() and v.strip().casefold() not in NONE_WORDS]
    if values and 2 * sum(_is_currency(v) for v in values) < len(values):
        del m.fields["currency"]
        free.add(index)


def _currency_under_amount(m: Mapping, headers: list[str], free: set[int], smp) -> None:
    """A sheet's «Сумма» merged over the amount and its currency: the column after the amount, named «Сумма 2»
    by the reader (readers/header_rows.merged_titles) or left without a title, is the deals' currency when every
    sampled cell is one (RUB, USD, ₽), and no other column is."""
    amount = m.fields.get("amount")
    if amount is None or "currency" in m.fields or amount + 1 not in free:
        return
    beside = clean_header(headers[amount + 1])
    if beside not in ("", f"{clean_header(headers[amount])} 2"):
        return
    values = [v.strip() for v in sv.column(smp, amount + 1) if v and v.strip()]
    if values and all(_is_currency(v) for v in values):
        m.fields["currency"] = amount + 1
        free.discard(amount + 1)


def _is_currency(value: str) -> bool:
    text = value.casefold().rstrip(".")
    return is_currency(value.upper()) or value.upper() in SYMBOLS or value in SYMBOLS.values() \
        or text in CURRENCY_NAMES or f"{text}." in CURRENCY_NAMES \
        or any(sign.rstrip(".") == text for signs in ONE_CURRENCY_SIGNS.values() for sign in signs)


def _company_currency_amount(m: Mapping, norm: list[str], free: set[int], smp) -> None:
    """HubSpot's multi-currency export: ``Amount`` in each deal's ``Currency`` and ``Amount in company
    currency``, converted. When the sampled deals are in several currencies, the converted amount is the
    one that adds up (as a Salesforce report's «(converted)»); the currency column then describes the
    other amount and is left an attribute. One currency: the deal's own amount, in it, as before."""
    amount, currency = m.fields.get("amount"), m.fields.get("currency")
    if amount is None or currency is None:
        return
    company = next((i for i in sorted(free) if norm[i] == f"{norm[amount]} in company currency"), None)
    if company is None or len({v.strip().upper() for v in sv.values(smp, currency) if v and v.strip()}) < 2:
        return
    free.update((amount, currency))
    free.discard(company)
    m.fields["amount"] = company
    del m.fields["currency"]


# A sync table's own ``createdAt`` / ``created_at`` beside the CRM's ``createTime`` / ``create_time`` (小满
# OKKI opportunities as a zod schema stores them: createTime «创建时间戳», createdAt «记录创建时间戳» =
# Date.now() at load): the CRM's time is the deal's creation, the other the load's
_SYNC_CREATED = {"created at"}
_RECORD_CREATED = {"create time"}


# A header that names only the record itself: «Deal» in a team's sheet, «Сделка», «商机»
_RECORD_WORDS = frozenset({"deal", "opportunity", "opp", "potential", "сделка", "商机"})
_CODE = re.compile(r"(?=\S*\d)[\w./#-]{1,24}")


def _record_column_as_id(m: Mapping, headers: list[str], free: set[int], smp) -> None:
    """A column named only for the record («Deal», «Сделка», «商机») holds its id when its sample cells
    are all different short codes with a digit and no space (D-01, 1042, SO-2024/17); otherwise its
    name, as the synonyms say; then a column named «Number» of record numbers (:func:`_record_numbers`). Only
    when no other column is the id."""
    if "deal_id" in m.fields:
        return
    for i in [*sorted(free), m.fields.get("deal_name")]:
        if i is None or header_tokens(headers[i]) not in _RECORD_WORDS:
            continue
        values = sv.column(smp, i)
        if len(values) >= 2 and len(set(values)) == len(values) and all(_CODE.fullmatch(v) for v in values):
            _take_as_id(m, free, i)
            return
    for i in sorted(free):
        if header_tokens(headers[i]) in _NUMBER_WORDS and _record_numbers(sv.column(smp, i)):
            _take_as_id(m, free, i)
            return


def _take_as_id(m: Mapping, free: set[int], i: int) -> None:
    m.fields["deal_id"] = i
    free.discard(i)
    if m.fields.get("deal_name") == i:
        del m.fields["deal_name"]


# A header «Number» alone: YetiForce's record number (``LBL_NUMBER`` of its Opportunities, ``S-SP12``), vtiger's
# ``POT123``. A record number is one prefix with a letter and then the sequence; a repeated one is a duplicate row
# (which the id is there to find), so its cells need not all differ, only be more than one
_NUMBER_WORDS = frozenset({"number", "номер"})
_RECORD_NUMBER = re.compile(r"([^\d\s]*[^\W\d_][^\d\s]*)(\d{1,12})")


def _record_numbers(values: list[str]) -> bool:
    """Whether ``values`` are record numbers of one prefix (:data:`_RECORD_NUMBER`), not quantities or phones."""
    found = [_RECORD_NUMBER.fullmatch(v.strip()) for v in values]
    return len(set(values)) >= 2 and all(found) and len({f.group(1) for f in found if f}) == 1


def _record_time_over_sync_time(m: Mapping, headers: list[str], free: set[int]) -> None:
    taken = m.fields.get("created_at")
    if taken is None or header_tokens(headers[taken]) not in _SYNC_CREATED:
        return
    other = next((i for i in sorted(free) if header_tokens(headers[i]) in _RECORD_CREATED), None)
    if other is not None:
        m.fields["created_at"] = other
        free.discard(other)
        free.add(taken)


def _unix_twin_over_text(m: Mapping, headers: list[str], free: set[int]) -> None:
    """ClickUp writes each date twice: «Date Created» as text in the exporting user's format and «Date
    Created (Unix)» as Unix milliseconds. The text ties with its twin on the header; the Unix one reads
    the same in every locale, so a date field taken by the text moves to its free «… (Unix)» twin."""
    folded = {h.strip().casefold(): i for i, h in enumerate(headers) if i in free}
    for field in ("created_at", "closed_at", "expected_close"):
        taken = m.fields.get(field)
        if taken is None:
            continue
        twin = folded.get(headers[taken].strip().casefold() + " (unix)")
        if twin is not None:
            m.fields[field] = twin
            free.discard(twin)
            free.add(taken)


_RELATED_PREFIX = re.compile(r"^(?:contact|company|account|person|lead)[_ ]")


def _opportunity_sum(m: Mapping, norm: list[str], free: set[int], samples) -> None:
    """A column titled «Opportunity» that holds numbers is the deal's sum: Bitrix24's ``OPPORTUNITY``
    (crm.deal.list, a select of a few fields that no preset recognises). Elsewhere «Opportunity» names
    the deal (a Salesforce report's column of names), which stays the deal's name."""
    if "amount" in m.fields:
        return
    index = next((i for i, h in enumerate(norm) if h == "opportunity"), None)
    if index is None or (index not in free and m.fields.get("deal_name") != index):
        return
    values = [v for v in sv.column(samples, index) if v]
    if not values or not all(sv.is_number(v) for v in values):
        return
    if m.fields.get("deal_name") == index:
        del m.fields["deal_name"]
    free.discard(index)
    m.fields["amount"] = index


def _order_total(m: Mapping, headers: list[str], norm: list[str], free: set[int], samples) -> None:
    """An order's «total» of numbers is its amount, over the sum of its lines (``line_items.price``: without the
    delivery, the discount): WooCommerce's REST answer. «Total» alone is no amount elsewhere (a stage report's
    column of counts), so only in an order list."""
    amount = m.fields.get("amount")
    if amount is not None and not _LINE_COLUMN.match(norm[amount]) or not is_order_list(headers):
        return
    index = next((i for i in sorted(free) if norm[i] == "total"), None)
    if index is None:
        return
    values = [v for v in sv.column(samples, index) if v]
    if not values or not all(sv.is_number(v) for v in values):
        return
    if amount is not None:
        free.add(amount)
    free.discard(index)
    m.fields["amount"] = index


def propose_mapping(headers: list[str], samples: list[list[str | None]] | None = None,
                    preset_name: str | None = None) -> Mapping:
    """The proposed mapping of a deals export (see the module docstring). ``preset_name`` forces a
    preset (the CLI's ``--preset``) instead of recognising one from the headers."""
    headers = [h if h is not None else "" for h in headers]
    norm = [normalize_header(h) for h in headers]
    name, _score = (preset_name, 1.0) if preset_name in PRESETS else detect_preset(norm)
    preset = PRESETS.get(name) if name else None
    entered, other_stage_cols = stage_entered_columns(headers)
    m = Mapping(preset=name, date_order=preset["date_order"] if preset else None,
                stage_order=list(preset["stage_order"]) if preset and preset.get("stage_order") else None,
                stage_entered=entered)
    free = {i for i, h in enumerate(norm) if h} - set(entered) - other_stage_cols
    for field, alts in (preset["fields"].items() if preset else ()):
        # a preset's header whose cells say otherwise is not that field: 1C's «Закрыта» is its closed
        # flag, but under a «Даты» group title in a team's sheet it holds the close dates
        found = [i for i in _ordered_candidates(alts, norm, free, samples)
                 if _fits(field, norm[i], sv.column(samples, i))]
        if found:
            m.fields[field] = found[0]
            free.discard(found[0])
    _generic_fill(m, norm, free, samples, [header_tokens(h) for h in headers])
    _record_column_as_id(m, headers, free, samples)
    _record_time_over_sync_time(m, headers, free)
    _unix_twin_over_text(m, headers, free)
    _opportunity_sum(m, norm, free, samples)
    _order_total(m, headers, norm, free, samples)
    _revenue_flag(m, norm, free, samples)
    _form_completion_stage(m, free, samples)
    if preset:
        m.status_values = dict(preset.get("status_values") or {})
    sort_alts = preset.get("stage_sort", ()) if preset else ()
    found = _ordered_candidates(tuple(sort_alts) + STAGE_SORT_HEADERS, norm, free, samples) if "stage" in m.fields else []
    if found and all(sv.is_number(v) for v in sv.column(samples, found[0])):
        m.stage_sort = found[0]
        free.discard(found[0])
    if "source" not in m.fields:
        found = _ordered_candidates(NORMALIZED_SOURCE_FALLBACK, norm, free, samples)
        found = found or [i for i in sorted(free) if ENTITY_PREFIX.sub("", norm[i]) == "utm_source"]
        # a flattened export of several objects: the contact's (or company's) «contact_lead_source» is
        # where the deal came from when the deal has no source of its own
        found = found or [i for i in sorted(free) if _RELATED_PREFIX.sub("", norm[i]).replace("_", " ")
                          in NORMALIZED_SYNONYMS["source"] and _RELATED_PREFIX.match(norm[i])]
        if found:
            m.fields["source"] = found[0]
            free.discard(found[0])
    if "manager" not in m.fields and (found := _ordered_candidates(MANAGER_FALLBACK, norm, free, samples)):
        m.fields["manager"] = found[0]
        free.discard(found[0])
    _pipeline_not_the_stage(m, free, samples)
    title = m.fields.get("deal_name")
    if title is not None and header_tokens(headers[title]) == "title" and any(
            header_tokens(h) in ("first name", "last name", "salutation") for h in headers):
        # a person's list (Salesforce's Lead.csv: Salutation, FirstName, LastName, Title, Company): the
        # title is their job («CFO»); the record is named by its company
        company = next((i for i in sorted(free) if header_tokens(headers[i]) in ("company", "company name")), None)
        del m.fields["deal_name"]
        free.add(title)
        if company is not None:
            m.fields["deal_name"] = company
            free.discard(company)
    _own_currency(m, headers, norm, free)
    _company_currency_amount(m, norm, free, samples)
    _currency_of_values(m, free, samples)
    _currency_under_amount(m, headers, free, samples)
    if "stage" not in m.fields and not entered:
        dated = [i for i in sorted(free) if _stage_date_column(norm[i], sv.column(samples, i))]
        if len(dated) >= 2:  # no stage column: one date column per stage (importer/stage_dates.py)
            m.stage_entered = {i: (clean_header(headers[i]), None) for i in dated}
            free -= set(dated)
    m.extras = {i: clean_header(headers[i]) for i in sorted(free)
                if _keep_as_extra(norm[i], sv.column(samples, i))}
    _closing_stages(m, preset, samples)
    return m


def _pipeline_not_the_stage(m: Mapping, free: set[int], smp) -> None:
    """A «pipeline» column holding, row for row, the stage column's values is the stage again, not a pipeline:
    LPTracker's lead gives its stage twice, as ``stage_id`` and as ``funnel`` (its PHP SDK reads both into the
    lead's stage, ``funnelId``). Taken for the pipeline, every stage was a funnel of its own (survey 50: «Pipeline
    «1201»: no won stage», five one-stage funnels)."""
    pipeline, stage = m.fields.get("pipeline"), m.fields.get("stage")
    if pipeline is None or stage is None or not smp:
        return
    pairs = [(row[pipeline], row[stage]) for row in smp if max(pipeline, stage) < len(row)]
    if pairs and all(p not in (None, "") for p, _s in pairs) and all(p == s for p, s in pairs):
        del m.fields["pipeline"]
        free.add(pipeline)


# what a form's download writes in every row's «status»: the form was filled in (Meta Lead Ads' lead_status
# «complete», Typeform's «completed»), no stage of a funnel
_FORM_DONE = frozenset({"complete", "completed", "submitted", "заполнена", "отправлена", "已提交", "已完成提交"})


def _form_completion_stage(m: Mapping, free: set[int], smp) -> None:
    """A stage column whose every sample says only that the form was completed is no stage: left as an
    attribute, so the leads are read as a lead list (Meta's ``lead_status`` drew a one-bar funnel «complete»
    and asked to mark it won, which would make every lead a sale)."""
    index = m.fields.get("stage")
    if smp is None or index is None:
        return
    vals = sv.column(smp, index)
    if vals and all(v.strip().lower() in _FORM_DONE for v in vals):
        del m.fields["stage"]
        free.add(index)


_OUTCOME_FIELDS = ("stage", "status", "won_flag", "won_at", "closed_flag", "lost_flag", "lost_at")


def _revenue_flag(m: Mapping, norm: list[str], free: set[int], smp) -> None:
    """A «Revenue» of TRUE / FALSE (UCI's online shoppers: did the session buy) is whether the record
    was won, when nothing else tells an outcome: it was refused for want of a stage, the advice to map one."""
    if smp is None or "amount" in m.fields or any(f in m.fields for f in _OUTCOME_FIELDS):
        return
    for i in sorted(free):
        vals = sv.column(smp, i)
        if vals and _generic_score("amount", norm[i]) >= 0.8 and all(sv.is_bool(v) for v in vals):
            m.fields["won_flag"] = i
            free.discard(i)
            return


def unread_amount_column(headers: list[str], m: Mapping, samples) -> tuple[int, str] | None:
    """A column left out of ``m`` whose header clearly names the amount (a synonym, :func:`_generic_score`
    0.8 or more) but whose sample cells did not read as numbers: (index, a sample value), else None.
    The import says so instead of dropping the money without a word."""
    if "amount" in m.fields:
        return None
    taken = set(m.fields.values())
    for i, header in enumerate(headers):
        if i in taken or header is None:
            continue
        if _generic_score("amount", normalize_header(header), header_tokens(header)) < 0.8:
            continue
        cells = sv.values(samples, i)
        if cells and not sv.fits_kind(cells, "number"):
            return i, next(v for v in cells if not sv.is_number(v))
    return None


# the words a money column's name holds (Keap's «Projected Revenue Low» / «… High»: neither the deal's amount
# by itself); «total» is left out (IBM's «Total Days Identified Through Closing»)
_MONEY_WORDS = re.compile(r"\b(?:amount|value|revenue|price|budget|sum|сумма|бюджет|стоимость|выручка|доход|"
                          r"оплате|оплата|оплату|"  # «Всего к оплате Клиентом» (survey 53: the total the client pays)
                          r"valor|importe|monto|betrag|umsatz|wert|montant|valeur)\b"
                          r"|金额|销售额|价值|预算|收入|收益")


# a CRM's user field named by a number, not by its meaning (Bitrix24's task field ``ufAuto493256871584``, a deal's
# ``UF_CRM_1700000000``): what it holds only the user knows
_USER_FIELD = re.compile(r"^(?:uf_?auto_?\d+|uf_crm_[0-9a-f_]*\d[0-9a-f_]*)$", re.IGNORECASE)


def numeric_user_fields(headers: list[str], m: Mapping, samples) -> list[int]:
    """When no amount was taken: the user fields named by a number (:data:`_USER_FIELD`) whose sample cells are
    numbers, not only 0 and 1 (a flag). One may be the amount: the import names them (survey 49: Bitrix24's tasks
    kept their amount in ``ufAuto…``, and the revenue read «—» with no word of it at the import)."""
    return _numbers_left(headers, m, samples, lambda header, cells: bool(_USER_FIELD.match(header.strip()))
                         and not set(cells) <= {"0", "1"})


def _numbers_left(headers: list[str], m: Mapping, samples, keep) -> list[int]:
    """The columns no field took whose sample cells are numbers and that ``keep(header, cells)``, when no
    column is the amount (none otherwise)."""
    if "amount" in m.fields:
        return []
    taken = set(m.fields.values())
    return [i for i, header in enumerate(headers) if i not in taken and (cells := sv.values(samples, i))
            and sv.fits_kind(cells, "number") and keep(header or "", cells)]


def is_money_header(header: str) -> bool:
    """The header names money (an amount, a revenue, a price, 金额, Сумма): no id to join two files on."""
    return bool(_MONEY_WORDS.search(header_tokens(header)))


def amount_like_columns(headers: list[str], m: Mapping, samples) -> list[int]:
    """When no amount was taken: the columns left out whose name holds a money word and whose sample
    cells are numbers, not a weight or a probability (:data:`_NOT_THE_AMOUNT`). The import names them
    instead of leaving the revenue empty without a word: which is the deal's amount is the user's call."""
    def money(header: str, _cells) -> bool:
        tokens = header_tokens(header)
        return bool(_MONEY_WORDS.search(tokens)) and not _NOT_THE_AMOUNT.search(tokens)

    return _numbers_left(headers, m, samples, money)


def month_only_columns(headers: list[str], m: Mapping, samples) -> list[tuple[str, int, str]]:
    """Columns left out of ``m`` whose header names a date field still unmapped (:func:`_generic_score` 0.7
    or more; the best such field) but whose sample cells are all months without a day («2024-01»,
    «Jan 2024», «2024年1月»): (field, index, a sample value). Such a column is not read as dates (a day
    would be made up: a cycle from «2024-01» to «2024-02» is not 31 days); the import says so instead of
    leaving the field out without a word."""
    return _partial_date_columns(headers, m, samples, sv.is_month_only)


def yearless_date_columns(headers: list[str], m: Mapping, samples) -> list[tuple[str, int, str]]:
    """As :func:`month_only_columns`, for days without their year («3月1日», «1 марта», «Mar 1»: survey 22):
    not read as dates (the year would be made up), said instead of "no creation date column"."""
    return _partial_date_columns(headers, m, samples, sv.is_without_year)


def _partial_date_columns(headers: list[str], m: Mapping, samples, partial) -> list[tuple[str, int, str]]:
    taken = set(m.fields.values()) | set(m.stage_entered)
    fields = [f for f, kind in MAPPABLE_FIELDS.items() if kind == "date" and f not in m.fields]
    out = []
    for i, header in enumerate(headers):
        if i in taken or not header or not fields:
            continue
        norm, tokens = normalize_header(header), header_tokens(header)
        field = max(fields, key=lambda f: _generic_score(f, norm, tokens))  # the first on a tie
        cells = sv.values(samples, i)
        if _generic_score(field, norm, tokens) >= CODE_SCORE and cells and all(partial(v) for v in cells):
            out.append((field, i, cells[0]))
            fields.remove(field)
    return out
