"""One source of truth: solutions/ generates exercises/, and the two agree with the checks.

- the committed exercise notebooks are exactly what `coursekit exercises build` generates;
- same question ids (and points, answer variables) in solution, exercise and the set's checks;
  every question has a public check and (but for a few of 01_rfm's) a hidden one, every check a hint;
- the parameters cell of each solution equals the exercise set's defaults;
- every check cell of the executed solution notebook shows ✅;
- exercise notebooks hold no outputs and no solution code;
- every solution passes every check (hidden ones included) when graded by `coursekit grade`,
  on another dataset size and seed than the default, so the checks follow the parameters.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from coursekit import DataError
from coursekit.grading.core import EXERCISE_SETS, exercise_set
from coursekit.grading.grader import grade
from coursekit.grading.source import (
    ROOT,
    build_exercises,
    make_exercise,
    notebook_text,
    questions,
)

SOLUTIONS = sorted((ROOT / "solutions").glob("[!_.]*.ipynb"))
NAMES = [p.stem for p in SOLUTIONS]
# questions the grader checks with public checks only (the first exercise's counts and shares)
PUBLIC_ONLY = {"01_rfm": {"q1_2", "q1_3"}}


def _nb(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _text(value) -> str:
    """A notebook string as stored: one string, or a list of lines."""
    return "".join(value) if isinstance(value, list) else value


def _src(cell) -> str:
    return _text(cell["source"])


def test_every_module_1_to_6_and_the_clv_track_have_an_exercise():
    assert NAMES == sorted(EXERCISE_SETS) == ["01_rfm", "02_value", "03_strategy", "04_bank", "05_retail",
                                              "06_b2b", "07_clv"]


def test_committed_exercises_are_generated_from_the_solutions():
    assert build_exercises(check=True) == []


@pytest.mark.parametrize("name", NAMES)
def test_question_ids_agree(name):
    sol = questions(_nb(ROOT / "solutions" / f"{name}.ipynb"))
    ex_nb = _nb(ROOT / "exercises" / f"{name}.ipynb")
    ex = questions(ex_nb)
    assert [(q.id, q.points, q.answer) for q in sol] == [(q.id, q.points, q.answer) for q in ex]
    assert len(sol) >= 3
    checks = exercise_set(name).checks
    assert [q.id for q in sol] == sorted(checks)  # in the notebook in the order of their ids
    assert all(1 <= q.points <= 3 for q in sol)
    for q in sol:
        assert any(not c.hidden for c in checks[q.id]) and all(c.hint for c in checks[q.id]), q.id
    assert {q.id for q in sol if not any(c.hidden for c in checks[q.id])} == PUBLIC_ONLY.get(name, set())
    meta = ex_nb["metadata"]["coursekit"]
    assert meta["exercise"] == name and sorted(meta["questions"]) == sorted(q.id for q in sol)
    # every answer cell is followed by a check cell for the same question
    cells = ex_nb["cells"]
    for q in ex:
        following = [_src(c) for c in cells[q.cell + 1:] if c["cell_type"] == "code"]
        assert following and following[0].strip().startswith(f'check("{q.id}"'), q.id


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell_matches_the_exercise_defaults(name):
    nb = _nb(ROOT / "solutions" / f"{name}.ipynb")
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    declared = {}
    for node in ast.parse(_src(cell)).body:
        assert isinstance(node, ast.Assign), f"{name}: parameters cell holds only assignments"
        declared[node.targets[0].id] = ast.literal_eval(node.value)
    assert declared == exercise_set(name).defaults
    for line in _src(cell).splitlines():
        assert "=" not in line.partition("#")[2], f"{name}: '=' in a parameters comment confuses papermill"


@pytest.mark.parametrize("name", NAMES)
def test_every_check_cell_of_the_executed_solution_passed(name):
    cells = _nb(ROOT / "solutions" / f"{name}.ipynb")["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" and _src(c).startswith("check(") for o in c["outputs"]]
    assert len(outputs) == len(exercise_set(name).checks)
    assert all(_text(o["data"]["text/plain"]).startswith("✅") for o in outputs)


@pytest.mark.parametrize("name", NAMES)
def test_exercise_holds_no_outputs_and_no_solutions(name):
    sol = _nb(ROOT / "solutions" / f"{name}.ipynb")
    ex = _nb(ROOT / "exercises" / f"{name}.ipynb")
    text = json.dumps(ex)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    for cell in ex["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    exercise_lines = {line.strip() for cell in ex["cells"] for line in _src(cell).splitlines()}
    answers = {q.answer for q in questions(sol)}
    hidden = []
    for cell in sol["cells"]:
        inside = False
        for line in _src(cell).splitlines():
            if line.strip() in ("# BEGIN SOLUTION", "<!-- BEGIN SOLUTION -->"):
                inside = True
            elif line.strip() in ("# END SOLUTION", "<!-- END SOLUTION -->"):
                inside = False
            elif inside and len(line.strip()) > 12 and not line.strip().startswith("#"):
                hidden.append(line.strip())
    assert hidden, "the solution has solution blocks"
    leaked = [line for line in hidden if line in exercise_lines]
    assert leaked == []
    assert text.count("= ...") >= len(answers)


def test_generation_markers_are_checked(tmp_path):
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": "# QUESTION q1 · points: 1 · answer: x\n# BEGIN SOLUTION\nx = 1\n"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    with pytest.raises(DataError, match="without '# END SOLUTION'"):
        make_exercise(nb, "t")
    nb["cells"][0]["source"] += "# END SOLUTION\nx"
    made = make_exercise(nb, "t")
    assert made["cells"][0]["source"] == "# QUESTION q1 · points: 1 · answer: x\n# YOUR CODE HERE\nx = ...\nx"
    assert nb["cells"][0]["source"].count("x = 1") == 1  # the input is untouched
    nb["cells"][0]["source"] = "# QUESTION q1 points 1\nx = 1"
    with pytest.raises(DataError, match="malformed question line"):
        make_exercise(nb, "t")


def test_build_never_overwrites_a_changed_exercise(tmp_path):
    sols, exs = tmp_path / "solutions", tmp_path / "exercises"
    sols.mkdir()
    (sols / "01_rfm.ipynb").write_bytes((ROOT / "solutions" / "01_rfm.ipynb").read_bytes())
    assert build_exercises(sols, exs) == ["01_rfm"]
    generated = (exs / "01_rfm.ipynb").read_text("utf-8")
    assert generated == notebook_text(make_exercise(_nb(sols / "01_rfm.ipynb"), "01_rfm"))
    assert build_exercises(sols, exs) == []  # up to date: nothing written
    (exs / "01_rfm.ipynb").write_text(generated.replace("trainee_name = \\\"\\\"", "trainee_name = \\\"Li\\\""))
    changed = (exs / "01_rfm.ipynb").read_text("utf-8")
    assert changed != generated
    (sols / "01_rfm.ipynb").write_text((sols / "01_rfm.ipynb").read_text("utf-8").replace("Exercise 1", "Exercise One"))
    with pytest.raises(DataError, match="changed since it was generated"):
        build_exercises(sols, exs)
    assert (exs / "01_rfm.ipynb").read_text("utf-8") == changed


def test_every_solution_passes_every_check_on_other_data(tmp_path):
    """Grade all solution notebooks as submissions, with a smaller dataset and another seed."""
    scores = {}
    for name in NAMES:
        params = {"size": 300, "seed": 7}
        report = grade(name, [ROOT / "solutions" / f"{name}.ipynb"], tmp_path / name, parameters=params)
        book = report.gradebook
        failing = book[book["status"] != "passed"]
        assert failing.empty, failing[["question", "status", "reason"]].to_string()
        scores[name] = book["score"].sum()
        assert scores[name] == book["max_score"].sum()
