"""Exercise sets, their checks, and the feedback a trainee sees after each answer.

An **exercise set** (one per curriculum module) knows how to load its data from the notebook's
parameters and, for every question id, a list of **checks**. A check is a small pure function
``check(answer, ctx) -> str | None``: it returns ``None`` when the answer passes, or a specific
message saying what is wrong ("frequency counts orders, not rows: customer C0012 has 3 orders, you
have 5") — never the answer itself. ``ctx`` holds the data and the expected results, computed from
the *same parameters* the trainee ran with, so a trainer can hand each group its own dataset and
seed and the checks still hold.

Checks are either **public** (run in the trainee's notebook by :meth:`Exercise.check`) or
**hidden** (``hidden=True``: run only by the grader, like otter-grader's hidden tests).

Scoring rule (stated once, used by the grader): a question's checks run in order, public ones
first; they stop at the first failure. ``score = points × checks passed / checks in total``, so an
answer with the right shape but a wrong number earns part of the points, an answer that passes every
check earns all of them.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from coursekit._errors import DataError
from coursekit.grading.answers import as_frame, as_number
from coursekit.grading.answers import is_number as _is_number

__all__ = [
    "Check",
    "CheckResult",
    "Exercise",
    "ExerciseSet",
    "EXERCISE_SETS",
    "check",
    "compare_number",
    "compare_table",
    "exercise_set",
    "run_checks",
]

EXERCISE_SETS: dict[str, str] = {
    "01_rfm": "coursekit.grading.sets.rfm",
    "02_value": "coursekit.grading.sets.value",
    "03_strategy": "coursekit.grading.sets.strategy",
    "04_bank": "coursekit.grading.sets.bank",
    "05_retail": "coursekit.grading.sets.retail",
    "06_b2b": "coursekit.grading.sets.b2b",
    "07_clv": "coursekit.grading.sets.clv",
}
"""Exercise name (the notebook's file stem in ``exercises/`` and ``solutions/``) → its module."""


@dataclass(frozen=True)
class Check:
    """One check of a question: a function ``(answer, ctx) -> message or None`` and a hint."""

    name: str
    func: Callable[[object, Mapping], str | None]
    hint: str = ""
    hidden: bool = False


@dataclass
class ExerciseSet:
    """The data loader and the checks of one exercise notebook.

    Parameters
    ----------
    name : str
        Exercise name, e.g. ``"01_rfm"`` — the notebook's file stem.
    defaults : dict
        The notebook's parameters and their default values (the ``parameters`` cell).
    load : callable
        ``load(params) -> dict``: the data the trainee works on and the expected results, computed
        from the parameters alone.
    """

    name: str
    defaults: dict
    load: Callable[[dict], dict]
    checks: dict[str, list[Check]] = field(default_factory=dict)

    def check(self, question: str, *, hint: str = "", hidden: bool = False):
        """Decorator registering a check of ``question`` (in the order they are defined)."""
        def register(func):
            self.checks.setdefault(question, []).append(
                Check(func.__name__.lstrip("_"), func, hint=hint, hidden=hidden))
            return func
        return register

    def ordered_checks(self, question: str) -> list[Check]:
        if question not in self.checks:
            raise DataError(f"exercise {self.name} has no question {question!r}; "
                            f"its questions are {sorted(self.checks)}")
        found = self.checks[question]
        return [c for c in found if not c.hidden] + [c for c in found if c.hidden]

    def parameters(self, given: Mapping | None = None) -> dict:
        """The defaults updated with ``given``; an unknown name is an error naming the known ones."""
        params = dict(self.defaults)
        for key, value in (given or {}).items():
            if key not in params:
                raise DataError(f"exercise {self.name} has no parameter {key!r}; "
                                f"its parameters are {sorted(params)}")
            params[key] = value
        return params


def exercise_set(name: str) -> ExerciseSet:
    """The :class:`ExerciseSet` called ``name`` (e.g. ``"01_rfm"``)."""
    if name not in EXERCISE_SETS:
        raise DataError(f"unknown exercise {name!r}; choose one of {sorted(EXERCISE_SETS)}")
    return importlib.import_module(EXERCISE_SETS[name]).EXERCISE


@dataclass
class CheckResult:
    """What :func:`run_checks` found for one answer: shown to the trainee, scored by the grader."""

    question: str
    passed: int
    total: int
    message: str = ""
    hint: str = ""
    failed_check: str = ""
    hidden_failed: bool = False
    not_run_hidden: int = 0

    @property
    def ok(self) -> bool:
        return self.passed == self.total

    def score(self, points: float) -> float:
        """``points × passed / total``, rounded to 2 decimals."""
        return round(points * self.passed / self.total, 2) if self.total else 0.0

    def __repr__(self) -> str:
        if self.ok:
            more = (f" (the grader runs {self.not_run_hidden} more hidden check"
                    f"{'s' if self.not_run_hidden != 1 else ''})") if self.not_run_hidden else ""
            checks = "the check" if self.total == 1 else f"all {self.total} checks"
            return f"✅ {self.question}: {checks} passed{more}."
        text = f"❌ {self.question}: {self.message}"
        if self.hint:
            text += f"\n   Hint: {self.hint}"
        return text

    def _repr_html_(self) -> str:
        import html

        colour = "#1b7f3b" if self.ok else "#b00020"
        lines = html.escape(repr(self)).replace("\n", "<br>")
        return f'<div style="color:{colour};font-family:monospace">{lines}</div>'


def run_checks(ex: ExerciseSet, question: str, answer, ctx: Mapping, *, hidden: bool = True) -> CheckResult:
    """Run the checks of ``question`` on ``answer`` in order and stop at the first failure.

    ``hidden=False`` runs only the public checks (what the trainee's notebook does). A check that
    raises counts as failed, with the exception in the message: a strange answer never crashes the
    grader.
    """
    checks = ex.ordered_checks(question)
    public = [c for c in checks if not c.hidden]
    selected = checks if hidden else public
    result = CheckResult(question, 0, len(selected), not_run_hidden=0 if hidden else len(checks) - len(public))
    if answer is Ellipsis:
        result.message = "not answered yet: replace the `...` with your answer and run the cell again."
        return result
    for c in selected:
        try:
            problem = c.func(answer, ctx)
        except Exception as exc:  # a check must survive any answer
            problem = f"your answer could not be checked ({type(exc).__name__}: {exc})"
        if problem:
            result.message, result.hint, result.failed_check = problem, c.hint, c.name
            result.hidden_failed = c.hidden
            return result
        result.passed += 1
    return result


# --- comparisons a check uses -------------------------------------------------------------------




def compare_number(answer, expected: float, *, what: str, rel: float = 1e-6, abs_tol: float = 1e-9,
                   percent_hint: bool = False) -> str | None:
    """``None`` when ``answer`` is a number within tolerance of ``expected``, else what is wrong.

    The message says whether the answer is too high or too low, not the expected value.

    Examples
    --------
    >>> compare_number(0.5, 0.5, what="the share") is None
    True
    >>> compare_number(50, 0.5, what="the share", percent_hint=True)
    'the share should be a fraction between 0 and 1, not a percentage (you have 50)'
    >>> compare_number(0.4, 0.5, what="the share")
    'the share is too low (you have 0.4)'
    """
    answer = as_number(answer)
    if not _is_number(answer):
        return f"{what} should be a single number, not {type(answer).__name__}"
    value = float(answer)
    if math.isnan(value):
        return f"{what} is NaN: check for missing values in your calculation"
    if math.isclose(value, expected, rel_tol=rel, abs_tol=abs_tol):
        return None
    if percent_hint and 0 <= expected <= 1 and 1 < value <= 100:
        return f"{what} should be a fraction between 0 and 1, not a percentage (you have {value:g})"
    side = "high" if value > expected else "low"
    return f"{what} is too {side} (you have {value:g})"


def _show(value) -> str:
    """A value as the trainee would type it: 5, 0.25, 'A' (numpy scalars unwrapped)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def compare_table(answer, expected: pd.DataFrame, *, what: str, columns: Sequence[str],
                  index_name: str = "customer_id", rel: float = 1e-6, show: int = 1) -> str | None:
    """``None`` when ``answer`` has ``expected``'s rows (index) and ``columns`` values, else what differs.

    The message names the first differing rows and the trainee's values there, never the expected
    table.

    Examples
    --------
    >>> exp = pd.DataFrame({"frequency": [3, 1]}, index=pd.Index(["C1", "C2"], name="customer_id"))
    >>> compare_table(exp.copy(), exp, what="your RFM table", columns=["frequency"]) is None
    True
    >>> compare_table(exp.assign(frequency=[5, 1]), exp, what="your RFM table", columns=["frequency"])
    'your RFM table: column frequency differs for 1 of 2 customers, e.g. customer C1: you have 5'
    """
    if not isinstance(answer, pd.DataFrame):
        return f"{what} should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in columns if c not in answer.columns]
    if missing:
        return (f"{what} has no column {missing[0]!r} (it has {list(map(str, answer.columns))[:8]}); "
                f"expected columns {list(columns)}")
    answer = as_frame(answer, index_name)
    extra = answer.index.difference(expected.index)
    lacking = expected.index.difference(answer.index)
    if len(lacking):
        return (f"{what} lacks {len(lacking)} of the {len(expected)} {index_name or 'row'}s, "
                f"e.g. {lacking[0]!r} (one row per {index_name or 'row'}, indexed by {index_name})")
    if len(extra):
        return f"{what} has {len(extra)} rows too many, e.g. {extra[0]!r}"
    if answer.index.has_duplicates:
        dup = answer.index[answer.index.duplicated()][0]
        return f"{what} has {dup!r} more than once: one row per {index_name}"
    aligned = answer.loc[expected.index]
    for col in columns:
        mine, theirs = aligned[col], expected[col]
        if pd.api.types.is_numeric_dtype(theirs) and not pd.api.types.is_bool_dtype(theirs):
            try:
                mine_num = pd.to_numeric(mine)
            except (TypeError, ValueError):
                return f"{what}: column {col} should hold numbers, it holds {mine.dtype}"
            bad = ~np.isclose(mine_num.to_numpy(dtype=float), theirs.to_numpy(dtype=float), rtol=rel, atol=1e-9,
                              equal_nan=True)
        else:
            bad = (mine.astype(str) != theirs.astype(str)).to_numpy()
        if bad.any():
            where = expected.index[bad]
            label = index_name.replace("_id", "") if index_name else "row"
            examples = ", ".join(f"{label} {k}: you have {_show(aligned.at[k, col])}" for k in where[:show])
            return (f"{what}: column {col} differs for {int(bad.sum())} of {len(expected)} "
                    f"{label}s, e.g. {examples}")
    return None


# --- the trainee's side -------------------------------------------------------------------------

_CURRENT: list[Exercise] = []


class Exercise:
    """An exercise notebook's data and its checks, built from the notebook's parameters.

    ``ex = Exercise("01_rfm", case=case, seed=seed, ...)`` loads the data (``ex.data``) exactly as the
    grader will, and ``ex.check("q1_1", answer)`` (or :func:`coursekit.check`) runs the question's
    public checks and shows specific feedback.
    """

    def __init__(self, name: str, **params) -> None:
        self.set = exercise_set(name)
        self.params = self.set.parameters(params)
        self.ctx = self.set.load(self.params)
        self.data = self.ctx["data"]
        _CURRENT[:] = [self]

    def check(self, question: str, answer) -> CheckResult:
        """Run the public checks of ``question`` on ``answer`` and return the feedback."""
        return run_checks(self.set, question, answer, self.ctx, hidden=False)


def check(question: str, answer) -> CheckResult:
    """Check an answer against the exercise started last in this notebook (see :class:`Exercise`)."""
    if not _CURRENT:
        raise DataError("no exercise started in this notebook: run the setup cell first "
                        "(it creates `ex = Exercise(...)`)")
    return _CURRENT[0].check(question, answer)
