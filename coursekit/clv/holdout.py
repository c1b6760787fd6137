"""Calibration / holdout check of a fitted BG/NBD model: predicted vs actual purchases, and a chart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit._errors import DataError, as_numbers, describe_rows, require_columns, whole
from coursekit.clv.bg_nbd import BGNBDModel, _expected

__all__ = ["holdout_comparison", "holdout_plot"]


def holdout_comparison(model: BGNBDModel, data: pd.DataFrame, *, max_frequency: int = 7) -> pd.DataFrame:
    """Mean predicted vs actual holdout purchases, by number of repeat purchases in calibration.

    The check of Fader, Hardie & Lee (2005, figure 4): customers are grouped by their calibration
    ``frequency`` (0, 1, ..., ``max_frequency - 1`` and ``max_frequency`` or more, shown as
    ``"7+"``); in each group the mean of ``holdout_purchases`` is compared with the mean of the
    BG/NBD conditional expectation ``E[Y(t) | x, t_x, T]`` with ``t = holdout_length``. A model that
    describes the customers well has the two close in every group, not only on average.

    Parameters
    ----------
    model : BGNBDModel
        Fitted to the calibration summary (the same time unit).
    data : DataFrame
        From :func:`calibration_holdout`: ``frequency``, ``recency``, ``T``, ``holdout_purchases``
        and ``holdout_length``.
    max_frequency : int, default 7
        Customers with at least this many calibration repeat purchases form the last group.

    Returns
    -------
    DataFrame indexed by ``calibration_frequency`` (labels "0", "1", ..., "7+"; groups without
    customers are left out) with ``customers`` (int64), ``actual`` and ``predicted`` (mean
    purchases per customer in the holdout period). ``(table["customers"] * table["predicted"]).sum()``
    is the total predicted for the cohort.

    Raises
    ------
    DataError
        For a model that is not a BGNBDModel, a missing column, invalid calibration columns (see
        :func:`fit_bg_nbd`), negative or missing holdout values, or ``max_frequency`` < 1.

    Examples
    --------
    >>> model = BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="W")
    >>> data = pd.DataFrame({"frequency": [0, 0, 1, 3], "recency": [0.0, 0.0, 20.0, 30.0],
    ...                      "T": [38.0, 30.0, 35.0, 38.0], "holdout_purchases": [0, 1, 1, 2],
    ...                      "holdout_length": 39.0})
    >>> holdout_comparison(model, data, max_frequency=2).round(3)
                           customers  actual  predicted
    calibration_frequency
    0                              2     0.5      0.219
    1                              1     1.0      0.652
    2+                             1     2.0      1.805
    """
    if not isinstance(model, BGNBDModel):
        raise DataError(f"model must be a BGNBDModel (from fit_bg_nbd), got {type(model).__name__}")
    whole(max_frequency, "max_frequency", 1)
    require_columns(data, ["frequency", "recency", "T", "holdout_purchases", "holdout_length"], what="data")
    d = model._arrays(data)
    actual = as_numbers(data["holdout_purchases"], "data column 'holdout_purchases'").to_numpy()
    length = as_numbers(data["holdout_length"], "data column 'holdout_length'").to_numpy()
    for name, values in (("holdout_purchases", actual), ("holdout_length", length)):
        bad = values < 0
        if bad.any():
            raise DataError(f"data column {name!r} must be >= 0; got "
                            + describe_rows(data, bad, columns=[name]))
    predicted = _expected(model.params, d["x"], d["t_x"], d["T"], length)
    group = np.minimum(d["x"], max_frequency).astype(np.int64)
    frame = pd.DataFrame({"group": group, "actual": actual, "predicted": predicted})
    table = frame.groupby("group").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                       predicted=("predicted", "mean"))
    labels = [f"{g}+" if g == max_frequency else str(g) for g in table.index]
    table.index = pd.Index(labels, name="calibration_frequency")
    table["customers"] = table["customers"].astype(np.int64)
    return table


def holdout_plot(table: pd.DataFrame, ax=None, *, title: str | None = None):
    """Line chart of :func:`holdout_comparison`: actual vs BG/NBD mean holdout purchases per group.

    Parameters
    ----------
    table : DataFrame
        From :func:`holdout_comparison` (columns ``actual`` and ``predicted``; the index labels the
        x axis).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    title : str, optional
        Default "Holdout period: actual vs BG/NBD".

    Returns
    -------
    matplotlib Axes, with two lines: "Actual" then "BG/NBD".

    Examples
    --------
    >>> table = pd.DataFrame({"customers": [3, 2], "actual": [0.2, 1.5], "predicted": [0.25, 1.4]},
    ...                      index=pd.Index(["0", "1+"], name="calibration_frequency"))
    >>> ax = holdout_plot(table)
    >>> [line.get_label() for line in ax.get_lines()]
    ['Actual', 'BG/NBD']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    require_columns(table, ["actual", "predicted"], what="table")
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    elif not isinstance(ax, Axes):
        raise DataError(f"ax must be a matplotlib Axes (e.g. from plt.subplots()), got {type(ax).__name__}")
    positions = np.arange(len(table))
    ax.plot(positions, table["actual"].to_numpy(dtype=float), marker="o", label="Actual")
    ax.plot(positions, table["predicted"].to_numpy(dtype=float), marker="s", linestyle="--", label="BG/NBD")
    ax.set_xticks(positions, [str(label) for label in table.index])
    ax.set_xlabel("Repeat purchases in the calibration period")
    ax.set_ylabel("Mean purchases in the holdout period")
    ax.set_title(title if title is not None else "Holdout period: actual vs BG/NBD")
    ax.legend()
    return ax
