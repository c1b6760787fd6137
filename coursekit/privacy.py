"""Pseudonymise customer ids with a keyed hash before data leaves the bank or shop (seed 003).

Seed 003 closes with data security and privacy (数据安全和隐私保护): customer information must not
leak. Before transactions go to an analyst, a trainer or a workshop, replace each customer id by
a token computed with a secret key (HMAC-SHA256). The same id always gets the same token, so RFM,
tiers and migrations still work; without the key the token cannot be turned back into the id.

This is **pseudonymisation, not anonymisation** (假名化, 不是匿名化): whoever holds the key can
re-identify a customer by hashing candidate ids and comparing tokens, and the rows still describe
one real person each. Pseudonymised data is still personal data in law (GDPR, China's PIPL);
keep the key with the data owner, never in the data, the notebook or the repository.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Hashable, Iterable
from numbers import Integral

import numpy as np
import pandas as pd

from coursekit._errors import DataError, describe_rows, require_columns

__all__ = ["pseudonymise"]

MIN_KEY_LENGTH = 16


def _key_bytes(key: str | bytes) -> bytes:
    """The key as bytes, or DataError (never showing the key itself) if it is weak or mistyped."""
    advice = (
        "A short key can be brute-forced: whoever guesses it can hash candidate customer ids and "
        "re-identify every customer. Generate one with secrets.token_hex(16), keep it secret and "
        "out of the data and the notebook (e.g. read it from an environment variable)."
    )
    if isinstance(key, str):
        if len(key) < MIN_KEY_LENGTH:
            raise DataError(f"key must be at least {MIN_KEY_LENGTH} characters, got a str of "
                            f"{len(key)}. {advice}")
        return key.encode("utf-8")
    if isinstance(key, (bytes, bytearray)):
        if len(key) < MIN_KEY_LENGTH:
            raise DataError(f"key must be at least {MIN_KEY_LENGTH} bytes, got {len(key)} bytes. "
                            f"{advice}")
        return bytes(key)
    raise DataError(f"key must be a str or bytes of at least {MIN_KEY_LENGTH} characters, got "
                    f"{type(key).__name__}. {advice}")


def _is_missing(value) -> bool:
    """None, NaN, NA, NaT, or a blank string: no usable id."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _id_text(value: Hashable) -> str:
    """The text that is hashed for one id: ``str(id)``, except that a whole-number float is
    written as an int (7.0 -> "7"), so an id column that pandas read as float (because of a
    blank cell elsewhere) gives the same tokens as the int column."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _token(text: str, key: bytes, *, prefix: str, length: int) -> str:
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return prefix + digest[:length]


def _check_collisions(ids: Iterable[Hashable], tokens: Iterable[str], *,
                      length: int | None = None) -> None:
    """Raise DataError if two distinct ids (compared as hashed text) were given the same token.

    ``ids`` and ``tokens`` are aligned: ``tokens[i]`` is the token of ``ids[i]``.
    """
    seen: dict[str, str] = {}
    clashes: dict[str, set[str]] = {}
    for value, token in zip(ids, tokens, strict=True):
        text = _id_text(value)
        first = seen.setdefault(token, text)
        if first != text:
            clashes.setdefault(token, {first}).add(text)
    if clashes:
        parts = [f"{' and '.join(repr(t) for t in sorted(texts))} -> {token!r}"
                 for token, texts in sorted(clashes.items())[:5]]
        more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        now = f" (now {length})" if length is not None else ""
        raise DataError(
            f"distinct ids map to the same token: {'; '.join(parts)}{more}. Tokens must identify "
            f"customers uniquely: use a larger length{now}, e.g. length=16"
        )


def _pseudonymise_values(values: list, key: bytes, *, prefix: str, length: int) -> list[str]:
    texts = [_id_text(v) for v in values]
    mapping = {text: _token(text, key, prefix=prefix, length=length) for text in dict.fromkeys(texts)}
    _check_collisions(list(mapping), list(mapping.values()), length=length)
    return [mapping[text] for text in texts]


def _missing_mask(values: pd.Series | pd.Index) -> np.ndarray:
    return np.fromiter((_is_missing(v) for v in values), dtype=bool, count=len(values))


def pseudonymise(ids, key: str | bytes, *, column: str | None = None, prefix: str = "C",
                 length: int = 12):
    """Replace customer ids by keyed-hash tokens (HMAC-SHA256): same id + same key → same token.

    For each id, ``token = prefix + the first `length` hex characters of
    HMAC-SHA256(key, str(id) encoded as UTF-8)``. A whole-number float id is hashed as an int
    (7.0 like 7), so a column that pandas read as float gives the same tokens. Tokens are stable
    across runs and machines for the same key; another key gives unrelated tokens, so data sets
    pseudonymised with different keys cannot be joined.

    This is pseudonymisation, not anonymisation: whoever holds the key can re-identify customers
    by hashing candidate ids. Keep the key secret, with the data owner, and out of the data, the
    notebook and the repository (read it from an environment variable or a file).

    Parameters
    ----------
    ids : Series, DataFrame, Index, list, tuple, 1-D array or a single id
        The ids. For a DataFrame, ``column`` names the id column; with ``column=None`` the ids
        are the frame's index.
    key : str or bytes
        The secret key, at least 16 characters (str) or 16 bytes.
    column : str, optional
        Only for a DataFrame: the column holding the ids (default: the index).
    prefix : str, default "C"
        Text put before every token (tokens then never look like numbers).
    length : int, default 12
        Number of hex characters kept, 8..64. 12 hex characters = 48 bits: a collision among a
        million customers has a probability of about 0.2%, and is detected (raises) if it happens.

    Returns
    -------
    Same kind as ``ids``
        A Series with the same index and name; a new DataFrame with ``column`` (or the index)
        replaced and everything else unchanged; an Index with the same name; a list for a list,
        tuple or array; a str for a single id. The input is never modified.

    Raises
    ------
    DataError
        If the key is not str/bytes or shorter than 16; ``length`` is not an int in 8..64;
        ``prefix`` is not a str; an id is missing (None, NaN or blank); ``column`` is missing or
        given for a non-DataFrame; two distinct ids get the same token.

    Examples
    --------
    >>> key = "demo-key-not-a-real-secret"      # a real key is never written in a notebook
    >>> pseudonymise(12345, key)
    'Ce1a7f482c4fb'
    >>> pseudonymise(pd.Series([12345, 678], index=["r1", "r2"], name="customer_id"), key)
    r1    Ce1a7f482c4fb
    r2    C45166ad0d099
    Name: customer_id, dtype: str
    >>> orders = pd.DataFrame({"customer_id": [12345, 12345], "amount": [9.5, 20.0]})
    >>> pseudonymise(orders, key, column="customer_id", prefix="K", length=8)
      customer_id  amount
    0   Ke1a7f482     9.5
    1   Ke1a7f482    20.0
    """
    secret = _key_bytes(key)
    if isinstance(length, bool) or not isinstance(length, Integral) or not 8 <= length <= 64:
        raise DataError(f"length must be an int from 8 to 64 (hex characters kept), got {length!r}")
    length = int(length)
    if not isinstance(prefix, str):
        raise DataError(f"prefix must be a str (e.g. 'C'), got {type(prefix).__name__}")
    if column is not None and not isinstance(ids, pd.DataFrame):
        raise DataError(f"column={column!r} is only for a DataFrame; ids is a "
                        f"{type(ids).__name__}")

    def convert(values, *, frame_or_series, what: str) -> list[str]:
        values = list(values)
        missing = _missing_mask(pd.Series(values, dtype=object)) if values else np.zeros(0, bool)
        if missing.any():
            raise DataError(f"{what} has missing ids (None, NaN or blank) in "
                            f"{describe_rows(frame_or_series, missing)}; every row needs an id")
        return _pseudonymise_values(values, secret, prefix=prefix, length=length)

    if isinstance(ids, pd.DataFrame):
        out = ids.copy()
        if column is None:
            if isinstance(ids.index, pd.MultiIndex):
                raise DataError("ids has a MultiIndex; pass column=... naming the id column, or "
                                "reset_index() first")
            tokens = convert(ids.index, frame_or_series=pd.Series(ids.index, index=ids.index,
                                                                  name=ids.index.name or "index"),
                             what="the index of ids")
            out.index = pd.Index(tokens, name=ids.index.name)
            return out
        require_columns(ids, [column], what="ids")
        tokens = convert(ids[column], frame_or_series=ids, what=f"column {column!r}")
        out[column] = pd.Series(tokens, index=ids.index)
        return out
    if isinstance(ids, pd.Series):
        named = ids.rename(ids.name if ids.name is not None else "id")
        tokens = convert(ids, frame_or_series=named, what="ids")
        return pd.Series(tokens, index=ids.index, name=ids.name)
    if isinstance(ids, pd.Index):
        named = pd.Series(ids, index=ids, name=ids.name if ids.name is not None else "id")
        return pd.Index(convert(ids, frame_or_series=named, what="ids"), name=ids.name)
    if isinstance(ids, (list, tuple, np.ndarray)):
        array = np.asarray(ids, dtype=object) if not isinstance(ids, np.ndarray) else ids
        if array.ndim != 1:
            raise DataError(f"ids must be one-dimensional, got shape {array.shape}")
        values = list(ids)
        return convert(values, frame_or_series=pd.Series(values, dtype=object, name="id"),
                       what="ids")
    if isinstance(ids, (set, frozenset, dict)):
        raise DataError(f"ids must be ordered (a list, Series, ...), got a {type(ids).__name__}")
    if _is_missing(ids):
        raise DataError(f"ids is missing ({ids!r}): need a customer id to pseudonymise")
    return _pseudonymise_values([ids], secret, prefix=prefix, length=length)[0]
