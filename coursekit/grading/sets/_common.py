"""Loading an exercise's data from its parameters, the same way in the notebook and the grader."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


from coursekit.datasets.shipped import course_transactions, make_case

__all__ = ["case_tables", "transactions"]


def transactions(params: dict) -> pd.DataFrame:
    """The case's transactions: the shipped file, or generated afresh when ``size`` > 0."""
    size = int(params.get("size") or 0)
    return course_transactions(params["case"], data_dir=params.get("data_dir") or None,
                               size=size or None, seed=params["seed"] if size else None)


def case_tables(params: dict, tables: list[str]) -> dict[str, pd.DataFrame]:
    """Every named table of the case: read from ``data_dir/<case>/`` or generated when ``size`` > 0.

    Dates are parsed (columns ending in ``_date``, ``month``), as the generators return them.
    """
    size = int(params.get("size") or 0)
    case = params["case"]
    data_dir = params.get("data_dir") or None
    if size or data_dir is None:
        made = make_case(case, size=size or None, seed=params["seed"] if size else None)
        return {t: made[t] for t in tables}
    out = {}
    for t in tables:
        frame = pd.read_csv(Path(data_dir) / case / f"{t}.csv")
        for col in frame.columns:
            if col.endswith("_date") or col == "month":
                frame[col] = pd.to_datetime(frame[col])
        out[t] = frame
    return out
