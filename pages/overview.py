"""Overview: pipeline health at a glance — KPI tiles with the change, the funnel, the biggest leaks."""

import streamlit as st

from funnel.formats import DASH, fmt_int, fmt_num, fmt_pct, kpi_delta
from funnel.i18n import names_in_quotes, sentences
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.metrics.cycle_rules import p90_reason_params
from ui import cache, context, drill, explain, filters, findings, goal_tiles, money_text, report_button, words
from ui.audit import top_findings
from ui.figures import funnel_figure
from ui.order_note import order_note
from ui.routing import require_frame

require_frame()

t, lang, info = context.page_start("ui.page.overview")

spec = filters.current_spec(info)
ov = cache.overview(info.id, info.version, spec)
out = ov.outcomes
wr_key = "win_rate_all" if filters.win_rate_mode() == "all" else "win_rate"
st.caption(filters.scope_caption(info, spec, t))
report_button.show(info, spec, t)
no_funnel = order_note(t, info, spec) == "outcomes_only"
if explain.empty_selection(info, out, t):
    st.stop()

caps = info.capabilities
# No lost deal recorded anywhere: won / closed would be 100 % by construction, so show won / all.
if caps.is_web_funnel or explain.no_lost_recorded(info):
    wr_key = "win_rate_all"
TILES = [
    ("deals", lambda v: fmt_int(v, lang), Selection("all")),
    # a rate opens its denominator's deals (their status says which won): won / closed, or won / all
    (wr_key, lambda v: fmt_pct(v, lang), Selection("closed" if wr_key == "win_rate" else "all")),
    ("revenue", lambda v: money_text.tile_value(info, v, lang), Selection("won")),
    ("avg_deal_size", lambda v: money_text.tile_value(info, v, lang), Selection("won")),
    ("median_cycle_days", lambda v: fmt_num(v, lang, 1), Selection("won")),
]
NEEDS = {"revenue": "money", "avg_deal_size": "money", "median_cycle_days": "cycle"}
hidden = {caps.why_not(q) for k, q in NEEDS.items() if caps.why_not(q) and caps.is_web_funnel}
TILES = [tile for tile in TILES if not (caps.is_web_funnel and tile[0] in NEEDS)]
# a web funnel speaks of visitors and converted, not deals and win rate
LABEL = {"deals": "audit.tile.visitors", "win_rate_all": "audit.tile.converted"} if caps.is_web_funnel else {}
if caps.aggregate:  # counts say how many entered the first step (visits, users, leads), not that they are deals
    LABEL = {"deals": "pages.tile.entrants"}
OPEN = "audit.drill.visitors" if caps.is_web_funnel else "pages.drill.open"
TILES_A_ROW = min(3, len(TILES))
# three tiles a row (3 + 2): five side by side on a 1 280 px laptop cut «79,8 млн» to «79,8 …» and «Доля выигранных»
# to «Доля выигра…» (survey 51); on a phone Streamlit stacks the columns, each tile the screen's width
if caps.aggregate:  # counts (an ad report's, a CRM report's): the goal and its conversion, not four «—» tiles
    goal_tiles.show(out, t, lang, visitors=caps.counts_visitors)
    TILES = []
cols = [col for start in range(0, len(TILES), TILES_A_ROW) for col in st.columns(TILES_A_ROW)][:len(TILES)]
for col, (key, fmt, selection) in zip(cols, TILES, strict=True):
    change = ov.comparison.kpis.get(key)
    value = getattr(out, key)
    reason = out.reasons.get(key)
    with col:
        tip = t(LABEL.get(key, f"metrics.kpi.{key}")) + (f": {fmt_num(value, lang, 2)}" if key in ("revenue", "avg_deal_size")
                                         and value is not None else "") + (f" — {t(reason)}" if reason else "")
        delta = kpi_delta(key, change, lang, t("pages.pp"))
        # With a previous period, a tile without a change shows a grey dash: tiles keep one height.
        no_change = delta is None and not ov.comparison.reason and info.capabilities.can("dates")
        label = t(LABEL.get(key, f"pages.tile.{key}"))
        if NEEDS.get(key) == "money":
            label = money_text.tile_label(info, label, t, value, lang)
        st.metric(label, fmt(value), delta=DASH if no_change else delta,
                  delta_color="off" if no_change else "inverse" if key == "median_cycle_days" else "normal",
                  delta_arrow="off" if no_change else "auto", help=tip, border=True)
        if reason and value is None:
            st.caption(t(reason))
        elif key == "avg_deal_size" and out.median_deal_size is not None:  # DOMAIN.md: the median beside the mean
            st.caption(t("domain48.tile.median_deal", value=money_text.tile_value(info, out.median_deal_size, lang)))
        elif key == "median_cycle_days" and value is not None and out.cycle_deals < out.won:
            # deals closed before they were created have both dates: said apart from those that lack one
            basis = "pages.tile.cycle_basis_reversed" if out.cycle_reversed else "pages.tile.cycle_basis"
            st.caption(t(basis, n=fmt_int(out.cycle_deals, lang), won=fmt_int(out.won, lang),
                         reversed=fmt_int(out.cycle_reversed, lang)))
        if key == "median_cycle_days" and value is not None:  # DOMAIN.md: and p90, or why not (fewer than 10 cycles)
            if out.p90_cycle_days is not None:
                st.caption(t("domain48.tile.cycle_p90", days=fmt_num(out.p90_cycle_days, lang, 1)))
            elif few := out.reasons.get("p90_cycle_days"):
                st.caption(t(few, **p90_reason_params(out.cycle_deals)))
        drill.button(t(OPEN), selection, t(LABEL.get(key, f"metrics.kpi.{key}")), key=f"ov_tile_{key}", info=info)
explain.warn_no_lost(info, out, t, lang)
explain.warn_no_won(info, t, spec, out)
for why in sorted(hidden):
    explain.cannot(why, t, small=True)

# one caption, two lines: every element is drawn again by the browser on each rerun (README, "A page rerun")
notes = []
if info.capabilities.can("dates"):  # without dates no previous period: the tiles' notes say why
    if ov.comparison.reason:
        notes.append(t(ov.comparison.reason, **explain.reason_params(info, ov.comparison.previous_from,
                                                                     ov.comparison.previous_to)))
    else:
        notes.append(t("metrics.label.previous_period", date_from=ov.comparison.previous_from,
                       date_to=ov.comparison.previous_to))
notes.append(filters.view_caption(spec, t, info))
# rows the import refused (no id, an unreadable date or number) are in no figure here: say so, and where
row = context.catalog_row(info)
if row and row.get("rows_rejected"):
    notes.append(t.plural("pages.overview.rows_not_imported", row["rows_rejected"], rows=fmt_int(row["rows_read"], lang)))
st.caption("  \n".join(notes))
# the three costliest findings (which stage or manager is the problem, and what it costs) right under the tiles:
# at the page's end they sat ~1 900 px down, below the funnel and the drop-offs, three screens from the tiles on a
# 1440×900 laptop (session 49); the funnel and the drop-offs below are their evidence
top_findings(info, spec, t)

if not no_funnel:  # outcomes only: the note above says what a funnel needs
    st.subheader(t("pages.overview.funnel"))
    if not out.stages:
        st.info(t("metrics.reason.no_deals"))
    else:
        drill.funnel_click(info, out.stages, funnel_figure(out.stages, drill.chart_labels(t), lang), "ov_funnel", t)
        if info.capabilities.can("deals"):
            st.caption(t("audit.click_hint.web" if caps.is_web_funnel else "pages.funnel.click_hint"))

findings.show(out.findings, t, lang, info, "ov_note", OPEN)
if "filters" in out.reasons:
    st.caption(t(out.reasons["filters"]))

if not no_funnel:
    st.subheader(t("pages.overview.dropoffs"))
    if not ov.drop_offs:
        st.caption(t("pages.overview.no_dropoffs"))
for i, d in enumerate(ov.drop_offs):
    code = d["code"] if d.get("lost_here") is not None else "pages.dropoff.counts"
    if caps.is_web_funnel:
        code = "audit.dropoff.web"
    text = t(code, n=d["count"], rate=fmt_pct(d["rate"], lang),
             stage_from=md_escape(d["stage_from"]), stage_to=md_escape(d["stage_to"]),
             lost_here=fmt_int(d["lost_here"], lang), open_here=fmt_int(d["open_here"], lang))
    if d.get("lost_unknown"):
        text = sentences(lang, text, t("metrics.dropoff.unknown_part", n=d["lost_unknown"]))
    if d.get("open_off_order"):
        text = sentences(lang, text, t("metrics.dropoff.off_order_part", n=d["open_off_order"],
                                       stages=names_in_quotes(map(md_escape, d["off_order_stages"]), lang)))
    row = st.container(horizontal=True, vertical_alignment="center", wrap=False)  # one block, not three
    row.markdown(f"{i + 1}\\. {text}")
    with row:
        drill.button(t(OPEN), Selection("drop_off", position=d["position_from"]),
                     t(words.key(info, "pages.drill.title_drop_off"), stage=md_escape(d["stage_from"])), key=f"ov_drop_{i}",
                     info=info)

drill.show_pending(info, spec, t)
