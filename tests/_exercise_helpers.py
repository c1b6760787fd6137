"""What the tests of every exercise set share: its data from parameters, and a wrong answer's feedback.

The test files import it as ``from _exercise_helpers import ...`` (pytest puts ``tests/`` on the path).
"""

from __future__ import annotations

from coursekit.grading.core import CheckResult, ExerciseSet, run_checks


def context(ex: ExerciseSet, **given) -> tuple[dict, dict]:
    """``(params, ctx)``: the set's parameters updated with ``given``, and what its loader makes of them."""
    params = ex.parameters(given)
    return params, ex.load(params)


def failing(ex: ExerciseSet, question: str, answer, ctx, *, hidden: bool = True) -> CheckResult:
    """The checks' result for a wrong answer; the test fails if the answer passes."""
    result = run_checks(ex, question, answer, ctx, hidden=hidden)
    assert not result.ok, f"{question}: a wrong answer passed"
    return result


def message(ex: ExerciseSet, question: str, answer, ctx, *, hidden: bool = True) -> str:
    """What the trainee reads for a wrong answer (the test fails if the answer passes)."""
    return failing(ex, question, answer, ctx, hidden=hidden).message
