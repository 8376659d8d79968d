"""House rules about which module holds what (issue 15, point 8): no import cycle between the A/B
engine and the command line, pages never import a CLI module, and the CLI's parser stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, top level or inside functions, as absolute dotted names."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
    return out


def is_cli(module: str) -> bool:
    name = module.rsplit(".", 1)[-1]
    return module.startswith("funnel.") and (name == "cli" or name.startswith("cli_") or name.endswith("_cli"))


def test_the_ab_engine_imports_no_command_line_module():
    assert not {m for m in imported_modules(ROOT / "funnel" / "ab_dataset.py") if is_cli(m)}


def test_no_page_and_no_ui_module_imports_a_command_line_module():
    files = [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]
    offenders = {f.name: sorted(m for m in imported_modules(f) if is_cli(m)) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_metrics_command_does_not_load_the_statistics():
    """Building the parser (every command does) must not import scipy/statsmodels (~0.8 s)."""
    code = ("import sys; import funnel.metrics; from funnel.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('scipy', 'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_import_does_not_load_numpy_or_pandas():
    """A CSV import is DuckDB's work: numpy and pandas (~80 MB resident) stay out of it. The edit module
    (which every import loads for keep_raw) once imported the snapshot comparison at its top, and the
    peak of a 1M-deal import rose from 577 to 658 MB."""
    code = ("import sys, tempfile, pathlib; from funnel.store import Store; from funnel.importer import import_file; "
            "d = pathlib.Path(tempfile.mkdtemp()); st = Store(d / 'f.duckdb'); "
            "import_file(st, b'Deal,Stage,Amount\\nA,Lead,1\\nB,Won,2\\n', 'a.csv'); st.close(); "
            "print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_each_metrics_entry_point_lives_in_the_module_named_for_it():
    from funnel import metrics

    assert metrics.overview.__module__ == "funnel.metrics.overview"
    assert metrics.Overview.__module__ == "funnel.metrics.overview"
    assert metrics.previous_period.__module__ == "funnel.metrics.periods"
    for fn in (metrics.outcomes, metrics.outcomes_by_group, metrics.stage_funnel, metrics.drop_offs):
        assert fn.__module__ == "funnel.metrics.entry_points", fn.__name__


def _modules(name: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for d in ("funnel", "ui", "pages") for p in (ROOT / d).rglob(f"{name}.py"))


def test_module_names_say_what_they_hold_and_are_not_reused():
    """One quality module read by the pages, one written by the importer, one for the bundled samples,
    one for what sample cells look like: four names, not two names twice."""
    assert _modules("quality") == [] and _modules("samples") == []
    for name in ("quality_report", "quality_findings", "sample_datasets", "cell_kinds"):
        assert len(_modules(name)) == 1, name


def test_headers_are_cleaned_by_one_function():
    defs = [str(p.relative_to(ROOT)) for d in ("funnel", "ui") for p in (ROOT / d).rglob("*.py")
            if "def clean_header(" in p.read_text(encoding="utf-8")]
    assert defs == ["funnel/readers/headers.py"]


def test_a_header_reads_the_same_after_the_reader_and_the_mapping():
    """BOM, zero-width space, NBSP, a double space and full-width brackets: one text everywhere."""
    from funnel.readers.headers import clean_header

    assert clean_header("\ufeff Deal\u200b\u00a0 name （RUB） ") == "Deal name (RUB)"
    assert clean_header(None) == ""


def test_figures_module_holds_figures_only():
    """Markdown escaping and the tiles' KPI deltas live in the modules named for them."""
    from funnel import charts, formats, markdown_escape

    assert not hasattr(charts, "md_escape") and not hasattr(charts, "kpi_delta")
    assert markdown_escape.md_escape("*a*") == "\\*a\\*"
    assert formats.kpi_delta.__module__ == "funnel.formats"


def test_dead_code_found_by_the_review_is_gone():
    from funnel import charts
    from funnel.dataset import DatasetInfo
    from funnel.mapping.model import Mapping
    from funnel.metrics import outcomes, stages

    assert not hasattr(DatasetInfo, "cache_key") and not hasattr(outcomes, "money_rows")
    assert not hasattr(stages.StageRow, "as_dict") and not hasattr(charts, "LABEL_KEYS")
    assert "confidence" not in Mapping.__dataclass_fields__
    # a mapping stored before still loads: the old key is ignored
    assert Mapping.from_json('{"fields": {"stage": 2}, "confidence": {"stage": 1.0}}').fields == {"stage": 2}
