"""The one error type coursekit raises for bad input, and helpers that word its messages."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd

__all__ = ["DataError", "describe_rows", "plain", "require_columns"]


class DataError(ValueError):
    """Bad input: the message names the column, rows or parameter at fault and what was expected.

    A subclass of :class:`ValueError`, so ``except ValueError`` also catches it.

    Examples
    --------
    >>> import coursekit
    >>> issubclass(coursekit.DataError, ValueError)
    True
    """


def plain(value):
    """A numpy scalar as the plain Python value, so messages read 3 and not np.int64(3)."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 else value


def describe_rows(frame: pd.DataFrame | pd.Series, mask, *, columns: Sequence[str] | None = None,
                  limit: int = 5) -> str:
    """Word the first ``limit`` rows where ``mask`` is true, as ``row 3 (customer_id=7, ...)``.

    Rows are named by their index label, so a trainer can find them with ``frame.loc[...]``.
    """
    mask = pd.Series(mask, index=frame.index) if not isinstance(mask, pd.Series) else mask
    hits = frame[mask.to_numpy()]
    count = len(hits)
    parts = []
    for label, row in hits.head(limit).iterrows() if isinstance(hits, pd.DataFrame) else (
            (label, None) for label in hits.head(limit).index):
        if row is None:
            parts.append(f"row {plain(label)!r} ({hits.name}={plain(hits.loc[label])!r})")
            continue
        shown = columns if columns is not None else list(row.index)
        values = ", ".join(f"{c}={plain(row[c])!r}" for c in shown)
        parts.append(f"row {plain(label)!r} ({values})")
    more = f" and {count - limit} more" if count > limit else ""
    return f"{count} row{'s' if count != 1 else ''}: " + "; ".join(parts) + more


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, what: str = "input") -> None:
    """Raise :class:`DataError` unless ``frame`` is a DataFrame holding every name in ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise DataError(
            f"Required column {names} missing from {what}; its columns are "
            f"{[str(c) for c in frame.columns]}. Pass the right name (e.g. customer_col=...) "
            f"or rename the column."
        )


class CoursekitWarning(UserWarning):
    """Something in the input was handled in a way the user should know about (never silently)."""


__all__ += ["CoursekitWarning"]


def as_numbers(values: pd.Series, what: str, *, text: bool = False, hint_missing: str = "") -> pd.Series:
    """``values`` as a float64 Series (same index), or :class:`DataError` naming the rows at fault.

    Rejects True/False values, values that are not numbers, missing values and infinities.
    ``what`` names the values in messages (e.g. ``"column 'amount'"``). With ``text=True``,
    numbers written as text (``"12.50"``, as a CSV with odd quoting gives them) are converted;
    otherwise text is refused, since a text column usually means the data were read wrongly.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        raise DataError(f"{what} must be numeric, got True/False values (booleans)")
    missing = values.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64")
    else:
        candidates = values if text else values.astype(object).where(
            values.astype(object).map(lambda v: isinstance(v, Real) and not isinstance(v, (bool, np.bool_))))
        numbers = pd.to_numeric(candidates, errors="coerce").astype("float64")
        bad = numbers.isna().to_numpy() & ~missing
        if bad.any():
            advice = ("expected e.g. 12.50, with a dot and no thousands separator" if text
                      else "convert text with pd.to_numeric(...) first")
            raise DataError(f"{what} must be numeric: non-numeric values at "
                            f"{describe_rows(values, bad)}; {advice}")
    if missing.any():
        raise DataError(f"{what} has missing (NaN) values at {describe_rows(values, missing)}{hint_missing}")
    infinite = np.isinf(numbers.to_numpy())
    if infinite.any():
        raise DataError(f"{what} has infinite values at {describe_rows(values, infinite)}")
    return numbers


__all__ += ["as_numbers"]


def whole(value, name: str, low: int, *, unit: str = "", meaning: str = "") -> int:
    """``value`` as an int, or DataError unless it is a whole number (not True/False) >= ``low``.

    ``unit`` and ``meaning`` only add to the message: ``whole(0, "months", 1, unit="months",
    meaning="the horizon")`` says "months must be a whole number of months >= 1 (the horizon), got 0".
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise DataError(f"{name} must be a whole number{f' of {unit}' if unit else ''} >= {low}"
                        f"{f' ({meaning})' if meaning else ''}, got {value!r}")
    return int(value)


__all__ += ["whole"]


def read_yaml_mapping(text: str, *, kind: str, where: str, needs: str) -> dict:
    """Parse YAML text that must hold a mapping (a scheme, a playbook), or DataError naming the file."""
    import yaml

    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{kind} {where!r} is not valid YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise DataError(f"{kind} {where!r} must be a mapping with {needs}")
    return spec


__all__ += ["read_yaml_mapping"]


def read_yaml_source(source, *, kind: str, builtin: dict, needs: str) -> dict:
    """The mapping behind a built-in name (``builtin``: name → YAML path) or a ``.yaml`` file path.

    Raises :class:`DataError` for a missing file, an unknown name (listing the built-in ones) or YAML
    that is not a mapping.
    """
    from pathlib import Path

    if isinstance(source, Path) or str(source).endswith((".yaml", ".yml")):
        path = Path(source)
        if not path.is_file():
            raise DataError(f"{kind} file {str(path)!r} does not exist")
        return read_yaml_mapping(path.read_text(encoding="utf-8"), kind=kind, where=str(path), needs=needs)
    if source not in builtin:
        raise DataError(f"unknown {kind} {source!r}; built-in {kind}s are {sorted(builtin)}, or pass a dict "
                        f"or the path of a .yaml file")
    return read_yaml_mapping(builtin[source].read_text(encoding="utf-8"), kind=kind, where=source, needs=needs)


__all__ += ["read_yaml_source"]


def parse_date(value, name: str) -> pd.Timestamp:
    """``value`` as a midnight Timestamp (time zone dropped: the local calendar date), or DataError."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise DataError(f"{name} = {value!r} is not a date; expected e.g. '2024-12-31'")
    if stamp.tz is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


__all__ += ["parse_date"]


def parse_day(value, name: str) -> int:
    """A date argument as calendar days since 1970-01-01 (see :func:`parse_date`), or DataError."""
    return int(np.datetime64(parse_date(value, name).to_datetime64(), "D").astype(np.int64))


def day_string(day: int) -> str:
    """Calendar days since 1970-01-01 as an ISO date, e.g. ``'2024-12-31'``."""
    return str(np.datetime64(int(day), "D"))


__all__ += ["day_string", "parse_day"]


# --------------------------------------------------------------------------------------------
# Transaction logs: ids, dates and amounts, as rfm_table, the CLV models and strategy read them
# --------------------------------------------------------------------------------------------

def encode_ids(values: pd.Series, column: str) -> tuple[np.ndarray, pd.Index]:
    """Integer codes 0..k-1 for ``values`` and the k distinct values, sorted (order-independent)."""
    dtype = values.dtype
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        arr = values.to_numpy(dtype=np.int64)
        lo, hi = int(arr.min()), int(arr.max())
        span = hi - lo + 1
        if span <= max(4 * len(arr), 1 << 16):
            # dense ids: one pass of bincount instead of a hash table
            offset = arr - lo if lo else arr
            present = np.bincount(offset, minlength=span) > 0
            uniques = np.flatnonzero(present) + lo
            index = pd.Index(uniques.astype(dtype if isinstance(dtype, np.dtype) else np.int64))
            if len(uniques) == span:  # every id in lo..hi occurs: the offset is the code
                return offset, index
            remap = (np.cumsum(present) - 1).astype(np.int64)
            return remap[offset], index
    codes, uniques = pd.factorize(values, sort=False)
    try:
        order = np.asarray(uniques.argsort())
    except TypeError:
        kinds = sorted({type(v).__name__ for v in uniques[:1000]})
        raise DataError(
            f"column {column!r} mixes value types ({', '.join(kinds)}); expected one type of id "
            f"(convert with .astype(str))"
        ) from None
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


def to_days(transactions: pd.DataFrame, date_col: str) -> np.ndarray:
    """Calendar days since 1970-01-01 for every row (int64); DataError for missing/unparsable dates."""
    raw = transactions[date_col]
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        dates = raw
    elif pd.api.types.is_numeric_dtype(raw.dtype):
        example = plain(raw.dropna().iloc[0]) if raw.notna().any() else None
        raise DataError(
            f"column {date_col!r} holds numbers (dtype {raw.dtype}, e.g. {example!r}), expected dates. "
            f"If they are written like 19970101, parse them first: "
            f"pd.to_datetime(df[{date_col!r}].astype(str), format='%Y%m%d')"
        )
    else:
        # ISO 8601 first (2024-03-31, 2024-03-31 14:35, ...); otherwise one format inferred for the
        # whole column, never element-by-element guessing (03/04 must not mean two different days)
        dates = pd.to_datetime(raw, errors="coerce", format="ISO8601")
        if (dates.isna() & raw.notna()).any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "could not infer format": reported below
                inferred = pd.to_datetime(raw, errors="coerce")
            if inferred.notna().sum() > dates.notna().sum():
                dates = inferred
        bad = (dates.isna() & raw.notna()).to_numpy()
        if bad.any():
            raise DataError(
                f"column {date_col!r} has values that are not dates (expected ISO dates like "
                f"2024-03-31, or one consistent format) at "
                + describe_rows(transactions, bad, columns=[date_col])
                + f". For another format parse first: pd.to_datetime(df[{date_col!r}], format='%d/%m/%Y')"
            )
    missing = dates.isna().to_numpy()
    if missing.any():
        raise DataError(f"column {date_col!r} has missing dates at "
                        + describe_rows(transactions, missing, columns=[date_col]))
    if getattr(dates.dtype, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)  # calendar date in the data's own time zone
    return dates.to_numpy().astype("datetime64[D]").view(np.int64)


def to_amounts(transactions: pd.DataFrame, amount_col: str) -> np.ndarray:
    """The amounts of every row as float64 (numbers written as text converted), or DataError."""
    return as_numbers(transactions[amount_col], f"column {amount_col!r}", text=True).to_numpy()


def check_ids(transactions: pd.DataFrame, column: str) -> None:
    """DataError naming the rows where the id column ``column`` is missing."""
    missing = transactions[column].isna().to_numpy()
    if missing.any():
        raise DataError(f"column {column!r} has missing ids at "
                        + describe_rows(transactions, missing, columns=[column]))


__all__ += ["check_ids", "encode_ids", "to_amounts", "to_days"]
