"""Roles chosen for a visitor file of yes/no columns and for a wide counts table (funnel/mapping/roles.py): the
variant, the group and the step columns in the user's order, the same path for the CLI's ``--map`` and the Data
page's pickers; a choice that cannot be read is refused naming the column.

Hand-counted files (written here, in the shapes of Udacity's ab_data, Cookie Cats and Facebook's KAG data):

AB10, 10 visitors. By ``group``: control = 1001, 1002, 1003, 1004, 1010 (5), converted 1001, 1003 (2); treatment =
1005–1009 (5), converted 1005, 1006, 1008 (3). By ``landing_page`` (the proposal): old_page 5 / 1, new_page 5 / 4.

CATS10, 10 players by ``version``. retention_1 yes: gate_30 2, 3, 5 (3 of 5); gate_40 7, 9 (2 of 5). retention_7 yes:
gate_30 3, 5 (2); gate_40 8, 9, 10 (3). Steps retention_7 then retention_1 («reached» is the furthest step,
DOMAIN.md): retention_7 is reached by anyone with either yes (gate_30 2, 3, 5 = 3; gate_40 7, 8, 9, 10 = 4), then
retention_1 by those with retention_1 yes (3; 2).

ADS8, 8 ads. By ``xyz_campaign_id``: 916 = rows 1, 2, 7: Impressions 7000 + 18000 + 15600 = 40600, Clicks 10 + 20 +
30 = 60, Approved 1 + 0 + 2 = 3; 936 = rows 3, 4: 700 + 4200 = 4900, 5 + 8 = 13, 0 + 2 = 2; 1178 = rows 5, 6, 8:
4100 + 1900 + 11000 = 17000, 6 + 4 + 12 = 22, 1 + 1 + 3 = 5. By ``gender``: M = rows 1, 3, 5, 7: 7000 + 700 + 4100 +
15600 = 27400 impressions, 10 + 5 + 6 + 30 = 51 clicks; F = rows 2, 4, 6, 8: 18000 + 4200 + 1900 + 11000 = 35100,
20 + 8 + 4 + 12 = 44.
"""

from __future__ import annotations

import pandas as pd
import pytest

from funnel.ab_dataset import step_counts
from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.spec import FunnelSpec
from funnel.store import Store
from tests.conftest import shared_path

AB10 = """user_id,timestamp,group,landing_page,converted
1001,2017-01-02 10:00:00,control,old_page,1
1002,2017-01-02 11:00:00,control,old_page,0
1003,2017-01-02 12:00:00,control,new_page,1
1004,2017-01-03 10:00:00,control,old_page,0
1005,2017-01-03 11:00:00,treatment,new_page,1
1006,2017-01-03 12:00:00,treatment,new_page,1
1007,2017-01-04 10:00:00,treatment,old_page,0
1008,2017-01-04 11:00:00,treatment,new_page,1
1009,2017-01-04 12:00:00,treatment,new_page,0
1010,2017-01-05 10:00:00,control,old_page,0
"""

CATS10 = """userid,version,sum_gamerounds,retention_1,retention_7
1,gate_30,3,FALSE,FALSE
2,gate_30,38,TRUE,FALSE
3,gate_30,165,TRUE,TRUE
4,gate_30,1,FALSE,FALSE
5,gate_30,50,TRUE,TRUE
6,gate_40,2,FALSE,FALSE
7,gate_40,70,TRUE,FALSE
8,gate_40,12,FALSE,TRUE
9,gate_40,90,TRUE,TRUE
10,gate_40,0,FALSE,TRUE
"""

ADS8 = """ad_id,xyz_campaign_id,fb_campaign_id,age,gender,interest,Impressions,Clicks,Spent,Total_Conversion,Approved_Conversion
1,916,103916,30-34,M,15,7000,10,1.43,2,1
2,916,103917,30-34,F,16,18000,20,1.82,4,0
3,936,103920,35-39,M,20,700,5,0.50,1,0
4,936,103928,35-39,F,28,4200,8,1.25,3,2
5,1178,103929,40-44,M,28,4100,6,1.29,2,1
6,1178,103930,30-34,F,29,1900,4,0.90,1,1
7,916,103940,40-44,M,15,15600,30,4.77,5,2
8,1178,103941,45-49,F,16,11000,12,1.27,6,3
"""


def _import(tmp_path, name: str, text: str, pairs: list[str] | None = None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store = Store(":memory:")
    info, built, _draft = import_file(store, path, path.name, mapping_pairs=pairs)
    return store, info, built


def _counts(store, info, by: str) -> tuple[tuple[str, ...], dict[str, list[int]]]:
    with store.connect() as con:
        counts = step_counts(con, info, FunnelSpec(), by)
    return counts.stages, {g: list(n) for g, n in counts.groups.items()}


def test_a_visitor_file_compared_by_group_instead_of_landing_page(tmp_path):
    store, info, _b = _import(tmp_path, "ab10.csv", AB10)
    assert _counts(store, info, "variant")[1] == {"old_page": [5, 1], "new_page": [5, 4]}  # the proposal
    store, info, _b = _import(tmp_path, "ab10.csv", AB10, ["variant=group"])
    assert _counts(store, info, "variant")[1] == {"control": [5, 2], "treatment": [5, 3]}


def test_the_steps_of_a_visitor_file_are_the_columns_chosen_in_their_order(tmp_path):
    store, info, _b = _import(tmp_path, "cats.csv", CATS10, ["steps=retention_7"])
    assert _counts(store, info, "variant") == (("visit", "retention_7"), {"gate_30": [5, 2], "gate_40": [5, 3]})
    store, info, _b = _import(tmp_path, "cats.csv", CATS10, ["steps=retention_1"])
    assert _counts(store, info, "variant") == (("visit", "retention_1"), {"gate_30": [5, 3], "gate_40": [5, 2]})
    store, info, _b = _import(tmp_path, "cats.csv", CATS10, ["steps=retention_7,retention_1"])
    assert _counts(store, info, "variant") == (("visit", "retention_7", "retention_1"),
                                               {"gate_30": [5, 3, 3], "gate_40": [5, 4, 2]})


def test_a_wide_counts_table_grouped_by_another_column_with_the_steps_chosen(tmp_path):
    store, info, _b = _import(tmp_path, "ads.csv", ADS8,
                              ["group=xyz_campaign_id", "steps=Impressions,Clicks,Approved_Conversion"])
    assert _counts(store, info, "xyz_campaign_id") == (
        ("Impressions", "Clicks", "Approved_Conversion"),
        {"916": [40600, 60, 3], "936": [4900, 13, 2], "1178": [17000, 22, 5]})
    store, info, _b = _import(tmp_path, "ads.csv", ADS8, ["group=gender", "steps=Impressions,Clicks"])
    assert _counts(store, info, "gender") == (("Impressions", "Clicks"), {"M": [27400, 51], "F": [35100, 44]})


@pytest.mark.parametrize(("text", "pairs", "code", "params"), [
    # the outcome as the variant while it is the step too
    (AB10, ["variant=converted", "steps=converted"], "roles.same_column",
     {"column": "converted", "role_key": "ui.data.role.variant", "other_key": "ui.data.role.step"}),
    # the proposal's only step given another role: no step left
    (AB10, ["variant=converted"], "roles.no_yes_no_step", {}),
    (AB10, ["steps="], "roles.no_yes_no_step", {}),
    (AB10, ["steps=group"], "roles.not_yes_no", {"column": "group", "value": "control"}),
    (ADS8, ["group=Clicks", "steps=Impressions,Clicks"], "roles.same_column",
     {"column": "Clicks", "role_key": "ui.data.role.group", "other_key": "ui.data.role.stage_column"}),
    (ADS8, ["steps=Impressions"], "roles.few_count_steps", {"picked": 1}),
    (ADS8, ["steps=Impressions,gender"], "roles.not_counts", {"column": "gender", "value": "M"}),
], ids=["variant_is_step", "no_step_left", "no_step", "text_step", "group_is_step", "one_step", "text_count"])
def test_a_choice_that_cannot_be_read_is_refused_naming_the_column(tmp_path, text, pairs, code, params):
    with pytest.raises(FunnelError) as err:
        _import(tmp_path, "f.csv", text, pairs)
    assert (err.value.code, err.value.params) == (code, params)


def test_the_refusal_reads_in_the_users_language():
    err = FunnelError("roles.same_column", column="converted", role_key="ui.data.role.variant",
                      other_key="ui.data.role.step")
    assert err.message("ru") == ("Столбец «converted» не может быть одновременно «Вариант» и «Шаг»: выберите для "
                                 "одной из ролей другой столбец.")
    assert err.message("zh").startswith("列“converted”不能同时作为“版本”和“步骤”")


def test_udacity_ab_data_by_group_as_pandas_counts_it():
    """ab_data.csv with ``--map variant=group``: each user once (the first row's group, converted if any row is),
    as the import counts a repeated visitor; the visitors and conversions per group computed here with pandas."""
    path = shared_path("datasets", "udacity_ab_test_landing_page", "ab_data.csv")
    raw = pd.read_csv(path)
    per_user = raw.groupby("user_id", sort=False).agg(group=("group", "first"), conv=("converted", "max"))
    expected = {g: [len(rows), int(rows.conv.sum())] for g, rows in per_user.groupby("group")}
    store = Store(":memory:")
    info, _b, _d = import_file(store, path, path.name, mapping_pairs=["variant=group"])
    assert _counts(store, info, "variant")[1] == expected


def test_facebook_kag_grouped_by_campaign_as_pandas_sums_it():
    """KAG_conversion_data.csv grouped by ``xyz_campaign_id`` with the steps Impressions, Clicks, Approved_Conversion:
    each campaign's sums computed here with pandas."""
    path = shared_path("datasets", "facebook_ad_campaign_conversions", "KAG_conversion_data.csv")
    raw = pd.read_csv(path)
    sums = raw.groupby("xyz_campaign_id")[["Impressions", "Clicks", "Approved_Conversion"]].sum()
    expected = {str(c): [int(v) for v in row] for c, row in sums.iterrows()}
    store = Store(":memory:")
    info, _b, _d = import_file(store, path, path.name, mapping_pairs=[
        "group=xyz_campaign_id", "steps=Impressions,Clicks,Approved_Conversion"])
    stages, groups = _counts(store, info, "xyz_campaign_id")
    assert stages == ("Impressions", "Clicks", "Approved_Conversion")
    assert groups == expected
