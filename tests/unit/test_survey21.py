"""Issue 16, survey 21: CRMs of Brazil and Germany no test had (each file written here in the layout public
integration code shows; values invented, counts worked out by hand):

- RD Station CRM's deals as a sync keeps them from ``/api/v1/deals`` (``id, name, created_at, win, closed_at,
  user_name, deal_stage_name, …``; win true/false/empty): every deal open, no revenue, and «Sem contato» (not
  contacted yet) after «Contato feito».
- Agendor's deals flattened from ``/v3/deals`` (``dealStatus.name``, ``dealStage.name``, ``owner.name``): the
  JSON path's ``.name`` hid the status, every deal open.
- weclapp's «Verkaufschancen» (``;``, cp1252, ``1.000,00 €``): «Umsatz» (the amount) unread, with no word.
"""

from __future__ import annotations

from funnel.importer import import_file
from funnel.mapping.stage_ladder import ladder_order
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

# (stage, outcome, amount): 12 deals; won 5,000 + 6,000 + 7,000; lost ones keep the stage they were lost at
DEALS = [("Sem contato", "", 1000), ("Contato feito", "", 2000), ("Apresentação", "", 3000),
         ("Proposta enviada", "", 4000), ("Proposta enviada", "", 4500), ("Proposta enviada", "won", 5000),
         ("Proposta enviada", "won", 6000), ("Proposta enviada", "won", 7000), ("Sem contato", "lost", 800),
         ("Contato feito", "lost", 900), ("Apresentação", "lost", 1100), ("Proposta enviada", "lost", 1200)]
# reached by hand: Sem contato all 12; Contato feito 12 - the 2 at Sem contato = 10; Apresentação 10 - the 2 at
# Contato feito = 8; Proposta enviada 8 - the 2 at Apresentação = 6 (2 open, 1 lost there, 3 won)


def _reached(stages: list[str]) -> list[int]:
    """Deals at or past each stage: a won deal reached every stage, an open or lost one its own and those before."""
    at = [len(stages) if kind == "won" else stages.index(stage) for stage, kind, _a in DEALS]
    return [sum(1 for k in at if k >= i) for i in range(len(stages))]


def test_rd_station_api_deals_read_win_and_amount_total_and_order_not_contacted_first(mem_store):
    text = "id,name,created_at,win,closed_at,user_name,deal_stage_name,deal_lost_reason_name,amount_total\n" + "".join(
        f"65a{k:05d}f0e1,Deal {k},2024-02-{k:02d},{ {'won': 'true', 'lost': 'false'}.get(kind, '') },"
        f"{'2024-04-01' if kind else ''},{'Ana Souza' if k % 2 else 'Bruno Lima'},{stage},"
        f"{'Preço' if kind == 'lost' else ''},{amount}\n" for k, (stage, kind, amount) in enumerate(DEALS, 1))
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["won_flag"], fields["amount"]) == ("win", "amount_total")
    assert outcome(mem_store, info)[:5] == (12, 3, 4, 5, 18000)
    stages = ["Sem contato", "Contato feito", "Apresentação", "Proposta enviada"]
    # 12, 10, 8, 6 by the definition (_reached), then the 3 won
    assert _reached(stages) == [12, 10, 8, 6]
    assert reached(mem_store, info)[:4] == list(zip(stages, [12, 10, 8, 6], strict=True))


def test_not_contacted_goes_before_the_contact_made():
    assert ladder_order(["Contato feito", "Sem contato", "Apresentação"]) == ["Sem contato", "Contato feito",
                                                                             "Apresentação"]
    assert ladder_order(["Fechamento", "Diagnóstico", "Prospecção"]) == ["Prospecção", "Diagnóstico", "Fechamento"]


def test_agendor_json_paths_name_their_objects(mem_store):
    status = {"": "Em andamento", "won": "Ganho", "lost": "Perdido"}
    text = "id,title,value,dealStatus.id,dealStatus.name,dealStage.name,dealStage.sequence,owner.name\n" + "".join(
        f"{9000 + k},Deal {k},{amount}.00,{ {'': 1, 'won': 2, 'lost': 3}[kind] },{status[kind]},{stage},"
        f"{['Sem contato', 'Contato feito', 'Apresentação', 'Proposta enviada'].index(stage) + 1},Ana Souza\n"
        for k, (stage, kind, amount) in enumerate(DEALS, 1))
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["status"], fields["stage"], fields["manager"]) == ("dealStatus.name", "dealStage.name", "owner.name")
    assert outcome(mem_store, info)[:5] == (12, 3, 4, 5, 18000)


def test_weclapp_umsatz_is_the_amount(mem_store):
    status = {"": "Offen", "won": "Gewonnen", "lost": "Verloren"}
    text = "Nummer;Name;Vertriebsphase;Status;Umsatz;Währung;Vertriebsmitarbeiter;Erstellt am\n" + "".join(
        f"{1000 + k};Projekt {k};{stage};{status[kind]};{amount:,}.00 €;EUR;Anna Schmidt;03.02.2024\n".replace(",", ".")
        .replace(".00 €", ",00 €") for k, (stage, kind, amount) in enumerate(DEALS, 1))
    info, _built, _ = import_file(mem_store, text.encode("cp1252"), "Verkaufschancen.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["amount"], fields["manager"], fields["deal_id"]) == ("Umsatz", "Vertriebsmitarbeiter", "Nummer")
    assert outcome(mem_store, info)[:5] == (12, 3, 4, 5, 18000)


def test_a_portuguese_money_column_left_unread_is_named(mem_store):
    text = "Nome;Etapa;Estado;Valor Recorrente;Valor Mensal\nA;Proposta;Vendida;100;10\nB;Contato;Perdida;200;20\n"
    info, _built, _ = import_file(mem_store, text.encode(), "negociacoes.csv")
    assert findings(mem_store, info)["mapping.amount_candidates"][2]["columns"] == "«Valor Recorrente», «Valor Mensal»"
