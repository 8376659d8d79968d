"""The won / lost pickers per pipeline (session 49): each pipeline offers its own stages only and a pick applies to
that pipeline only. Before, the pickers read the stage kinds of all pipelines together, so a Renewals stage could be
offered and applied as Sales' won stage, and a stage name both pipelines share was made won in both."""

from __future__ import annotations

import pytest

from funnel.cli import main as cli_main
from funnel.dataset_edit import rederive
from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.pipeline_kinds import checked_picks, stored_kinds

# both pipelines have a «Переговоры» stage; Sales ends in amoCRM's won stage, Renewals names no outcome
SHARED = ("Сделка,Воронка,Этап,Бюджет,Создана\n"
          "S1,Продажи,Новая заявка,100,2024-01-01\n"
          "S2,Продажи,Переговоры,200,2024-01-02\n"
          "S3,Продажи,Успешно реализовано,300,2024-01-03\n"
          "S4,Продажи,Закрыто и не реализовано,400,2024-01-04\n"
          "R1,Продления,Напоминание,1000,2024-02-01\n"
          "R2,Продления,Переговоры,2000,2024-02-02\n"
          "R3,Продления,Переговоры,3000,2024-02-03\n")


@pytest.fixture
def shared(mem_store, tmp_path):
    path = tmp_path / "shared.csv"
    path.write_text(SHARED, encoding="utf-8")
    info, _built, _ = import_file(mem_store, path, name="shared")
    return info


def _kinds(store, info) -> set[tuple[str, str, str]]:
    with store.connect() as con:
        return set(con.execute(f"SELECT pipeline, stage, kind FROM ds_{info.id}.stages").fetchall())


def test_each_pipeline_offers_its_own_stages(mem_store, shared):
    """Sales: 2 open steps, its won and its lost stage; Renewals: its 2 open stages only (no stage of Sales)."""
    kinds = stored_kinds(mem_store, shared)
    assert set(kinds) == {"Продажи", "Продления"}
    assert sorted(kinds["Продажи"]) == sorted([("Новая заявка", "open"), ("Переговоры", "open"),
                                               ("Успешно реализовано", "won"), ("Закрыто и не реализовано", "lost")])
    assert sorted(kinds["Продления"]) == [("Напоминание", "open"), ("Переговоры", "open")]


def test_a_stage_of_another_pipeline_is_refused(mem_store, shared):
    kinds = stored_kinds(mem_store, shared)
    with pytest.raises(FunnelError) as err:
        checked_picks({"Продажи": ["Напоминание"]}, kinds, shared.id)
    assert err.value.code == "pipes49.stage_not_in_pipeline" and err.value.params["pipeline"] == "Продажи"
    assert checked_picks({"Продления": ["  переговоры "]}, kinds, shared.id) == {"Продления": ["Переговоры"]}
    with pytest.raises(FunnelError):
        checked_picks({"Нет такой": ["Переговоры"]}, kinds, shared.id)


def test_a_pick_applies_to_its_pipeline_only(mem_store, shared):
    """«Переговоры» picked as Renewals' sale: R2 and R3 are won there (2 of 3 deals, revenue 5 000); Sales'
    «Переговоры» stays an open step (its won stage still «Успешно реализовано», S2 open). A file-wide pick of the
    name would have made Sales' «Переговоры» a won stage too."""
    rederive(mem_store, shared.id, won={"Продления": ["Переговоры"]})
    info = mem_store.info(shared.id)
    kinds = _kinds(mem_store, info)
    assert ("Продления", "Переговоры", "won") in kinds
    assert ("Продажи", "Переговоры", "open") in kinds and ("Продажи", "Успешно реализовано", "won") in kinds
    with mem_store.connect() as con:
        rows = dict(((r[0], r[1]), r[2]) for r in con.execute(
            f"SELECT pipeline, status, count(*) FROM ds_{info.id}.deals GROUP BY 1, 2").fetchall())
        revenue = con.execute(f"SELECT sum(amount) FROM ds_{info.id}.deals WHERE pipeline = 'Продления' "
                              "AND status = 'won'").fetchone()[0]
    assert rows[("Продления", "won")] == 2 and rows[("Продажи", "won")] == 1 and rows[("Продажи", "open")] == 2
    assert revenue == 5000


def test_the_cli_takes_picks_per_pipeline_and_refuses_another_pipelines_stage(tmp_path, capsys):
    path = tmp_path / "shared.csv"
    path.write_text(SHARED, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    capsys.readouterr()
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--won", "Продажи: Напоминание"]) != 0
    assert "is no stage of pipeline «Продажи»" in capsys.readouterr().err
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--won", "Продления: Переговоры"]) == 0
    capsys.readouterr()
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--pipeline", "Продажи", "--json"]) == 0
    import json

    sales = json.loads(capsys.readouterr().out)
    assert (sales["won"], sales["lost"], sales["open"]) == (1, 1, 2)  # S3 won, S4 lost, S1 and S2 open
