"""Generic header synonyms per canonical field (EN / RU / ZH), and columns never worth keeping.

Source: the synonym table of ../shared/reference/crm-exports.md, plus plain spreadsheet spellings.
Entries are written as people type them; they are normalised once at import (:func:`normalized`).
A header listed under two fields (``Closed``: a Yes/No flag in Bitrix24, a date elsewhere) is
resolved by the sample values (see ``matcher``).
"""

from __future__ import annotations

import re
import unicodedata

from ..schema import FIELD_KINDS
from .normalize import DATE_PART, LOCAL_ENTITY_WORDS, header_tokens, normalize_header, without_entity

# Fields the mapper fills on top of schema.FIELD_KINDS (deal_name is already there; listed for clarity).
# stage_changed_at: Bitrix24 "Дата изменения стадии" — the close time of a deal that is closed.
HELPER_FIELDS: dict[str, str] = {"stage_changed_at": "date", "deal_name": "text"}
MAPPABLE_FIELDS: dict[str, str] = {**FIELD_KINDS, **HELPER_FIELDS}

# SalesMan CRM (Russian, open source) writes «Сумма.план.» (the deal's value; «Сумма.факт» is 0 until
# paid), «Куратор» (its manager) and «Статус.закрытия» (its outcome)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("ID", "Deal ID", "deal_id", "Record ID", "Record Id", "ID de registro", "Opportunity ID",
                "OpportunityId",
                # a Salesforce org keyed by its external id (survey 17: benjipeng/agentic-salesforce's Data Loader
                # files, OpportunityExtId__c in the deals and in their stage history)
                "Opportunity Ext Id", "Opportunity External Id", "Deal External Id", "Opportunity Number", "Opportunity No", "Deal Number", "Lead ID", "Prospect ID", "hs_object_id", "Item ID", "Номер", "Код", "ID сделки", "Номер сделки",
                "Номер заказа", "Order number", "№",  # an order list's number (RetailCRM, МойСклад, 1C lists)
                "编号", "商机编号",
                "商机ID", "ID编号", "序号", "单号"),
    "deal_name": ("Deal Name", "dealname", "Potential Name", "Name", "Title", "Deal title", "Lead title", "Opportunity Name", "Opportunity", "Topic",
                  "Название сделки", "Название", "Наименование", "Сделка", "商机名称", "名称", "标题"),
    "created_at": ("Created", "Created at", "created_at", "add_time", "Add time", "Create Date", "Created Date", "Created Time",
                   # a web form's lead (survey 17: salman1451/lead-automation-n8n's Airtable «SubmittedAt»)
                   "Submitted at", "Submitted on", "Submission date", "Date submitted",
                   "Created On", "Creation date", "Date created", "Deal created", "createdate", "date_create",
                   # a hand-kept sheet's «Date added» (survey 29), Pipedrive's «Deal - Added on»
                   "Date added", "Added on", "Added",
                   "First contact date", "Fecha de creación",
                   "Дата создания сделки", "Дата создания", "Создана", "Создано", "Дата начала", "Дата", "创建日期", "创建时间", "日期",
                   "Время"),  # a document list's date and time (МойСклад orders), when no other date says so
    "closed_at": ("Closed", "Closed at", "closed_at", "Closed date", "Closed on", "Deal closed on", "Close time",
                  "Closed time", "Actual Close Date", "Close Date (A)", "Close Date (Actual)", "Close month", "Closed month", "Date closed", "Дата закрытия", "Дата закрытия сделки", "Дата завершения", "Закрыта", "Закрыто",
                  "Фактическая дата закрытия", "成交日期", "关闭日期", "结束日期", "成交时间",
                  # a board or tracker used as a pipeline (survey 40): Jira's «Resolved», Asana's «Completed At»,
                  # Teambition's «完成时间»: when the card left the board, won or lost
                  "Resolved", "Resolved at", "Resolution date", "Date resolved", "Completed At", "Completed on",
                  "Date completed", "完成时间", "完成日期"),
    "stage": ("Stage", "Deal Stage", "Stage Name", "Opportunity Stage", "Opp Stage", "Lead status", "Sales Stage", "Furthest stage", "Furthest stage reached", "Pipeline Phase", "Pipeline Stage", "Step", "Funnel stage",
              "Этап сделки", "Стадия сделки", "Этап", "Стадия", "Этап воронки",
              "Статус заказа", "Order status",  # an order list's (RetailCRM): see mapping/order_status.py
              "阶段", "销售阶段", "商机阶段"),
    "status": ("Status", "Deal status", "Opp Status", "Opportunity Status", "Forecast Type", "Outcome", "Deal outcome", "Result", "Won/Lost", "Win/Loss",
               "Итог", "Результат", "Итог сделки", "结果", "Статус", "Статус сделки", "Статус закрытия", "Состояние", "状态", "商机状态"),
    "amount": ("Amount", "Value", "Deal value", "Close value", "Deal amount", "Won amount", "ACV", "TCV", "ARR", "Sale", "Income", "Budget", "Revenue", "Price", "Sum",
               "Amount in company currency", "Est. Revenue", "Expected Revenue", "Expected amount", "Expected value", "Estimated", "Estimated value", "Estimated amount", "Бюджет", "Сумма", "Сумма сделки", "Сумма план", "Стоимость",
               "Выручка", "金额", "商机金额", "销售额", "合同金额"),
    "currency": ("Currency", "Amount Currency", "Currency of Value", "Валюта", "货币", "币种",
                 "currency.iso", "currency.code"),  # a currency object flattened (Salesflare's API, survey 38)
    "manager": ("Owner", "Deal owner", "Opportunity Owner", "Owner ID", "Owner Name", "Responsible", "Responsible user", "Manager",
                "Sales rep", "SR", "Rep", "Sales owner", "Salesperson", "Sales agent", "Sales representative", "Account executive", "Assigned to", "Lead Owner", "Contact owner",
                # the rep who works a lead list (survey 15, jacobrobson15/Fleek-Task: assigned_bdr); not an SDR (Olist's
                # sdr_id qualified the lead, sr_id closed it)
                "BDR", "Assigned BDR", "Assigned rep",
                # a Salesforce report's owner by alias or full name (survey 16: sonalimarghade/CRTraining); Odoo's
                # import-compatible export names the salesperson by its external id (shivam1111/vapelife)
                "Opportunity Owner Alias", "Owner Alias", "Owner Full Name", "Opportunity Owner Full Name", "user_id/id",
                "Ответственный", "Менеджер", "Ответственный менеджер", "Куратор",
                "负责人", "销售", "销售员", "所有者", "跟进人"),
    "source": ("Source", "Lead Source", "Origin", "Analytics Source", "Original Source Type", "Channel", "Traffic source", "Source channel",
               # Dynamics 365's campaign the opportunity came from (survey 16: eboocock/d365-demo-generator); Odoo's
               # import-compatible source_id/id; amoCRM has no source field of its own, so accounts name one
               # (survey 16: mip.institute's «Источник рекламы»)
               "Source Campaign", "source_id/id", "Источник рекламы", "Источник трафика", "Канал привлечения",
               "Рекламный канал", "Источник лида", "Источник обращения", "Источник заявки",
               "Рекламный источник", "Откуда узнали", "Откуда узнал", "Откуда узнала",
               "Источник", "Источник сделки", "Канал", "来源", "渠道", "线索来源", "客户来源"),
    "variant": ("Variant", "Landing page", "landing_page", "Landing", "Version", "AB group", "Test group",
                "Вариант", "Страница входа", "Посадочная страница", "Лендинг", "版本", "落地页", "实验组"),
    "pipeline": ("Pipeline", "Pipeline name", "Funnel", "Воронка", "Направление", "销售漏斗", "漏斗", "管道"),
    "lost_reason": ("Lost reason", "Loss Reason", "Closed Lost Reason", "Reason For Loss", "Reason lost", "Won/Lost reason", "Absage - Grund", "Absagegrund",
                    "Status Reason", "Причина отказа", "Причина проигрыша", "Причина провала", "输单原因",
                    "丢单原因", "失败原因"),
    "closed_flag": ("Closed", "Is Closed", "Is Deal Closed?", "Сделка закрыта", "Закрыта", "Закрыто",
                    "是否关闭"),
    "won_flag": ("Won", "Is Won", "Is Closed Won", "Converted", "Is Converted", "Выиграна", "Конвертирован", "是否成交", "是否转化"),
    # HubSpot's «Is closed lost» (hs_is_closed_lost) beside «Is Closed Won»: a company's own lost stage
    # («Lost - no budget») is lost by it, where the stage's name says nothing
    "lost_flag": ("Lost", "Is Lost", "Is Closed Lost", "Closed Lost?", "Проиграна", "Проиграно", "是否输单", "是否丢单"),
    "won_at": ("Won time", "Won date", "Date won", "Дата выигрыша", "赢单日期",
               # a lead's conversion is its win (Salesforce Lead.csv ConvertedDate, Zoho's Converted Time)
               "Converted Date", "Converted Time", "Date converted", "Дата конвертации", "转化时间", "转化日期"),
    # the stage a lost deal was lost at (Olga-lab1/sales-pipeline-forecasting: ``stage`` «Closed Lost»,
    # ``lost_at_stage`` «Qualification»)
    "lost_stage": ("Lost at stage", "Lost stage", "Stage lost", "Stage lost at", "Closed lost stage",
                   "Этап проигрыша", "Этап отказа", "Этап потери", "输单阶段", "丢单阶段"),
    "lost_at": ("Lost time", "Lost date", "Date lost", "Дата проигрыша", "输单日期"),
    "expected_close": ("Close Date", "closedate", "Tentative Close Date", "Close Date (E)", "Close Date (Expected)", "Closing Date", "Expected close date", "Expected close", "Expected closing date", "Expected Closing", "Est. Close Date",
                       "Assumed close date", "Предполагаемая дата закрытия", "Планируемая дата закрытия",
                       "预计成交日期", "预计结束日期"),
    # Мегаплан's «Дата изменения статуса»: when a closed deal reached its outcome, so its close date
    "stage_changed_at": ("Stage change date", "stage_change_time", "Last stage change", "Last stage change date",
                         "last_stage_change_date", "Status change date",  # Salesflare's API (survey 38)
                         "Status changed", "Last status change", "Дата изменения стадии", "Дата изменения статуса",
                         "Дата смены статуса", "Дата смены этапа", "Дата смены стадии", "阶段变更日期", "状态变更日期"),
}

# -- Chinese CRM exports (issue 15): Zoho CRM in Chinese, 纷享销客 (Fxiaoke), 销售易 (Neocrm) and
# spreadsheets kept by Chinese sales teams. 结单日期 is the planned close date in these CRMs (like
# Zoho's "Closing Date"); 实际结单日期 the real one. Kept apart from the table above to ease merges.
ZH_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("记录ID", "商机编码", "机会编号", "销售机会编号"),
    "deal_name": ("销售机会名称", "机会名称", "商机主题", "商机"),  # 商机: Odoo's «Opportunity» in Chinese
    "created_at": ("录入时间", "商机创建时间", "创建于",
                   "gmt_create", "gmtCreate", "gmt_created"),  # Alibaba's convention: DingTalk's open API (survey 39)
    "closed_at": ("实际结单日期", "实际成交日期", "关单日期",
                  "finished-at", "finished_at", "Finished at"),  # SalesapCRM's JSON:API (survey 39)
    "stage": ("阶段名称", "当前阶段"),
    "status": ("阶段状态", "赢输状态", "商机结果"),
    "amount": ("成交金额", "销售金额", "预计金额", "总金额", "商机总金额", "预期收益", "预计收入"),  # Odoo: 预期收益
    "currency": ("币别", "货币类型"),
    "manager": ("商机负责人", "所有人", "拥有者", "销售负责人", "商机所有人", "归属人", "负责人名字", "负责人姓名"),
    "source": ("商机来源", "来源渠道", "获客渠道", "机会来源", "销售机会来源", "线索来源", "客户来源"),  # 销帮帮, CloudCC
    "pipeline": ("销售流程", "商机流程", "商机状态组"),  # 悟空CRM / 芋道: a group of stages, one sales process
    "lost_reason": ("输单理由", "丢单理由"),
    "won_at": ("赢单时间",),
    "lost_at": ("输单时间",),
    "expected_close": ("结单日期", "预计结单日期", "预计签单日期", "预期结束",
                       "planned-at", "planned_at", "Planned at"),  # SalesapCRM's JSON:API (survey 39)
}
# survey 8 (zh): amounts of a «线索商机» / bid DTO (预期金额, 预估金额) and of 简道云 (预计成交金额（元）); CordysCRM's
# 实际结束时间 (actualEndTime); 简道云's system field 提交时间 (when the record was submitted: its creation);
# a progress column holding 跟进中 / 已赢单 / 已丢单 (业务进度) is the status, 是否赢单 / 是否中标 the won flag;
# 纷享销客's 线索状态 (a lead's status: 未分配 → 待处理 → 跟进中 → 已转换) the stage of a leads funnel;
# 销售易's API field names (saleStageId, money, lostStageId, opportunityName) and 小满 OKKI's createTime
ZH_SYNONYMS["amount"] += ("预期金额", "预估金额", "预计成交金额")
ZH_SYNONYMS["closed_at"] += ("实际结束时间", "实际结束日期", "实际成交时间")
# survey 37: 小满 OKKI's 商机 list «关闭时间» (when the opportunity was closed; 关闭日期 was read, its time was not)
ZH_SYNONYMS["closed_at"] += ("关闭时间",)
ZH_SYNONYMS["created_at"] += ("提交时间",)
ZH_SYNONYMS["status"] += ("业务进度", "进展状态")
ZH_SYNONYMS["won_flag"] = ("是否赢单", "是否中标",
                           # survey 35: a hand-kept sheet's yes/no columns («赢单» TRUE/FALSE or √, «Успешно?»
                           # ИСТИНА/ЛОЖЬ, «Оплачено» Да/Нет): the flag only when its cells are yes/no (cell kinds)
                           "赢单", "成交", "已成交", "Успешно", "Успешна", "Оплачено", "Оплачена", "Paid")
ZH_SYNONYMS["lost_flag"] = ("输单", "丢单")
ZH_SYNONYMS["closed_flag"] = ("已关闭", "Закрыта?")
ZH_SYNONYMS["stage"] += ("线索状态", "saleStageId", "saleStage")
ZH_SYNONYMS["amount"] += ("money",)
ZH_SYNONYMS["lost_stage"] = ("lostStageId", "lostStage")
ZH_SYNONYMS["deal_name"] += ("opportunityName",)
ZH_SYNONYMS["created_at"] += ("createTime", "create_time")
for _field, _words in ZH_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# -- Spanish, Portuguese, German and French: HubSpot and Pipedrive write their headers in the user's
# language, and teams keep pipelines in spreadsheets of their own (an SMB's Spanish pipeline sheet:
# id, empresa, contacto, etapa, importe_eur, responsable, cierre_previsto, probabilidad). As in English,
# the CRM's "close date" of a deal is its expected close; a closed deal's close time falls back to it.
EU_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("ID do registro", "Oportunidade ID", "ID da oportunidade", "Datensatz-ID", "ID de fiche d'informations", "ID del negocio", "Deal-ID"),
    "deal_name": ("Nombre del negocio", "Nombre de la oportunidad", "Nome do negócio", "Deal-Name", "Titel",
                  "Nom de la transaction", "Nom de l'opportunité", "Título", "Deal - Titel"),
    "created_at": ("Fecha de creación", "Fecha creación", "Fecha alta", "Data de criação", "Data criação", "Criação",
                   "Criado em",
                   "Erstellungsdatum", "Erstellt am", "Date de création", "Créé le"),
    "closed_at": ("Fecha de cierre real", "Data de fechamento real", "Tatsächliches Abschlussdatum",
                  "Date de clôture réelle"),
    "stage": ("Etapa", "Etapa del negocio", "Etapa de la oportunidad", "Fase", "Fase de venta", "Etapa do negócio",
              "Estágio", "Phase", "Deal-Phase", "Vertriebsphase", "Étape", "Phase de la transaction",
              "Étape de la transaction"),
    "status": ("Estado", "Estado del negocio", "Situação", "Statut"),
    "amount": ("Importe", "Monto", "Valor", "Valor do negócio", "Betrag", "Wert", "Montant", "Valeur", "Deal - Wert"),
    "currency": ("Moneda", "Divisa", "Moeda", "Währung", "Devise"),
    "manager": ("Responsable", "Propietario", "Propietario del negocio", "Vendedor", "Comercial", "Responsável",
                "Dono", "Dono da oportunidade",
                "Proprietário", "Proprietário do negócio", "Deal-Inhaber", "Inhaber", "Verantwortlich",
                "Propriétaire", "Propriétaire de la transaction"),
    "source": ("Origen", "Fuente", "Canal", "Origem", "Fonte", "Quelle", "Herkunft", "Kanal", "Origine"),
    "pipeline": ("Embudo", "Funil", "Pipeline de negocios", "Vertriebspipeline", "Entonnoir"),
    "lost_reason": ("Motivo de pérdida", "Razón de pérdida", "Motivo da perda", "Verlustgrund",
                    "Raison de la perte", "Motif de perte"),
    "expected_close": ("Fecha de cierre", "Cierre previsto", "Fecha de cierre prevista", "Fecha prevista de cierre",
                       "Data de fechamento", "Previsão de fechamento", "Abschlussdatum",
                       "Voraussichtliches Abschlussdatum", "Date de clôture", "Date de fermeture",
                       "Date de clôture prévue"),
}
for _field, _words in EU_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words
# survey 23: the user a Kommo lead (or a team's HubSpot deal) is assigned to, and where it came from, in Portuguese
# («Lead usuário responsável»: Kommo's export; «[IS/SDR] SDR Responsável», «[IS] Origem do lead»: a Brazilian team's
# HubSpot properties) and Spanish
EU_SYNONYMS_23 = {
    "manager": ("Usuário responsável", "Lead usuário responsável", "SDR responsável", "Vendedor responsável",
                "Responsável pelo lead", "Responsável pelo negócio", "Usuario responsable", "Vendedor responsable"),
    "source": ("Origem do lead", "Origem do negócio", "Fonte do lead", "Origen del lead", "Fuente del lead",
               "Origen del negocio"),
}
for _field, _words in EU_SYNONYMS_23.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# -- CRMs of the "west" survey (Close, Zendesk Sell, Insightly, Capsule, vtiger, EspoCRM, Agile CRM,
# Nutshell): their own words for fields that have one above. Kept apart to ease merges.
WEST_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("Potential No",),  # vtiger's record number (POT123)
    "created_at": ("Added On", "Added at"),  # Zendesk Sell
    "stage": ("Milestone", "Current Stage"),  # Capsule, Agile CRM, Nutshell; Insightly
    "status": ("Opportunity State",),  # Insightly: Open, Suspended, Abandoned, Lost, Won
    "manager": ("User Responsible", "assignedUserName", "Assigned User"),  # Insightly; EspoCRM
}
for _field, _words in WEST_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# -- Survey 18 (tests/unit/test_survey18.py): a WeCom SCRM's customer export (jackLones/kj-scrm
# ExportCustomJob: 归属成员 the member it belongs to, 加入时间 when the customer was added; its 跟进状态 is
# the stage by its preset only: 芋道's 跟进状态 is a yes/no flag); Odoo's import-compatible field names
# where its preset is not chosen
SURVEY18_SYNONYMS: dict[str, tuple[str, ...]] = {
    "stage": ("stage_id/id",),
    "manager": ("归属成员",),
    "created_at": ("加入时间", "create_date"),
    "closed_at": ("date_closed",),
    "expected_close": ("date_deadline",),
}
for _field, _words in SURVEY18_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words
# Survey 19 (tests/unit/test_survey19.py): an ad platform's leads (巨量引擎 / 抖音: 线索ID, 线索阶段, 线索创建时间,
# 所属人, 流量来源) and a Chinese shop's orders (抖店: 主订单编号, 订单提交时间, 订单完成时间, 订单应付金额; 有赞:
# 订单号, 订单创建时间, 订单实付金额, 交易成功时间), whose 订单状态 is the order's stage (order_status.py)
SURVEY19_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("线索ID", "主订单编号", "订单编号", "订单号", "clue_id"),  # clue_*: 巨量引擎's API answer
    "stage": ("线索阶段", "订单状态", "clue_state_name"),
    "created_at": ("线索创建时间", "订单提交时间", "订单创建时间", "下单时间", "create_time_detail"),
    "closed_at": ("订单完成时间", "交易成功时间"),
    "amount": ("订单实付金额", "实付金额", "订单应付金额", "应付金额"),
    "manager": ("所属人", "clue_owner_name"),
    "source": ("流量来源",),
    "won_flag": ("y",),  # a machine-learning table's target (UCI bank marketing: did the client subscribe, yes/no)
}
# -- survey 20: Kingdee's (金蝶云星空) 商机 list (单据编号, 单据状态, 预计销售额（万元）, 输赢日期: the day it was
# won or lost); Roistat's deals sheet («The date of the order»)
SURVEY19_SYNONYMS["deal_id"] += ("单据编号",)
SURVEY19_SYNONYMS["status"] = ("单据状态",)
SURVEY19_SYNONYMS["amount"] += ("预计销售额", "销售额")
SURVEY19_SYNONYMS["closed_at"] += ("输赢日期",)
SURVEY19_SYNONYMS["created_at"] += ("The date of the order", "Order date", "Дата заказа")
# -- survey 21: RD Station CRM's API ``win`` (true/false/empty) and ``amount_total``, its UI's «Valor Único»;
# Axonaut's ``is_win`` and ``pipe_step_name``; weclapp's «Umsatz», «Vertriebsmitarbeiter», «Nummer»
SURVEY19_SYNONYMS["won_flag"] += ("win", "is_win")
SURVEY19_SYNONYMS["amount"] += ("amount_total", "Valor Único", "Valor total", "Umsatz", "Erwarteter Umsatz")
SURVEY19_SYNONYMS["stage"] += ("pipe_step_name",)
SURVEY19_SYNONYMS["manager"] += ("Vertriebsmitarbeiter", "Vertriebsmitarbeiter/in")
SURVEY19_SYNONYMS["deal_id"] += ("Nummer",)
# -- survey 21b: lead forms: Typeform's «Submit Date», Google Forms' «Отметка времени» (its «Timestamp»), a
# Google Ads lead form's ``lead_submit_time`` and ``lead_stage``
SURVEY19_SYNONYMS["created_at"] += ("Submit Date", "Submit Date (UTC)", "Отметка времени", "lead_submit_time")
SURVEY19_SYNONYMS["stage"] += ("lead_stage",)
SURVEY19_SYNONYMS["source"] += ("Откуда вы о нас узнали?", "Откуда вы узнали о нас?", "Как вы о нас узнали?",
                                "How did you hear about us?", "Where did you hear about us?", "您是如何了解到我们的？")
for _field, _words in SURVEY19_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words
# -- survey 22: international CRMs with a Russian or Chinese interface. Salesforce Classic's zh_CN labels
# (业务机会所有人, 业务机会名, 已结束 = IsClosed, 已赢得 = IsWon, 潜在客户来源 = Lead Source); Odoo 17's ru.po
# (Ожидаемый доход, Менеджер по продажам) and its Chinese 预期收入; Dynamics 365's «Предполагаемый доход» (Est.
# Revenue) and «Этап конвейера» / 管道阶段 (Pipeline Phase); an owner in Russian («Владелец сделки», «Владелец
# возможности»: Zoho's and Salesforce's Deal / Opportunity Owner); Zoho's «Время создания» (Created Time)
SURVEY22_SYNONYMS: dict[str, tuple[str, ...]] = {
    "manager": ("业务机会所有人", "商机所有者", "Владелец", "Владелец сделки", "Владелец возможности",
                "Менеджер по продажам"),
    "deal_name": ("业务机会名", "业务机会名称", "Возможность", "Название возможности"),
    "deal_id": ("业务机会 ID", "ID записи", "Код возможности"),
    "amount": ("预期收入", "价值", "Предполагаемый доход", "Ожидаемый доход", "Ожидаемая выручка", "Ожидаемая прибыль"),
    "created_at": ("Время создания", "建立时间", "建立日期"),  # Taiwan's 建立時間 (its «created» is 建立)
    "closed_flag": ("已结束",),
    "won_flag": ("已赢得",),
    "stage": ("Этап конвейера", "Этап продаж", "管道阶段", "流程阶段"),
    "source": ("潜在客户来源", "Источник интереса"),
}
for _field, _words in SURVEY22_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# -- Survey 10 (locales): the headers of CRM exports in the user's language, each as its CRM writes the
# field (after the entity prefix a Pipedrive export puts before it: «Deal - », «Negócio - », «Trato - »,
# «Affaire - », see normalize.LOCAL_ENTITY_WORDS). Evidence and confidence per CRM and language: the
# docstring of tests/unit/test_crm_exports_locales.py. Kept apart to ease merges.
LOCALE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("ID record",),  # HubSpot it
    "deal_name": ("Titre",  # Pipedrive fr
                  "Nome trattativa",  # HubSpot it
                  "Nombre de Trato",  # Zoho CRM es
                  "商談名",  # Salesforce ja
                  "取引名"),  # HubSpot ja
    "created_at": ("Deal erstellt",  # Pipedrive de
                   "Negócio criado em",  # Pipedrive pt
                   "Trato creado",  # Pipedrive es
                   "Negocio creado el",  # Pipedrive es, the deal named «Negocio» (session 47)
                   "Affaire créée",  # Pipedrive fr
                   "Erstelldatum",  # Salesforce de
                   "Data di creazione",  # HubSpot it
                   "Hora de creación",  # Zoho CRM es (Created Time)
                   "作成日"),  # Salesforce ja
    "closed_at": ("Deal abgeschlossen am",  # Pipedrive de («Deal closed on»)
                  "Negócio fechado em"),  # Pipedrive pt
    "won_at": ("Datum des gewonnenen Deals",  # Pipedrive de
               "Ganho em",  # Pipedrive pt
               "Date de gain",  # Pipedrive fr
               "Fecha en la que se ganó",  # Pipedrive es
               "Fecha de ganado"),  # Pipedrive es, «Negocio - Fecha de ganado» (session 47)
    "lost_at": ("Datum des verlorenen Deals", "Data de perda", "Date de perte", "Fecha en la que se perdió"),
    "stage_changed_at": ("Letzte Phasenänderung",  # Pipedrive de («Last stage change»)
                         "Última alteração de etapa",  # Pipedrive pt
                         "Data di entrata nella fase corrente"),  # HubSpot it («Date entered current stage»)
    "stage": ("Fase trattativa",  # HubSpot it
              "フェーズ",  # Salesforce ja
              "取引ステージ"),  # HubSpot ja
    "amount": ("Importo",  # HubSpot it
               "金額"),  # Salesforce ja (the Japanese 額 of the Chinese 金额 above)
    "currency": ("Moeda de Valor",),  # Pipedrive pt («Currency of Value»)
    "manager": ("Besitzer",  # Pipedrive de
                "Proprietario della trattativa",  # HubSpot it
                "Propietario de Trato",  # Zoho CRM es
                "Propriétaire de l'opportunité",  # Salesforce fr
                "Proprietário da oportunidade"),  # Salesforce pt
    "source": ("リードソース",  # Salesforce ja (Lead Source)
               "Fuente de Posible cliente"),  # Zoho CRM es (Lead Source)
    "pipeline": ("パイプライン",),  # HubSpot ja
    "expected_close": ("Schlusstermin",  # Salesforce de (CloseDate)
                       "完了予定日",  # Salesforce ja (CloseDate)
                       "Data di chiusura",  # HubSpot it (closedate)
                       "クローズ日",  # HubSpot ja (closedate)
                       "Data de fechamento esperada"),  # Pipedrive pt («Expected close date»)
    "won_flag": ("Gewonnen",  # Salesforce de (Won)
                 "È con chiusura vinta"),  # HubSpot it (Is Closed Won)
    "lost_flag": ("È con chiusura persa",),  # HubSpot it (Is closed lost)
    "closed_flag": ("Geschlossen",),  # Salesforce de (Closed)
}
for _field, _words in LOCALE_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# -- Survey 11 (no-code tools): the headers of the pipelines small teams keep in ClickUp and Trello, as
# their CSV exports write them. ClickUp writes each date twice, as text and as Unix milliseconds
# («Date Created», «Date Created (Unix)»): the Unix one reads in any locale. A Trello board's lists are
# its stages («List Name»). Evidence and confidence: tests/unit/test_crm_exports_nocode.py.
NOCODE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("Task ID",  # ClickUp
                "Card ID"),  # Trello
    "deal_name": ("Task Name", "Card Name"),
    "created_at": ("Date Created (Unix)",),
    "closed_at": ("Date Closed (Unix)",),
    "expected_close": ("Due Date (Unix)",),
    "manager": ("Assignees", "Members",  # ClickUp, Trello
                "Person"),  # monday.com's default people column
}
for _field, _words in NOCODE_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# -- Survey 12 (evidence: tests/unit/test_crm_exports_survey12.py). kintone (Cybozu, Japan) names the
# system fields of every app the same: «レコード番号» (record number), «作成日時» (created), «更新日時»
# (updated), «作成者» / «更新者» (creator / updater), «ステータス» (the process-management status: a
# workflow step) and «作業者» (its assignee); its sample app «案件管理» (deals) adds «見込み時期» (expected
# close), «確度» (a confidence rank A/B/C), «単価» × «ユーザー数» = «小計» (the deal's money). «担当者» /
# «営業担当» are a sales app's rep, «受注日» / «失注日» the win and the loss. Streak (a Gmail CRM) writes its
# magic columns «Date of Last Stage Change» (when a closed box reached its end stage) and its templates'
# «Deal Size». Kept apart to ease merges.
SURVEY12_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("レコード番号",),
    "deal_name": ("案件名", "商談名称"),
    "created_at": ("作成日時", "登録日時", "登録日"),
    "status": ("ステータス",),
    "amount": ("小計", "見込み金額", "受注金額", "合計金額", "Deal Size"),
    "manager": ("担当者", "営業担当", "営業担当者"),
    "expected_close": ("見込み時期", "受注予定日"),
    "won_at": ("受注日",),
    "lost_at": ("失注日",),
    "stage_changed_at": ("Date of Last Stage Change",),
}
for _field, _words in SURVEY12_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# SalesMan CRM's deal reports (its reports/*.php «get_csv»: «#;Дата создан.;Дата план.;Этап сделки;Заказчик;
# Источник клиента;Ответств.;Описание;Сумма сделки, р.»): abbreviated headers
SALESMAN_REPORT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "created_at": ("Дата создан.",),
    "expected_close": ("Дата план.", "Плановая дата", "Плановая дата закрытия"),
    "manager": ("Ответств.",),
    "source": ("Источник клиента",),
}
for _field, _words in SALESMAN_REPORT_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# -- Ukrainian: Bitrix24's and amoCRM's deal lists in a Ukrainian account (the Russian headers' words in
# Ukrainian: «Стадія угоди», «Сума», «Відповідальний», «Дата створення»; translations, no export seen)
UK_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_name": ("Назва угоди", "Назва"),
    "stage": ("Стадія угоди", "Стадія", "Етап угоди", "Етап"),
    "amount": ("Сума", "Сума угоди"),
    "manager": ("Відповідальний", "Відповідальна особа"),
    "created_at": ("Дата створення", "Створено", "Створена"),
    "closed_at": ("Дата закриття",),
    "expected_close": ("Передбачувана дата закриття", "Очікувана дата закриття"),
    "source": ("Джерело",),
    "pipeline": ("Напрямок",),
    "lost_reason": ("Причина відмови", "Причина програшу", "Причина провалу"),
    "closed_flag": ("Угода закрита",),
    "won_flag": ("Виграна",),
    "lost_flag": ("Програна",),
    "stage_changed_at": ("Дата зміни стадії",),
}
for _field, _words in UK_SYNONYMS.items():
    SYNONYMS[_field] = SYNONYMS[_field] + _words

# An expected-close column that is also the close date of a closed deal: the CRM's own «close date» field,
# which the CRM (or its users' routine) sets to the day a deal is won or lost (Salesforce CloseDate, HubSpot
# closedate and its headers in other languages, Zoho's Closing Date, Bitrix24's CLOSEDATE, 销售易's
# 结单日期 / closeDate). Only these stand in for a closed deal's missing close time; a header naming an
# expectation (预计成交日期, Expected close date, Предполагаемая дата закрытия) is a plan, never a close.
CLOSE_DATE_WHEN_CLOSED: tuple[str, ...] = (
    "Close Date", "closedate", "Closing Date", "结单日期",
    "Fecha de cierre", "Data de fechamento", "Abschlussdatum", "Date de clôture", "Date de fermeture",
    # Salesforce's CloseDate in its German and Japanese labels (完了予定日 reads "planned completion date",
    # yet is the CloseDate the CRM sets when the deal closes), HubSpot's closedate in Italian and Japanese
    "Schlusstermin", "完了予定日", "Data di chiusura", "クローズ日",
)

# `source` falls back to these when the file has no source column of the CRM's own.
# a lead form's campaign, where nothing names the source (Meta Lead Ads' ``campaign_name``; a form's hidden
# ``utm_campaign``): the ad a lead came from, the marketer's split (survey 21)
SOURCE_FALLBACK: tuple[str, ...] = ("utm_source", "UTM Source", "Рекламная система", "campaign_name", "Campaign name",
                                    "utm_campaign", "utmSource",  # SalesDrive's order (survey 41)
                                    "view.source",  # LPTracker's lead: its visit's source (survey 42)
                                    "marketing.utm_source",  # KeyCRM's order with its marketing object (survey 45)
                                    # survey 47: WooCommerce's order attribution (its order export's meta columns),
                                    # a Calltouch request's session
                                    "meta:_wc_order_attribution_utm_source", "_wc_order_attribution_utm_source",
                                    "session.source", "session.utmSource",
                                    "Кампания", "Рекламная кампания")  # VK Реклама's lead form download (survey 47)

# Generic entity prefixes (Pipedrive "Deal - ", Czech "Obchod - ", and those of normalize.LOCAL_ENTITY_WORDS:
# «Negócio - », «Trato - », «Affaire - ») tried off when nothing matches.
ENTITY_PREFIX = re.compile(r"^(?:deal|obchod|opportunity|lead|сделка|商机|" + "|".join(LOCAL_ENTITY_WORDS)
                           + r")\s*[-:]\s*")

# Columns not kept as extra attributes: contact details, free text, ids of related records, audit
# columns, per-visitor tracking ids, Dynamics checksums. Matched on the normalised header.
SKIP_PATTERNS = re.compile(
    r"(?:phone|телефон|telefon|^(?:person|osoba|pessoa|persona|personne) - |e-?mail|email|почта|\bfax\b|факс|^web$|address|адрес|должность|"
    r"\bnotes?\b|примечание|comment|комментари|description|описание|\.id$|\bid\)?$|do not modify|не изменять|请勿修改|"
    r"^кем |created by|creator|criado por|creado por|créée? par|erstellt von|за контакт|modified|редактир|^дата изменения$|update time|last activity|"
    r"полное имя|^контакт|contact|pessoa de contato|persona de contacto|kontaktperson|^(?:first|last|middle) ?name$|^фамилия$|^отчество$|^имя$|^名字$|^姓$|"
    r"^(?:item|transaction|product|session|user|order|event)id$|^user_session$|^(?:_ym_uid|_ym_counter|gclid|yclid|fbclid|gclientid|roistat|cid|uid|tid)$|"
    r"^(?:сумма/валюта|amount/currency)$|"  # Bitrix24's formatted money: not a safe source
    r"^(?:date exited|cumulative time in|time in|latest time in) )"
)
# Longest sample cell (characters) still kept as an attribute; longer ones are free text.
MAX_ATTRIBUTE_CHARS = 200


def normalized(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize_header(w) for w in words))


# survey 41: 伙伴云's customer table (销售人员 the rep, 客户阶段 the stage, 流失状态 已流失 / 未流失 the outcome);
# KeyCRM's ``grand_total`` (an order) and ``products_total`` (a lead card), SalesDrive's ``orderTime``, Ukrainian «Сума»
SYNONYMS["manager"] += ("销售人员", "销售代表",
                        "user_id.name")  # survey 42: Pipedrive /v1/deals' user_id {id, name, value}, the deal's owner
SYNONYMS["stage"] += ("客户阶段", "销售进度")
SYNONYMS["status"] += ("流失状态",)
SYNONYMS["amount"] += ("Grand total", "grand_total", "Order total", "products_total", "Products total", "Сума",
                       "Сума замовлення")
SYNONYMS["created_at"] += ("orderTime", "ordered_at", "Ordered at",
                           "lead_date")  # survey 42/43: LPTracker's lead (``lead_date`` «01.03.2024 10:00``)
SYNONYMS["deal_id"] += ("数据ID",)  # 伙伴云's record id (survey 43)
# survey 44: FreshOffice's OData ``deal`` (``id_deal``, ``date_start``, ``summa`` — «сумма» in Latin letters, as Russian
# databases write it); Pyrus's form register (``current_step``); a 腾讯文档 sales sheet's «跟进阶段» (the follow-up stage)
SYNONYMS["deal_id"] += ("id_deal",)
SYNONYMS["amount"] += ("summa", "Summa")
SYNONYMS["created_at"] += ("date_start",)
SYNONYMS["stage"] += ("跟进阶段", "current_step", "Current step", "Текущий этап")
SYNONYMS["amount"] += ("paymentAmount", "payment_amount")  # SalesDrive: beside products.amount, a quantity
# session 44 (survey 44's rest): FreshOffice's ``date_finish`` (the close: ``date_plan`` is the planned one),
# ``info_source`` and ``priznak_deal`` («признак сделки»: «Сделка успешна», «Сделка провалена», the stage); Alfa CRM's
# leads (``/v2api/customer/index``): ``assigned_id`` the manager, ``lead_source_id`` the source, ``lead_reject_id``
# the reason a lead was archived (lost), ``is_study`` 1 a lead who became a paying student (won), ``summa_dogovora``
# («сумма договора», a custom field: ``custom_summa_dogovora``) the amount
SYNONYMS["closed_at"] += ("date_finish",)
SYNONYMS["source"] += ("info_source", "Источник информации", "lead_source_id")
SYNONYMS["stage"] += ("priznak_deal",)
SYNONYMS["manager"] += ("assigned_id",)
SYNONYMS["lost_reason"] += ("lead_reject_id", "reject_id", "reject_reason")
SYNONYMS["won_flag"] += ("is_study",)
SYNONYMS["amount"] += ("summa_dogovora", "custom_summa_dogovora", "Сумма договора")
# survey 47: Клиентская база's «Дата добавления»; Мегаплан API v3's ``timeCreated`` (``timeCreated.value``); Intrum's
# ``employee_id`` (the responsible employee); 腾讯广告's leads (``leads_id``, ``leads_create_time``, ``leads_follow_tag``
# its follow-up tag: 待跟进 … 已成交 / 无效); U-ON's ``manager_name`` / ``source_name`` beside their ids
SYNONYMS["created_at"] += ("Дата добавления", "Добавлено", "Добавлен", "timeCreated", "timeCreated.value",
                           "leads_create_time")
SYNONYMS["manager"] += ("employee_id", "manager_name")
SYNONYMS["source"] += ("source_name", "Istochnik")  # «источник» in Latin letters (Мегаплан's custom field)
SYNONYMS["created_at"] += ("dat",)  # U-ON's request: ``dat`` its creation, ``dat_close`` its close
SYNONYMS["deal_id"] += ("leads_id", "ID лида", "ID заявки")
SYNONYMS["stage"] += ("leads_follow_tag", "state.name")

# survey 50: Salebot's «Дата изменения этапа» (when the client moved to their step: the close of a closed one);
# YetiForce's «Actual date» (the sales process's actual close, beside «Estimated date»); YCLIENTS' ``staff.name``
# (the master who served the booking: its manager)
SYNONYMS["stage_changed_at"] += ("Дата изменения этапа", "Дата перехода на этап")
SYNONYMS["closed_at"] += ("Actual date",)
# session 48: a board card's or a task's finish is its close. Kaiten's ``last_moved_to_done_at`` (the ``KaitenCard``
# interface: when the card last went into a done column, a lost card's «Отказ» too), YouGile's «Дата выполнения»
# (a client's export script: the completion, beside «Дедлайн»); KeyCRM's pipeline card ``status_changed_at`` (when it
# reached its status: a closed card's close)
SYNONYMS["closed_at"] += ("last_moved_to_done_at", "Дата выполнения")
SYNONYMS["stage_changed_at"] += ("status_changed_at",)
SYNONYMS["manager"] += ("Staff",)

# survey 53: a Bitrix24 portal's deal reports as a travel agency's parser reads them (a public mapping of «Отчет по
# сделкам» and its older «Универсальный отчёт»): «Ответственное лицо» (the responsible person: the manager),
# «Сумма продажи» (the sale's sum: the amount, beside «Прибыль», the profit), and the required field of the lost stage
# «Причина стадии Сделка проиграна» (the reason asked when a deal enters «Сделка проиграна»: the lost reason)
SYNONYMS["manager"] += ("Ответственное лицо",)
SYNONYMS["amount"] += ("Сумма продажи", "Сумма продаж")
SYNONYMS["lost_reason"] += ("Причина стадии Сделка проиграна", "Причина стадии Сделка провалена")
# survey 50 (h5): 钉钉 (DingTalk) CRM's ``objectdata`` record names one person, ``creator_nick`` (its
# ``creator_userid``'s name); the owners are ``permission.owner_userids``, user ids only (MANAGER_FALLBACK below). The
# nickname is the deal's manager: before, no manager at all («No manager column»)
SYNONYMS["manager"] += ("creator_nick",)

NORMALIZED_SYNONYMS: dict[str, tuple[str, ...]] = {f: normalized(w) for f, w in SYNONYMS.items()}

# survey 40: a board or task tool kept as a pipeline (Kaiten, YouGile, Asana, Teambition, Jira): the card's column or
# section is its stage, its assignee the manager, the task's id the deal's. Read below the CRMs' own words (a file
# with both a «Stage» and a «Column» keeps «Stage»): the funnel was lost (12 open deals, 0 won) for these headers.
BOARD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "stage": ("Column", "Board column", "Section/Column", "Колонка", "Колонка доски", "Столбец", "任务分组", "看板列",
              # survey 41: Pipefy's «Current phase»; SalesDrive's order «statusId» (named by its answer's options)
              "Current phase", "Phase", "statusId"),
    "manager": ("Assignee", "Исполнитель", "Ответственный исполнитель", "执行者", "执行人"),
    "deal_id": ("Issue key", "Task ID", "task_id", "Card ID", "ID задачи", "ID карточки", "任务ID"),
}
NORMALIZED_BOARD_SYNONYMS: dict[str, tuple[str, ...]] = {f: normalized(w) for f, w in BOARD_SYNONYMS.items()}
BOARD_SCORE = 0.72  # under a CRM's word, its variants (0.8) and its tokens (0.78); over a code column (0.7)
# The same synonyms as words (camelCase / snake_case / punctuation split), for token matching.
TOKEN_SYNONYMS: dict[str, frozenset[str]] = {f: frozenset(header_tokens(x) for x in w) for f, w in SYNONYMS.items()}


def ascii_fold(text: str) -> str:
    """Latin letters without their accents (``criação`` -> ``criacao``), as a database's column names
    write them; other scripts unchanged (a Cyrillic «й» keeps its breve)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)) \
        if all(ord(c) < 0x250 for c in text) else text


FOLDED_TOKEN_SYNONYMS: dict[str, frozenset[str]] = {f: frozenset(ascii_fold(t) for t in w)
                                                    for f, w in TOKEN_SYNONYMS.items()}
# Fields matched only exactly (no fuzzy match): ``LEADID`` is the lead a deal came from, not the deal.
EXACT_ONLY = {"deal_id", "lost_stage"}  # «Lost stage» is no fuzzy «Last stage»
NORMALIZED_SOURCE_FALLBACK: tuple[str, ...] = normalized(SOURCE_FALLBACK)
# `manager` falls back to these when nothing names a person: DingTalk's owners as user ids (``permission`` flattened)
MANAGER_FALLBACK: tuple[str, ...] = normalized(("permission.owner_userids", "owner_userids", "permission.ownerStaffIds"))


def is_close_date_when_closed(header: str | None) -> bool:
    """Whether an expected-close column's header is one of :data:`CLOSE_DATE_WHEN_CLOSED`."""
    words = {ascii_fold(header_tokens(w)) for w in CLOSE_DATE_WHEN_CLOSED}
    tokens = DATE_PART.sub("", ascii_fold(header_tokens(header)))  # Fivetran's property_closedate, Tableau's «Day of …»
    return header is not None and (tokens in words or without_entity(tokens) in words)


# survey 49: Insightly's API v3.1 answers write UTC in the field's name (``DATE_CREATED_UTC``, the opportunity's
# creation; ``DATE_UPDATED_UTC`` its last change, no date of the deal): the creation was not found (cycle «—»)
SYNONYMS["created_at"] += ("DATE_CREATED_UTC", "Date Created UTC", "Created UTC")
NORMALIZED_SYNONYMS["created_at"] = normalized(SYNONYMS["created_at"])
TOKEN_SYNONYMS["created_at"] = frozenset(header_tokens(x) for x in SYNONYMS["created_at"])
FOLDED_TOKEN_SYNONYMS["created_at"] = frozenset(ascii_fold(t) for t in TOKEN_SYNONYMS["created_at"])
