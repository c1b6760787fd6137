"""The lesson notebooks run end to end under papermill, for every case, and parameters matter.

Runs happen in this process (papermill.execute_notebook ≈ 1–3 s each) into a temporary folder;
the committed notebooks are never written to. nbval (run by `make test` on notebooks/) compares the
committed outputs separately.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
CASES = ["retail", "b2b-distributor", "b2b-manufacturer"]


def _run(name: str, tmp_path: Path, **parameters) -> dict:
    out = tmp_path / f"{Path(name).stem}-{abs(hash(json.dumps(parameters, sort_keys=True)))}.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=parameters,
                               kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)
    return json.loads(out.read_text())


def _declared(name: str) -> set[str]:
    return set(papermill.inspect_notebook(str(NOTEBOOKS / name)))


def _text(nb: dict) -> str:
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            parts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_there_are_lessons():
    assert len(LESSONS) == 11 and LESSONS[0] == "00_contents.ipynb" and LESSONS[-1] == "10_clv_advanced.ipynb"


# small, fast parameter sets for the notebooks that do not take a `case`
SMOKE = {
    "04_clustering.ipynb": [{"size": 300, "seed": 3}],
    "06_bank_case.ipynb": [{"size": 150, "seed": 3}],
    "07_retail_case.ipynb": [{"size": 300, "seed": 3}],
    "08_b2b_case.ipynb": [{"size": 150, "seed": 3}, {"size": 150, "seed": 3, "company": "distributor"}],
    "09_training_evaluation.ipynb": [{"size": 10, "seed": 3}],
    "10_clv_advanced.ipynb": [{"dataset": "retail", "size": 300, "seed": 3},
                              {"dataset": "cdnow", "size": 0, "seed": 3, "time_unit": "D"},
                              {"dataset": "b2b-distributor", "size": 300, "seed": 3}],
}


def _smoke_runs():
    runs = []
    for name in LESSONS:
        if name == "00_contents.ipynb":
            continue
        if "case" in _declared(name):
            runs += [(name, {"case": case, "size": 150, "seed": 3}) for case in CASES]
        else:
            runs += [(name, params) for params in SMOKE.get(name, [{"size": 150, "seed": 3}])]
    return runs


@pytest.mark.parametrize("name, parameters", _smoke_runs(),
                         ids=lambda v: v if isinstance(v, str) else "-".join(f"{k}={x}" for k, x in v.items()))
def test_lesson_runs_with_small_parameters(name, parameters, tmp_path):
    assert {"size", "seed"} <= _declared(name)
    nb = _run(name, tmp_path, **parameters)
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


def test_transaction_lessons_take_the_data_parameters():
    for name in ("01_why_tier.ipynb", "02_rfm.ipynb", "03_value_tiers.ipynb"):
        assert {"case", "size", "seed", "as_of", "own_file", "column_map"} <= _declared(name)


def test_parameters_change_the_analysis(tmp_path):
    small = _text(_run("01_why_tier.ipynb", tmp_path, size=200, seed=1, top_share=0.2))
    other = _text(_run("01_why_tier.ipynb", tmp_path, size=200, seed=1, top_share=0.1))
    assert "The top 20% of customers bring" in small
    assert "The top 10% of customers bring" in other


def test_own_file_parameter(tmp_path):
    mapping = {"客户号": "customer_id", "交易日期": "order_date", "金额": "amount", "订单号": "order_id"}
    nb = _run("02_rfm.ipynb", tmp_path, own_file=str(ROOT / "tests" / "fixtures" / "trainer_shop.csv"),
              column_map=mapping)
    assert "read 22 rows from trainer_shop.csv" in _text(nb)


def test_committed_notebooks_are_executed_and_parameterised():
    for name in LESSONS:
        nb = json.loads((NOTEBOOKS / name).read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(c.get("execution_count") for c in code), f"{name} is committed unexecuted"
        if name != "00_contents.ipynb":
            assert "parameters" in code[0]["metadata"].get("tags", []), name
            assert nb["cells"][0]["cell_type"] == "markdown" and "Objectives" in "".join(nb["cells"][0]["source"])


def test_running_never_touches_the_notebooks(tmp_path):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in NOTEBOOKS.iterdir() if p.is_file()}
    _run("00_contents.ipynb", tmp_path)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in NOTEBOOKS.iterdir() if p.is_file()}
    assert before == after


@pytest.mark.parametrize("name", [n for n in LESSONS if n != "00_contents.ipynb"])
def test_papermill_sees_every_parameter(name):
    # papermill silently ignores a line it cannot parse (e.g. one with "=" in its comment);
    # such a parameter could then not be changed by `coursekit run -p`
    nb = json.loads((NOTEBOOKS / name).read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    assigned = {line.split("=")[0].strip() for line in "".join(cell["source"]).splitlines()
                if "=" in line and not line.lstrip().startswith("#")}
    assert assigned == _declared(name)


def test_the_course_runs_end_to_end_with_offline_html(tmp_path):
    # what `make course` does, on small generated data for the manufacturer case
    from html.parser import HTMLParser

    from coursekit.course import run_course

    results = run_course(NOTEBOOKS, tmp_path / "course", parameters={"size": 150, "seed": 2},
                         case="b2b-manufacturer", progress=False)
    assert [r.name for r in results] == LESSONS
    assert all(r.status == "ok" for r in results), [r.error for r in results if r.status != "ok"]

    class Loads(HTMLParser):
        def __init__(self):
            super().__init__()
            self.external = []

        def handle_starttag(self, tag, attrs):
            for key, value in attrs:
                if key in ("src", "href") and value and value.startswith(("http:", "https:", "//")) and tag != "a":
                    self.external.append((tag, value))

    for result in results:
        parser = Loads()
        parser.feed(Path(result.html).read_text(encoding="utf-8"))
        assert parser.external == [], f"{result.name} loads {parser.external}"
    index = (tmp_path / "course" / "index.html").read_text(encoding="utf-8")
    assert all(Path(r.html).name in index for r in results)


def test_value_matrix_can_use_predicted_clv(tmp_path):
    """future_value="predicted" swaps the r+f proxy for BG/NBD + Gamma-Gamma CLV and adds P(alive)."""
    simple = _text(_run("03_value_tiers.ipynb", tmp_path, size=300, seed=3))
    predicted = _text(_run("03_value_tiers.ipynb", tmp_path, size=300, seed=3, future_value="predicted"))
    assert 'Set future_value = "predicted"' in simple
    assert "high-current-value customers have P(alive) < 0.5" in predicted
    assert 'Set future_value = "predicted"' not in predicted
