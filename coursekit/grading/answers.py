"""Reading a trainee's answer in the forms it may arrive in, for the checks of every exercise set.

Answers cross from the trainee's kernel to the grader as data (JSON / Parquet): tuples arrive as
lists, numpy scalars as Python numbers, a Series as a Series (its index possibly as text). Checks
call these readers so that every form of a right answer is read the same way; each returns
``None`` when the answer cannot be read that way, and the check then says what was expected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["as_dict", "as_series", "as_truth", "is_number"]


def is_number(value) -> bool:
    """True for an int or float (numpy ones too), False for bools and everything else.

    Examples
    --------
    >>> is_number(3), is_number(np.float64(0.5)), is_number(True), is_number("3")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


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
