"""The command line speaks the language of FUNNEL_LANG everywhere: results, errors, --help.

Sample size for 10 % -> 12 % (alpha 0.05 two-sided, power 0.8), by the textbook formula:
n = (1.959964 * sqrt(2 * 0.11 * 0.89) + 0.841621 * sqrt(0.1 * 0.9 + 0.12 * 0.88))^2 / 0.02^2
  = (0.867271 + 0.372221)^2 / 0.0004 = 3840.85 -> 3,841 leads per group."""

import os
import subprocess
import sys

from tests.conftest import ROOT

NB = "\u00a0"


def cli(lang: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FUNNEL_LANG": lang}
    return subprocess.run([sys.executable, "-m", "funnel", *args], cwd=ROOT, capture_output=True, text=True, env=env)


def test_samplesize_prints_russian_with_russian_numbers():
    out = cli("ru", "samplesize", "--baseline", "0.1", "--mde", "0.02")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (f"Нужно лидов на группу: 3{NB}841 (точно 3{NB}840,85), чтобы заметить "
                                  f"10,00{NB}% -> 12,00{NB}% при уровне значимости 0,05 и мощности 80,00{NB}%.")


def test_samplesize_power_sentence_agrees_with_the_count():
    # 21 ends in 1 (not 11): Russian "one" form, "при 21 лиде"
    out = cli("ru", "samplesize", "--baseline", "0.1", "--mde", "0.02", "--n", "21")
    assert out.stdout.startswith("Мощность при 21 лиде на группу"), out.stdout
    out = cli("zh", "samplesize", "--baseline", "0.1", "--mde", "0.02", "--n", "21")
    assert out.stdout.startswith("每组 21 条线索时"), out.stdout


def test_abtest_table_and_verdict_in_chinese():
    out = cli("zh", "abtest", "--counts", "A=120/1000,B=150/1000")
    assert out.returncode == 0, out.stderr
    header = out.stdout.splitlines()[0].split()
    assert header[:4] == ["分组", "线索", "转化", "转化率"]
    assert "B 的转化优于 A" in out.stdout and "converts" not in out.stdout


def test_errors_and_help_follow_the_language():
    out = cli("ru", "abtest", "--counts", "A=oops")
    assert out.returncode == 2
    assert out.stderr.strip() == ("не удалось прочитать конверсии «A=oops»: ожидается ИМЯ=КОНВЕРСИИ/ЛИДЫ,..., "
                                  "например A=120/1000,B=150/1000")
    assert "импортировать выгрузку CRM" in cli("ru", "--help").stdout


def test_a_refused_file_says_its_message_and_nothing_else(tmp_path):
    """An empty file: one line in Russian, exit code 2; DuckDB's binding listed "nanobind: leaked 28 instances!"
    and 28 more lines under it."""
    (tmp_path / "empty.csv").write_bytes(b"")
    out = cli("ru", "--data-dir", str(tmp_path / "store"), "import", str(tmp_path / "empty.csv"))
    assert out.returncode == 2
    assert out.stderr.splitlines() == ["ошибка: Файл «empty.csv» пуст. Выгрузите список сделок из CRM ещё раз в CSV "
                                       "или Excel и загрузите этот файл."]


def test_edit_and_import_options_are_explained_in_the_users_language():
    """Survey 30: `edit --help` and `import --help` described --into, --shape, --map, --stages, --won, --lost in English
    under FUNNEL_LANG=ru and zh."""
    edit = cli("ru", "edit", "--help").stdout
    assert "этапы выигрыша через запятую" in edit and "the won stages" not in edit
    imported = " ".join(cli("zh", "import", "--help").stdout.split())
    assert "替换此已存数据集" in imported and "replace the data" not in imported


def _option_helps(monkeypatch, lang: str) -> dict[tuple[str, str], str]:
    """Every sub-command's options with their help text, the parser built under FUNNEL_LANG=``lang``."""
    import argparse

    from funnel.cli import build_parser

    monkeypatch.setenv("FUNNEL_LANG", lang)
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {(command, action.option_strings[-1]): action.help or ""
            for command, parser in sub.choices.items() for action in parser._actions
            if action.option_strings and not isinstance(action, argparse._HelpAction) and action.help != argparse.SUPPRESS}


def test_every_commands_options_are_explained_in_the_users_language(monkeypatch):
    """Survey 33: the options of `diagnose`, `velocity`, `pipeline`, `forecast`, `report`, `managers`, `segments`
    were described in English under FUNNEL_LANG=ru and zh (and --pipeline, --json had no help at all). Every
    option of every command has a help, and it is not the English one."""
    english = _option_helps(monkeypatch, "en")
    assert ("diagnose", "--stuck-days") in english and ("report", "--logo") in english
    assert [key for key, text in english.items() if not text] == []
    for lang in ("ru", "zh"):
        same = [key for key, text in _option_helps(monkeypatch, lang).items() if text == english[key]]
        assert same == [], lang
