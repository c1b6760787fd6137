"""Loading an exercise's data from its parameters, the same way in the notebook and the grader."""

from __future__ import annotations

import warnings

import pandas as pd

from coursekit._errors import CoursekitWarning
from coursekit.datasets.shipped import course_transactions, read_case
from coursekit.rfm import rfm_table

__all__ = ["case_tables", "rfm", "transactions"]


def transactions(params: dict) -> pd.DataFrame:
    """The case's transactions: the shipped file, or generated afresh when ``size`` > 0."""
    size = int(params.get("size") or 0)
    return course_transactions(params["case"], data_dir=params.get("data_dir") or None,
                               size=size or None, seed=params["seed"] if size else None)


def case_tables(params: dict, tables: list[str], **overrides) -> dict[str, pd.DataFrame]:
    """Every named table of the case: read from ``data_dir/<case>/`` or generated when ``size`` > 0.

    Dates are parsed (columns ending in ``_date``, ``month``), as the generators return them;
    categorical columns are text, as in the files. The generator ``overrides`` (e.g.
    ``campaign_effect``) shape only data generated afresh: the shipped case is the shipped case.
    """
    size = int(params.get("size") or 0)
    return read_case(params["case"], tables, data_dir=params.get("data_dir") or None, size=size or None,
                     seed=params["seed"] if size else None, **(overrides if size else {}))


def rfm(tx: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """:func:`coursekit.rfm_table` without its data warnings (the exercise's data is known)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoursekitWarning)
        return rfm_table(tx, **kwargs)
