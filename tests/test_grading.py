"""coursekit grade on real submissions made from the 01_rfm exercise notebook.

One class of submissions is graded once (module fixture); each test then looks at one trainee.
Every submission is the generated exercise notebook with answers typed into its cells, as a trainee
would, plus the misbehaviour under test.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from coursekit import DataError
from coursekit.cli import main
from coursekit.course import external_references
from coursekit.grading.grader import COLUMNS, grade, trainee_name
from coursekit.grading.source import ROOT

EXERCISE = ROOT / "exercises" / "01_rfm.ipynb"

GOOD = {
    "q1_1": 'rfm = ck.rfm_table(tx, as_of=as_of, order_col="order_id", bins=bins)',
    "q1_2": "n555 = int(((rfm.r_score == bins) & (rfm.f_score == bins) & (rfm.m_score == bins)).sum())",
    "q1_3": 'top20_share = ck.concentration(rfm["monetary"], 0.2)',
    "q1_4": 'segment_sizes = ck.assign_tiers(rfm, "segments")["tier"].value_counts()',
}
ROWS_NOT_ORDERS = (
    'rfm = ck.rfm_table(tx, as_of=as_of, order_col="order_id", bins=bins)\n'
    'rfm["frequency"] = tx[tx.amount >= 0].groupby("customer_id").size()'
)


def _exercise() -> dict:
    return json.loads(EXERCISE.read_text("utf-8"))


def _answer_cell(nb: dict, qid: str) -> dict:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("coursekit", {}).get("question") == qid)


def make_submission(folder: Path, file: str, answers: dict[str, str], *, name: str = "",
                    edit=None) -> Path:
    """The exercise notebook with ``answers`` typed in (replacing ``x = ...``) and an optional edit."""
    nb = _exercise()
    for qid, code in answers.items():
        cell = _answer_cell(nb, qid)
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = src.splitlines()
        k = next(i for i, line in enumerate(lines) if line.rstrip().endswith("= ..."))
        lines[k] = code
        cell["source"] = "\n".join(lines)
    if name:
        for cell in nb["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if src.startswith("trainee_name"):
                cell["source"] = f'trainee_name = "{name}"'
    if edit:
        edit(nb)
    path = folder / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def _prepend(qid: str, code: str):
    def edit(nb):
        cell = _answer_cell(nb, qid)
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = code + "\n" + src
    return edit


def _append_cell(code: str, after_q: str):
    def edit(nb):
        k = nb["cells"].index(_answer_cell(nb, after_q))
        nb["cells"].insert(k + 1, {"cell_type": "code", "metadata": {}, "execution_count": None,
                                   "outputs": [], "source": code})
    return edit


def _drop_checks_and_shuffle(nb):
    """Delete every check cell and markdown cell, and move the q1_4 answer before q1_3's."""
    keep = [c for c in nb["cells"] if c["cell_type"] == "code"
            and not "".join(c["source"]).startswith("check(")]
    q3, q4 = _answer_cell(nb, "q1_3"), _answer_cell(nb, "q1_4")
    keep.remove(q4)
    keep.insert(keep.index(q3), q4)
    nb["cells"] = keep


MONKEY = """
import numpy as np
check = lambda *args, **kwargs: "✅ all checks passed"
ck.check = check
pd.DataFrame.equals = lambda self, other: True
np.isclose = lambda *args, **kwargs: np.array(True)
np.allclose = lambda *args, **kwargs: True
"""

STUCK = """
import time
while True:
    try:
        time.sleep(5)
    except KeyboardInterrupt:
        pass
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs = base / "submissions"
    made = {
        "perfect": make_submission(subs, "perfect.ipynb", GOOD),
        "blank": make_submission(subs, "blank.ipynb", {}),
        "raises": make_submission(subs, "raises.ipynb", {**GOOD, "q1_3": "top20_share = 1 / 0"}),
        "loops": make_submission(subs, "loops.ipynb", GOOD, edit=_prepend("q1_2", "while True:\n    pass")),
        "stuck": make_submission(subs, "stuck.ipynb", GOOD, edit=_prepend("q1_3", STUCK)),
        "shuffled": make_submission(subs, "shuffled.ipynb", GOOD, edit=_drop_checks_and_shuffle),
        "renamed": make_submission(subs, "Copy of 01_rfm (3).ipynb", GOOD, name="王芳 Wang Fang"),
        "chatty": make_submission(subs, "chatty.ipynb", GOOD,
                                  edit=_append_cell('print("x" * 20_000_000)', "q1_1")),
        "cheat": make_submission(subs, "cheat.ipynb",
                                 {**GOOD, "q1_1": ROWS_NOT_ORDERS, "q1_2": "n555 = 1"},
                                 edit=_prepend("q1_1", MONKEY)),
        "dies": make_submission(subs, "dies.ipynb", GOOD, edit=_prepend("q1_4", "import os\nos._exit(1)")),
        "strange": make_submission(subs, "strange.ipynb",
                                   {**GOOD, "q1_3": "top20_share = object()", "q1_2": "n555 = '133'"}),
    }
    broken = subs / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    made["broken"] = broken
    hashes = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in made.items()}
    out = base / "grades"
    report = grade("01_rfm", [subs], out, cell_timeout=10, notebook_timeout=45)
    return {"report": report, "book": report.gradebook, "out": out, "made": made, "hashes": hashes}


def rows(graded, file: str) -> pd.DataFrame:
    book = graded["book"]
    return book[book["file"] == file].set_index("question")


class TestClassRun:
    def test_gradebook_has_one_row_per_trainee_and_question(self, graded):
        book = pd.read_csv(graded["out"] / "gradebook.csv")
        assert list(book.columns) == COLUMNS
        assert len(book) == 12 * 4
        assert book.groupby("trainee").size().eq(4).all()
        assert set(book["status"]) <= {"passed", "failed", "error", "timeout", "missing"}

    def test_submissions_are_never_modified(self, graded):
        for key, path in graded["made"].items():
            assert hashlib.sha256(path.read_bytes()).hexdigest() == graded["hashes"][key], key

    def test_perfect_submission_gets_full_marks(self, graded):
        r = rows(graded, "perfect.ipynb")
        assert (r["status"] == "passed").all()
        assert r["score"].sum() == r["max_score"].sum() == 7

    def test_blank_exercise_scores_zero_as_missing(self, graded):
        r = rows(graded, "blank.ipynb")
        assert (r["status"] == "missing").all() and r["score"].sum() == 0
        assert "still `...`" in r.at["q1_2", "reason"]

    def test_an_error_costs_only_that_question(self, graded):
        r = rows(graded, "raises.ipynb")
        assert r.at["q1_3", "status"] == "error"
        assert "ZeroDivisionError" in r.at["q1_3", "reason"]
        assert (r.drop("q1_3")["status"] == "passed").all()

    def test_endless_loop_is_interrupted_and_the_rest_graded(self, graded):
        r = rows(graded, "loops.ipynb")
        assert r.at["q1_2", "status"] == "timeout"
        assert "longer than 10 s" in r.at["q1_2", "reason"]
        assert (r.drop("q1_2")["status"] == "passed").all()

    def test_uninterruptible_loop_hits_the_notebook_timeout(self, graded):
        r = rows(graded, "stuck.ipynb")
        assert list(r.loc[["q1_1", "q1_2"], "status"]) == ["passed", "passed"]
        assert list(r.loc[["q1_3", "q1_4"], "status"]) == ["timeout", "timeout"]

    def test_deleted_and_reordered_cells(self, graded):
        r = rows(graded, "shuffled.ipynb")
        assert (r["status"] == "passed").all()

    def test_renamed_file_keeps_the_name_written_in_it(self, graded):
        r = rows(graded, "Copy of 01_rfm (3).ipynb")
        assert set(r["trainee"]) == {"王芳 Wang Fang"}
        assert (r["status"] == "passed").all()
        assert trainee_name(graded["made"]["perfect"]) == "perfect"

    def test_megabytes_of_output_change_nothing(self, graded):
        assert (rows(graded, "chatty.ipynb")["status"] == "passed").all()

    def test_redefining_check_and_monkeypatching_do_not_help(self, graded):
        r = rows(graded, "cheat.ipynb")
        assert r.at["q1_1", "status"] == "failed"
        assert "frequency counts orders, not rows" in r.at["q1_1", "reason"]
        assert 0 < r.at["q1_1", "score"] < 2
        assert r.at["q1_2", "status"] == "failed"
        assert list(r.loc[["q1_3", "q1_4"], "status"]) == ["passed", "passed"]

    def test_dead_kernel_keeps_earlier_answers(self, graded):
        r = rows(graded, "dies.ipynb")
        assert list(r.loc[["q1_1", "q1_2", "q1_3"], "status"]) == ["passed"] * 3
        assert r.at["q1_4", "status"] == "error"
        assert "DeadKernel" in r.at["q1_4", "reason"]

    def test_answers_of_the_wrong_type(self, graded):
        r = rows(graded, "strange.ipynb")
        assert r.at["q1_3", "status"] == "error" and "cannot be graded" in r.at["q1_3", "reason"]
        assert r.at["q1_2", "status"] == "failed" and "single number" in r.at["q1_2", "reason"]

    def test_unreadable_notebook(self, graded):
        r = rows(graded, "broken.ipynb")
        assert (r["status"] == "error").all()
        assert "could not be read" in r.iloc[0]["reason"]

    def test_summary_and_feedback_pages_are_self_contained(self, graded):
        out = graded["out"]
        summary = (out / "summary.html").read_text("utf-8")
        assert external_references(summary) == []
        assert "data:image/png;base64," in summary
        for q in ("q1_1", "q1_2", "q1_3", "q1_4"):
            assert q in summary
        pages = sorted((out / "feedback").glob("*.html"))
        assert len(pages) == 12
        page = next(p for p in pages if "Wang" in p.name).read_text("utf-8")
        assert "王芳 Wang Fang" in page and "7 / 7" in page
        assert external_references(page) == []


class TestParametersAndOutput:
    def test_checks_follow_the_grading_parameters(self, tmp_path):
        """Another seed and size: computed answers still pass, answers typed in from the default data fail."""
        subs = tmp_path / "subs"
        make_submission(subs, "computed.ipynb", GOOD)
        make_submission(subs, "hardcoded.ipynb", {**GOOD, "q1_2": "n555 = 133"})
        report = grade("01_rfm", [subs], tmp_path / "out", parameters={"size": 300, "seed": 7})
        book = report.gradebook.set_index(["file", "question"])
        assert (book.loc["computed.ipynb", "status"] == "passed").all()
        assert book.loc[("hardcoded.ipynb", "q1_2"), "status"] == "failed"

    def test_output_folder_is_protected(self, tmp_path):
        sub = make_submission(tmp_path / "subs", "a.ipynb", {})
        foreign = tmp_path / "mine"
        foreign.mkdir()
        (foreign / "notes.txt").write_text("keep me")
        with pytest.raises(DataError, match="not made by coursekit grade"):
            grade("01_rfm", [sub], foreign)
        assert (foreign / "notes.txt").read_text() == "keep me"
        with pytest.raises(DataError, match="holds submissions"):
            grade("01_rfm", [tmp_path / "subs"], tmp_path / "subs")

    def test_bad_arguments_are_named(self, tmp_path):
        sub = make_submission(tmp_path / "subs", "a.ipynb", {})
        with pytest.raises(DataError, match="unknown exercise '99_x'"):
            grade("99_x", [sub], tmp_path / "o1")
        with pytest.raises(DataError, match="no parameter 'sed'"):
            grade("01_rfm", [sub], tmp_path / "o2", parameters={"sed": 1})
        with pytest.raises(DataError, match="no such submission"):
            grade("01_rfm", [tmp_path / "nope.ipynb"], tmp_path / "o3")
        with pytest.raises(DataError, match="cell_timeout must be a positive"):
            grade("01_rfm", [sub], tmp_path / "o4", cell_timeout=0)

    def test_command_line_grades_and_regrades_into_its_own_folder(self, tmp_path, capsys):
        sub = make_submission(tmp_path / "subs", "lee.ipynb", GOOD)
        out = tmp_path / "grades"
        assert main(["grade", "--exercise", "01_rfm", str(sub), "--out", str(out), "-p", "seed", "42"]) == 0
        printed = capsys.readouterr().out
        assert "graded 1 submissions of 01_rfm" in printed and "mean 7.00 / 7" in printed
        first = (out / "gradebook.csv").read_bytes()
        assert main(["grade", "--exercise", "01_rfm", str(sub), "--out", str(out)]) == 0
        assert (out / "gradebook.csv").read_bytes() == first
        assert main(["grade", "--exercise", "01_rfm", str(sub), "--out", str(out), "-p", "sed", "1"]) == 2
        assert "no parameter 'sed'" in capsys.readouterr().err
