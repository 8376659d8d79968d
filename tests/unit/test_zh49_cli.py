"""Session 49, a Chinese marketer's CLI run (FUNNEL_LANG=zh) over a hand-written 销售易 export.

The file: 5 deals, stages 初步接洽 → 需求确认 → 赢单 / 输单; won deals 2 (¥100,000 and 5万), lost 1, open 2.
By hand: win rate 2 / (2 + 1) = 66.7 %."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

DEALS = ("商机名称,销售阶段,负责人,商机金额,创建时间,结单日期\n"
         "A,赢单,张伟,\"¥100,000.00\",2026-08-03 10:15:00,2026/8/24\n"
         "B,赢单,李娜,5万,2026-08-10 14:30:00,2026/9/9\n"
         "C,输单,张伟,¥30000,2026-08-04 09:00:00,2026/8/11\n"
         "D,初步接洽,李娜,4万,2026-11-25 10:00:00,\n"
         "E,需求确认,张伟,¥90000,2026-11-03 09:30:00,\n")


def cli(tmp_path, lang: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FUNNEL_LANG": lang, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "funnel", "--data-dir", str(tmp_path / "store"), *args],
                          cwd=tmp_path, capture_output=True, text=True, env=env)


def _imported(tmp_path, lang: str = "zh") -> subprocess.CompletedProcess:
    path = tmp_path / "商机.csv"
    path.write_bytes(DEALS.encode("gb18030"))
    out = cli(tmp_path, lang, "import", str(path), "--name", "xsy",
              "--stages", "初步接洽,需求确认,赢单")
    assert out.returncode == 0, out.stderr
    return out


def test_report_is_written_in_the_cli_language_without_lang(tmp_path):
    """FUNNEL_LANG=zh and no --lang: the report is Chinese, named report_1_zh.html (it was English, report_1_en)."""
    _imported(tmp_path)
    out = cli(tmp_path, "zh", "report", "1")
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "report_1_zh.html").read_text(encoding="utf-8")
    assert "销售漏斗审计" in html and "Sales funnel audit" not in html
    # an explicit --lang still wins
    assert cli(tmp_path, "zh", "report", "1", "--lang", "en").returncode == 0
    assert "Sales funnel audit" in (tmp_path / "report_1_en.html").read_text(encoding="utf-8")


def _run(tmp_path, capsys, monkeypatch, *args: str) -> str:
    from funnel.cli import main as cli_main

    monkeypatch.setenv("FUNNEL_LANG", "zh")
    capsys.readouterr()
    assert cli_main(["--data-dir", str(tmp_path / "store"), *args]) == 0
    return capsys.readouterr().out


def test_import_mapping_lines_use_the_chinese_colon(tmp_path, capsys, monkeypatch):
    """«  列映射:» and «保留为属性（筛选、分组）: “客户名称”» had half-width colons in a Chinese output."""
    path = tmp_path / "商机.csv"
    path.write_bytes(DEALS.replace("商机名称,", "商机名称,客户名称,").replace("\nA,", "\nA,华南电子,")
                     .replace("\nB,", "\nB,北辰物流,").replace("\nC,", "\nC,恒达机械,").replace("\nD,", "\nD,瑞丰贸易,")
                     .replace("\nE,", "\nE,蓝海传媒,").encode("gb18030"))
    out = _run(tmp_path, capsys, monkeypatch, "import", str(path), "--stages", "初步接洽,需求确认,赢单")
    assert "  列映射：\n" in out
    assert "    保留为属性（筛选、分组）：“客户名称”" in out
    assert ":" not in out.replace("14:30", "").replace("10:15", "")


def test_velocity_line_says_the_win_rate_as_a_percentage(tmp_path, capsys, monkeypatch):
    """The window is the 90 days to the latest moment (2026-11-25 10:00): closed from 2026-08-27 on, so A (closed
    2026-08-24) and C (2026-08-11) fall out: won B only, lost none → win rate 100.0 % (was printed «1.00»); its
    cycle 2026-08-10 → 2026-09-09 = 30 days; 2 open deals × 100 % × 50,000 ÷ 30 = 3,333.33 a day. The default
    pipeline is «管道（主销售管道）» (was «管道 （主销售管道）»)."""
    path = tmp_path / "商机.csv"
    path.write_bytes(DEALS.encode("gb18030"))
    _run(tmp_path, capsys, monkeypatch, "import", str(path), "--stages", "初步接洽,需求确认,赢单")
    out = _run(tmp_path, capsys, monkeypatch, "velocity", "1")
    assert out.splitlines()[0] == "截至 2026年11月25日 10:00，管道（主销售管道）"
    assert ("销售速度：每天 3,333.33 = 未结交易 2 × 赢单率 100.0% × 窗口内赢单的平均交易额 50,000.00 ÷ 周期 30.00 天"
            in out)


def test_help_headings_take_the_chinese_colon(capsys, monkeypatch):
    """«位置参数:» and «选项:» under «用法：» (argparse adds its «:» itself); English keeps «options:»."""
    import pytest

    from funnel.cli import main as cli_main

    for lang, want, gone in (("zh", ("\n位置参数：\n", "\n选项：\n"), "选项:"), ("en", ("\noptions:\n",), "：")):
        monkeypatch.setenv("FUNNEL_LANG", lang)
        capsys.readouterr()
        with pytest.raises(SystemExit):
            cli_main(["--help"])
        out = capsys.readouterr().out
        assert all(w in out for w in want) and gone not in out


def test_chinese_report_lists_managers_and_names_the_dataset_the_chinese_way(tmp_path, capsys, monkeypatch):
    """The 40-deal 销售易 file: each manager has fewer than 30 closed deals (张伟 8, 李娜 8, 王芳 10), listed
    «张伟、李娜、王芳» (sorted as text; was «张伟, 李娜, 王芳»); the reproducibility table names dataset 1, version 1
    as «销售易（编号 1，版本 1）» (was «销售易 (id 1, 版本 1)»)."""
    import re

    data = (ROOT / "tests" / "unit" / "data" / "xiaoshouyi_deals_gb18030.csv")
    _run(tmp_path, capsys, monkeypatch, "import", str(data), "--name", "销售易")
    out = tmp_path / "r.html"
    _run(tmp_path, capsys, monkeypatch, "report", "1", "--out", str(out))
    text = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))
    assert "已关闭交易少于 30 笔的负责人（其赢单率不可靠）：张伟、李娜、王芳。" in text
    assert "销售易（编号 1，版本 1）" in text
