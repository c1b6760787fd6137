"""Loaders: a trainer's own transaction file, UCI Online Retail (I and II) and CDNOW, ready for RFM.

Every loader returns a :class:`LoadResult`: ``data`` with the column names :func:`~coursekit.rfm_table`
expects (``customer_id``, ``order_date``, ``amount`` and, where the file has one, ``order_id``) and a
``report`` that says which rows were dropped and why. Nothing is dropped silently: the report names
each reason with the number of rows and the first few row numbers, ``str(result)`` says it in one
sentence, and a :class:`~coursekit.CoursekitWarning` repeats it whenever anything was dropped.

Row numbers in a report are the numbers a trainer sees when opening the file:

- text files (CSV, TXT, CDNOW): the **line number in the file**, counting the header as line 1, so
  the first data row is line 2 (CDNOW files have no header: the first row is line 1). This assumes
  no line breaks inside quoted fields;
- Excel: the **row number in the sheet** (header in row 1, first data row 2); a workbook read from
  several sheets names the sheet too (``"Year 2010-2011:5"``);
- Parquet: the position of the row, counting from 1.

Rows in which every field is empty are skipped and not counted as rows read: they hold no data.

Nothing is downloaded: the public data sets are read from files the trainer saved.
"""

from __future__ import annotations

import difflib
import os
import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit._errors import CoursekitWarning, DataError

__all__ = ["LoadResult", "load_cdnow", "load_online_retail", "load_transactions"]

REQUIRED = ("customer_id", "order_date", "amount")
OPTIONAL = ("order_id",)
DATE_DTYPE = "datetime64[us]"  # the unit pandas 3 gives parsed text; every loader returns this one

_TEXT = (".csv", ".txt", ".tsv")
_EXCEL = (".xlsx", ".xlsm", ".xls")
_PARQUET = (".parquet", ".pq")
_SEPARATORS = (",", ";", "\t")
_EXAMPLES = 5  # row numbers kept per reason in the report

# reasons a row is dropped, singular -> plural (as the summary counts them)
_PLURAL = {
    "missing customer id": "missing customer ids",
    "missing order id": "missing order ids",
    "missing date": "missing dates",
    "unparsable date": "unparsable dates",
    "missing amount": "missing amounts",
    "non-numeric amount": "non-numeric amounts",
    "duplicate row": "duplicate rows",
    "missing invoice number": "missing invoice numbers",
    "unreadable quantity or price": "unreadable quantities or prices",
    "'A' adjustment invoice": "'A' adjustment invoices",
    "cancellation": "cancellations",
    "line with price <= 0 or quantity <= 0": "lines with price <= 0 or quantity <= 0",
    "line with the wrong number of columns": "lines with the wrong number of columns",
    "non-numeric quantity or amount": "non-numeric quantities or amounts",
}


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class LoadResult:
    """A loaded transaction table and the report of what was dropped on the way.

    Attributes
    ----------
    data : DataFrame
        The clean rows, one per transaction line, index 0..n-1. ``customer_id`` (str),
        ``order_date`` (datetime64[us]), ``amount`` (float64), ``order_id`` (str, when the file
        has one), plus the loader's other columns.
    report : DataFrame
        One row per reason that dropped rows, in the order the checks run: ``reason`` (str),
        ``rows`` (int, how many rows it dropped) and ``example_rows`` (a list of the first few row
        numbers, as the file shows them: see the module docstring). Empty when nothing was dropped.
        A row is counted once, under the first reason that applies.
    source : str
        The file's name.
    rows_read : int
        Rows read from the file (blank rows not counted).
    unit : str
        What the numbers in ``example_rows`` count: ``"line"`` (text files) or ``"row"`` (Excel,
        Parquet).
    notes : tuple of str
        Things the loader did that drop nothing but that a trainer should know (an encoding
        fallback, zero-value orders kept, cancellations kept as returns, ...).

    Examples
    --------
    >>> report = pd.DataFrame({"reason": ["missing customer id"], "rows": [2],
    ...                        "example_rows": [[5, 19]]})
    >>> result = LoadResult(pd.DataFrame({"customer_id": ["a"] * 8}), report, "shop.csv", 10)
    >>> print(result)
    read 10 rows from shop.csv; dropped 2: 2 missing customer ids (lines 5, 19); kept 8
    """

    data: pd.DataFrame
    report: pd.DataFrame
    source: str = ""
    rows_read: int = 0
    unit: str = "line"
    notes: tuple[str, ...] = field(default=())

    @property
    def dropped(self) -> int:
        """Number of rows dropped (the sum of ``report["rows"]``)."""
        return int(self.report["rows"].sum()) if len(self.report) else 0

    def __str__(self) -> str:
        head = f"read {self.rows_read:,} row{'' if self.rows_read == 1 else 's'} from {self.source}"
        if self.dropped == 0:
            body = "dropped none"
        else:
            parts = []
            for reason, rows, examples in self.report[["reason", "rows", "example_rows"]].itertuples(
                    index=False):
                examples = list(examples)
                word = self.unit if rows == 1 else self.unit + "s"
                shown = ", ".join(str(x) for x in examples) + (", ..." if rows > len(examples) else "")
                name = reason if rows == 1 else _PLURAL.get(reason, reason + "s")
                parts.append(f"{rows:,} {name} ({word} {shown})")
            body = f"dropped {self.dropped:,}: " + ", ".join(parts)
        text = f"{head}; {body}; kept {len(self.data):,}"
        return "".join([text] + [f"\nnote: {note}" for note in self.notes])

    def __repr__(self) -> str:
        return f"<LoadResult: {self}>"


class _Drops:
    """Bookkeeping of the rows still kept and of each reason that dropped some."""

    def __init__(self, labels: np.ndarray):
        self.labels = labels
        self.keep = np.ones(len(labels), dtype=bool)
        self.entries: list[dict] = []

    def drop(self, reason: str, mask, values: pd.Series | None = None) -> None:
        mask = np.asarray(mask, dtype=bool) & self.keep
        count = int(mask.sum())
        if count == 0:
            return
        where = np.flatnonzero(mask)[:_EXAMPLES]
        examples = [] if values is None else [_plain(v) for v in values.iloc[where[:3]]]
        self.entries.append({"reason": reason, "rows": count,
                             "example_rows": [_plain(x) for x in self.labels[where]],
                             "values": examples})
        self.keep &= ~mask

    def report(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "reason": pd.Series([e["reason"] for e in self.entries], dtype="str"),
                "rows": pd.Series([e["rows"] for e in self.entries], dtype="int64"),
                "example_rows": pd.Series([e["example_rows"] for e in self.entries], dtype=object),
            }
        )

    def main_reason(self) -> dict:
        return max(self.entries, key=lambda e: e["rows"])


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------

def _check_path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise DataError(f"path must be a file name (str or pathlib.Path), got {type(path).__name__}")
    file = Path(path)
    if not file.exists():
        raise DataError(
            f"file not found: {str(path)!r} (looked for {file.resolve()}); the working folder is "
            f"{Path.cwd()}. Check the name and the folder."
        )
    if not file.is_file():
        raise DataError(f"{str(path)!r} is a folder, not a file")
    return file


def _kind(file: Path, allowed: Sequence[str] = ("text", "excel", "parquet")) -> str:
    suffix = file.suffix.lower()
    kinds = {"text": _TEXT, "excel": _EXCEL, "parquet": _PARQUET}
    for kind, suffixes in kinds.items():
        if suffix in suffixes and kind in allowed:
            return kind
    supported = ", ".join(s for kind in allowed for s in kinds[kind])
    raise DataError(
        f"cannot read {file.name!r}: unknown file type {suffix or '(no extension)'!r}; "
        f"supported: {supported}. Save the file in one of these formats."
    )


def _sniff_sep(first_lines: list[str]) -> str:
    """The separator of a text table: the candidate most frequent in the header line.

    Ties (e.g. a one-column file) go to the candidate whose count is the same on every line read,
    then to the comma.
    """
    header = first_lines[0] if first_lines else ""
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts.values())
    if best == 0:
        return ","
    tied = [sep for sep in _SEPARATORS if counts[sep] == best]
    if len(tied) == 1:
        return tied[0]
    steady = [sep for sep in tied if all(line.count(sep) == best for line in first_lines[1:] if line)]
    return (steady or tied)[0]


def _read_text(file: Path, *, sep: str | None, encoding: str | None, fallback: Sequence[str],
               dtype_for, notes: list[str]) -> pd.DataFrame:
    """A CSV/TXT table with every row kept in place (blank lines as empty rows).

    ``dtype_for(columns)`` gives the dtype mapping once the header is known. The encoding is
    ``encoding``, else UTF-8 (with or without a byte-order mark), else each of ``fallback``.
    """
    encodings = [encoding] if encoding else ["utf-8-sig", *fallback]
    last_error = None
    for enc in encodings:
        try:
            with open(file, encoding=enc, newline="") as handle:
                first_lines = [line.rstrip("\r\n") for _, line in zip(range(20), handle)]
            chosen = sep if sep is not None else _sniff_sep(first_lines)
            header = pd.read_csv(file, sep=chosen, encoding=enc, nrows=0, index_col=False)
            frame = pd.read_csv(file, sep=chosen, encoding=enc, dtype=dtype_for(list(header.columns)),
                                skip_blank_lines=False, index_col=False)
        except UnicodeDecodeError as error:
            last_error = error
            continue
        except LookupError:
            raise DataError(f"encoding={encoding!r} is not an encoding Python knows; "
                            f"try 'utf-8', 'gb18030' or 'cp1252'") from None
        except pd.errors.EmptyDataError:
            raise DataError(f"{file.name!r} is empty: no header line and no rows") from None
        except pd.errors.ParserError as error:
            raise DataError(
                f"cannot read {file.name!r} as a table separated by {chosen!r}: {error}. Pass "
                f"sep=... if the separator is another one, or quote fields that contain it."
            ) from None
        if enc != encodings[0]:
            notes.append(f"{file.name} is not UTF-8; it was read as {enc}. If the text looks wrong, "
                         f"pass encoding=... (e.g. 'gb18030', 'cp1252')")
        if sep is None and chosen != ",":
            notes.append(f"columns are separated by {chosen!r} (detected from the header line)")
        return frame
    raise DataError(
        f"cannot decode {file.name!r} with {', '.join(encodings)} ({last_error}); pass "
        f"encoding=... with the file's encoding"
    )


def _excel_file(file: Path) -> pd.ExcelFile:
    try:
        return pd.ExcelFile(file)
    except ImportError as error:
        package = "xlrd" if file.suffix.lower() == ".xls" else "openpyxl"
        raise DataError(
            f"reading {file.name!r} needs the {package} package ({error}); install it with "
            f"pip install {package}" + (", or save the file as .xlsx" if package == "xlrd" else "")
        ) from None


def _pick_sheet(book: pd.ExcelFile, sheet, file: Path):
    names = [str(n) for n in book.sheet_names]
    if sheet is None:
        return book.sheet_names[0]
    if isinstance(sheet, bool) or not isinstance(sheet, (str, Integral)):
        raise DataError(f"sheet must be a sheet name or a 0-based index, got {sheet!r}")
    if isinstance(sheet, Integral):
        if not 0 <= sheet < len(names):
            raise DataError(f"sheet={sheet} but {file.name!r} has {len(names)} sheet(s) "
                            f"(0-based index 0..{len(names) - 1}): {names}")
        return book.sheet_names[int(sheet)]
    if sheet not in names:
        close = difflib.get_close_matches(sheet, names, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise DataError(f"sheet {sheet!r} not found in {file.name!r}; its sheets are {names}{hint}")
    return sheet


def _whole_rows_empty(frame: pd.DataFrame) -> np.ndarray:
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=bool)
    empty = frame.isna()
    for column in frame.columns[(frame.dtypes == object).to_numpy() | _is_str(frame.dtypes)]:
        values = frame[column]
        empty[column] = empty[column] | values.astype(str).str.strip().eq("").to_numpy()
    return empty.all(axis=1).to_numpy()


def _is_str(dtypes: pd.Series) -> np.ndarray:
    return np.array([pd.api.types.is_string_dtype(d) and d != object for d in dtypes], dtype=bool)


# --------------------------------------------------------------------------------------------
# Parsing values
# --------------------------------------------------------------------------------------------

def _one_id(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        number = float(value)
        if np.isnan(number):
            return None
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value).strip() or None


def _id_text(values: pd.Series) -> pd.Series:
    """Ids as text (str dtype, NaN where missing): stripped; a number 12346.0 is written '12346'."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        text = values.str.strip()
        return text.where(text.ne("") & text.notna())
    return pd.Series(values.astype(object).map(_one_id).to_numpy(), index=values.index, dtype="str")


_CURRENCY = "[¥￥$€£]|元"


def _amount_pattern(decimal: str) -> re.Pattern:
    thousands = "[,' ]" if decimal == "." else "[.' ]"
    dec = re.escape(decimal)
    number = rf"(?:\d{{1,3}}(?:(?P<t>{thousands})\d{{3}})(?:(?P=t)\d{{3}})*|\d+)(?:{dec}\d*)?|{dec}\d+"
    return re.compile(
        rf"^(?P<s1>[+-]?)\s*(?P<c1>{_CURRENCY})?\s*(?P<s2>[+-]?)\s*(?P<num>{number})\s*"
        rf"(?P<c2>{_CURRENCY})?$"
    )


def _parse_numbers(values: pd.Series, decimal: str = ".") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amounts as float64, with masks of missing and of unreadable values.

    Text may carry a currency symbol (¥ ￥ $ € £ 元, before or after the number), a sign before or
    after the symbol, and thousands separators in groups of three (``1,234.50``; with
    ``decimal=","``: ``1.234,50``). Anything else in text — ``1,23`` when the decimal mark is a dot,
    two decimal marks, letters — is unreadable rather than guessed at.
    """
    n = len(values)
    if pd.api.types.is_bool_dtype(values.dtype):
        return np.full(n, np.nan), np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(numbers)
        return numbers, missing, np.isinf(numbers)
    obj = values.astype(object)
    numbers = np.full(n, np.nan)
    absent = obj.isna().to_numpy(dtype=bool)
    is_number = ~absent & obj.map(
        lambda v: isinstance(v, Real) and not isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    if is_number.any():
        numbers[is_number] = obj[is_number].to_numpy(dtype="float64")
    is_text = obj.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    text = obj[is_text].astype(str).str.strip().str.replace("\u00a0", " ").str.replace("\u202f", " ")
    blank = text.eq("").to_numpy(dtype=bool)
    parts = text.str.extract(_amount_pattern(decimal))
    matched = parts["num"].notna().to_numpy(dtype=bool)
    signs = (parts["s1"].fillna("") + parts["s2"].fillna(""))
    both_currency = (parts["c1"].notna() & parts["c2"].notna()).to_numpy(dtype=bool)
    ok = matched & (signs.str.len() <= 1).to_numpy(dtype=bool) & ~both_currency
    digits = parts["num"].fillna("")
    if decimal == ".":
        digits = digits.str.replace(r"[,' ]", "", regex=True)
    else:
        digits = digits.str.replace(r"[.' ]", "", regex=True).str.replace(",", ".", regex=False)
    parsed = pd.to_numeric((signs + digits).where(ok), errors="coerce").to_numpy(dtype="float64")
    text_numbers = np.where(ok, parsed, np.nan)
    numbers[is_text] = text_numbers
    missing = absent.copy()
    missing[np.flatnonzero(is_text)[blank]] = True
    bad = ~missing & ~np.isfinite(numbers)
    numbers[bad] = np.nan
    return numbers, missing, bad


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _parse_dates(values: pd.Series, date_format: str | None) -> tuple[pd.Series, np.ndarray, np.ndarray,
                                                                      str | None]:
    """Dates (datetime64[us]), missing mask, unparsable mask and a note on an ambiguous format.

    Text is parsed with ``date_format`` if given; else as ISO 8601; else with the one format, guessed
    from the values ISO 8601 could not read, that reads the most values of the column — applied to
    the whole column, never value by value.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values
        if getattr(dates.dtype, "tz", None) is not None:
            dates = dates.dt.tz_localize(None)
        missing = dates.isna().to_numpy(dtype=bool)
        return dates.astype(DATE_DTYPE), missing, np.zeros(len(values), dtype=bool), None
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:  # text, as read from CSV
        text = values.str.strip()
        present = (text.notna() & text.ne("")).to_numpy(dtype=bool)
        dates = pd.Series(pd.NaT, index=values.index, dtype=DATE_DTYPE)
        note = None
        if present.any():
            parsed, note = _parse_date_text(text[present], date_format)
            dates[present] = parsed.to_numpy()
        return dates, ~present, present & dates.isna().to_numpy(dtype=bool), note
    obj = values.astype(object)
    is_stamp = obj.map(lambda v: isinstance(v, (datetime, date, np.datetime64))
                       and not pd.isna(v)).to_numpy(dtype=bool)
    text = obj.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                   else (v.strip() or None) if isinstance(v, str) else str(v))
    text[is_stamp] = None
    present = text.notna().to_numpy(dtype=bool)
    missing = ~present & ~is_stamp
    note = None
    dates = pd.Series(pd.NaT, index=values.index, dtype=DATE_DTYPE)
    if present.any():
        strings = text[present].astype(str)
        parsed, note = _parse_date_text(strings, date_format)
        dates[present] = parsed.to_numpy()
    if is_stamp.any():
        stamps = pd.to_datetime(obj[is_stamp].map(pd.Timestamp).map(
            lambda t: t.tz_localize(None) if t.tz is not None else t))
        dates[is_stamp] = stamps.astype(DATE_DTYPE).to_numpy()
    bad = present & dates.isna().to_numpy(dtype=bool)
    return dates, missing, bad, note


def _to_datetime(strings: pd.Series, fmt: str) -> pd.Series:
    try:
        parsed = pd.to_datetime(strings, format=fmt, errors="coerce")
    except (ValueError, TypeError):  # e.g. mixed time zones
        return pd.Series(pd.NaT, index=strings.index, dtype=DATE_DTYPE)
    if getattr(parsed.dtype, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype(DATE_DTYPE)


def _parse_date_text(strings: pd.Series, date_format: str | None) -> tuple[pd.Series, str | None]:
    if date_format is not None:
        return _to_datetime(strings, date_format), None
    best = _to_datetime(strings, "ISO8601")
    if best.notna().all():
        return best, None
    from pandas.tseries.api import guess_datetime_format

    candidates: list[str] = []
    for value in strings[best.isna()].drop_duplicates().head(20):
        for dayfirst in (False, True):
            with warnings.catch_warnings():  # "Parsing dates in %d/%m/%Y format when dayfirst=False"
                warnings.simplefilter("ignore", UserWarning)
                guess = guess_datetime_format(value, dayfirst=dayfirst)
            if guess and guess not in candidates:
                candidates.append(guess)
    best_format, best_count = "ISO8601", int(best.notna().sum())
    for fmt in candidates:
        parsed = _to_datetime(strings, fmt)
        if int(parsed.notna().sum()) > best_count:
            best, best_format, best_count = parsed, fmt, int(parsed.notna().sum())
    note = None
    swapped = _swap_day_month(best_format)
    if best_format != "ISO8601" and swapped != best_format:
        other = _to_datetime(strings, swapped)
        if int(other.notna().sum()) == best_count and not other.equals(best):
            example = strings[best.notna() & (other != best)].iloc[0]
            note = (f"dates such as {example!r} fit both {best_format!r} and {swapped!r}; they were "
                    f"read as {best_format!r}. Pass date_format={swapped!r} if that is wrong")
    return best, note


# --------------------------------------------------------------------------------------------
# A trainer's own file
# --------------------------------------------------------------------------------------------

def _check_mapping(columns, file_columns: list[str], file: Path) -> dict[str, str]:
    if columns is None:
        missing = [name for name in REQUIRED if name not in file_columns]
        if missing:
            raise DataError(
                f"Required column {', '.join(repr(m) for m in missing)} missing from {file.name!r}; "
                f"its columns are {[str(c) for c in file_columns]}. Pass columns= to map the "
                f"file's names to coursekit's, e.g. {{'客户号': 'customer_id', '交易日期': "
                f"'order_date', '金额': 'amount'}}"
            )
        return {}
    if not isinstance(columns, Mapping):
        raise DataError(
            "columns must be a dict from the file's column names to coursekit's, e.g. "
            "{'客户号': 'customer_id', '交易日期': 'order_date', '金额': 'amount'}; "
            f"got {type(columns).__name__}"
        )
    mapping = {}
    for source, target in columns.items():
        if not isinstance(target, str) or not target:
            raise DataError(f"columns[{source!r}] = {target!r}: the new name must be a non-empty text")
        mapping[source] = target
    file_names = [str(c) for c in file_columns]
    problems = []
    for source, target in mapping.items():
        if source in file_columns:
            continue
        if target in file_columns and source in REQUIRED + OPTIONAL:
            problems.append(
                f"{source!r} is not a column of the file but {target!r} is: the mapping goes from "
                f"the file's name to coursekit's, e.g. {{{target!r}: {source!r}}}"
            )
            continue
        close = difflib.get_close_matches(str(source), file_names, n=3, cutoff=0.5)
        lowered = [c for c in file_names if c.strip().lower() == str(source).strip().lower()]
        close = list(dict.fromkeys(lowered + close))
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        problems.append(f"columns maps {source!r} to {target!r} but {file.name!r} has no column "
                        f"{source!r}{hint}")
    if problems:
        raise DataError("; ".join(problems) + f". The file's columns are {file_names}")
    targets = Counter(mapping.values())
    for target, count in targets.items():
        if count > 1:
            sources = [s for s, t in mapping.items() if t == target]
            raise DataError(f"columns maps {count} columns ({', '.join(repr(s) for s in sources)}) to "
                            f"the same name {target!r}; map only one of them")
    for source, target in mapping.items():
        if target in file_columns and target not in mapping and target != source:
            raise DataError(
                f"columns maps {source!r} to {target!r} but the file already has a column "
                f"{target!r} (not mapped); map that one to another name, or map only one of them"
            )
    renamed = [mapping.get(c, c) for c in file_columns]
    missing = [name for name in REQUIRED if name not in renamed]
    if missing:
        unmapped = [str(c) for c in file_columns if c not in mapping]
        raise DataError(
            f"Required column {', '.join(repr(m) for m in missing)} missing after applying columns=; "
            f"the file's columns are {file_names} and these are not mapped: {unmapped}. Add the "
            f"file's column to columns=, e.g. {{'交易日期': 'order_date'}}"
        )
    return mapping


def _sources(mapping: dict[str, str], file_columns: list, roles: Sequence[str]) -> list:
    inverse = {target: source for source, target in mapping.items()}
    found = []
    for role in roles:
        source = inverse.get(role, role if role in file_columns and role not in mapping else None)
        if source is not None:
            found.append(source)
    return found


def _labels(n: int, first: int) -> np.ndarray:
    return np.arange(first, first + n, dtype=np.int64)


def _too_many_dropped(drops: _Drops, rows: int, name: str, unit: str, hints: Mapping[str, str]) -> None:
    dropped = rows - int(drops.keep.sum())
    if dropped * 2 <= rows:
        return
    main = drops.main_reason()
    lines = ", ".join(str(x) for x in main["example_rows"])
    values = f"; values there: {main['values']}" if main["values"] else ""
    others = [f"{e['rows']} {e['reason']}" for e in drops.entries if e is not main]
    rest = f" (other reasons: {', '.join(others)})" if others else ""
    raise DataError(
        f"{dropped:,} of {rows:,} rows of {name} would be dropped, mostly for {main['reason']} "
        f"({main['rows']:,} rows, e.g. {unit}s {lines}{values}){rest}. More than half: the column "
        f"mapping or the format is probably wrong. {hints.get(main['reason'], '')}".rstrip()
    )


def _finish(data: pd.DataFrame, drops: _Drops, name: str, rows: int, unit: str,
            notes: list[str]) -> LoadResult:
    result = LoadResult(data=data.reset_index(drop=True), report=drops.report(), source=name,
                        rows_read=rows, unit=unit, notes=tuple(notes))
    if result.dropped:
        warnings.warn(str(result), CoursekitWarning, stacklevel=3)
    return result


_TRAINER_HINTS = {
    "missing customer id": "Check which column columns= maps to 'customer_id'.",
    "missing date": "Check which column columns= maps to 'order_date'.",
    "unparsable date": "Check the column mapped to 'order_date', or pass date_format=... "
                       "(e.g. '%d/%m/%Y', '%Y年%m月%d日').",
    "missing amount": "Check which column columns= maps to 'amount'.",
    "non-numeric amount": "Check the column mapped to 'amount', and decimal= (',' for 1.234,50).",
    "duplicate row": "Is the same data in the file twice?",
}


def load_transactions(path: str | os.PathLike, columns: Mapping[str, str] | None = None, *,
                      sheet: str | int | None = None, sep: str | None = None,
                      date_format: str | None = None, decimal: str = ".",
                      encoding: str | None = None) -> LoadResult:
    """Read a trainer's own transaction file (CSV/TXT, Excel or Parquet), clean it and say what was dropped.

    The shape stays one row per transaction line; columns are renamed with ``columns`` and the rows
    that cannot be used are dropped and reported. Columns the mapping does not name are kept
    unchanged. After the mapping the file needs ``customer_id``, ``order_date`` and ``amount``;
    ``order_id`` is optional.

    Cleaning, in this order (a row is reported under the first reason that applies):

    1. **missing customer id** — empty id. Ids are read as text and stripped of spaces, so
       ``"00123"`` stays ``"00123"``; a number stored in Excel or Parquet as 12346.0 becomes
       ``"12346"``;
    2. **missing order id** — only when there is an ``order_id`` column (rfm_table needs every id);
    3. **missing date** / **unparsable date** — dates are read with ``date_format`` if given, else as
       ISO 8601 (``2024-03-31``, ``2024-03-31 14:35``), else with the one format, guessed from the
       values, that reads the most of the column — never a different guess per value. When day and
       month could be either way round (``03/04/2024``), month first is used and a note says so;
    4. **missing amount** / **non-numeric amount** — amounts may carry a currency symbol (¥ ￥ $ €
       £ 元) and thousands separators in groups of three: ``"¥1,234.50"`` is 1234.5; with
       ``decimal=","``: ``"1.234,50 €"`` is 1234.5. ``"1,23"`` with ``decimal="."`` is refused, not
       guessed;
    5. **duplicate row** — a row identical to an earlier one in every column after cleaning (so
       ``"¥1,234.50"`` and ``"1234.5"`` are the same amount); the first is kept.

    Rows where every field is empty are skipped and not counted. More than half the rows dropped
    is an error rather than a result: the mapping or the format is then probably wrong.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.txt`` or ``.tsv`` (text), ``.xlsx``, ``.xlsm`` or ``.xls`` (Excel; ``.xls``
        needs the xlrd package) or ``.parquet`` file.
    columns : dict, optional
        The file's column names → coursekit's, e.g. ``{"客户号": "customer_id", "交易日期":
        "order_date", "金额": "amount", "订单号": "order_id"}``. Default: the file already uses
        coursekit's names.
    sheet : str or int, optional
        Excel only: the sheet's name or 0-based index. Default: the first sheet.
    sep : str, optional
        Text only: the separator. Default: detected from the header line (comma, semicolon or tab).
    date_format : str, optional
        The dates' format for :func:`pandas.to_datetime`, e.g. ``"%d/%m/%Y"``.
    decimal : {".", ","}, default "."
        The decimal mark of amounts written as text. With ``","`` the thousands separator is ``.``.
    encoding : str, optional
        Text only. Default: UTF-8 (a byte-order mark, as Excel writes "CSV UTF-8", is removed);
        a file that is not UTF-8 is read as GB18030 (Chinese Windows) and a note says so.

    Returns
    -------
    LoadResult
        ``data``: the clean rows (index 0..n-1, columns in the file's order, renamed) with
        ``customer_id`` str, ``order_date`` datetime64[us], ``amount`` float64, ``order_id`` str;
        ``report``: one row per reason (``reason``, ``rows``, ``example_rows`` = the first 5 line
        numbers in a text file, header = line 1; row numbers in an Excel sheet; 1-based positions in
        Parquet). ``str(result)`` is a one-line summary. A :class:`~coursekit.CoursekitWarning` with
        that summary is given when anything was dropped.

    Raises
    ------
    DataError
        If the file is missing or of an unknown type; a key of ``columns`` is not a column of the
        file (the close matches are suggested); two columns are mapped to the same name; a required
        column is missing after the mapping; a sheet is not found; more than half the rows would be
        dropped (the main reason is named) or no rows are left.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from pathlib import Path
    >>> text = ("客户号;交易日期;金额\\n"
    ...         "00123;2024-01-05;¥1,234.50\\n"
    ...         ";2024-01-06;¥20.00\\n"
    ...         "00456;2024-01-07;¥35.00\\n")
    >>> with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", CoursekitWarning)
    ...     path = Path(folder) / "shop.csv"
    ...     _ = path.write_text(text, encoding="utf-8-sig")
    ...     result = load_transactions(path, {"客户号": "customer_id", "交易日期": "order_date",
    ...                                       "金额": "amount"})
    >>> print(result)
    read 3 rows from shop.csv; dropped 1: 1 missing customer id (line 3); kept 2
    note: columns are separated by ';' (detected from the header line)
    >>> result.data
      customer_id order_date  amount
    0       00123 2024-01-05  1234.5
    1       00456 2024-01-07    35.0
    """
    file = _check_path(path)
    kind = _kind(file)
    if decimal not in (".", ","):
        raise DataError(f"decimal must be '.' or ',', got {decimal!r}")
    if date_format is not None and not isinstance(date_format, str):
        raise DataError(f"date_format must be a format text such as '%d/%m/%Y', got {date_format!r}")
    notes: list[str] = []
    mapping: dict[str, str] = {}

    def text_dtypes(file_columns: list) -> dict:
        nonlocal mapping
        mapping = _check_mapping(columns, file_columns, file)
        return {c: str for c in _sources(mapping, file_columns, REQUIRED + OPTIONAL)}

    if kind == "text":
        frame = _read_text(file, sep=sep, encoding=encoding, fallback=("gb18030",),
                           dtype_for=text_dtypes, notes=notes)
        first, unit = 2, "line"
    elif kind == "excel":
        book = _excel_file(file)
        with book:
            chosen = _pick_sheet(book, sheet, file)
            file_columns = list(pd.read_excel(book, sheet_name=chosen, nrows=0).columns)
            mapping = _check_mapping(columns, file_columns, file)
            ids = _sources(mapping, file_columns, ("customer_id", "order_id"))
            frame = pd.read_excel(book, sheet_name=chosen, dtype={c: str for c in ids})
        first, unit = 2, "row"
    else:
        frame = pd.read_parquet(file)
        mapping = _check_mapping(columns, list(frame.columns), file)
        first, unit = 1, "row"

    labels = _labels(len(frame), first)
    blank = _whole_rows_empty(frame)
    frame, labels = frame[~blank], labels[~blank]
    frame = frame.rename(columns=mapping)
    rows = len(frame)
    if rows == 0:
        raise DataError(f"{file.name!r} has no rows of data (only a header, or blank rows)")

    drops = _Drops(labels)
    customer = _id_text(frame["customer_id"])
    drops.drop("missing customer id", customer.isna().to_numpy())
    has_order = "order_id" in frame.columns
    if has_order:
        order = _id_text(frame["order_id"])
        drops.drop("missing order id", order.isna().to_numpy())
    dates, missing_date, bad_date, note = _parse_dates(frame["order_date"], date_format)
    drops.drop("missing date", missing_date)
    drops.drop("unparsable date", bad_date, frame["order_date"])
    amounts, missing_amount, bad_amount = _parse_numbers(frame["amount"], decimal)
    drops.drop("missing amount", missing_amount)
    drops.drop("non-numeric amount", bad_amount, frame["amount"])

    clean = frame.copy()
    clean["customer_id"] = customer
    if has_order:
        clean["order_id"] = order
    clean["order_date"] = dates.to_numpy()
    clean["amount"] = amounts
    clean = clean[drops.keep]
    repeat = clean.duplicated(keep="first").to_numpy()
    duplicated = np.zeros(rows, dtype=bool)
    duplicated[np.flatnonzero(drops.keep)[repeat]] = True
    drops.drop("duplicate row", duplicated)
    if note is not None and drops.keep.any():
        notes.append(note)

    _too_many_dropped(drops, rows, repr(file.name), unit, _TRAINER_HINTS)
    data = clean[~repeat].astype({"customer_id": "str", "order_date": DATE_DTYPE, "amount": "float64"})
    if has_order:
        data = data.astype({"order_id": "str"})
    return _finish(data, drops, file.name, rows, unit, notes)


# --------------------------------------------------------------------------------------------
# UCI Online Retail (I and II)
# --------------------------------------------------------------------------------------------

_RETAIL_FORMATS = {
    "Online Retail": {"invoice": "InvoiceNo", "stock_code": "StockCode", "description": "Description",
                      "quantity": "Quantity", "date": "InvoiceDate", "price": "UnitPrice",
                      "customer": "CustomerID", "country": "Country"},
    "Online Retail II": {"invoice": "Invoice", "stock_code": "StockCode", "description": "Description",
                         "quantity": "Quantity", "date": "InvoiceDate", "price": "Price",
                         "customer": "Customer ID", "country": "Country"},
}


def _retail_format(file_columns) -> tuple[str, dict[str, str]] | None:
    names = {str(c) for c in file_columns}
    for name, columns in _RETAIL_FORMATS.items():
        if set(columns.values()) <= names:
            return name, columns
    return None


def _not_retail(file: Path, file_columns) -> DataError:
    expected = "; ".join(f"{name}: {list(cols.values())}" for name, cols in _RETAIL_FORMATS.items())
    return DataError(
        f"{file.name!r} is not in an Online Retail format: its columns are "
        f"{[str(c) for c in file_columns]}; expected the header of {expected}. For another layout "
        f"use load_transactions(path, columns={{...}})."
    )


def load_online_retail(path: str | os.PathLike, *, keep_cancellations: bool = True) -> LoadResult:
    """Read the UCI "Online Retail" or "Online Retail II" data set into an RFM-ready table.

    The format is recognised from the header: Online Retail (``Online_Retail.xlsx``: InvoiceNo,
    StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country) or Online
    Retail II (``online_retail_II.xlsx`` / ``.csv``: Invoice, StockCode, Description, Quantity,
    InvoiceDate, Price, Customer ID, Country). Dates saved as text are read as ISO 8601
    (``2009-12-01 07:45:00``) or, as the CSV copies of Online Retail write them, month first
    (``12/1/2010 8:26`` is 1 December 2010). An Excel workbook is read from every sheet with that
    header, in order (Online Retail II has two, "Year 2009-2010" and "Year 2010-2011", and their
    first December 2010 days overlap: those rows are reported as duplicates).

    The shape stays one row per invoice line, with the columns renamed and computed:
    ``customer_id`` = CustomerID as text (``12346.0`` → ``"12346"``), ``order_id`` = the invoice
    number, ``order_date`` = InvoiceDate (date and time), ``amount`` = Quantity × UnitPrice rounded
    to cents, ``quantity``, ``stock_code``, ``country``. Description is not kept.

    Rows dropped, in this order (a row is reported under the first reason that applies):

    1. **missing customer id** — about a quarter of the real file: guest orders and stock
       adjustments (including the three "Adjust bad debt" lines), which cannot be tiered;
    2. **missing invoice number**, **missing date**, **unparsable date**, **unreadable quantity or
       price** (not a number, or a quantity that is not whole);
    3. **'A' adjustment invoice** — an invoice number starting with "A" ("Adjust bad debt"):
       accounting entries, not sales;
    4. **cancellation** — only with ``keep_cancellations=False``. By default a cancellation (invoice
       ``C536379``, negative quantity) is kept as a return: its amount is negative, so
       :func:`~coursekit.rfm_table` subtracts it from monetary and does not count it as an order;
    5. **line with price <= 0 or quantity <= 0** — a price of 0 or below, or a quantity
       that is 0 or of the wrong sign (negative outside a cancellation, positive in one): stock
       write-offs and corrections, not sales;
    6. **duplicate row** — identical to an earlier line in every output column (the real Online
       Retail file has about 5,000); the first is kept.

    Unlike :func:`load_transactions`, dropping more than half the rows is not an error (a quarter
    of the real data lacks a customer id); only a file with no usable row is.

    Parameters
    ----------
    path : str or Path
        The data set as downloaded (``.xlsx``) or saved as ``.csv`` (UTF-8, else Windows-1252 /
        Latin-1, as Kaggle's copies are) or ``.parquet``.
    keep_cancellations : bool, default True
        Keep cancellations as returns (negative rows). False drops them and reports it.

    Returns
    -------
    LoadResult
        ``data`` with columns customer_id (str), order_id (str), order_date (datetime64[us]),
        amount (float64), quantity (int64), stock_code (str), country (str); ``report`` and notes as
        in :func:`load_transactions` (line numbers in a CSV, header = line 1; row numbers in a
        sheet). A :class:`~coursekit.CoursekitWarning` repeats the summary when rows were dropped.

    Raises
    ------
    DataError
        If the file is missing, of an unknown type, not in either format (its columns are listed),
        or no line survives the cleaning.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from pathlib import Path
    >>> text = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\\n"
    ...         "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\\n"
    ...         "536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom\\n"
    ...         "C536379,D,Discount,-1,12/1/2010 9:41,27.50,17850.0,United Kingdom\\n")
    >>> with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", CoursekitWarning)
    ...     path = Path(folder) / "Online_Retail.csv"
    ...     _ = path.write_text(text, encoding="utf-8")
    ...     result = load_online_retail(path)
    >>> print(result)
    read 3 rows from Online_Retail.csv; dropped 1: 1 missing customer id (line 3); kept 2
    note: kept 1 cancellation line (invoice 'C...') as returns: negative quantity and amount
    >>> result.data[["customer_id", "order_id", "order_date", "amount", "quantity"]]
      customer_id order_id          order_date  amount  quantity
    0       17850   536365 2010-12-01 08:26:00    15.3         6
    1       17850  C536379 2010-12-01 09:41:00   -27.5        -1
    """
    file = _check_path(path)
    kind = _kind(file)
    notes: list[str] = []
    detected: list[tuple[str, dict[str, str]]] = []

    def text_dtypes(file_columns: list) -> dict:
        found = _retail_format(file_columns)
        if found is None:
            raise _not_retail(file, file_columns)
        detected.append(found)
        cols = found[1]
        return {cols[k]: str for k in ("invoice", "stock_code", "customer", "date", "description",
                                       "country")}

    if kind == "text":
        frame = _read_text(file, sep=None, encoding=None, fallback=("cp1252", "latin-1"),
                           dtype_for=text_dtypes, notes=notes)
        labels = _labels(len(frame), 2)
        unit = "line"
    elif kind == "excel":
        book = _excel_file(file)
        parts, part_labels, used = [], [], []
        with book:
            for sheet in book.sheet_names:
                file_columns = list(pd.read_excel(book, sheet_name=sheet, nrows=0).columns)
                found = _retail_format(file_columns)
                if found is None or (detected and found[0] != detected[0][0]):
                    notes.append(f"sheet {sheet!r} skipped: not in the format of the first sheet read")
                    continue
                if not detected:
                    detected.append(found)
                cols = found[1]
                part = pd.read_excel(book, sheet_name=sheet, dtype={cols[k]: str for k in ("invoice", "stock_code",
                                                                       "customer")})
                parts.append(part)
                part_labels.append((str(sheet), _labels(len(part), 2)))
                used.append(str(sheet))
            if not detected:
                raise _not_retail(file, list(pd.read_excel(book, sheet_name=book.sheet_names[0], nrows=0).columns))
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        if len(parts) == 1:
            labels = part_labels[0][1]
        else:
            labels = np.concatenate([np.array([f"{name}:{n}" for n in numbers], dtype=object)
                                     for name, numbers in part_labels])
            notes.append(f"read sheets {', '.join(repr(s) for s in used)}; rows are named sheet:row")
        unit = "row"
    else:
        frame = pd.read_parquet(file)
        found = _retail_format(frame.columns)
        if found is None:
            raise _not_retail(file, frame.columns)
        detected.append(found)
        labels, unit = _labels(len(frame), 1), "row"

    format_name, cols = detected[0]
    frame = frame[[cols[k] for k in cols]].rename(columns={v: k for k, v in cols.items()})
    blank = _whole_rows_empty(frame)
    frame, labels = frame[~blank], labels[~blank]
    rows = len(frame)
    if rows == 0:
        raise DataError(f"{file.name!r} has no rows of data (only a header, or blank rows)")

    drops = _Drops(labels)
    customer = _id_text(frame["customer"]).str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    drops.drop("missing customer id", customer.isna().to_numpy())
    invoice = _id_text(frame["invoice"])
    drops.drop("missing invoice number", invoice.isna().to_numpy())
    # copies saved as text write the dates month first (12/1/2010 8:26 is 1 December 2010), which
    # is what an ambiguous column is read as: no note needed
    dates, missing_date, bad_date, _ = _parse_dates(frame["date"], None)
    drops.drop("missing date", missing_date)
    drops.drop("unparsable date", bad_date, frame["date"])
    quantity, q_missing, q_bad = _parse_numbers(frame["quantity"])
    price, p_missing, p_bad = _parse_numbers(frame["price"])
    with np.errstate(invalid="ignore"):
        fractional = np.isfinite(quantity) & (quantity != np.round(quantity))
    drops.drop("unreadable quantity or price", q_missing | q_bad | p_missing | p_bad | fractional)
    code = invoice.fillna("").str.upper()
    drops.drop("'A' adjustment invoice", code.str.startswith("A").to_numpy(dtype=bool))
    cancel = code.str.startswith("C").to_numpy(dtype=bool)
    if not keep_cancellations:
        drops.drop("cancellation", cancel)
    with np.errstate(invalid="ignore"):
        wrong = (price <= 0) | np.where(cancel, quantity >= 0, quantity <= 0)
    drops.drop("line with price <= 0 or quantity <= 0", wrong)

    keep = drops.keep
    q = quantity[keep].astype(np.int64)
    data = pd.DataFrame(
        {
            "customer_id": customer[keep].to_numpy(),
            "order_id": invoice[keep].to_numpy(),
            "order_date": dates[keep].to_numpy(),
            "amount": np.round(q * price[keep], 2) + 0.0,
            "quantity": q,
            "stock_code": _id_text(frame["stock_code"])[keep].to_numpy(),
            "country": _id_text(frame["country"])[keep].to_numpy(),
        }
    )
    repeat = data.duplicated(keep="first").to_numpy()
    duplicated = np.zeros(rows, dtype=bool)
    duplicated[np.flatnonzero(keep)[repeat]] = True
    drops.drop("duplicate row", duplicated)
    data = data[~repeat]
    if len(data) == 0:
        reasons = ", ".join(f"{e['rows']:,} {e['reason']}" for e in drops.entries)
        raise DataError(f"no usable line in {file.name!r} ({format_name} format): {reasons}")
    data = data.astype({"customer_id": "str", "order_id": "str", "order_date": DATE_DTYPE,
                        "stock_code": "str", "country": "str"})
    n_cancel = int(cancel[drops.keep].sum())
    if keep_cancellations and n_cancel:
        notes.append(f"kept {n_cancel:,} cancellation line{'' if n_cancel == 1 else 's'} "
                     f"(invoice 'C...') as returns: negative quantity and amount")
    return _finish(data, drops, file.name, rows, unit, notes)


# --------------------------------------------------------------------------------------------
# CDNOW
# --------------------------------------------------------------------------------------------

_CDNOW_HINTS = {
    "line with the wrong number of columns": "Is this a CDNOW file? Expected 4 columns (customer_id date "
                               "number_of_cds dollar_value) or 5 (CDNOW_sample.txt).",
    "unparsable date": "CDNOW dates are written YYYYMMDD, e.g. 19970101.",
    "non-numeric quantity or amount": "Is this a CDNOW file? The last two columns are the number "
                                      "of CDs (whole) and the dollar value.",
}


def load_cdnow(path: str | os.PathLike) -> LoadResult:
    """Read the CDNOW transaction log (``CDNOW_master.txt`` or ``CDNOW_sample.txt``) into an RFM-ready table.

    CDNOW (Fader & Hardie) records the CD purchases of the customers who first bought in the first
    quarter of 1997, up to the end of June 1998. The files are whitespace-separated text without a
    header (a header line whose fields contain letters, as some copies add, is skipped with a note):

    - ``CDNOW_master.txt`` (69,659 lines, 23,570 customers): 4 columns ``customer_id date
      number_of_cds dollar_value``, e.g. ``00001 19970101  1   11.77``;
    - ``CDNOW_sample.txt`` (6,919 lines, 2,357 customers, the 1/10 sample of the papers): 5 columns
      ``customer_id sample_id date number_of_cds dollar_value``, e.g. ``00004 0001 19970101 2
      29.33``. The first column is the customer's id in the master file (customer 00004 has the same
      purchases there), the second the 1..2357 numbering of the sample. ``customer_id`` is the first,
      so both files give a customer the same id; the second is kept as ``sample_id``.

    The shape stays one row per line: each line is one order (there is no order id). Ids are kept as
    written (``"00001"``). Lines worth $0 are kept: a zero-value order is an order (see
    :mod:`coursekit.rfm`); a note counts them. Lines that repeat another line exactly are also kept
    (several orders of the same size on one day) with a note, since :func:`~coursekit.rfm_table`
    then needs ``duplicates="keep"``.

    Dropped and reported: **line with the wrong number of columns** (not the 4 or 5 most lines have),
    **unparsable date** (not a real YYYYMMDD date, e.g. 19971301), **non-numeric quantity or amount**.
    More than half the lines dropped is an error: the file is then probably not a CDNOW file.

    Parameters
    ----------
    path : str or Path
        The text file.

    Returns
    -------
    LoadResult
        ``data`` with columns customer_id (str), order_date (datetime64[us]), amount (float64, the
        dollar value), quantity (int64, the number of CDs) and, for the 5-column sample, sample_id
        (str); ``report`` with line numbers in the file (the first line is 1). A
        :class:`~coursekit.CoursekitWarning` repeats the summary when lines were dropped.

    Raises
    ------
    DataError
        If the file is missing or not text, most lines have neither 4 nor 5 columns, or more than
        half the lines would be dropped.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> text = " 00001 19970101  1   11.77\\n 00002 19970112  1   12.00\\n 00002 19970112  5   77.00\\n"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "CDNOW_master.txt"
    ...     _ = path.write_text(text)
    ...     result = load_cdnow(path)
    >>> print(result)
    read 3 rows from CDNOW_master.txt; dropped none; kept 3
    >>> result.data
      customer_id order_date  amount  quantity
    0       00001 1997-01-01   11.77         1
    1       00002 1997-01-12   12.00         1
    2       00002 1997-01-12   77.00         5
    """
    file = _check_path(path)
    if file.suffix.lower() in _EXCEL + _PARQUET + (".zip", ".gz"):
        raise DataError(f"{file.name!r} is not a text file: CDNOW is read from the .txt file "
                        f"(unzip CDNOW_master.zip / CDNOW_sample.zip first)")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{file.name!r} is not a text file (it is not UTF-8/ASCII text); "
                        f"CDNOW files are plain text") from None
    notes: list[str] = []
    numbers: list[int] = []
    fields: list[list[str]] = []
    first = True
    for number, line in enumerate(text.split("\n"), start=1):
        parts = line.split()
        if not parts:
            continue
        if first and any(re.search(r"[A-Za-z_]", p) for p in parts):
            notes.append(f"skipped the header line (line {number}: {line.strip()!r})")
        else:
            numbers.append(number)
            fields.append(parts)
        first = False
    rows = len(fields)
    if rows == 0:
        raise DataError(f"{file.name!r} has no lines of data")
    widths = Counter(len(f) for f in fields)
    width = widths.most_common(1)[0][0]
    if width not in (4, 5):
        raise DataError(
            f"{file.name!r} is not a CDNOW file: most lines have {width} whitespace-separated "
            f"columns, expected 4 (customer_id date number_of_cds dollar_value, CDNOW_master.txt) "
            f"or 5 (customer_id sample_id date number_of_cds dollar_value, CDNOW_sample.txt)"
        )
    names = (["customer_id", "sample_id"] if width == 5 else ["customer_id"]) + [
        "date", "cds", "dollars"]
    wrong = np.array([len(f) != width for f in fields], dtype=bool)
    frame = pd.DataFrame([f if len(f) == width else [None] * width for f in fields], columns=names,
                         dtype=object)
    raw_lines = pd.Series([" ".join(f) for f in fields], dtype=object)

    drops = _Drops(np.array(numbers, dtype=np.int64))
    drops.drop("line with the wrong number of columns", wrong, raw_lines)
    date_text = frame["date"].fillna("")
    dates = pd.to_datetime(date_text.where(date_text.str.fullmatch(r"\d{8}")), format="%Y%m%d",
                           errors="coerce").astype(DATE_DTYPE)
    drops.drop("unparsable date", dates.isna().to_numpy(), frame["date"])
    cds_text = frame["cds"].fillna("")
    cds = pd.to_numeric(cds_text.where(cds_text.str.fullmatch(r"\d+")), errors="coerce").to_numpy(
        dtype="float64")
    dollars, d_missing, d_bad = _parse_numbers(frame["dollars"].fillna(""))
    drops.drop("non-numeric quantity or amount", np.isnan(cds) | d_missing | d_bad, raw_lines)
    _too_many_dropped(drops, rows, repr(file.name), "line", _CDNOW_HINTS)

    keep = drops.keep
    data = pd.DataFrame(
        {
            "customer_id": pd.Series(frame["customer_id"][keep].to_numpy(), dtype="str"),
            "order_date": dates[keep].to_numpy(),
            "amount": dollars[keep],
            "quantity": cds[keep].astype(np.int64),
        }
    )
    if width == 5:
        data["sample_id"] = pd.Series(frame["sample_id"][keep].to_numpy(), dtype="str")
    zero = int((data["amount"] == 0).sum())
    if zero:
        notes.append(f"kept {zero:,} line{'' if zero == 1 else 's'} worth $0: a zero-value order is "
                     f"an order (it counts in frequency and recency)")
    repeats = int(data.duplicated(keep="first").sum())
    if repeats:
        notes.append(f"kept {repeats:,} line{' that repeats' if repeats == 1 else 's that repeat'} an earlier line "
                     f"exactly (separate orders of the same size on one day); pass "
                     f"duplicates='keep' to rfm_table")
    return _finish(data, drops, file.name, rows, "line", notes)
