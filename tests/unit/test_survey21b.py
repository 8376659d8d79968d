"""Issue 16, survey 21b: lead lists from ad platforms and forms (each file written here in the layout a user's
pasted export, a parser or the platform's documentation shows; values invented, counts worked out by hand):

- Meta Lead Ads' download (``id, created_time, ad_id, …, campaign_name, form_id, form_name, is_organic, platform,
  <questions>``; ids ``l:…``, ``c:…``): refused for want of a stage; with ``lead_status`` the campaign was lost
  (every lead in one blank source).
- Typeform's responses (``#, <questions>, utm_source, utm_campaign, Response Type, Start Date (UTC), Submit Date
  (UTC), …``) and Google Forms' in Russian (``Отметка времени, …, Откуда вы о нас узнали?``): refused.
- A Google Ads lead form's leads as a script saves the webhook (``lead_id, lead_submit_time, campaign_id, …,
  lead_stage``): refused although ``lead_stage`` is there.
"""

from __future__ import annotations

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached


def sources(store, info) -> dict[str, int]:
    with store.connect() as con:
        return dict(con.execute(f"SELECT source, count(*) FROM ds_{info.id}.deals GROUP BY 1").fetchall())


META = [("ABROAD REGULAR - 24/8/26", "fb"), ("ABROAD REGULAR - 24/8/26", "ig"), ("INDIA WEEKEND", "fb"),
        ("ABROAD REGULAR - 24/8/26", "fb"), ("INDIA WEEKEND", "ig"), ("ABROAD REGULAR - 24/8/26", "ig")]


def test_a_meta_lead_download_is_a_lead_list_by_campaign(mem_store):
    text = ("id\tcreated_time\tad_id\tad_name\tcampaign_id\tcampaign_name\tform_id\tform_name\tis_organic\tplatform\t"
            "full_name\tphone_number\tlead_status\n") + "".join(
        f"l:10540745809440{k:02d}\t2026-08-{20 + k}T11:18:23+05:30\tag:1202564843220507\t{c}\tc:12025648432207\t{c}\t"
        f"f:2295576760978334\t{c}\tFALSE\t{p}\tName {k}\tp:+9196562988{k:02d}\tcomplete\n" for k, (c, p) in enumerate(META))
    info, _built, _ = import_file(mem_store, b"\xff\xfe" + text.encode("utf-16-le"), "leads.tsv")
    # «complete» in every lead_status: the form was filled in, no stage (it drew a one-bar funnel to mark won)
    assert info.meta["mapping"]["fields"] == {"deal_id": "id", "created_at": "created_time", "source": "campaign_name"}
    # 6 leads, all open (a form's download says nothing of a sale): ABROAD REGULAR 4, INDIA WEEKEND 2
    assert outcome(mem_store, info)[:4] == (6, 0, 0, 6)
    assert sources(mem_store, info) == {"ABROAD REGULAR - 24/8/26": 4, "INDIA WEEKEND": 2}
    assert "stages.none" in findings(mem_store, info)


def test_form_responses_with_a_time_and_a_source_are_leads(mem_store):
    typeform = ("#,What's your name?,Work email,utm_source,utm_campaign,Response Type,Start Date (UTC),Submit Date (UTC)\n"
                + "".join(f"odwdp4nz000{k},Lead {k},l{k}@corp.example,{s},spring_webinar,completed,"
                          f"2024-03-0{k + 1} 10:21:10,2024-03-0{k + 1} 10:23:10\n"
                          for k, s in enumerate(["facebook", "google", "facebook", "linkedin", "google"])))
    info, _built, _ = import_file(mem_store, typeform.encode(), "responses.csv")
    assert info.meta["mapping"]["fields"]["created_at"] == "Submit Date (UTC)"
    assert sources(mem_store, info) == {"facebook": 2, "google": 2, "linkedin": 1}
    forms = "Отметка времени,Ваше имя,Телефон,Откуда вы о нас узнали?,Комментарий\n" + "".join(
        f"0{k + 5}.03.2024 10:10:33,Клиент {k},+7 900 123-45-1{k},{s},\n"
        for k, s in enumerate(["Instagram", "ВКонтакте", "Instagram", "Яндекс"]))
    info, _built, _ = import_file(mem_store, forms.encode(), "Ответы на форму.csv")
    assert sources(mem_store, info) == {"Instagram": 2, "ВКонтакте": 1, "Яндекс": 1}
    # a list with a date but nothing saying where a lead came from is still asked for its stage
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, "Отметка времени,Ваше имя\n05.03.2024 10:10:33,Клиент\n".encode(), "form.csv")
    assert err.value.code in ("import.missing_column", "import.missing_column_sheets")


def test_a_google_ads_lead_forms_lead_stage_is_its_stage(mem_store):
    stages = ["LEAD", "QUALIFIED", "CONVERTED", "LEAD", "QUALIFIED", "LEAD"]
    text = "lead_id,lead_submit_time,campaign_id,adgroup_id,form_id,gcl_id,is_test,lead_stage,FULL_NAME\n" + "".join(
        f"TeSter-00{k}-AbC,2024-09-1{k}T12:30:00Z,2100000000{k % 2},15000000000{k},400000001,EAIaIQob{k},false,{s},"
        f"Name {k}\n" for k, s in enumerate(stages))
    info, _built, _ = import_file(mem_store, text.encode(), "leads.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["stage"], fields["created_at"], fields["deal_id"]) == ("lead_stage", "lead_submit_time", "lead_id")
    # LEAD 6 → QUALIFIED 3 (2 there, 1 converted) → CONVERTED 1 (won: Google's converted lead)
    assert reached(mem_store, info) == [("LEAD", 6), ("QUALIFIED", 3), ("CONVERTED", 1)]
