"""Tier migration between two snapshots: the transition matrix and the churn warning list.

Tiers are recomputed regularly (定期评估与调整, module 2 "dynamic tiers"). Given the tiers of the
same customers at two dates — e.g. :func:`coursekit.assign_tiers` at ``as_of=2024-06-30`` and at
``as_of=2024-12-31`` — :func:`transition_matrix` counts who moved where, and :func:`fallen_from`
lists the customers who left a high tier (an early churn warning, 流失预警).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from coursekit._errors import DataError, describe_rows, require_columns

__all__ = ["transition_matrix", "fallen_from"]

NEW = "(new)"
GONE = "(gone)"


def _tiers(frame: pd.DataFrame | pd.Series, *, tier_col: str, what: str) -> pd.Series:
    """The tier column of one snapshot as an object Series indexed by customer, validated."""
    if isinstance(frame, pd.Series):
        tiers = frame
    else:
        require_columns(frame, [tier_col], what=what)
        tiers = frame[tier_col]
    duplicated = tiers.index.duplicated(keep=False)
    if duplicated.any():
        ids = sorted({repr(label) for label in tiers.index[duplicated]})
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        raise DataError(
            f"{what} has duplicate customer ids in its index: {shown}; each customer must appear "
            f"once per snapshot (one tier per customer)"
        )
    missing = tiers.isna().to_numpy()
    if missing.any():
        named = tiers.rename(tier_col)
        raise DataError(f"{what} column {tier_col!r} has missing tiers in "
                        f"{describe_rows(named, missing)}; every customer needs a tier")
    tiers = tiers.astype(object)
    reserved = tiers.isin([NEW, GONE]).to_numpy()
    if reserved.any():
        raise DataError(f"{what} uses the reserved tier names {NEW!r} / {GONE!r} in "
                        f"{describe_rows(tiers.rename(tier_col), reserved)}; rename those tiers")
    return tiers


def _categories(frame: pd.DataFrame | pd.Series, tier_col: str) -> list | None:
    column = frame if isinstance(frame, pd.Series) else frame[tier_col]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return list(column.cat.categories)
    return None


def _sorted_labels(labels) -> list:
    """Labels sorted by name (as text, so mixed types never fail), for a deterministic order."""
    return sorted(set(labels), key=lambda label: (str(label), type(label).__name__))


def _tier_order(before_frame, after_frame, before: pd.Series, after: pd.Series, *,
                tier_col: str, order: Sequence[Hashable] | None) -> list:
    """Validate ``order`` or derive the default one; every tier in the data must be in it."""
    present = set(before) | set(after)
    if order is None:
        cats_before = _categories(before_frame, tier_col)
        cats_after = _categories(after_frame, tier_col)
        if cats_before is not None and cats_before == cats_after:
            return cats_before  # both snapshots carry the same categorical tier order: use it
        return _sorted_labels(present)
    if isinstance(order, (str, bytes)) or not isinstance(order, Sequence | np.ndarray | pd.Index):
        raise DataError(f"order must be a list of tier names (best first), got {order!r}")
    order = list(order)
    repeated = sorted({repr(t) for t in order if order.count(t) > 1})
    if repeated:
        raise DataError(f"order lists a tier more than once: {', '.join(repeated)}")
    if NEW in order or GONE in order:
        raise DataError(f"order must not contain the reserved names {NEW!r} / {GONE!r}; they are "
                        f"added automatically")
    unknown = _sorted_labels(present - set(order))
    if unknown:
        raise DataError(
            f"tiers {unknown} appear in the data but not in order={order}; add them to order "
            f"(or fix the tier names)"
        )
    return order


def transition_matrix(before: pd.DataFrame, after: pd.DataFrame, *, tier_col: str = "tier",
                      order: Sequence[Hashable] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count how customers moved between tiers from one snapshot to the next.

    Customers are matched by index label (customer id). ``counts.loc[a, b]`` = the number of
    customers whose tier was ``a`` in ``before`` and is ``b`` in ``after``. Customers only in
    ``after`` are counted in the row ``"(new)"``; customers only in ``before`` in the column
    ``"(gone)"``. ``shares`` = counts divided by their row total, i.e.
    ``shares.loc[a, b]`` = P(tier after = b | tier before = a); each row sums to 1 (a row with no
    customers is all 0).

    Parameters
    ----------
    before, after : DataFrame
        Tiers at the earlier and the later snapshot, indexed by customer id, with a ``tier_col``
        column (a Series of tiers is accepted too). Each customer id at most once per snapshot.
    tier_col : str, default "tier"
        Name of the tier column.
    order : list, optional
        Tier order for rows and columns (best first). Every tier in ``order`` gets a row and a
        column, with zeros where empty. Default: if both tier columns are categoricals with the
        same categories, their category order; otherwise the tiers found, sorted by name.

    Returns
    -------
    counts : DataFrame
        int64 counts; index ``tier_before`` = ``order`` + ``"(new)"``, columns ``tier_after`` =
        ``order`` + ``"(gone)"`` (both extra labels are always present, last).
    shares : DataFrame
        Same shape, float row shares.

    Raises
    ------
    DataError
        If ``tier_col`` is missing, a customer id is duplicated, a tier is missing or uses a
        reserved name, or a tier in the data is not in ``order``.

    Examples
    --------
    >>> before = pd.DataFrame({"tier": ["high", "high", "low", "low"]}, index=[1, 2, 3, 4])
    >>> after = pd.DataFrame({"tier": ["high", "low", "low", "high"]}, index=[1, 2, 3, 5])
    >>> counts, shares = transition_matrix(before, after, order=["high", "low"])
    >>> counts  # doctest: +NORMALIZE_WHITESPACE
    tier_after   high  low  (gone)
    tier_before
    high            1    1       0
    low             0    1       1
    (new)           1    0       0
    >>> shares.loc["low"].tolist()      # customer 3 stayed low, customer 4 left
    [0.0, 0.5, 0.5]
    """
    old = _tiers(before, tier_col=tier_col, what="before")
    new = _tiers(after, tier_col=tier_col, what="after")
    tiers = _tier_order(before, after, old, new, tier_col=tier_col, order=order)

    both = pd.concat([old.rename("before"), new.rename("after")], axis=1, join="outer", sort=False)
    pairs = pd.DataFrame({
        "tier_before": both["before"].astype(object).where(both["before"].notna(), NEW),
        "tier_after": both["after"].astype(object).where(both["after"].notna(), GONE),
    })
    rows = pd.Index([*tiers, NEW], dtype=object, name="tier_before")
    cols = pd.Index([*tiers, GONE], dtype=object, name="tier_after")
    counts = np.zeros((len(rows), len(cols)), dtype="int64")
    row_pos = {label: i for i, label in enumerate(rows)}
    col_pos = {label: j for j, label in enumerate(cols)}
    for (a, b), size in pairs.groupby(["tier_before", "tier_after"], sort=False).size().items():
        counts[row_pos[a], col_pos[b]] += int(size)
    counts_frame = pd.DataFrame(counts, index=rows, columns=cols)

    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape, dtype="float64"),
                       where=totals > 0)
    shares_frame = pd.DataFrame(shares, index=rows.copy(), columns=cols.copy())
    return counts_frame, shares_frame


def fallen_from(before: pd.DataFrame, after: pd.DataFrame, *,
                high: Sequence[Hashable] | str = ("high-value",),
                order: Sequence[Hashable] | None = None, tier_col: str = "tier") -> pd.DataFrame:
    """The churn warning list: customers who were in a high tier and are not any more.

    A customer is listed if their tier in ``before`` is one of ``high`` and their tier in
    ``after`` is not one of ``high`` — including customers missing from ``after`` altogether,
    shown with ``tier_after = "(gone)"``. Only this "left the high tiers" rule is applied: a move
    between two tiers that are both in ``high`` (e.g. platinum → gold with
    ``high=("platinum", "gold")``) is not listed; use :func:`transition_matrix` to see those.

    Parameters
    ----------
    before, after : DataFrame
        Tiers at the earlier and the later snapshot, indexed by customer id, with a ``tier_col``
        column (a Series of tiers is accepted too).
    high : sequence of tier names, or one name, default ("high-value",)
        The tiers that count as "high". Each must appear in ``before`` (or in ``order``, or
        among the categories of a categorical tier column): an unknown name is probably a typo.
    order : list, optional
        The full list of tier names. If given, every tier in the data must be in it (as in
        :func:`transition_matrix`), and a ``high`` tier that is in ``order`` but has no customers
        in ``before`` is allowed (the list is then simply empty for it).
    tier_col : str, default "tier"
        Name of the tier column.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), columns ``tier_before``, ``tier_after``; empty if nobody
        fell.

    Raises
    ------
    DataError
        If ``tier_col`` is missing, a customer id is duplicated, a tier is missing, a ``high``
        tier is unknown, or a tier in the data is not in ``order``.

    Examples
    --------
    >>> before = pd.DataFrame({"tier": ["high-value", "high-value", "general"]}, index=[3, 1, 2])
    >>> after = pd.DataFrame({"tier": ["general", "high-value"]}, index=[1, 2])
    >>> fallen_from(before, after)
      tier_before tier_after
    1  high-value    general
    3  high-value     (gone)
    """
    old = _tiers(before, tier_col=tier_col, what="before")
    new = _tiers(after, tier_col=tier_col, what="after")
    if order is not None:
        order = _tier_order(before, after, old, new, tier_col=tier_col, order=order)
    if isinstance(high, (str, bytes)):
        high = (high,)
    if not isinstance(high, Sequence | np.ndarray | pd.Index | set | frozenset) or len(high) == 0:
        raise DataError(f"high must be one tier name or a non-empty list of tier names, "
                        f"got {high!r}")
    high = list(high)
    present = _sorted_labels(old)
    known = set(present) | set(order or []) | set(_categories(before, tier_col) or [])
    unknown = [t for t in high if t not in known]
    if unknown:
        raise DataError(
            f"high tiers {unknown} do not occur in before (a typo?); the tiers present in before "
            f"are {present}"
        )

    after_tier = new.reindex(old.index).astype(object).where(old.index.isin(new.index), GONE)
    fell = old.isin(high) & ~after_tier.isin(high)
    result = pd.DataFrame({"tier_before": old[fell], "tier_after": after_tier[fell]},
                          columns=["tier_before", "tier_after"])
    try:
        return result.sort_index(kind="stable")
    except TypeError:
        return result.sort_index(kind="stable", key=lambda idx: idx.map(str))
