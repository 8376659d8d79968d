"""A fresh-eyes audit of the executive's and the consultant's screens in Russian and Chinese (helper h2),
on the bundled B2B sample (dataset 1, sample_data/README.md): each test is a nit seen on screen."""

from __future__ import annotations

from tests.app.conftest import open_page
from ui import background


def _texts(at) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def _overview_with_findings(lang: str):
    at = open_page("pages/overview.py", lang=lang, ds="1")
    for job in list(background._JOBS.values()):  # the findings are computed in the background (ui/background.py)
        job.result(timeout=120)
    at.run()
    assert not at.exception
    return at


def test_a_chinese_finding_cards_impact_has_a_full_width_colon(data_dir):
    """The Overview's finding card wrote «影响: 98.5万» with a Latin colon and space inside Chinese text; Chinese
    writes «影响：» (as «原因：» on the same card). Russian keeps «Эффект: ». The B2B sample's costliest finding is
    the leak at «Встреча назначена → Встреча проведена» (sample_data/README.md), so a card carries an impact."""
    zh = [c for c in _texts(_overview_with_findings("zh")) if "影响" in c]
    assert zh and all("影响：" in c and "影响:" not in c for c in zh)
    ru = [c for c in _texts(_overview_with_findings("ru")) if "Эффект" in c]
    assert ru and all("Эффект: " in c for c in ru)


def test_the_chinese_why_and_check_labels_take_no_space_after_their_colon(data_dir):
    """«**原因：** 该阶段…» put a space after a full-width colon; without it Markdown would not close the bold
    before a Chinese character («**原因：**该» shows its asterisks), so the colon follows the bold: «**原因**：该阶段».
    «**Почему:** …» keeps its space."""
    zh = [m for m in _texts(open_page("pages/diagnostics.py", lang="zh", ds="1")) if m.startswith(("**原因", "**检查什么"))]
    assert zh and all(m.startswith(("**原因**：", "**检查什么**：")) and "： " not in m[:10] for m in zh)
    ru = [m for m in _texts(open_page("pages/diagnostics.py", lang="ru", ds="1")) if m.startswith("**Почему:**")]
    assert ru and all(m.startswith("**Почему:** ") for m in ru)


def _tile_widths(at) -> dict[str, float]:
    """Each metric's label and the width of its column (a share of the row)."""
    return {m.label: c.weight for c in at.columns for m in c.metric}


def test_velocity_tiles_are_at_most_three_a_row(data_dir):
    """Five sales-velocity tiles side by side cut «Скорость продаж в месяц» to «Скорость продаж…» and «Средняя
    выигранная сделка» to «Средняя выигра…» (1 400 px, RU); four cycle tiles cut «Выигранные: медиана цикла, дн.».
    Now 3 + 2 and 2 + 2: no tile narrower than a third of the page, the cycle's a half."""
    for lang in ("ru", "zh"):
        widths = _tile_widths(open_page("pages/velocity.py", lang=lang, ds="1"))
        assert len(widths) == 9, widths  # 4 cycle tiles + 5 velocity tiles
        assert all(w >= 1 / 3 - 1e-9 for w in widths.values()), widths
        assert sorted(widths.values()).count(0.5) == 4


def test_pipeline_forecast_tiles_are_two_a_row(data_dir):
    """Four forecast tiles a row cut «Вероятность плана окт. 2026 г.» and «2026年10月 预期赢单（中位数）»: two a row."""
    for lang in ("ru", "zh"):
        widths = _tile_widths(open_page("pages/pipeline.py", lang=lang, ds="1"))
        assert len(widths) == 6, widths  # open deals, open amount; four forecast tiles
        assert all(abs(w - 0.5) < 1e-9 for w in widths.values()), widths
