"""Issue 16, survey 23: exports of Brazilian teams and a connector's split streams (values invented; shapes from
public sources; numbers worked out by hand):

- **Kommo's leads export in Portuguese**: the columns six public readers of such files require or list ('ID', 'Lead
  título', 'Contato principal', 'Etapa do lead', 'Funil de vendas', 'Venda', 'Data Criada', 'Criado por', 'Última
  modificação', 'Modificado por', 'Lead tags', 'Lead usuário responsável', 'Motivo de insucesso', and the close as
  'Data Fechada', 'Data de fechamento' or 'Fechado em'); a PT account's statuses (142 «Venda ganha», 143 «Venda
  perdida», «Incoming leads» → «Contato inicial» → «Oferta feita» → «Negociação»). Before: refused (no stage);
  mapped by hand, amount, manager, pipeline, dates and lost reason unread without a word.
- **A Kommo account's lost stages with their reason in brackets** («Perdido (Sem resposta)», «Perdido (Preço)»: a
  report script of such an account reads «perdido» + reason as lost): drawn as open steps after the sale.
- **HubSpot in Portuguese with a team's own properties** (a public dashboard's columns: «[IS/SDR] SDR Responsável»,
  «[IS] Origem do lead», its won stages «Fechado» and «Pago»): no manager, no source, no won deal, the closing stages
  placed before the meetings.
- **Freshsales through Airbyte** (the connector's test records: streams ``open_deals``, ``won_deals``, ``lost_deals``
  of one record shape): only ``open_deals`` was read, 6 deals of 14, no win.
"""

from __future__ import annotations

import json

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

KOMMO_PT = (
    "ID,Lead título,Contato principal,Etapa do lead,Funil de vendas,Venda,Data Criada,Criado por,Última modificação,"
    "Modificado por,Lead tags,Lead usuário responsável,Motivo de insucesso,Data Fechada\n"
    "501,Lead #501,Maria,Incoming leads,Funil de vendas,0,03.03.2025 09:00:00,Robot,03.03.2025 09:00:00,Robot,site,,,\n"
    "502,Lead #502,João,Contato inicial,Funil de vendas,1500,03.03.2025 10:00:00,Ana,05.03.2025 11:00:00,Ana,site,"
    "Bruno Lima,,\n"
    "503,Lead #503,Paula,Venda ganha,Funil de vendas,3200,04.03.2025 10:00:00,Ana,14.03.2025 10:00:00,Ana,,Ana Souza,,"
    "14.03.2025 10:00:00\n"
    "504,Lead #504,Rafael,Venda perdida,Funil de vendas,900,04.03.2025 15:00:00,Bruno,10.03.2025 09:00:00,Bruno,,"
    "Bruno Lima,Sem resposta,10.03.2025 09:00:00\n"
    "505,Lead #505,Luana,Oferta feita,Funil de vendas,2100,05.03.2025 08:00:00,Carla,09.03.2025 14:00:00,Carla,,"
    "Carla Dias,,\n"
    "506,Lead #506,Tiago,Venda ganha,Funil de vendas,4800,05.03.2025 13:00:00,Carla,25.03.2025 13:00:00,Carla,,"
    "Carla Dias,,25.03.2025 13:00:00\n"
    "507,Lead #507,Bianca,Negociação,Funil de vendas,2700,07.03.2025 10:00:00,Bruno,11.03.2025 15:00:00,Bruno,,"
    "Bruno Lima,,\n")


def test_kommo_leads_export_in_portuguese(mem_store):
    info, _built, _ = import_file(mem_store, KOMMO_PT.encode(), "leads_export.csv")
    mapping = info.meta["mapping"]
    assert mapping["preset"] == "kommo_pt"
    assert {f: mapping["fields"].get(f) for f in ("amount", "manager", "pipeline", "created_at", "closed_at",
                                                   "lost_reason")} == {
        "amount": "Venda", "manager": "Lead usuário responsável", "pipeline": "Funil de vendas",
        "created_at": "Data Criada", "closed_at": "Data Fechada", "lost_reason": "Motivo de insucesso"}
    # 7 leads: won 503 and 506 (3,200 + 4,800 = 8,000; cycles 10 and 20 days: median 15), lost 504, open 4
    assert outcome(mem_store, info) == (7, 2, 1, 4, 8000, 15.0)
    # the account's order: every open lead reached its stage and those before; the won two all; the lost one
    # (no stage it was lost at) only the first
    assert reached(mem_store, info) == [("Incoming leads", 7), ("Contato inicial", 5), ("Oferta feita", 4),
                                        ("Negociação", 3), ("Venda ganha", 2)]
    assert "stages.order_guessed" not in findings(mem_store, info)
    with mem_store.connect() as con:
        assert con.execute(f"SELECT lost_reason FROM ds_{info.id}.deals WHERE status = 'lost'").fetchall() == [
            ("Sem resposta",)]


def test_lost_stages_with_their_reason_in_brackets_are_lost(mem_store):
    leads = ("ID,Lead título,Etapa do lead,Funil de vendas,Venda,Data Criada,Lead usuário responsável\n"
             "1,A,Contato inicial,Funil de vendas,100,03.03.2025 09:00:00,Ana\n"
             "2,B,Serviço iniciado,Funil de vendas,200,03.03.2025 09:00:00,Ana\n"
             "3,C,Perdido (Sem resposta),Funil de vendas,300,04.03.2025 09:00:00,Ana\n"
             "4,D,Perdido (Preço),Funil de vendas,400,04.03.2025 09:00:00,Ana\n"
             "5,E,Perdido (Preço),Funil de vendas,500,05.03.2025 09:00:00,Ana\n")
    info, _built, _ = import_file(mem_store, leads.encode(), "leads.csv")
    with mem_store.connect() as con:
        kinds = dict(con.execute(f"SELECT stage, kind FROM ds_{info.id}.stages").fetchall())
    assert kinds["Perdido (Sem resposta)"] == kinds["Perdido (Preço)"] == "lost"
    assert outcome(mem_store, info)[2] == 3  # C, D, E


HUBSPOT_PT = (
    "ID do registro,Nome do negócio,Etapa do negócio,Data de criação,[IS/SDR] SDR Responsável,"
    "[IS/SDR] Closer Responsável,[IS] Origem do lead,Data de fechamento\n"
    "1,Clínica A,Novo lead,2025-02-03 09:00,Júlia,,Google Ads,\n"
    "2,Clínica B,Contato feito,2025-02-03 11:00,Júlia,,Instagram,\n"
    "3,Clínica C,Reunião agendada,2025-02-04 14:00,Pedro,Marcos,Lista fria,\n"
    "4,Clínica D,Fechado,2025-02-05 08:00,Júlia,Marcos,Google Ads,2025-02-15 08:00\n"
    "5,Clínica E,Pago,2025-02-05 16:00,Pedro,Renata,Indicação,2025-02-25 16:00\n"
    "6,Clínica F,Perdido,2025-02-06 10:00,Pedro,Renata,Lista fria,2025-02-13 10:00\n")


def test_hubspot_in_portuguese_with_a_teams_tagged_properties(mem_store):
    info, _built, _ = import_file(mem_store, HUBSPOT_PT.encode(), "hubspot-crm-exports-negocios.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["manager"], fields["source"]) == ("[IS/SDR] SDR Responsável", "[IS] Origem do lead")
    # won D and E (cycles 10 and 20 days), lost F, open A, B, C
    assert outcome(mem_store, info)[:4] == (6, 2, 1, 3)
    assert outcome(mem_store, info)[5] == 15.0
    stages = [s for s, _n in reached(mem_store, info)]
    assert stages[:3] == ["Novo lead", "Contato feito", "Reunião agendada"]
    assert set(stages[3:]) == {"Fechado", "Pago"}  # the sale, after every meeting
    with mem_store.connect() as con:
        assert con.execute(f"SELECT manager, count(*) FROM ds_{info.id}.deals GROUP BY 1 ORDER BY 1").fetchall() == [
            ("Júlia", 3), ("Pedro", 3)]


def _airbyte(stream: str, record: dict) -> str:
    return json.dumps({"stream": stream, "data": record, "emitted_at": 1682419141506})


def test_a_connectors_streams_split_by_outcome_are_one_table(mem_store):
    def deal(n, amount, closed, stage):
        return {"id": 17015628000 + n, "name": f"Deal {n}", "amount": amount, "closed_date": closed,
                "created_at": "2023-03-01T05:00:00-06:00", "deal_pipeline_id": 17000033935, "deal_stage_id": stage}
    lines = [_airbyte("open_deals", deal(1, 4500.0, None, 17000237830)),
             _airbyte("open_deals", deal(2, 3200.0, None, 17000237831)),
             _airbyte("won_deals", deal(3, 5000.0, "2023-03-11", 17000237835)),
             _airbyte("won_deals", deal(4, 3000.0, "2023-03-21", 17000237835)),
             _airbyte("lost_deals", deal(5, 800.0, "2023-03-05", 17000237836)),
             _airbyte("accounts", {"id": 1, "name": "Acme"})]
    info, _built, _ = import_file(mem_store, "\n".join(lines).encode(), "freshsales.jsonl")
    # 5 deals: open 2, won 2 for 8,000, lost 1; the accounts left out (said)
    assert outcome(mem_store, info)[:5] == (5, 2, 1, 2, 8000)
    split = findings(mem_store, info)["json.streams_split"][2]
    assert split["streams"] == "«open_deals», «won_deals», «lost_deals»" and split["left"] == "accounts (1)"
