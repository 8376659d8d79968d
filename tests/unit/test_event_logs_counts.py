"""Event logs (shape D) and aggregate counts (shape E) in the layouts real tools export: GA4's BigQuery
events, Amplitude / the "eCommerce behavior" dataset, RetailRocket, GA4 funnel explorations, wide
daily tables, A/B summaries. Small invented files in those layouts; expected values worked out by
hand in the comments."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.metrics import outcomes, outcomes_by_group
from funnel.spec import FunnelSpec
from tests.conftest import shared_path


def _write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _findings(store, info) -> dict[str, list[tuple]]:
    """code -> [(severity, column, value, n)] of the summary rows."""
    out: dict[str, list[tuple]] = {}
    with store.connect() as con:
        for code, sev, col, value, n in con.execute(
                f"SELECT code, severity, column_name, value, n FROM ds_{info.id}.quality WHERE row_no IS NULL "
                "ORDER BY code, column_name").fetchall():
            out.setdefault(code, []).append((sev, col, value, n))
    return out


def _funnel(store, info, **spec):
    with store.connect(info) as con:
        out = outcomes(con, info, FunnelSpec(**spec))
    return [(r.stage, r.reached) for r in out.stages], [r.step_conversion for r in out.stages]


def _counts(store, info, grp=""):
    with store.connect() as con:
        return con.execute(f"SELECT stage, n FROM ds_{info.id}.counts WHERE grp = $g ORDER BY position",
                           {"g": grp}).fetchall()


# --- 1. GA4 flat events: an empty user_id ------------------------------------------------------------

GA4_HEAD = "event_date,event_timestamp,event_name,user_id,user_pseudo_id,traffic_source.source\n"
# Entity 111.1: session_start, view_item, scroll, add_to_cart, purchase; 222.2: session_start, view_item,
# user_engagement, add_to_cart; 333.3: view_item only. user_id is empty in every row.
GA4_ROWS = (
    "20210127,1611789095000000,session_start,,111.1,google\n"
    "20210127,1611789100000000,view_item,,111.1,google\n"
    "20210127,1611789110000000,scroll,,111.1,google\n"
    "20210127,1611789120000000,add_to_cart,,111.1,google\n"
    "20210127,1611789130000000,purchase,,111.1,google\n"
    "20210128,1611875495000000,session_start,,222.2,(direct)\n"
    "20210128,1611875500000000,view_item,,222.2,(direct)\n"
    "20210128,1611875510000000,user_engagement,,222.2,(direct)\n"
    "20210128,1611875520000000,add_to_cart,,222.2,(direct)\n"
    "20210128,1611875610000000,view_item,,333.3,google\n"
)


def test_an_event_log_whose_only_entity_column_is_empty_is_refused_with_the_flag_to_map_one(mem_store, tmp_path):
    text = "event_date,event_timestamp,event_name,user_id\n" + "".join(
        ",".join(r.split(",")[:4]) + "\n" for r in GA4_ROWS.splitlines())
    p = _write(tmp_path, "ga4_no_pseudo.csv", text)
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, p)
    assert err.value.code == "import.events_column_empty"
    assert (err.value.params["column"], err.value.params["field"]) == ("user_id", "entity")
    assert "--map entity=" in err.value.message("en")
    # the role by its name in the reader's language, the CLI's token only in the command (was «(entity журнала событий)»)
    assert "(«ID посетителя / лида» журнала событий)" in err.value.message("ru")
    assert "“访客 / 线索 ID”" in err.value.message("zh")
    assert mem_store.datasets() == []  # nothing stored


def test_ga4_events_read_user_pseudo_id_and_microsecond_times_and_order_steps_by_time(mem_store, tmp_path):
    info, built, _ = import_file(mem_store, _write(tmp_path, "ga4_events.csv", GA4_HEAD + GA4_ROWS))
    assert built["shape"] == "events"
    assert built["meta"]["mapping"]["fields"]["entity"] == "user_pseudo_id"  # user_id is empty
    assert built["meta"]["mapping"]["fields"]["timestamp"] == "event_timestamp"
    # by the number of users: view_item 3, then session_start 2 and add_to_cart 2 (file order), purchase 1;
    # by time: 111.1 and 222.2 both did session_start before view_item (2 votes to 0), view_item before
    # add_to_cart (2 to 0), add_to_cart before purchase (1 to 0)
    assert built["meta"]["stage_order"][""] == ["session_start", "view_item", "add_to_cart", "purchase"]
    # reached: all 3 (333.3's view_item counts session_start as passed), 3, 2 (111.1, 222.2), 1 (111.1)
    stages, _ = _funnel(mem_store, info)
    assert stages == [("session_start", 3), ("view_item", 3), ("add_to_cart", 2), ("purchase", 1)]
    found = _findings(mem_store, info)
    assert found["stages.order_guessed"] == [("warning", None, None, None)]
    # scroll (1 row) and user_engagement (1 row) are not steps
    assert sorted(found["events.not_steps"]) == [("info", "event_name", "scroll", 1),
                                                 ("info", "event_name", "user_engagement", 1)]
    with mem_store.connect() as con:
        first = con.execute(f"SELECT created_at FROM ds_{info.id}.deals WHERE deal_id = '111.1'").fetchone()[0]
    # 1611789095 s = 18654 days (1611705600 s, 2021-01-27) + 83495 s (23 h 11 min 35 s)
    assert first == dt.datetime(2021, 1, 27, 23, 11, 35)


def test_ga4_event_date_alone_reads_as_yyyymmdd(mem_store, tmp_path):
    text = "event_date,event_name,user_pseudo_id\n20210127,view_item,1.1\n20210129,purchase,1.1\n20210128,view_item,2.2\n"
    info, built, _ = import_file(mem_store, _write(tmp_path, "ga4_dates.csv", text))
    assert built["meta"]["mapping"]["fields"]["timestamp"] == "event_date"
    with mem_store.connect() as con:
        rows = con.execute(f"SELECT deal_id, created_at, closed_at FROM ds_{info.id}.deals ORDER BY 1").fetchall()
    # 1.1: first seen 27 Jan, bought (the last step) 29 Jan; 2.2: seen 28 Jan, not bought
    assert rows == [("1.1", dt.datetime(2021, 1, 27), dt.datetime(2021, 1, 29)),
                    ("2.2", dt.datetime(2021, 1, 28), None)]


# --- 2. Amplitude / "eCommerce behavior": event_type; removal events --------------------------------------

ECOMMERCE = (
    "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
    "2019-10-01 00:00:00 UTC,view,1,2103807459595387724,,aqua,10.00,u1,s1\n"
    "2019-10-01 00:01:00 UTC,cart,1,2103807459595387724,,aqua,10.00,u1,s1\n"
    "2019-10-01 00:02:00 UTC,remove_from_cart,1,2103807459595387724,,aqua,10.00,u1,s1\n"
    "2019-10-01 00:03:00 UTC,purchase,1,2103807459595387724,,aqua,10.00,u1,s1\n"
    "2019-10-01 00:00:00 UTC,view,2,2103807459595387724,,aqua,5.00,u2,s2\n"
    "2019-10-01 00:05:00 UTC,cart,2,2103807459595387724,,aqua,5.00,u2,s2\n"
    "2019-10-01 00:06:00 UTC,remove_from_cart,2,2103807459595387724,,aqua,5.00,u2,s2\n"
    "2019-10-01 00:00:00 UTC,view,3,2103807459595387724,,aqua,7.00,u3,s3\n"
)


def test_event_type_is_the_step_and_removal_events_are_left_out(mem_store, tmp_path):
    info, built, _ = import_file(mem_store, _write(tmp_path, "2019-Oct.csv", ECOMMERCE))
    assert built["shape"] == "events"
    assert built["meta"]["mapping"]["fields"] == {"entity": "user_id", "step": "event_type",
                                                  "timestamp": "event_time"}
    # users: view 3, cart 2, remove_from_cart 2, purchase 1: by count remove_from_cart would be a step
    assert built["meta"]["stage_order"][""] == ["view", "cart", "purchase"]
    stages, steps = _funnel(mem_store, info)
    assert stages == [("view", 3), ("cart", 2), ("purchase", 1)]
    assert steps == pytest.approx([1.0, 2 / 3, 1 / 2])
    assert _findings(mem_store, info)["events.not_steps"] == [("info", "event_type", "remove_from_cart", 2)]


def test_retailrocket_events_are_an_event_log_not_counts_of_epochs(mem_store, tmp_path):
    text = ("timestamp,visitorid,event,itemid,transactionid\n"
            "1433221332117,257597,view,355908,\n"
            "1433221400000,257597,addtocart,355908,\n"
            "1433221500000,257597,transaction,355908,4000\n"
            "1433224214164,992329,view,248676,\n"
            "1433224300000,992329,addtocart,248676,\n"
            "1433221955914,111016,view,318965,\n")
    info, built, _ = import_file(mem_store, _write(tmp_path, "events.csv", text))
    assert built["shape"] == "events"
    assert built["meta"]["mapping"]["fields"] == {"entity": "visitorid", "step": "event", "timestamp": "timestamp"}
    # visitors: view 3, addtocart 2 (257597, 992329), transaction 1 (257597)
    stages, _ = _funnel(mem_store, info)
    assert stages == [("view", 3), ("addtocart", 2), ("transaction", 1)]


def test_id_and_epoch_columns_of_a_wide_table_are_never_counts(mem_store, tmp_path):
    text = ("Source,shopId,Sessions,Orders,Updated\n"
            "google,5001,1000,40,1717000000\n"
            "bing,5002,300,9,1717003600\n")
    info, built, _ = import_file(mem_store, _write(tmp_path, "by_source.csv", text))
    assert built["shape"] == "counts"
    assert built["meta"]["mapping"]["wide_stages"] == ["Sessions", "Orders"]
    assert _counts(mem_store, info) == [("Sessions", 1300), ("Orders", 49)]  # 1000+300, 40+9
    found = _findings(mem_store, info)
    assert found["counts.left_out_id"] == [("info", "shopId", None, None)]
    assert found["counts.left_out_time"] == [("info", "Updated", None, None)]


# --- 4. wide counts keep every whole-number column ----------------------------------------------------

def test_wide_counts_keep_add_to_cart_and_checkout(mem_store, tmp_path):
    text = ("Date,Sessions,Add to cart,Checkout,Purchase\n"
            "2021-01-01,100,20,10,5\n2021-01-02,200,30,12,6\n2021-01-03,300,50,18,9\n")
    info, built, _ = import_file(mem_store, _write(tmp_path, "wide_by_day.csv", text))
    assert built["meta"]["mapping"]["wide_stages"] == ["Sessions", "Add to cart", "Checkout", "Purchase"]
    # 100+200+300, 20+30+50, 10+12+18, 5+6+9
    assert _counts(mem_store, info) == [("Sessions", 600), ("Add to cart", 100), ("Checkout", 40),
                                        ("Purchase", 20)]
    assert "counts.unpaired_rows" not in _findings(mem_store, info)  # every row has every count


# --- 5. a step's conversion over the rows where both counts are filled -----------------------------------

def test_step_conversion_uses_only_rows_with_both_counts(mem_store, tmp_path):
    text = ("Date,Pageviews,Clicks,Enrollments,Payments\n"
            '"Sat, Oct 11",1000,100,20,10\n"Sun, Oct 12",2000,200,50,20\n"Mon, Oct 13",3000,300,,\n')
    info, built, _ = import_file(mem_store, _write(tmp_path, "daily.csv", text))
    stages, steps = _funnel(mem_store, info)
    # Pageviews 6000, Clicks 600 (every row has both: 600/6000 = 0.1);
    # Clicks -> Enrollments only over Oct 11-12: 70 / 300 (not 70 / 600 = 0.1167): stored 600 * 70/300 = 140;
    # Enrollments -> Payments over the same two days: 30 / 70: stored 140 * 30/70 = 60
    assert stages == [("Pageviews", 6000), ("Clicks", 600), ("Enrollments", 140), ("Payments", 60)]
    assert steps == pytest.approx([1.0, 0.1, 70 / 300, 30 / 70])
    (row,) = [r for r in _findings(mem_store, info)["counts.unpaired_rows"]]
    assert row[0] == "info" and row[3] == 1  # Oct 13: clicks but no enrollments
    with mem_store.connect() as con:
        detail = con.execute(f"SELECT detail FROM ds_{info.id}.quality WHERE code = 'counts.unpaired_rows'").fetchone()[0]
    assert json.loads(detail)["step"] == "Clicks → Enrollments"


def test_udacity_control_clicks_to_enrollments_over_the_23_days_with_enrollments(mem_store):
    info, built, _ = import_file(mem_store, shared_path("datasets", "udacity_free_trial_screener_experiment",
                                                        "control.csv"))
    stages, steps = _funnel(mem_store, info)
    # SOURCE.md: the last 14 of 37 days have no enrollments. The 23 days with them: 17,293 clicks and
    # 3,785 enrollments: 3785 / 17293 = 0.2189 (over all 37 days' 28,378 clicks it would be 0.1334)
    assert [s for s, _ in stages] == ["Pageviews", "Clicks", "Enrollments", "Payments"]
    assert steps[2] == pytest.approx(3785 / 17293, abs=1e-4)
    # those 23 days: 2,033 payments: 2033 / 3785 = 0.5371
    assert steps[3] == pytest.approx(2033 / 3785, abs=1e-4)
    # all 37 days have pageviews and clicks: 345,543 and 28,378
    assert stages[:2] == [("Pageviews", 345543), ("Clicks", 28378)]


# --- 6. totals among group rows ---------------------------------------------------------------------

def test_total_group_rows_are_the_overall_not_one_more_group(mem_store, tmp_path):
    text = ("Step,Device category,Users\n"
            "1. View,desktop,80\n1. View,mobile,20\n2. Cart,desktop,30\n2. Cart,mobile,10\n"
            "1. View,Total,95\n2. Cart,Total,38\n")
    info, built, _ = import_file(mem_store, _write(tmp_path, "by_device.csv", text))
    assert built["meta"]["mapping"]["fields"] == {"stage": "Step", "count": "Users", "group": "Device category"}
    # the overall is the Total rows (95, 38: users on two devices counted once), not 80+20+95 = 195
    assert _counts(mem_store, info) == [("1. View", 95), ("2. Cart", 38)]
    assert built["meta"]["groups"] == ["desktop", "mobile"]
    with mem_store.connect(info) as con:
        groups = outcomes_by_group(con, info, FunnelSpec(), "Device category")
    assert [r.reached for r in groups["desktop"].stages] == [80, 30]
    assert [r.reached for r in groups["mobile"].stages] == [20, 10]
    assert _findings(mem_store, info)["counts.total_rows"] == [("info", "Device category", "Total", 2)]


def test_ga4_funnel_exploration_with_comment_lines_is_counts_of_active_users(mem_store, tmp_path):
    text = ("# ----------------------------------------\n# Purchase journey - Funnel exploration\n"
            "# ----------------------------------------\n#\n# Start date: 20210101\n# End date: 20210131\n"
            "Step,Active users,Completion rate,Abandonments,Abandonment rate\n"
            "1. Session start,1000,0.3,700,0.7\n2. View product,300,0.2,240,0.8\n3. Purchase,60,,,\n")
    info, built, _ = import_file(mem_store, _write(tmp_path, "exploration.csv", text))
    assert built["shape"] == "counts"
    stages, steps = _funnel(mem_store, info)
    assert stages == [("1. Session start", 1000), ("2. View product", 300), ("3. Purchase", 60)]
    assert steps == pytest.approx([1.0, 0.3, 0.2])  # 300/1000, 60/300


# --- 7. percentage columns are not counts --------------------------------------------------------------

def test_ab_summary_with_a_significance_column(mem_store, tmp_path):
    text = ("Variation Name,Visitors,Unique Conversions,Conversion Rate,Statistical Significance\n"
            "Original,1000,50,5.00%,\nVariation #1,1000,70,7.00%,98%\n")
    info, built, _ = import_file(mem_store, _write(tmp_path, "optimizely.csv", text))
    assert built["meta"]["mapping"]["wide_stages"] == ["Visitors", "Unique Conversions"]
    assert built["rows_rejected"] == 0
    assert _counts(mem_store, info) == [("Visitors", 2000), ("Unique Conversions", 120)]  # 1000+1000, 50+70
    assert _counts(mem_store, info, "Variation #1") == [("Visitors", 1000), ("Unique Conversions", 70)]
    assert [c for _s, c, _v, _n in _findings(mem_store, info)["counts.left_out_percentage"]] == [
        "Conversion Rate", "Statistical Significance"]


# --- 9. --map for event logs and counts; info findings in import --json -------------------------------

EVENTS_UNNAMED = "who,what,when\na,visit,2024-01-01\na,buy,2024-01-02\nb,visit,2024-01-01\n"


def test_map_names_an_event_logs_columns_and_the_refusal_says_how(mem_store, tmp_path):
    p = _write(tmp_path, "log.csv", EVENTS_UNNAMED)
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, p, shape="events")
    assert err.value.code == "import.events_unmapped"
    assert "--map entity=" in err.value.message("en") and "--map entity=" in err.value.message("zh")
    info, built, _ = import_file(mem_store, p, mapping_pairs=["entity=who", "step=what", "timestamp=when"])
    assert built["shape"] == "events"  # the pairs name an event log's fields: no --shape needed
    # a: visit (1 Jan) then buy (2 Jan): visit goes first; visitors 2 -> 1
    stages, _ = _funnel(mem_store, info)
    assert stages == [("visit", 2), ("buy", 1)]
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, p, mapping_pairs=["entity=who", "amount=when"], force=True)
    assert err.value.code == "edit.unknown_field"


def test_map_names_a_counts_tables_step_and_count(mem_store, tmp_path):
    p = _write(tmp_path, "etapas.csv", "Etapa,Cantidad,Canal\nVisitas,100,web\nVisitas,50,app\nCompras,7,web\n"
                                       "Compras,3,app\n")
    info, built, _ = import_file(mem_store, p, mapping_pairs=["stage=Etapa", "count=Cantidad", "group=Canal"])
    assert built["shape"] == "counts"
    assert _counts(mem_store, info) == [("Visitas", 150), ("Compras", 10)]  # 100+50, 7+3
    assert _counts(mem_store, info, "app") == [("Visitas", 50), ("Compras", 3)]


def test_cli_import_json_lists_info_findings(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    p = _write(tmp_path, "2019-Oct.csv", ECOMMERCE)
    cmd = [sys.executable, "-m", "funnel", "--data-dir", str(tmp_path / "store"), "import", str(p), "--json"]
    doc = json.loads(subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert [(w["code"], w["value"], w["count"]) for w in doc["info"] if w["code"] == "events.not_steps"] == [
        ("events.not_steps", "remove_from_cart", 2)]
    assert "events.not_steps" not in {w["code"] for w in doc["warnings"]}
    assert "stages.order_guessed" in {w["code"] for w in doc["warnings"]}


# --- 8. a campaign report is counts per campaign -----------------------------------------------------

MAILCHIMP = (
    "Campaign Title,Subject,Send Date,Total Recipients,Successful Deliveries,Hard Bounces,Unique Opens,"
    "Open Rate,Total Opens,Unique Clicks,Total Clicks\n"
    'Spring sale,Up to 40% off,"Mar 15, 2024 09:00 am",1000,980,20,250,25.51%,400,40,60\n'
    'March news,What is new,"Mar 05, 2024 10:00 am",2000,1960,40,400,20.41%,600,50,70\n'
    'Cart reminder,You left something,"Mar 20, 2024 06:00 pm",100,99,1,45,45.45%,60,10,12\n'
    'Webinar,Join the demo,"Mar 11, 2024 02:00 pm",500,490,10,100,20.41%,150,12,15\n'
    'Product update,New dashboard,"Mar 26, 2024 11:00 am",400,392,8,80,20.41%,120,8,9\n'
)


def test_a_mailchimp_campaign_report_is_counts_per_campaign(mem_store, tmp_path):
    info, built, _ = import_file(mem_store, _write(tmp_path, "campaigns.csv", MAILCHIMP))
    assert built["shape"] == "counts"
    assert built["meta"]["mapping"]["fields"] == {"group": "Campaign Title"}
    # Total Opens (beside Unique Opens), Total Clicks and Hard Bounces do not narrow the funnel
    assert built["meta"]["mapping"]["wide_stages"] == ["Total Recipients", "Successful Deliveries",
                                                       "Unique Opens", "Unique Clicks"]
    # 1000+2000+100+500+400, 980+1960+99+490+392, 250+400+45+100+80, 40+50+10+12+8
    assert _counts(mem_store, info) == [("Total Recipients", 4000), ("Successful Deliveries", 3921),
                                        ("Unique Opens", 875), ("Unique Clicks", 120)]
    assert _counts(mem_store, info, "Webinar") == [("Total Recipients", 500), ("Successful Deliveries", 490),
                                                   ("Unique Opens", 100), ("Unique Clicks", 12)]


# --- 10. JSON lines -------------------------------------------------------------------------------

def test_json_lines_are_read_as_the_event_log_they_are(mem_store, tmp_path):
    """Refused before (a word to export CSV); now read by funnel/readers/json_reader.py, whatever the
    name (tests/unit/test_json_exports.py has the full Mixpanel and Amplitude cases)."""
    lines = ('{"event": "Viewed Product", "properties": {"time": 1591115353, "distinct_id": "user_1001"}}\n'
             '{"event": "Viewed Product", "properties": {"time": 1591115360, "distinct_id": "user_1002"}}\n'
             '{"event": "Purchase", "properties": {"time": 1591115400, "distinct_id": "user_1001"}}\n')
    for name in ("export.jsonl", "export.txt"):
        store = type(mem_store)(":memory:")
        info, _built, _ = import_file(store, _write(tmp_path, name, lines))
        assert info.shape == "events"
        with store.connect() as con:  # two visitors viewed, one bought
            assert con.execute(f"SELECT count(*), count(*) FILTER (WHERE status = 'won') "
                               f"FROM ds_{info.id}.deals").fetchone() == (2, 1)


def test_ga4s_traffic_source_is_the_source_and_item_ids_are_no_attributes(mem_store):
    from funnel.importer import import_file

    data = (b"event_date,event_timestamp,event_name,user_pseudo_id,traffic_source.source,itemid\n"
            b"20210127,1611789095248882,view_item,u1,google,7\n20210127,1611789195248882,purchase,u1,google,7\n"
            b"20210127,1611789095248882,view_item,u2,(direct),8\n")
    info, _built, _ = import_file(mem_store, data, "ga4.csv")
    mapping = info.meta["mapping"]
    assert mapping["fields"]["source"] == "traffic_source.source"
    assert "itemid" not in mapping.get("extras", [])
    with mem_store.connect() as con:
        sources = con.execute(f"SELECT source, count(*) FROM ds_{info.id}.deals GROUP BY 1 ORDER BY 1").fetchall()
    # u1 from google, u2 direct
    assert sources == [("(direct)", 1), ("google", 1)]
