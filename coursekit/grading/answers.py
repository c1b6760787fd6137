"""Reading a trainee's answer in the forms it may arrive in, for the checks of every exercise set.

Answers cross from the trainee's kernel to the grader as data (JSON / Parquet): tuples arrive as
lists, numpy scalars as Python numbers, a Series as a Series (its index possibly as text). Checks
call these readers so that every form of a right answer is read the same way; each returns
``None`` when the answer cannot be read that way, and the check then says what was expected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["as_dict", "as_frame", "as_number", "as_series", "as_truth", "from_uplift_result", "is_number"]


def is_number(value) -> bool:
    """True for an int or float (numpy ones too), False for bools and everything else.

    Examples
    --------
    >>> is_number(3), is_number(np.float64(0.5)), is_number(True), is_number("3")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def as_number(answer):
    """The one value of a size-1 Series, DataFrame or array, numpy scalars as Python ones; else ``answer``.

    Nothing is checked: a check then asks :func:`is_number` and names the type it found.

    Examples
    --------
    >>> as_number(pd.Series([0.25])), as_number(np.int64(3)), as_number(np.array([[1.5]]))
    (0.25, 3, 1.5)
    >>> as_number(pd.Series([1, 2])).tolist(), as_number("3")
    ([1, 2], '3')
    """
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(answer) == 1:
        answer = np.asarray(answer).reshape(-1)[0]
    if isinstance(answer, np.generic):
        answer = answer.item()
    return answer


def as_frame(answer, index: str | None = "customer_id") -> pd.DataFrame | None:
    """A DataFrame indexed by ``index``, set from its column when it is one; None for anything else.

    The labels are left as they are: a check that compares them as text converts them itself.

    Examples
    --------
    >>> as_frame(pd.DataFrame({"customer_id": ["C1"], "frequency": [3]})).index.tolist()
    ['C1']
    >>> as_frame(pd.DataFrame({"n": [2]}, index=pd.Index(["A"], name="tier")), "tier").index.name
    'tier'
    >>> as_frame(pd.Series([1])) is None
    True
    """
    if not isinstance(answer, pd.DataFrame):
        return None
    if index and answer.index.name != index and index in answer.columns:
        answer = answer.set_index(index)
    return answer


def from_uplift_result(found: dict | None) -> dict | None:
    """A whole :func:`coursekit.strategy.uplift` result read as an answer: its relative estimate and
    interval become ``uplift``, ``ci_low`` and ``ci_high`` (the uplift() keys of the same names are
    the difference's). A dict with its own ``uplift`` key, or without ``relative_uplift``, is as given.

    Examples
    --------
    >>> found = from_uplift_result({"difference": 2.0, "ci_low": 1.0, "ci_high": 3.0, "relative_uplift": 0.1,
    ...                             "relative_ci_low": 0.05, "relative_ci_high": 0.15, "supported": True})
    >>> found["uplift"], found["ci_low"], found["ci_high"], found["supported"]
    (0.1, 0.05, 0.15, True)
    >>> from_uplift_result({"uplift": 0.2, "ci_low": 0.1, "ci_high": 0.3})
    {'uplift': 0.2, 'ci_low': 0.1, 'ci_high': 0.3}
    """
    if found is not None and "uplift" not in found and "relative_uplift" in found:
        found = {**found, "uplift": found["relative_uplift"], "ci_low": found.get("relative_ci_low"),
                 "ci_high": found.get("relative_ci_high")}
    return found


def as_series(answer, columns=()) -> pd.Series | None:
    """A Series from a Series, from a DataFrame's first column among ``columns``, or a 1-column DataFrame.

    Examples
    --------
    >>> as_series(pd.DataFrame({"tier": ["A"], "n": [1]}), columns=["tier"]).tolist()
    ['A']
    >>> as_series([1, 2]) is None
    True
    """
    if isinstance(answer, pd.Series):
        return answer
    if isinstance(answer, pd.DataFrame):
        for col in columns:
            if col in answer.columns:
                return answer[col]
        if answer.shape[1] == 1:
            return answer.iloc[:, 0]
    return None


def as_dict(answer) -> dict | None:
    """A dict with text keys from a dict, a Series or a 1-column DataFrame.

    Examples
    --------
    >>> as_dict(pd.Series({"uplift": 0.1, "ci_low": -0.05}))
    {'uplift': 0.1, 'ci_low': -0.05}
    """
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if isinstance(answer, (dict, pd.Series)):
        return {str(k): v for k, v in answer.items()}
    return None


def as_truth(value) -> bool | None:
    """A bool from a bool, a numpy bool or the numbers 0 / 1; None for anything else.

    Examples
    --------
    >>> as_truth(np.bool_(True)), as_truth(0), as_truth("yes")
    (True, False, None)
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if is_number(value) and float(value) in (0.0, 1.0):
        return bool(value)
    return None
