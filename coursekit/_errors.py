"""The one error type coursekit raises for bad input, and helpers that word its messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Real

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
