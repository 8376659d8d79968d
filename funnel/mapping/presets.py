"""One preset per CRM export layout: data only, read by ``matcher``.

Evidence and confidence for every header: ../shared/reference/crm-exports.md. A preset has
- ``signature``: items that identify the layout; each item is a tuple of alternative normalised
  headers, or ``prefix:<text>`` (at least three headers start with it) or ``suffix:<text>``
  (some header ends with it). The preset whose items match best wins (see ``matcher.detect_preset``);
  ``required`` items must all match;
- ``fields``: canonical field -> header alternatives in order of preference (first match by
  position among the columns with that header);
- ``date_order`` ('dmy' / 'mdy' / None when dates are ISO), default ``won``/``lost`` stage names and
  the default ``stage_order`` when the CRM ships one (matched to the file's stage names ignoring
  case, punctuation and Bitrix24's ``C<n>:`` pipeline prefix: see ``stage_names``);
- optionally ``excluded`` (items any of which rules the preset out), ``amount_divisor`` and
  ``amount_shown`` (an amount kept in cents, and the column that shows it in money: Close);
- optionally ``status_values`` (the CRM's own status codes, e.g. Bitrix24 P/S/F) and ``stage_sort``
  (a column holding each stage's position, Salesforce ``StageSortOrder``);
- optionally ``stage_id_names`` (the CRM's fixed stage ids -> their default names: Odoo's external ids).
"""

from __future__ import annotations

from .status import STAGE_DECIDES

# Dynamics 365 Sales' opportunity pipeline phases (stepname) and sales stages (salesstage's labels)
DYNAMICS_STAGES = ["1-Qualify", "2-Develop", "3-Propose", "4-Close", "Qualify", "Develop", "Propose", "Close"]
HUBSPOT_DEFAULT_STAGES = ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
                          "Decision Maker Bought-In", "Contract Sent", "Closed Won", "Closed Lost"]
SALESFORCE_DEFAULT_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                             "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
                             "Negotiation/Review", "Closed Won", "Closed Lost"]
ZOHO_DEFAULT_STAGES = ["Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
                       "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost",
                       "Closed-Lost to Competition"]

# Pipedrive's default pipelines, merged: new accounts get Qualified → Contact Made → Demo Scheduled →
# Proposal Made → Negotiations Started, older ones Lead In → Contact Made → Needs Defined → Proposal
# Made → Negotiations Started. Won and lost are a deal's status there, not stages.
PIPEDRIVE_DEFAULT_STAGES = ["Lead In", "Qualified", "Contact Made", "Needs Defined", "Demo Scheduled", "Proposal Made",
                            "Negotiations Started"]
BITRIX24_REST_STAGES = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON"]
# a smart process's default stages after its DT<type>_<category>: prefix (NEW and PREPARATION shared with deals;
# dev.1c-bitrix.ru rest_help/crm/dynamic: «DT132_17:CLIENT», «DT132_17:PREPARATION»), SUCCESS and FAIL its ends
BITRIX24_SMART_PROCESS_STAGES = ["CLIENT", "SUCCESS"]
# the same default stages by name, as the web interface's deal export writes them: the names of
# avshatalov48/bitrix24-core-corp modules/crm/lang/{ru,en}/classes/general/crm_status.php
# (CRM_DEAL_STAGE_NEW … _WON, ordered by the SORT 10 … 60 of CCrmStatus::GetDefaultDealStages). The RU
# file writes «Cчёт на предоплату» with a Latin C, which stage names match as the Cyrillic one
# (normalize._fix_homoglyphs), as they match «Счет» to «Счёт». The EN names of that version («Create
# papers», «Invoice») beside the cloud's («Preparing documents», «Prepayment invoice»): a file holds one
# of each pair
BITRIX24_DEFAULT_STAGES_RU = ["Новая", "Подготовка документов", "Счёт на предоплату", "В работе", "Финальный счёт",
                              "Сделка успешна"]
# the same in a Ukrainian account (the Russian names' Ukrainian words; no export seen)
BITRIX24_DEFAULT_STAGES_UK = ["Нова", "Підготовка документів", "Рахунок на передоплату", "В роботі",
                              "Фінальний рахунок", "Угода успішна"]
BITRIX24_DEFAULT_STAGES_EN = ["New", "Preparing documents", "Create papers", "Prepayment invoice", "Invoice",
                              "In progress", "Final invoice", "Deal won"]
# Bitrix24 lead statuses (crm.lead.list STATUS_ID): not processed, in progress, processed, then a good
# lead (converted) or junk (b24restdocs crm-lead-fields; crm.status.list ENTITY_ID=STATUS)
BITRIX24_LEAD_STATUSES = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED"]
# the same statuses as the web interface's lead export names them (CRM → Лиды → ⚙ → Экспорт)
BITRIX24_LEAD_STATUSES_RU = ["Не обработан", "В работе", "Обработан", "Качественный лид"]
# HubSpot's contact lifecycle stages, labels then internal values (knowledge.hubspot.com "Use lifecycle
# stages"; the «Other» stage is outside the funnel)
HUBSPOT_LIFECYCLE_STAGES = ["Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity",
                            "Customer", "Evangelist", "subscriber", "lead", "marketingqualifiedlead",
                            "salesqualifiedlead", "opportunity", "customer", "evangelist"]
# a contact's Lead Status: «Unqualified» ends it; the others leave its outcome to the lifecycle stage
# Shopify's «Financial Status» of an order (its admin's values, folded: partially_paid -> «partially paid»):
# paid is the sale, refunded / voided / expired undo it, pending and authorized wait
SHOPIFY_FINANCIAL_STATUS = {"paid": "won", "partially refunded": "won", "refunded": "lost", "voided": "lost",
                            "expired": "lost", "pending": "open", "authorized": "open", "partially paid": "open"}
HUBSPOT_LEAD_STATUS = {
    **{k: STAGE_DECIDES for k in ("new", "open", "in progress", "in_progress", "open deal", "open_deal",
                                  "attempted to contact", "attempted_to_contact", "connected", "bad timing",
                                  "bad_timing")},
    "unqualified": "lost",
}
HUBSPOT_API_STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
                      "contractsent", "closedwon", "closedlost"]
# amoCRM's default pipeline (new accounts; renamed stages fall back to the file's evidence)
AMOCRM_DEFAULT_STAGES = ["Неразобранное", "Первичный контакт", "Переговоры", "Принимают решение",
                         "Согласование договора", "Успешно реализовано", "Закрыто и не реализовано"]
# Kommo (amoCRM's English interface): a new account's pipeline (Kommo's knowledge base, "Pipelines":
# Initial Contact, Offer Made, Negotiation, Closed-Won, Closed-Lost; "Incoming leads" first when enabled),
# and the older English names of amoCRM's own default (Первичный контакт, Переговоры, Принимают решение,
# Согласование договора). A file uses one of the two; the relative order within each is kept.
KOMMO_DEFAULT_STAGES = ["Incoming leads", "Initial contact", "Offer made", "Discussions", "Negotiation",
                        "Decision making", "Contract discussion", "Closed - won", "Closed - lost"]
# Kommo with its interface in Portuguese (Brazil): a PT account's status table (a clinic's Kommo integration, 142
# «Venda ganha», 143 «Venda perdida», each pipeline's first stages «Incoming leads», «Contato inicial», «Oferta
# feita», «Negociação»; the first keeps its English name)
KOMMO_PT_DEFAULT_STAGES = ["Incoming leads", "Etapa de leads de entrada", "Contato inicial", "Oferta feita", "Negociação",
                           "Venda ganha", "Venda perdida"]

# 悟空CRM (WukongCRM): the stages its database seeds for the default 商机状态组 (wk_crm_business_status in
# WukongCRM 11's DB/wk_crm_single.sql, as in 72crm 9's crm9.sql: rates 20, 30, 80); a deal ends as 赢单,
# 输单 or 无效 (closed as invalid: is_end 1, 2, 3), shown in 商机阶段 (CrmBusinessTypeServiceImpl)
WUKONG_DEFAULT_STAGES = ["验证客户", "需求分析", "方案/报价", "赢单"]
# Odoo CRM's default stages (crm_stage_data.xml), in English and as its zh_CN translation names them
ODOO_DEFAULT_STAGES = ["New", "Qualified", "Proposition", "新建", "验证", "建议", "Новый", "Квалифицированный", "Предложение",
                       "Won", "赢得", "Выиграно"]

PRESETS: dict[str, dict] = {
    "amocrm_ru": {
        "signature": [("этап сделки",), ("бюджет",), ("воронка",), ("дата создания сделки", "дата создания")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("название сделки",), "amount": ("бюджет",),
            "manager": ("ответственный",), "created_at": ("дата создания сделки", "дата создания"),
            "closed_at": ("дата закрытия",), "stage": ("этап сделки", "статус сделки"), "pipeline": ("воронка",),
            "source": ("источник", "источник сделки"), "lost_reason": ("причина отказа", "причина закрытия"),
        },
        # «Дата закрытия» of an open deal reads «не закрыта»: an empty value (readers.values.NONE_WORDS)
        "date_order": "dmy", "won": ["Успешно реализовано"], "lost": ["Закрыто и не реализовано"],
        "stage_order": AMOCRM_DEFAULT_STAGES,
    },
    "amocrm_api": {
        # /api/v4/leads saved as a table by a script or a BI connector: field names as headers, statuses
        # and pipelines as ids, times as unix seconds. 142 and 143 are amoCRM's fixed ids of every
        # pipeline's «Успешно реализовано» and «Закрыто и не реализовано»; the other statuses are the
        # account's own ids, so their order is not known from the file (a guess, flagged)
        # the four lead fields a script keeps, and any one of the fields only amoCRM's leads have: a table cut
        # to «id, name, price, responsible_user_id, status_id, pipeline_id, created_at, closed_at» (session 48)
        # scored 4 of 7 and was refused for want of a stage
        "signature": [("status_id",), ("pipeline_id",), ("responsible_user_id",), ("price",),
                      ("loss_reason_id", "closest_task_at", "account_id", "group_id", "created_by", "updated_by",
                       "is_deleted", "labor_cost")],
        "required": [("status_id",), ("responsible_user_id",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "amount": ("price",), "manager": ("responsible_user_id",),
            "stage": ("status_id",), "pipeline": ("pipeline_id",), "created_at": ("created_at",),
            "closed_at": ("closed_at",), "lost_reason": ("loss_reason_id",),
        },
        "date_order": None, "won": ["142"], "lost": ["143"], "stage_order": [],
    },
    "bitrix24_rest": {
        # crm.deal.list through the REST API: field codes as headers, stage codes (C<n>:CODE outside
        # the general pipeline), STAGE_SEMANTIC_ID P/S/F = open/won/lost (b24restdocs crm-deal-fields).
        # The newer crm.item.list writes the same fields in camelCase («ASSIGNED_BY_ID преобразуется в
        # assignedById», dev.1c-bitrix.ru crm/dynamic/methodscrmitem), DATE_CREATE as createdTime, for deals
        # (entityTypeId 2) and smart processes, whose stages are DT<type>_<category>:CODE (survey 38)
        "signature": [("stage_id", "stageid"), ("category_id", "categoryid"),
                      ("stage_semantic_id", "stagesemanticid"), ("date_create", "createdtime"),
                      ("assigned_by_id", "assignedbyid"), ("opportunity",)],
        "required": [("stage_id", "stageid")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("title",), "stage": ("stage_id", "stageid"),
            "pipeline": ("category_name", "categoryname", "category_id", "categoryid"),
            "status": ("stage_semantic_id", "stagesemanticid"),
            "created_at": ("date_create", "createdtime"), "expected_close": ("closedate",),
            "closed_flag": ("closed",), "amount": ("opportunity",), "currency": ("currency_id", "currencyid"),
            "manager": ("assigned_by_id", "assignedbyid"), "source": ("source_id", "sourceid"),
            "stage_changed_at": ("moved_time", "movedtime"),
        },
        # the general pipeline's CATEGORY_ID 0, which the answer never names: Bitrix24's own name for it
        # (crm lang files: «Общая», General), in the importing user's language; a CATEGORY_NAME column wins
        "pipeline_ids": ("category_id", "categoryid"), "pipeline_names": {"0": "crmimport.pipeline.bitrix24_general"},
        "status_values": {"p": "open", "s": "won", "f": "lost"}, "status_is_stage_kind": True,
        "date_order": None, "won": ["WON", "SUCCESS"], "lost": ["LOSE", "APOLOGY", "FAIL"],
        "stage_order": BITRIX24_REST_STAGES + BITRIX24_SMART_PROCESS_STAGES,
    },
    "bitrix24_rest_leads": {
        # crm.lead.list through the REST API: a leads funnel, STATUS_ID its stage, STATUS_SEMANTIC_ID P/S/F
        "signature": [("status_id",), ("status_semantic_id",), ("date_create",), ("assigned_by_id",),
                      ("opportunity",)],
        "required": [("status_id",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("title",), "stage": ("status_id",), "status": ("status_semantic_id",),
            "created_at": ("date_create",), "closed_at": ("date_closed",), "amount": ("opportunity",),
            "currency": ("currency_id",), "manager": ("assigned_by_id",), "source": ("source_id",),
        },
        "status_values": {"p": "open", "s": "won", "f": "lost"}, "status_is_stage_kind": True,
        "date_order": None, "won": ["CONVERTED"], "lost": ["JUNK"], "stage_order": BITRIX24_LEAD_STATUSES,
    },
    "bitrix24_leads_ru": {
        "signature": [("название лида",), ("статус",), ("дата создания",), ("ответственный",), ("источник",)],
        "required": [("название лида",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("название лида",), "stage": ("статус",),
            "created_at": ("дата создания",), "closed_at": ("дата закрытия",), "amount": ("сумма",),
            "currency": ("валюта",), "manager": ("ответственный",), "source": ("источник",),
        },
        "date_order": "dmy", "won": ["Качественный лид"], "lost": ["Некачественный лид"],
        "stage_order": BITRIX24_LEAD_STATUSES_RU,
    },
    "kommo_en": {
        "signature": [("lead status",), ("sale",), ("pipeline",), ("lead title", "responsible user")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("lead title", "lead name", "name"), "amount": ("sale",),
            "manager": ("responsible user", "responsible"), "created_at": ("date created", "created"),
            "closed_at": ("closed at", "closing date", "date closed"), "stage": ("lead status",),
            "pipeline": ("pipeline",), "source": ("source",), "lost_reason": ("loss reason", "lost reason"),
        },
        "date_order": None, "won": ["Closed - won"], "lost": ["Closed - lost"],
        "stage_order": KOMMO_DEFAULT_STAGES,
    },
    "kommo_pt": {
        # Kommo → Leads → Export in Portuguese: the columns six public readers of such files name ('ID', 'Lead
        # título', 'Contato principal', 'Etapa do lead', 'Funil de vendas', 'Venda', 'Data Criada', 'Criado por',
        # 'Última modificação', …, 'Lead usuário responsável', 'Motivo de insucesso'); the close as «Data Fechada»,
        # «Data de fechamento» or «Fechado em» (one reader accepts each); times day first (Brazil)
        "signature": [("etapa do lead",), ("venda",), ("funil de vendas",), ("lead título", "lead usuário responsável")],
        "fields": {
            "deal_id": ("id", "id do lead"), "deal_name": ("lead título",), "amount": ("venda",),
            "manager": ("lead usuário responsável",), "created_at": ("data criada",),
            "closed_at": ("data fechada", "data de fechamento", "fechado em", "fechada em"), "stage": ("etapa do lead",),
            "pipeline": ("funil de vendas",), "source": ("origem", "fonte"),
            "lost_reason": ("motivo de insucesso", "motivo de perda", "motivo da perda"),
        },
        "date_order": "dmy", "won": ["Venda ganha"], "lost": ["Venda perdida"],
        "stage_order": KOMMO_PT_DEFAULT_STAGES,
    },
    "bitrix24_ru": {
        "signature": [("стадия сделки",), ("сделка закрыта",), ("воронка", "направление"), ("сумма",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("название сделки",), "pipeline": ("воронка", "направление"),
            "stage": ("стадия сделки",), "amount": ("сумма",), "currency": ("валюта",),
            "manager": ("ответственный",), "created_at": ("дата создания",),
            "expected_close": ("предполагаемая дата закрытия",), "closed_flag": ("сделка закрыта",),
            "source": ("источник",), "stage_changed_at": ("дата изменения стадии",),
            "lost_reason": ("причина отказа", "причина провала"),
        },
        "date_order": "dmy", "won": ["Сделка успешна"], "lost": ["Сделка провалена", "Анализ причины провала"],
        "stage_order": BITRIX24_DEFAULT_STAGES_RU,
    },
    "bitrix24_uk": {
        "signature": [("стадія угоди",), ("угода закрита",), ("воронка", "напрямок"), ("сума",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("назва угоди",), "pipeline": ("воронка", "напрямок"),
            "stage": ("стадія угоди",), "amount": ("сума",), "currency": ("валюта",),
            "manager": ("відповідальний",), "created_at": ("дата створення",),
            "expected_close": ("передбачувана дата закриття", "очікувана дата закриття"),
            "closed_flag": ("угода закрита",), "source": ("джерело",), "stage_changed_at": ("дата зміни стадії",),
            "lost_reason": ("причина відмови", "причина провалу"),
        },
        "date_order": "dmy", "won": ["Угода успішна"], "lost": ["Угода провалена", "Аналіз причини провалу"],
        "stage_order": BITRIX24_DEFAULT_STAGES_UK,
    },
    "bitrix24_en": {
        "signature": [("stage",), ("income",), ("closed",), ("assumed close date", "stage change date")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("deal name",), "pipeline": ("pipeline",), "stage": ("stage",),
            "amount": ("income",), "currency": ("currency",), "manager": ("responsible",),
            "created_at": ("created",), "expected_close": ("assumed close date",), "closed_flag": ("closed",),
            "source": ("source",), "stage_changed_at": ("stage change date",), "lost_reason": ("lost reason",),
        },
        "date_order": "mdy", "won": ["Deal won"], "lost": ["Deal lost", "Analyze failure"],
        "stage_order": BITRIX24_DEFAULT_STAGES_EN,
    },
    "hubspot": {
        "signature": [("record id",), ("deal stage",), ("deal owner",), ("create date",)],
        "fields": {
            "deal_id": ("record id",), "deal_name": ("deal name",), "pipeline": ("pipeline",),
            "stage": ("deal stage",), "amount": ("amount", "amount in company currency"),
            "currency": ("currency",), "expected_close": ("close date",), "created_at": ("create date",),
            "manager": ("deal owner",), "source": ("original source type", "original source", "latest source"),
            "lost_reason": ("closed lost reason",), "won_flag": ("is closed won",),
            "closed_flag": ("is deal closed?",), "lost_flag": ("is closed lost",),
        },
        "date_order": None, "won": ["Closed Won"], "lost": ["Closed Lost"], "stage_order": HUBSPOT_DEFAULT_STAGES,
    },
    "hubspot_api": {
        # deals through the HubSpot API or a warehouse sync: internal property names and stage ids
        "signature": [("dealname",), ("dealstage",), ("createdate",), ("closedate",),
                      ("hubspot_owner_id", "hs_object_id", "hs_is_closed_won")],
        "required": [("dealstage",)],
        "fields": {
            "deal_id": ("hs_object_id", "id", "deal_id", "dealid"), "deal_name": ("dealname",),
            "pipeline": ("pipeline",), "stage": ("dealstage",), "amount": ("amount",),
            "currency": ("deal_currency_code",), "expected_close": ("closedate",), "created_at": ("createdate",),
            "manager": ("hubspot_owner_id",), "source": ("hs_analytics_source",),
            "lost_reason": ("closed_lost_reason",), "won_flag": ("hs_is_closed_won",), "closed_flag": ("hs_is_closed",),
            "lost_flag": ("hs_is_closed_lost",),
        },
        "date_order": None, "won": ["closedwon"], "lost": ["closedlost"], "stage_order": HUBSPOT_API_STAGES,
    },
    "hubspot_contacts": {
        # the contacts export (a leads funnel): Lifecycle Stage is the stage, its «Became a … Date» columns
        # the dates each stage was entered (matcher), Customer and Evangelist the won stages
        "signature": [("record id",), ("lifecycle stage",), ("contact owner",), ("create date",), ("lead status",)],
        "required": [("lifecycle stage",)],
        "fields": {
            "deal_id": ("record id",), "deal_name": ("email", "company name"), "stage": ("lifecycle stage",),
            "status": ("lead status",), "created_at": ("create date",), "manager": ("contact owner",),
            "source": ("original source", "original source type", "latest source"),
        },
        "status_values": HUBSPOT_LEAD_STATUS,
        "date_order": None, "won": ["Customer", "Evangelist", "customer", "evangelist"], "lost": [],
        "stage_order": HUBSPOT_LIFECYCLE_STAGES,
    },
    "hubspot_contacts_api": {
        "signature": [("lifecyclestage",), ("hs_lead_status",), ("createdate",), ("hs_object_id", "vid"),
                      ("hubspot_owner_id",)],
        "required": [("lifecyclestage",)],
        "fields": {
            "deal_id": ("hs_object_id", "vid", "id"), "deal_name": ("email",), "stage": ("lifecyclestage",),
            "status": ("hs_lead_status",), "created_at": ("createdate",), "manager": ("hubspot_owner_id",),
            "source": ("hs_analytics_source",),
        },
        "status_values": HUBSPOT_LEAD_STATUS,
        "date_order": None, "won": ["customer", "evangelist"], "lost": [], "stage_order": HUBSPOT_LIFECYCLE_STAGES,
    },
    "pipedrive": {
        "signature": [("prefix:deal - ", "prefix:obchod - "),
                      ("deal - id", "deal - pipedrive system id", "deal - system id", "obchod - id"),
                      ("deal - stage", "deal - stage (pipeline)", "obchod - fáze")],
        "fields": {
            "deal_id": ("deal - id", "deal - pipedrive system id", "deal - system id", "obchod - id"),
            "deal_name": ("deal - title", "obchod - název"), "manager": ("deal - owner",),
            "amount": ("deal - value", "obchod - hodnota"),
            "currency": ("deal - currency of value", "deal - currency", "obchod - měna hodnoty"),
            "pipeline": ("deal - pipeline",), "stage": ("deal - stage", "deal - stage (pipeline)", "obchod - fáze"),
            "status": ("deal - status", "obchod - stav"),
            "created_at": ("deal - deal created", "deal - creation date"),
            "won_at": ("deal - won time",), "lost_at": ("deal - lost time",),
            "closed_at": ("deal - deal closed on", "deal - closed on"),
            "lost_reason": ("deal - lost reason", "obchod - důvod prohry"),
            "expected_close": ("deal - expected close date",),
            "source": ("deal - source channel", "deal - source origin"),
            "variant": ("deal - landing page", "deal - variant"),
        },
        "date_order": None, "won": [], "lost": [], "stage_order": PIPEDRIVE_DEFAULT_STAGES,
    },
    "salesforce_report": {
        "signature": [("opportunity owner",), ("opportunity id", "opportunity name"), ("stage",),
                      ("close date",)],
        "fields": {
            "deal_id": ("opportunity id",), "deal_name": ("opportunity name",), "manager": ("opportunity owner",),
            "stage": ("stage",), "amount": ("amount",), "currency": ("amount currency",),
            "expected_close": ("close date",), "created_at": ("created date",), "source": ("lead source",),
            "closed_flag": ("closed",), "won_flag": ("won",), "lost_reason": ("loss reason", "closed lost reason"),
        },
        "date_order": "mdy", "won": ["Closed Won"], "lost": ["Closed Lost"],
        "stage_order": SALESFORCE_DEFAULT_STAGES,
    },
    "salesforce_export": {
        # Data Export / Data Loader / SOQL: API names as headers (Opportunity.csv)
        "signature": [("stagename",), ("isclosed",), ("iswon",), ("createddate",), ("ownerid",),
                      ("stagesortorder", "forecastcategory")],
        "required": [("stagename",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "stage": ("stagename",), "amount": ("amount",),
            "currency": ("currencyisocode",), "expected_close": ("closedate",), "created_at": ("createddate",),
            "manager": ("ownerid", "owner.name"), "source": ("leadsource",), "closed_flag": ("isclosed",),
            "won_flag": ("iswon",), "pipeline": ("recordtype.name",),
        },
        "stage_sort": ("stagesortorder",),
        "date_order": None, "won": ["Closed Won"], "lost": ["Closed Lost"],
        "stage_order": SALESFORCE_DEFAULT_STAGES,
    },
    # Shopify's order export (Orders → Export, survey 17: luistatera/forezia-mock-data, and the same 79
    # columns in ~70 public repositories): one row per line item, the order's own cells on its first row only
    # (its line items are folded into it: readers/continuation.py); «Name» (#1001) is the order, «Id» the
    # API's; «Financial Status» its outcome; no stage, so outcomes only (fulfilment comes after the sale)
    "shopify_orders": {
        "signature": [("financial status",), ("fulfillment status",), ("lineitem name",), ("paid at",),
                      ("lineitem quantity",)],
        "required": [("financial status",), ("lineitem name",)],
        "fields": {
            "deal_id": ("name",), "status": ("financial status",), "amount": ("total",), "currency": ("currency",),
            "created_at": ("created at",), "won_at": ("paid at",), "lost_at": ("cancelled at",),
            "manager": ("employee",), "source": ("source",),
        },
        "status_values": SHOPIFY_FINANCIAL_STATUS,
        "date_order": None, "won": [], "lost": [],
    },
    "zoho": {
        "signature": [("record id",), ("suffix:.id",), ("deal owner",), ("closing date",)],
        "fields": {
            "deal_id": ("record id",), "deal_name": ("deal name",), "manager": ("deal owner",),
            "amount": ("amount",), "expected_close": ("closing date",), "stage": ("stage",),
            "pipeline": ("pipeline",), "source": ("lead source",), "created_at": ("created time",),
            "lost_reason": ("reason for loss",), "currency": ("currency",),
        },
        "date_order": None, "won": ["Closed Won"], "lost": ["Closed Lost", "Closed-Lost to Competition"],
        "stage_order": ZOHO_DEFAULT_STAGES,
    },
    "nethunt": {
        "signature": [("record id",), ("stage",), ("budget", "amount", "value")],
        "required": [("record id",)],  # the only systematic header of a NetHunt folder export
        "fields": {
            "deal_id": ("record id",), "deal_name": ("name", "deal name"), "stage": ("stage",),
            "amount": ("budget", "amount", "value"), "manager": ("owner", "responsible"),
        },
        "date_order": None, "won": [], "lost": [],
    },
    "onec": {
        "signature": [("статус",), ("закрыта",), ("этап",), ("менеджер", "ответственный")],
        "fields": {
            "deal_id": ("номер", "код"), "deal_name": ("наименование", "сделка"),
            "created_at": ("дата", "дата начала", "дата создания"),  # 1С:CRM's list: «Дата начала»
            "manager": ("менеджер", "ответственный"), "stage": ("этап",), "status": ("статус",),
            "amount": ("сумма",), "currency": ("валюта",), "closed_flag": ("закрыта",),
            "closed_at": ("дата завершения", "дата закрытия"), "lost_reason": ("причина проигрыша",),
        },
        "date_order": "dmy", "won": [], "lost": [],
    },
    "wukong": {
        # 商机 export (CrmBusinessServiceImpl.exportExcel): a title row «商机信息», then the fields of
        # crm_field label 5; no id column
        "signature": [("商机阶段",), ("商机名称",), ("商机状态组",), ("客户名称",), ("商机金额",)],
        "required": [("商机阶段",), ("商机状态组",)],
        "fields": {
            "deal_name": ("商机名称",), "amount": ("商机金额",), "stage": ("商机阶段",),
            "pipeline": ("商机状态组",), "manager": ("负责人",), "created_at": ("创建时间",),
            "expected_close": ("预计成交日期",),
        },
        "date_order": None, "won": ["赢单"], "lost": ["输单", "无效"], "stage_order": WUKONG_DEFAULT_STAGES,
    },
    "odoo": {
        # crm.lead exported from the pipeline's list view, with the labels of the user's language (en,
        # zh_CN, ru: Odoo 17's ru.po «Ожидаемый доход», «Менеджер по продажам», «Команда продаж», survey 22). A
        # lost opportunity is archived (Active False) and stays in its stage; an active one is won at the won
        # stage, else open: «Active» True leaves the outcome to the stage
        "signature": [("expected revenue", "预期收益", "预期收入", "ожидаемый доход", "ожидаемая выручка"),
                      ("salesperson", "销售员", "менеджер по продажам"), ("sales team", "销售团队", "команда продаж"),
                      ("probability", "概率", "вероятность"), ("stage", "阶段", "этап")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("opportunity", "商机", "возможность"),
            "amount": ("expected revenue", "预期收益", "预期收入", "ожидаемый доход", "ожидаемая выручка"),
            "stage": ("stage", "阶段", "этап"), "manager": ("salesperson", "销售员", "менеджер по продажам"),
            "created_at": ("created on", "创建时间", "创建于", "создано"),
            "expected_close": ("expected closing", "预期结束", "ожидаемое закрытие"),
            "closed_at": ("closed date", "关闭日期", "дата закрытия"),
            "lost_reason": ("lost reason", "丢失原因", "причина потери"), "status": ("active", "启用", "активно"),
        },
        "status_values": {"false": "lost", "true": STAGE_DECIDES},
        "date_order": None, "won": ["Won", "赢得", "Выиграно"], "lost": [], "stage_order": ODOO_DEFAULT_STAGES,
    },
    "dynamics": {
        # «Export to Excel»: hidden id, checksum and modified columns «(Do Not Modify) …», in a Russian or
        # Chinese interface «(Не изменять) …» / «(请勿修改) …» (survey 22: a Russian org's export)
        "signature": [("(do not modify) opportunity", "(не изменять) возможная сделка", "(请勿修改) 商机"),
                      ("(do not modify) row checksum", "(не изменять) контрольная сумма строки", "(请勿修改) 行校验和"),
                      ("status reason", "est. revenue", "topic", "причина состояния", "предполагаемый доход", "тема",
                       "状态原因", "预计收入", "主题")],
        "fields": {
            "deal_id": ("(do not modify) opportunity", "(не изменять) возможная сделка", "(请勿修改) 商机"),
            "deal_name": ("topic", "тема", "主题"),
            "expected_close": ("est. close date", "предполагаемая дата закрытия", "预计结束日期"),
            "amount": ("est. revenue", "actual revenue", "предполагаемый доход", "фактический доход", "预计收入",
                       "实际收入"),
            "manager": ("owner", "ответственный", "负责人"), "status": ("status", "состояние", "状态"),
            "lost_reason": ("status reason", "причина состояния", "状态原因"),
            "stage": ("sales stage", "pipeline phase", "этап продаж", "этап конвейера", "销售阶段", "管道阶段"),
            "closed_at": ("actual close date", "фактическая дата закрытия", "实际结束日期"),
            "created_at": ("created on", "дата создания", "创建时间", "创建于"),
        },
        "date_order": None, "won": [], "lost": [],
    },
    "dynamics_api": {
        # opportunities through Dynamics 365's Web API (OData, saved as JSON; funnel/readers/json_reader.py
        # gives a lookup's shown name, _ownerid_value → ownerid): statecode 0/1/2 = Open/Won/Lost, or
        # their shown words with the OData annotations; stepname the pipeline phase («1-Qualify»)
        "signature": [("opportunityid",), ("statecode",), ("estimatedvalue", "actualvalue"), ("stepname", "salesstage"),
                      ("createdon",)],
        "required": [("opportunityid",)],
        "fields": {
            "deal_id": ("opportunityid",), "deal_name": ("name",), "stage": ("stepname", "salesstage", "salesstagecode"),
            "status": ("statecode",), "amount": ("estimatedvalue", "actualvalue"), "created_at": ("createdon",),
            "closed_at": ("actualclosedate",), "expected_close": ("estimatedclosedate",), "manager": ("ownerid",),
            "lost_reason": ("statuscode",), "currency": ("transactioncurrencyid",),
        },
        "status_values": {"0": "open", "1": "won", "2": "lost"},
        "date_order": None, "won": [], "lost": [], "stage_order": DYNAMICS_STAGES,
    },
}

# -- CRMs of the "west" survey, kept apart to ease merges (evidence: tests/unit/test_crm_exports_west.py).
# Close's opportunity export (its API's field names): ``value`` in cents beside ``value_formatted``
# («$10,000»), ``status_type`` active / won / lost beside the status's own label
CLOSE_STATUS_TYPES = {"active": "open", "won": "won", "lost": "lost"}
# Close's default lead statuses
CLOSE_LEAD_STATUSES = ["Potential", "Qualified", "Customer", "Bad Fit"]
# Zendesk Sell's default pipeline (its help center, "About sales pipeline stages"), in English and as
# its German interface names them; Won / Abgeschlossen the sale, Unqualified and Lost the losses
ZENDESK_SELL_STAGES = ["Incoming", "Qualified", "Quote", "Closure", "Won", "Unqualified", "Lost",
                       "Eingehend", "Qualifiziert", "Angebot", "Abschluss", "Abgeschlossen", "Nicht qualifiziert",
                       "Verloren"]
# EspoCRM's opportunity stages: today's (Prospecting, Qualification, Proposal, Negotiation) and the
# older ten of its entityDefs/Opportunity.json, one list (a file uses one of the two)
ESPOCRM_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
                  "Perception Analysis", "Proposal", "Proposal/Price Quote", "Negotiation", "Negotiation/Review",
                  "Closed Won", "Closed Lost"]
# Dolibarr's opportunity statuses (llx_c_lead_status: PROSP 10, QUAL 20, PROPO 30, NEGO 40, PENDING 50
# (inactive by default), WON 60, LOST 70), as codes and as their French and English labels
DOLIBARR_STAGES = ["PROSP", "Prospection", "QUAL", "Qualification", "PROPO", "Proposition", "Proposal", "NEGO",
                   "Négociation", "Negotiation", "PENDING", "En attente", "Pending", "WON", "Gagné", "Won", "LOST",
                   "Perdu", "Lost"]

WEST_PRESETS: dict[str, dict] = {
    "close": {
        "signature": [("status_type",), ("value_period",), ("annualized_value",), ("value_formatted",),
                      ("status_label",), ("date_won",)],
        "required": [("status_type",), ("value_period",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("lead_name",), "stage": ("status_label",), "status": ("status_type",),
            "amount": ("value",), "currency": ("value_currency",), "manager": ("user_name",),
            "pipeline": ("pipeline_name",), "created_at": ("date_created",), "won_at": ("date_won",),
            "lost_at": ("date_lost",),
        },
        "status_values": CLOSE_STATUS_TYPES,
        # the amount is in cents: divided by this, and checked against the file's display of it
        "amount_divisor": 100, "amount_shown": ("value_formatted",),
        "date_order": None, "won": [], "lost": [],
    },
    "close_leads": {
        "signature": [("status_label",), ("status_id",), ("display_name",), ("primary_contact_name",),
                      ("date_created",), ("url",)],
        "required": [("status_label",), ("display_name",)],
        "fields": {"deal_id": ("id",), "deal_name": ("display_name",), "stage": ("status_label",),
                   "created_at": ("date_created",)},
        "date_order": None, "won": ["Customer"], "lost": ["Bad Fit"], "stage_order": CLOSE_LEAD_STATUSES,
    },
    "zendesk_sell": {
        "signature": [("added on",), ("last stage change at",), ("hot",), ("estimated close date",),
                      ("unqualified reason",), ("loss reason",)],
        "required": [("added on",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "stage": ("stage",), "amount": ("value",),
            "currency": ("currency",), "manager": ("owner",), "created_at": ("added on",),
            "expected_close": ("estimated close date",), "stage_changed_at": ("last stage change at",),
            "lost_reason": ("loss reason", "unqualified reason"), "source": ("source",),
        },
        "date_order": None, "won": ["Won", "Abgeschlossen"], "lost": ["Unqualified", "Lost", "Nicht qualifiziert", "Verloren"],
        "stage_order": ZENDESK_SELL_STAGES,
    },
    "espocrm": {
        # attribute names as headers; ``lastStage`` the stage a Closed Lost opportunity stopped at
        "signature": [("amountcurrency",), ("assignedusername", "assigneduserid"), ("laststage",), ("closedate",),
                      ("createdat",), ("leadsource",)],
        "required": [("amountcurrency",), ("assignedusername", "assigneduserid")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "amount": ("amount",), "currency": ("amountcurrency",),
            "stage": ("stage",), "lost_stage": ("laststage",), "manager": ("assignedusername", "assigneduserid"),
            "source": ("leadsource",), "expected_close": ("closedate",), "created_at": ("createdat",),
        },
        "date_order": None, "won": ["Closed Won"], "lost": ["Closed Lost"], "stage_order": ESPOCRM_STAGES,
    },
    "dolibarr": {
        # Projects / opportunities export (modProjet: cls.code, p.opp_percent, p.opp_amount) with the
        # labels of Dolibarr's French and English interface
        "signature": [("statut opportunité", "opportunity status"), ("montant opportunité", "opportunity amount"),
                      ("réf. projet", "ref. project"), ("libellé projet", "project label"),
                      ("probabilité opportunité", "probabilité d'opportunité", "opportunity probability")],
        "required": [("statut opportunité", "opportunity status")],
        "fields": {
            "deal_id": ("réf. projet", "ref. project", "id projet", "project id"),
            "deal_name": ("libellé projet", "project label"), "stage": ("statut opportunité", "opportunity status"),
            "amount": ("montant opportunité", "opportunity amount"),
            "created_at": ("date création", "date creation", "creation date"),
        },
        "date_order": "dmy", "won": ["WON", "Gagné", "Won"], "lost": ["LOST", "Perdu", "Lost"],
        "stage_order": DOLIBARR_STAGES,
    },
}
PRESETS.update(WEST_PRESETS)
# NetHunt's only systematic header is «Record ID»: a Zoho CRM or Bigin export (Record Id, Stage, Amount)
# has it too, with the «Deal Owner» and «Closing Date» every Zoho deal has
PRESETS["nethunt"]["excluded"] = [("deal owner",), ("closing date",)]
# Odoo's opportunities have an «Expected Revenue» and no «Amount»: a Zoho, Salesforce or Dynamics list
# has both, its «Expected Revenue» the amount weighted by the probability, and was read as Odoo's with the
# weighted sum as every deal's amount (survey 34: a Zoho «Potentials» export's revenue 773,250, not 741,900)
PRESETS["odoo"]["excluded"] = [("amount", "сумма", "сумма сделки", "бюджет", "金额", "商机金额", "opportunity amount",
                                "deal amount")]
# Bigin's real funnel is the Sub-Pipeline (each with its own stages), Pipeline its one parent
PRESETS["zoho"]["fields"] = {**PRESETS["zoho"]["fields"], "pipeline": ("sub-pipeline", "pipeline")}

# Survey 11 (no-code tools; evidence in tests/unit/test_crm_exports_nocode.py). ClickUp: a list's
# statuses are its workflow, so «Status» is the stage and «List Name» the pipeline; each date is written
# as text and as Unix milliseconds, the latter read (matcher._unix_twin_over_text). Trello: a board's
# lists are its stages («List Name»); «Archived» (a card put away) says nothing of won or lost and stays
# an attribute.
NOCODE_PRESETS: dict[str, dict] = {
    "clickup": {
        "signature": [("task id",), ("task name",), ("date created (unix)",), ("list name",), ("space name",),
                      ("assignees",)],
        "required": [("task id",), ("task name",)],
        "fields": {
            "deal_id": ("task id",), "deal_name": ("task name",), "stage": ("status",),
            "pipeline": ("list name",), "manager": ("assignees",),
            "created_at": ("date created (unix)", "date created"), "closed_at": ("date closed (unix)", "date closed"),
            "expected_close": ("due date (unix)", "due date"),
        },
        "date_order": None, "won": [], "lost": [],
    },
    "trello": {
        "signature": [("card id",), ("card name",), ("list name",), ("card url",), ("board name",), ("labels",)],
        "required": [("card name",), ("list name",)],
        "fields": {"deal_id": ("card id",), "deal_name": ("card name",), "stage": ("list name",),
                   "manager": ("members",), "expected_close": ("due date",)},
        "date_order": None, "won": [], "lost": [],
    },
}
PRESETS.update(NOCODE_PRESETS)

# Survey 12 (evidence: tests/unit/test_crm_exports_survey12.py). Teamleader Focus: a deal sits in a phase
# of its pipeline and has a status (open / won / lost); every new pipeline gets the phases New, Quotation
# sent, Accepted, Refused, which cannot be deleted (Teamleader's help, "Multiple Sales Pipelines"), so
# Accepted is the sale and Refused the loss. Its Excel export gives three dates, "date added", "date
# accepted" and "date refused" ("Importing deals"): the creation, the win and the loss. The headers and
# phases in Dutch and French are the same fields in the interface's language.
TEAMLEADER_STAGES = ["New", "Quotation sent", "Accepted", "Refused",
                     "Nieuw", "Offerte verzonden", "Aanvaard", "Geweigerd",
                     "Nouveau", "Offre envoyée", "Accepté", "Refusé"]

SURVEY12_PRESETS: dict[str, dict] = {
    "teamleader": {
        "signature": [("phase", "fase"), ("amount excl. vat", "bedrag excl. btw", "montant htva"),
                      ("date added", "datum toegevoegd", "date d'ajout"),
                      ("date accepted", "datum aanvaard", "date d'acceptation"),
                      ("date refused", "datum geweigerd", "date de refus"),
                      ("reason refused", "reden weigering", "raison du refus")],
        "required": [("date accepted", "datum aanvaard", "date d'acceptation",
                      "date refused", "datum geweigerd", "date de refus")],
        "fields": {
            "deal_id": ("number", "nummer", "numéro"), "deal_name": ("title", "titel", "titre"),
            "stage": ("phase", "fase"), "status": ("status", "statut"), "pipeline": ("pipeline",),
            "manager": ("responsible", "responsibility", "verantwoordelijke", "responsable"),
            "amount": ("amount excl. vat", "bedrag excl. btw", "montant htva"),
            "created_at": ("date added", "datum toegevoegd", "date d'ajout"),
            "won_at": ("date accepted", "datum aanvaard", "date d'acceptation"),
            "lost_at": ("date refused", "datum geweigerd", "date de refus"),
            "lost_reason": ("reason refused", "reden weigering", "raison du refus"),
            "expected_close": ("expected close date", "verwachte sluitingsdatum", "date de clôture prévue"),
            "source": ("source", "bron"),
        },
        "date_order": "dmy", "won": ["Accepted", "Aanvaard", "Accepté"], "lost": ["Refused", "Geweigerd", "Refusé"],
        "stage_order": TEAMLEADER_STAGES,
    },
}
PRESETS.update(SURVEY12_PRESETS)

# Survey 18 (evidence: tests/unit/test_survey18.py). Krayin CRM's leads export (DataGridExport: the grid's
# labels as headers, raw cells), in English and Chinese; its installer seeds one pipeline New → Follow Up →
# Prospect → Negotiation → Won / Lost (PipelineSeeder; the names of its en, zh_CN and ru lang files).
KRAYIN_STAGES = ["New", "Follow Up", "Prospect", "Negotiation", "Won",
                 "新建", "跟进", "潜在客户", "谈判", "赢单",
                 "Новая", "Потенциальная", "Переговоры", "Выиграна"]
# Twenty CRM's opportunity stage (a SELECT whose export writes the value, not its label)
TWENTY_STAGES = ["NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"]
# Odoo's default stages by external id (crm_stage_data.xml: stage_lead1 … stage_lead4, the last is_won), as an
# import-compatible export writes a stage picked by its «External ID»
ODOO_STAGE_XMLIDS = {"crm.stage_lead1": "New", "crm.stage_lead2": "Qualified", "crm.stage_lead3": "Proposition",
                     "crm.stage_lead4": "Won"}

SURVEY18_PRESETS: dict[str, dict] = {
    "krayin": {
        "signature": [("sales person", "销售人员"), ("lead value", "预估线索价值"), ("lead type", "线索类型"),
                      ("rotten lead", "滞留线索"), ("contact person", "联系人"), ("date to", "截止日期"),
                      ("tag name", "标签名称")],
        "required": [("lead value", "预估线索价值")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("subject", "主题"), "amount": ("lead value", "预估线索价值"),
            "manager": ("sales person", "销售人员"), "source": ("source", "来源"), "stage": ("stage", "阶段"),
            "expected_close": ("date to", "截止日期"), "created_at": ("created at", "创建时间"),
        },
        "date_order": None, "won": ["Won", "赢单", "Выиграна"], "lost": ["Lost", "失单", "Проиграна"],
        "stage_order": KRAYIN_STAGES,
    },
    "twenty": {
        # composite fields exported as «Field / Subfield» (Amount / Amount, Created by / Name)
        "signature": [("amount / amount",), ("amount / currency",), ("created by / source",),
                      ("created by / name",), ("position",), ("point of contact id", "point of contact"),
                      ("company id", "company")],
        "required": [("amount / amount",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "amount": ("amount / amount",),
            "currency": ("amount / currency",), "stage": ("stage",), "manager": ("owner id", "owner"),
            "expected_close": ("close date",), "created_at": ("creation date", "created at"),
        },
        "date_order": None, "won": ["CUSTOMER"], "lost": [], "stage_order": TWENTY_STAGES,
    },
    "odoo_fields": {
        # crm.lead exported "import-compatible": field names as headers, a relation by its external id
        # (``stage_id/id``) or its name (``stage_id``); an archived (``active`` False) opportunity is lost at
        # its stage, as in the labelled export (preset ``odoo``)
        "signature": [("stage_id/id", "stage_id"), ("user_id/id", "user_id"), ("expected_revenue", "planned_revenue"),
                      ("probability",), ("date_deadline",), ("team_id/id", "team_id"), ("partner_id/id", "partner_id"),
                      ("active",)],
        "required": [("stage_id/id", "stage_id"), ("expected_revenue", "planned_revenue", "date_deadline")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "amount": ("expected_revenue", "planned_revenue"),
            "stage": ("stage_id/id", "stage_id"), "manager": ("user_id/id", "user_id"),
            "created_at": ("create_date",), "expected_close": ("date_deadline",), "closed_at": ("date_closed",),
            "lost_reason": ("lost_reason_id/id", "lost_reason_id", "lost_reason"), "status": ("active",),
            "source": ("source_id/id", "source_id"),
        },
        "status_values": {"false": "lost", "true": STAGE_DECIDES},
        "stage_id_names": ODOO_STAGE_XMLIDS,
        "date_order": None, "won": ["Won", "赢得"], "lost": [], "stage_order": ODOO_DEFAULT_STAGES,
    },
    "wecom_scrm": {
        # a WeCom (企业微信) SCRM's customer list (jackLones/kj-scrm ExportCustomJob): 跟进状态 the follow-up
        # status, written with its count of follow-ups («跟进中（跟进2次）»: importer/stage_spellings.py)
        # WeCom's own customer export (survey 39: 客户名称, 添加人, 添加时间, 添加渠道, 企业标签, 跟进状态); the
        # follow-up states in their order, LinkWechat-Scrm's trackState «1:待跟进;2:跟进中;3:已成交;4:无意向;5:已流失»
        "signature": [("客户信息", "客户名称"), ("姓名/手机号/区域",), ("归属成员", "添加人"), ("跟进状态",),
                      ("加入时间", "添加时间"), ("标签", "企业标签")],
        "required": [("跟进状态",), ("归属成员", "加入时间", "添加人", "添加时间")],
        "fields": {"deal_name": ("客户信息", "客户名称"), "stage": ("跟进状态",), "manager": ("归属成员", "添加人"),
                   "created_at": ("加入时间", "添加时间"), "source": ("来源", "添加渠道")},
        "date_order": None, "won": ["已成交"], "lost": ["已拒绝", "无意向", "已流失"],
        "stage_order": ["待跟进", "跟进中", "已成交"],
    },
}
PRESETS.update(SURVEY18_PRESETS)

# Survey 19 (evidence: tests/unit/test_survey19.py). GetCourse's orders («Заказы» → Экспорт, also its «Сделки»):
# `;`, UTF-8 with a BOM, dates «01.12.2019 10:50»; the price's header names the account's currency («Стоимость,
# RUB»). Its order statuses (the API's new, in_work, payment_waiting, part_payed, payed, cancelled, false,
# waiting_for_return, not_confirmed, pending): «Завершен» is paid in full, the sale; «Ложный» a fake order and
# «Ожидаем возврата» a refund asked for are no sale. The statuses are GetCourse's own (no account adds any):
# an order not confirmed («Не подтвержден») or put off («Отложен») has gone no further than a new one, so
# both come right after it (placed later, every order put off would count as worked on and invoiced).
GETCOURSE_STAGES = ["Новый", "Не подтвержден", "Отложен", "В работе", "Ожидаем оплаты", "Частично оплачен", "Завершен"]
_GETCOURSE_PRICE = tuple(f"стоимость, {c}" for c in ("rub", "usd", "eur", "byn", "kzt", "uah", "руб.", "руб"))
SURVEY19_PRESETS: dict[str, dict] = {
    "getcourse_ru": {
        # a short export (a course's «Номер;Дата создания;Дата оплаты;Title;Статус;Заработано;Город;Платежная
        # система») as the full one (51 columns)
        "signature": [("дата оплаты",), ("заработано", "оплачено"), ("id заказа", "номер"), ("title", "состав заказа"),
                      ("платежная система", "комиссия платежной системы"), ("id пользователя", "пользователь")],
        "required": [("дата оплаты",), ("заработано", "оплачено")],
        "fields": {
            "deal_id": ("номер", "id заказа"), "deal_name": ("title", "состав заказа", "предложения"),
            "stage": ("статус",), "amount": _GETCOURSE_PRICE, "currency": ("валюта",),
            "created_at": ("дата создания",), "closed_at": ("дата оплаты",), "manager": ("менеджер",),
            "source": ("utm_source", "user_utm_source"), "lost_reason": ("причина отказа",),
        },
        "date_order": "dmy", "won": ["Завершен"], "lost": ["Отменен", "Ложный", "Ожидаем возврата"],
        "stage_order": GETCOURSE_STAGES,
    },
}
PRESETS.update(SURVEY19_PRESETS)

# Survey 37 (evidence: tests/unit/test_survey37.py). Deals read through two APIs and saved as a table, whose outcome
# is a number code and whose lost deals keep the stage they were at (so no stage can be named lost):
# - Flowlu's opportunities (`/api/v1/module/crm/lead/list`; field names from activepieces' Flowlu piece and a client
#   script): `active` 1 in progress, 2 lost, 3 won; `closing_date` the close and `deadline` the expected close;
#   `budget` the amount; stages and pipelines by id;
# - ActiveCampaign's deals (`/api/3/deals`, a Singer tap's DealsStream schema): `status` 0 open, 1 won, 2 lost;
#   `value` in cents («Deal's value in cents (i.e. $456.78 => 45678)», Pipedream's action after the API reference),
#   `currency` lower-case ISO; `cdate` the creation, `mdate` the last change (no close date: no cycle, said).
SURVEY37_PRESETS: dict[str, dict] = {
    "flowlu_api": {
        "signature": [("pipeline_stage_id",), ("closing_status_id",), ("assignee_id",), ("active",), ("budget",),
                      ("closing_date",), ("closing_comment",)],
        "required": [("pipeline_stage_id",), ("active",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "stage": ("pipeline_stage_id",), "pipeline": ("pipeline_id",),
            "status": ("active",), "amount": ("budget",), "manager": ("assignee_id",), "source": ("source_id",),
            "created_at": ("created_date",), "closed_at": ("closing_date",), "expected_close": ("deadline",),
            "lost_reason": ("closing_status_id",),
        },
        "status_values": {"1": "open", "2": "lost", "3": "won"},
        "date_order": None, "won": [], "lost": [],
    },
    "activecampaign_api": {
        "signature": [("cdate",), ("mdate",), ("winprobability",), ("nextdealid",), ("isdisabled",), ("hash",),
                      ("activitycount",)],
        "required": [("cdate",), ("status",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("title",), "stage": ("stage",), "pipeline": ("group",),
            "status": ("status",), "amount": ("value",), "currency": ("currency",), "manager": ("owner",),
            "created_at": ("cdate",),
        },
        "status_values": {"0": "open", "1": "won", "2": "lost"},
        "amount_divisor": 100,
        "date_order": None, "won": [], "lost": [],
    },
    # Tilda's leads («Заявки» → export, `;`): `tranid;formid;formname;Name;Phone;Email;…;referer;utm_source;…;sent`
    # (a Go importer's test copy of a real export), and its CRM's export of the same leads with `Дата`, `Сумма
    # заказа` and `Stage` («Входящие» for every lead; a Django import's header "verified against the May 2026
    # export"). `sent` is when the form was sent: the lead's creation; `tranid` its id. No outcome: a list of leads
    "tilda": {
        "signature": [("tranid",), ("formid",), ("formname",), ("sent",), ("referer",), ("cookies",)],
        "required": [("tranid",), ("formid",)],
        "fields": {
            "deal_id": ("tranid",), "deal_name": ("name", "название", "имя"), "created_at": ("sent", "дата"),
            "source": ("utm_source",), "amount": ("сумма заказа", "сумма"), "stage": ("stage",),
        },
        "date_order": None, "won": [], "lost": [],
    },
}
PRESETS.update(SURVEY37_PRESETS)

# Survey 50: API answers of two services the README did not name.
# SendPulse CRM's ``/crm/v1/deals/get-list`` (its OpenAPI: ``data[]`` of ``id, pipelineId, stepId, status,
# responsibleId, name, price, currency, sourceType {id, name}, createdAt, updatedAt``; «"status" field values: 0 =
# inactive, 1 = active, 2 = fail, 3 = success»). No close date. An inactive deal (0) says nothing of a sale: left
# unread, and said with its value. Its pipelines' ``steps`` name the step ids (json_reader.NESTED_RECORDS).
# YCLIENTS' ``/api/v1/records/{company_id}`` (answers in public code: ``services[] {cost, amount}`` — ``amount`` is
# the quantity —, ``staff {name}``, ``create_date``, ``datetime`` of the visit, ``attendance`` 2 confirmed, 1 came,
# 0 waiting, -1 did not come): a booking is a deal won when the client came, lost when they did not; no stages
SURVEY50_PRESETS: dict[str, dict] = {
    "sendpulse_api": {
        "signature": [("stepid",), ("pipelineid",), ("responsibleid",), ("sourcetype.name", "sourcetype.id"),
                      ("hasexpense",), ("createdat",), ("updatedat",)],
        "required": [("stepid",), ("pipelineid",), ("responsibleid",)],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "stage": ("stepid",), "pipeline": ("pipelineid",),
            "status": ("status",), "amount": ("price",), "currency": ("currency",), "manager": ("responsibleid",),
            "source": ("sourcetype.name",), "created_at": ("createdat",),
        },
        "status_values": {"1": "open", "2": "lost", "3": "won"},
        "date_order": None, "won": [], "lost": [],
    },
    "yclients_api": {
        "signature": [("visit_attendance",), ("attendance",), ("seance_length",), ("visit_id",), ("staff_id",),
                      ("create_date",), ("company_id",)],
        "required": [("visit_attendance", "attendance"), ("seance_length", "length")],
        "fields": {
            "deal_id": ("id",), "status": ("attendance", "visit_attendance"), "manager": ("staff.name",),
            "amount": ("services.cost",), "created_at": ("create_date",), "closed_at": ("datetime",),
        },
        "status_values": {"1": "won", "-1": "lost", "0": "open", "2": "open"},
        "date_order": None, "won": [], "lost": [],
    },
}
PRESETS.update(SURVEY50_PRESETS)

# Survey 50 (h5): two API answers read wrong.
# SalesDrive's ``/api/order/list/`` (``data[]`` of orders: ``id, formId, version, orderTime, updateAt, paymentDate,
# statusId, rejectionReason, userId, paymentAmount, …, utmSource``: dannychirkov/salesdrive-api's ``Order`` type;
# a dashboard's saved ``orders.json``, valeriia-real/dashboardSalesDriveApi, has ``id, orderTime, statusId,
# paymentAmount``). ``userId`` is the order's manager (the same type's ``salesdrive_manager`` sets it), a user id:
# left out before as a visitor's id (``^userid$``), so the Managers page had nothing; its own ``meta.fields.userId``
# options name the ids where the answer has them (json_reader), else they stay ids, said (``people.ids_only``).
# LPTracker's leads (``/lead/{project}/list``, its PHP SDK's ``Lead``: ``id, contact_id, name, funnel`` / ``stage_id``
# (both the lead's stage), ``owner``, ``created_at`` / ``lead_date`` «d.m.Y H:i», ``deal_date``, ``payments[] {category,
# purpose, sum}``, ``view {source, campaign, …}``; a bot reading the list sorts it by ``updated_at``). ``deal_date``,
# the date of the deal, is the only date after the creation: read as the close (a closed lead's cycle ends there;
# ``updated_at`` is any edit, never a close). No status-change date exists in the answer.
SURVEY50_H5_PRESETS: dict[str, dict] = {
    "salesdrive_api": {
        "signature": [("statusid",), ("userid",), ("ordertime",), ("paymentamount",), ("formid",), ("utmsource",),
                      ("primarycontact.id", "primarycontact.fname", "prefix:primarycontact.")],
        "required": [("statusid",), ("ordertime",)],
        "fields": {
            "deal_id": ("id",), "stage": ("statusid",), "manager": ("userid",), "created_at": ("ordertime",),
            "amount": ("paymentamount",), "source": ("utmsource",),
        },
        "date_order": None, "won": [], "lost": [],
    },
    "lptracker_api": {
        "signature": [("lead_date", "created_at"), ("deal_date",), ("contact_id",), ("funnel", "stage_id"),
                      ("payments.sum", "payments.category"), ("view.source", "view.campaign", "view.id"), ("owner",)],
        "required": [("deal_date", "lead_date"), ("payments.sum", "payments.category", "view.source", "view.id")],
        "fields": {
            "deal_id": ("id",), "deal_name": ("name",), "stage": ("stage_id", "funnel"),
            "created_at": ("created_at", "lead_date"), "closed_at": ("deal_date",), "amount": ("payments.sum",),
            "manager": ("owner", "owner_id"), "source": ("view.source",),
        },
        "date_order": "dmy", "won": [], "lost": [],
    },
}
PRESETS.update(SURVEY50_H5_PRESETS)
