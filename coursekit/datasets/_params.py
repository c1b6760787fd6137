"""Parameter checks shared by the generators: whole numbers and calendar days, with DataError."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit._errors import DataError, whole

__all__ = ["calendar_day", "whole"]


def calendar_day(value, name: str) -> np.datetime64:
    """``value`` as a calendar day, or DataError: a date string, date or Timestamp without a time."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if stamp is pd.NaT or isinstance(value, (bool, int, float, np.number)):
        raise DataError(f"{name} = {value!r} is not a date; expected e.g. '2024-12-31'")
    if stamp != stamp.normalize() or stamp.tz is not None:
        raise DataError(f"{name} = {value!r} must be a calendar date without a time of day or time zone, "
                        f"e.g. '{stamp:%Y-%m-%d}'")
    return np.datetime64(stamp.date(), "D")
