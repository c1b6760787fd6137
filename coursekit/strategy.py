"""Tier strategies (分层管理策略): playbooks, action lists, budget allocation and campaign uplift.

Module 3 of the course turns tiers into work:

- a **playbook** per scheme, written as data (YAML in ``coursekit/schemes/playbooks/``): for each
  tier its service level, contact frequency (沟通频次), channel, owner (客户归属: who serves it),
  offer, budget weight (资源投放) and a one-line strategy in Chinese (seed 000) —
  :func:`playbook`, :func:`load_playbook`, :func:`playbook_to_dict`, :func:`playbook_names`;
- the **action list** a trainee takes back to work: one row per customer with the tier's actions
  and the next contact date — :func:`action_list`;
- a fixed **budget** spread evenly or by tier (seed 002's argument) — :func:`allocate_budget`, and
  the argument made measurable by simulation under *stated assumptions* —
  :func:`simulate_allocation`, :func:`compare_allocations`;
- **measuring** a campaign against a randomised control group (the retailer's "+15% sales" claim,
  seed 000) — :func:`campaign_outcomes`, :func:`uplift`;
- the take-home **workbook** and monthly sales plan (月度销售计划, seed 001) —
  :func:`monthly_sales_plan`, :func:`export_action_plan`.

Every function takes a *tiered* table: one row per customer (index = customer id), a ``tier``
column, usually from :func:`coursekit.assign_tiers`. Nothing here mutates its input.

Playbook file format (a dict of the same shape works too)::

    name: my_playbook
    scheme: value4              # optional: the tiering scheme whose every tier must be listed
    title: ...                  # optional
    tiers:
      high-value:
        service_level: "VIP: dedicated adviser"
        contact_frequency_days: 14   # whole days between contacts, >= 1
        channel: visit / phone
        owner: key-account manager   # a role: key-account manager, sales rep, call centre, digital
        offer: personalised offers
        budget_weight: 4             # > 0; relative weight per customer when splitting a budget
        action_zh: 提供VIP服务，定期回访，个性化营销
        tier_zh: 高价值客户           # optional when the scheme has a label for the tier
      ...

The built-in playbooks' numbers (frequencies, weights) are reasonable starting points for a
discussion, **not** facts about any business.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from numbers import Integral, Real
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from coursekit._errors import (DataError, as_numbers, describe_rows, parse_date, plain, read_yaml_source,
                               require_columns, to_days, whole)
from coursekit.tiers import load_scheme, tier_summary

__all__ = [
    "PLAYBOOK_COLUMNS",
    "playbook_names",
    "playbook",
    "load_playbook",
    "playbook_to_dict",
    "action_list",
    "allocate_budget",
    "simulate_allocation",
    "compare_allocations",
    "campaign_outcomes",
    "uplift",
    "monthly_sales_plan",
    "export_action_plan",
]

#: Columns of a playbook table, in order (the index is the tier name).
PLAYBOOK_COLUMNS = ("tier_zh", "service_level", "contact_frequency_days", "channel", "owner",
                    "offer", "budget_weight", "action_zh")
_TEXT_FIELDS = ("tier_zh", "service_level", "channel", "owner", "offer", "action_zh")
_PLAYBOOK_KEYS = {"name", "scheme", "title", "description", "tiers"}
_METHODS = ("even", "by_tier")
_EPS = 1e-9  # so that 0.3 / 0.1 = 2.9999999999999996 still buys 3 contacts


# --------------------------------------------------------------------------------------------
# playbooks
# --------------------------------------------------------------------------------------------

def _playbook_folder():
    return resources.files("coursekit") / "schemes" / "playbooks"


def playbook_names() -> list[str]:
    """Names of the built-in playbooks: one per built-in scheme, named after it.

    Examples
    --------
    >>> playbook_names()
    ['abc', 'lifecycle', 'segments', 'value4', 'value_matrix']
    """
    return sorted(p.name[:-5] for p in _playbook_folder().iterdir() if p.name.endswith(".yaml"))


def playbook(scheme: str = "value4") -> pd.DataFrame:
    """The built-in tier playbook of a scheme, as a table (one row per tier, best tier first).

    Parameters
    ----------
    scheme : str, default "value4"
        A built-in scheme name (see :func:`playbook_names`).

    Returns
    -------
    DataFrame indexed by ``tier`` in the scheme's order with the columns of
    :data:`PLAYBOOK_COLUMNS`: ``tier_zh``, ``service_level``, ``contact_frequency_days`` (int),
    ``channel``, ``owner``, ``offer``, ``budget_weight`` (float), ``action_zh``.
    ``attrs`` holds ``name``, ``scheme`` and ``title``.

    Raises
    ------
    DataError
        For an unknown name.

    Examples
    --------
    >>> pb = playbook("value4")
    >>> pb[["tier_zh", "contact_frequency_days", "owner", "budget_weight"]]
                tier_zh  contact_frequency_days                owner  budget_weight
    tier
    high-value    高价值客户                      14  key-account manager            4.0
    potential      潜力客户                      30            sales rep            2.0
    general        一般客户                      60  digital (automated)            1.0
    churning       流失客户                      21          call centre            2.0
    >>> pb.loc["churning", "action_zh"]
    '开展客户挽回活动，了解流失原因，尝试重新吸引消费'
    """
    if not isinstance(scheme, str) or scheme not in playbook_names():
        raise DataError(f"no built-in playbook for {scheme!r}; built-in playbooks are "
                        f"{playbook_names()}. For your own scheme, write one and use load_playbook(...)")
    return load_playbook(scheme)


def load_playbook(source: str | Path | Mapping | pd.DataFrame) -> pd.DataFrame:
    """Read and validate a playbook: a built-in name, a YAML file path, a dict or a playbook table.

    Validation: known top-level keys only; ``tiers`` is a non-empty mapping; every tier has each of
    ``service_level``, ``channel``, ``owner``, ``offer``, ``action_zh`` as non-empty text,
    ``contact_frequency_days`` a whole number >= 1 and ``budget_weight`` a number > 0; ``tier_zh``
    is given or the scheme has a label for the tier. With ``scheme``, the playbook must list every
    tier of that scheme and no other, and rows follow the scheme's order; without it, the order
    written. Extra fields per tier are kept as extra columns.

    Parameters
    ----------
    source : str, path, dict or DataFrame
        A built-in name (:func:`playbook_names`), a ``.yaml`` file, a dict of the shape in the
        module docstring, or a table from :func:`playbook` (validated again).

    Returns
    -------
    DataFrame as described in :func:`playbook`.

    Raises
    ------
    DataError
        Naming the tier and field at fault.

    Examples
    --------
    >>> spec = playbook_to_dict(playbook("value4"))
    >>> spec["tiers"]["general"]["budget_weight"] = 0
    >>> load_playbook(spec)
    Traceback (most recent call last):
    ...
    coursekit._errors.DataError: playbook 'value4', tier 'general': budget_weight must be a number > 0, got 0
    """
    if isinstance(source, pd.DataFrame):
        spec = playbook_to_dict(source)
    elif isinstance(source, (str, Path)):
        spec = read_yaml_source(source, kind="playbook", needs="a 'tiers' mapping",
                                builtin={name: _playbook_folder() / f"{name}.yaml" for name in playbook_names()})
    elif isinstance(source, Mapping):
        spec = dict(source)
    else:
        raise DataError(f"playbook must be a name, a dict, a .yaml path or a playbook table, "
                        f"got {type(source).__name__}")
    return _build_playbook(spec)


def _build_playbook(spec: dict) -> pd.DataFrame:
    name = str(spec.get("name", "custom"))
    unknown = set(spec) - _PLAYBOOK_KEYS
    if unknown:
        raise DataError(f"playbook {name!r} has unknown keys {sorted(unknown)}; allowed: {sorted(_PLAYBOOK_KEYS)}")
    tiers = spec.get("tiers")
    if not isinstance(tiers, Mapping) or not tiers:
        raise DataError(f"playbook {name!r} needs a non-empty 'tiers' mapping of tier name -> fields")
    scheme_name, labels, order = spec.get("scheme"), {}, [str(t) for t in tiers]
    if scheme_name is not None:
        scheme = load_scheme(scheme_name)
        labels, order = dict(scheme.labels), scheme.tiers
        missing = [t for t in order if t not in tiers]
        if missing:
            raise DataError(f"playbook {name!r} has no entry for tier(s) {missing} of scheme "
                            f"{scheme.name!r}; every tier needs a strategy")
        extra = [t for t in tiers if t not in order]
        if extra:
            raise DataError(f"playbook {name!r} lists tier(s) {extra} that scheme {scheme.name!r} "
                            f"does not have; its tiers are {order}")
        scheme_name = scheme.name
    rows = {}
    for tier in order:
        fields = tiers[tier]
        where = f"playbook {name!r}, tier {tier!r}"
        if not isinstance(fields, Mapping):
            raise DataError(f"{where} must be a mapping of fields, got {fields!r}")
        row = dict(fields)
        if "tier_zh" not in row and tier in labels:
            row["tier_zh"] = labels[tier]
        missing = [c for c in PLAYBOOK_COLUMNS if c not in row]
        if missing:
            raise DataError(f"{where} is missing field(s) {missing}; each tier needs "
                            f"{list(PLAYBOOK_COLUMNS)}")
        for column in _TEXT_FIELDS:
            if not isinstance(row[column], str) or not row[column].strip():
                raise DataError(f"{where}: {column} must be non-empty text, got {row[column]!r}")
        days = plain(row["contact_frequency_days"])
        if (isinstance(days, bool) or not isinstance(days, (Integral, float))
                or not float(days).is_integer() or days < 1):
            raise DataError(f"{where}: contact_frequency_days must be a whole number of days >= 1, got {days!r}")
        row["contact_frequency_days"] = int(days)
        weight = plain(row["budget_weight"])
        if (isinstance(weight, bool) or not isinstance(weight, Real) or not math.isfinite(weight)
                or weight <= 0):
            raise DataError(f"{where}: budget_weight must be a number > 0, got {weight!r}")
        row["budget_weight"] = float(weight)
        rows[str(tier)] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    extra_cols = [c for c in frame.columns if c not in PLAYBOOK_COLUMNS]
    frame = frame[[*PLAYBOOK_COLUMNS, *extra_cols]]
    frame["contact_frequency_days"] = frame["contact_frequency_days"].astype(np.int64)
    frame["budget_weight"] = frame["budget_weight"].astype(np.float64)
    frame.index.name = "tier"
    frame.attrs.update(name=name, scheme=scheme_name, title=str(spec.get("title", "")))
    return frame


def playbook_to_dict(playbook: pd.DataFrame) -> dict:
    """A playbook table as a plain dict, the shape of the YAML files (for editing and saving).

    ``yaml.safe_dump(playbook_to_dict(pb), allow_unicode=True, sort_keys=False)`` writes a file
    that :func:`load_playbook` reads back to the same table.

    Examples
    --------
    >>> spec = playbook_to_dict(playbook("abc"))
    >>> spec["scheme"], list(spec["tiers"]), spec["tiers"]["A"]["contact_frequency_days"]
    ('abc', ['A', 'B', 'C'], 14)
    >>> load_playbook(spec).equals(playbook("abc"))
    True
    """
    if not isinstance(playbook, pd.DataFrame):
        raise DataError(f"playbook must be a DataFrame from playbook()/load_playbook(), got {type(playbook).__name__}")
    if playbook.index.has_duplicates:
        dup = sorted({str(t) for t in playbook.index[playbook.index.duplicated()]})
        raise DataError(f"playbook lists tier(s) {dup} more than once")
    spec: dict = {"name": playbook.attrs.get("name", "custom")}
    if playbook.attrs.get("scheme"):
        spec["scheme"] = playbook.attrs["scheme"]
    if playbook.attrs.get("title"):
        spec["title"] = playbook.attrs["title"]
    spec["tiers"] = {str(tier): {str(k): plain(v) for k, v in row.items()}
                     for tier, row in playbook.iterrows()}
    return spec


# --------------------------------------------------------------------------------------------
# shared helpers for tiered tables
# --------------------------------------------------------------------------------------------

def _check_tiered(tiered, tier_col: str) -> pd.Series:
    """The validated tier column of a tiered table (one row per customer)."""
    require_columns(tiered, [tier_col], what="tiered")
    if len(tiered) == 0:
        raise DataError("tiered has no customers")
    if tiered.index.has_duplicates:
        dup = tiered.index.duplicated(keep=False)
        raise DataError(f"tiered must have one row per customer; duplicate ids in its index at "
                        f"{describe_rows(tiered, dup, columns=[tier_col])}")
    tiers = tiered[tier_col]
    missing = tiers.isna().to_numpy()
    if missing.any():
        raise DataError(f"tiered column {tier_col!r} has missing tiers at {describe_rows(tiered, missing, columns=[tier_col])}")
    return tiers.astype(str)


def _resolve_playbook(playbook, tiered: pd.DataFrame, *, required: bool) -> pd.DataFrame | None:
    """A validated playbook table: given, else the built-in one for ``tiered.attrs['scheme']``."""
    if playbook is not None:
        return load_playbook(playbook)
    scheme = tiered.attrs.get("scheme")
    if isinstance(scheme, str) and scheme in playbook_names():
        return load_playbook(scheme)
    if required:
        raise DataError(f"no playbook given and tiered.attrs['scheme'] = {scheme!r} has no built-in "
                        f"playbook; pass playbook=... (a name in {playbook_names()}, a dict or a .yaml path)")
    return None


def _check_covered(tiers: pd.Series, order: Sequence[str], what: str) -> None:
    unknown = sorted(set(tiers) - set(order))
    if unknown:
        bad = tiers.isin(unknown).to_numpy()
        raise DataError(f"tiers {unknown} are not in the {what} (its tiers are {list(order)}); "
                        f"{describe_rows(tiers.to_frame(), bad)}. Use the playbook of the scheme "
                        f"that made these tiers")


def _as_of(as_of, tiered: pd.DataFrame) -> pd.Timestamp:
    value = as_of if as_of is not None else tiered.attrs.get("as_of")
    if value is None:
        raise DataError("no as_of date: pass as_of=... (the snapshot date); tiered.attrs has no 'as_of' "
                        "(rfm_table sets it)")
    return parse_date(value, "as_of")


def _positive(value, name: str) -> float:
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise DataError(f"{name} must be a number > 0, got {value!r}")
    return float(value)


# --------------------------------------------------------------------------------------------
# action list
# --------------------------------------------------------------------------------------------

def action_list(tiered: pd.DataFrame, playbook: str | Path | Mapping | pd.DataFrame, *,
                as_of=None, tier_col: str = "tier", value_col: str = "monetary") -> pd.DataFrame:
    """One row per customer with the tier's actions and the next contact date — the work list.

    ``next_contact`` = ``as_of`` + the tier's ``contact_frequency_days`` (a calendar date).
    Rows are sorted by the playbook's tier order (best tier first), then by ``value_col``
    descending (the most valuable customer of a tier first), ties by customer id.

    Parameters
    ----------
    tiered : DataFrame
        One row per customer (index = customer id) with ``tier_col`` and ``value_col``, e.g. from
        :func:`coursekit.assign_tiers`.
    playbook : str, path, dict or DataFrame
        See :func:`load_playbook`; every tier in ``tiered`` must be in it.
    as_of : date-like, optional
        Snapshot date; default ``tiered.attrs["as_of"]`` (set by :func:`coursekit.rfm_table`).
    tier_col, value_col : str
        Column names.

    Returns
    -------
    DataFrame indexed like ``tiered`` (same customers, new order) with ``tier``, ``tier_zh``,
    ``value_col``, ``action_zh``, ``service_level``, ``owner``, ``channel``, ``offer``,
    ``contact_frequency_days``, ``next_contact``. If ``tiered`` has its own ``owner`` column (the
    named rep of a B2B account), that is kept as ``owner`` and the playbook's role becomes
    ``owner_role``. ``attrs["as_of"]`` holds the date used.

    Raises
    ------
    DataError
        If a column is missing, a tier is not in the playbook, or no ``as_of`` is known.

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["general", "high-value", "high-value"],
    ...                   "monetary": [80.0, 500.0, 900.0]},
    ...                  index=pd.Index(["C1", "C2", "C3"], name="customer_id"))
    >>> a = action_list(t, "value4", as_of="2024-06-30")
    >>> a[["tier", "monetary", "owner", "next_contact"]]
                       tier  monetary                owner next_contact
    customer_id
    C3           high-value     900.0  key-account manager   2024-07-14
    C2           high-value     500.0  key-account manager   2024-07-14
    C1              general      80.0  digital (automated)   2024-08-29
    """
    tiers = _check_tiered(tiered, tier_col)
    require_columns(tiered, [value_col], what="tiered")
    values = as_numbers(tiered[value_col], f"tiered column {value_col!r}")
    pb = load_playbook(playbook)
    _check_covered(tiers, list(pb.index), f"playbook {pb.attrs.get('name')!r}")
    stamp = _as_of(as_of, tiered)

    rank = pd.Series(np.arange(len(pb)), index=pb.index)
    work = pd.DataFrame({"_rank": rank.reindex(tiers.to_numpy()).to_numpy(), "_value": values.to_numpy(),
                         "_label": tiered.index.map(str)}, index=tiered.index)
    order = work.sort_values(["_rank", "_value", "_label"], ascending=[True, False, True], kind="stable").index

    rows = pb.reindex(tiers.loc[order].to_numpy())
    own_owner = "owner" in tiered.columns and tier_col != "owner"
    out = pd.DataFrame(index=order)
    out["tier"] = tiers.loc[order].to_numpy()
    out["tier_zh"] = rows["tier_zh"].to_numpy()
    out[value_col] = tiered.loc[order, value_col].to_numpy()
    out["action_zh"] = rows["action_zh"].to_numpy()
    out["service_level"] = rows["service_level"].to_numpy()
    if own_owner:
        out["owner"] = tiered.loc[order, "owner"].to_numpy()
        out["owner_role"] = rows["owner"].to_numpy()
    else:
        out["owner"] = rows["owner"].to_numpy()
    for column in ("channel", "offer", "contact_frequency_days"):
        out[column] = rows[column].to_numpy()
    out["next_contact"] = stamp + pd.to_timedelta(out["contact_frequency_days"].to_numpy(), unit="D")
    out.index.name = tiered.index.name
    out.attrs["as_of"] = stamp
    return out


# --------------------------------------------------------------------------------------------
# budget allocation
# --------------------------------------------------------------------------------------------

def _tier_counts(tiered: pd.DataFrame, playbook, tier_col: str, *, need_weights: bool):
    tiers = _check_tiered(tiered, tier_col)
    pb = _resolve_playbook(playbook, tiered, required=need_weights)
    if pb is not None:
        order = list(pb.index)
        _check_covered(tiers, order, f"playbook {pb.attrs.get('name')!r}")
    else:
        order = sorted(set(tiers))
    counts = tiers.value_counts().reindex(order, fill_value=0).astype(np.int64)
    counts.index.name = tier_col
    return tiers, counts, pb


def _split(counts: pd.Series, weights: pd.Series | None, budget: float, method: str) -> pd.Series:
    if method == "even":
        share = counts / counts.sum()
    else:
        mass = counts * weights.reindex(counts.index)
        share = mass / mass.sum()
    return (budget * share).astype(np.float64)


def _check_method(method) -> str:
    if method not in _METHODS:
        raise DataError(f"method must be 'even' or 'by_tier', got {method!r}")
    return method


def allocate_budget(tiered: pd.DataFrame, budget: float, *, method: str = "by_tier",
                    playbook: str | Path | Mapping | pd.DataFrame | None = None,
                    tier_col: str = "tier", value_col: str = "monetary") -> pd.DataFrame:
    """Split a fixed budget across tiers: evenly per customer, or by tier weight.

    Definitions, with :math:`n_t` customers and playbook weight :math:`w_t` in tier :math:`t`:

    - ``method="even"``: every customer gets the same amount, so tier :math:`t` gets
      :math:`B \\cdot n_t / \\sum_s n_s` (seed 002's "平均分配", the spreading it warns against);
    - ``method="by_tier"``: tier :math:`t` gets :math:`B \\cdot n_t w_t / \\sum_s n_s w_s`, so a
      customer of weight 4 gets four times what a customer of weight 1 gets.

    Amounts are not rounded (round for display); the budgets sum to ``budget``.

    Parameters
    ----------
    tiered : DataFrame
        One row per customer with ``tier_col``.
    budget : float
        The fixed total, > 0 (e.g. yuan for the quarter).
    method : {"by_tier", "even"}, default "by_tier"
    playbook : optional
        Where the weights and the tier order come from (see :func:`load_playbook`). Default: the
        built-in playbook of ``tiered.attrs["scheme"]`` (set by :func:`coursekit.assign_tiers`).
        Not needed for ``"even"`` (tiers are then listed alphabetically).
    tier_col, value_col : str
        Column names; ``value_col`` is optional in ``tiered`` and, when present, adds the tier's
        ``value`` and ``value_share`` so budget share and value share can be compared.

    Returns
    -------
    DataFrame indexed by tier (playbook order; tiers without customers get 0 and NaN per customer):
    ``customers``, ``budget_weight`` (by_tier only), ``budget``, ``budget_share``,
    ``budget_per_customer`` and, with ``value_col``, ``value``, ``value_share``.
    ``attrs``: ``method``, ``budget``.

    Raises
    ------
    DataError
        For a budget that is not a positive number, an unknown method, a tier missing from the
        playbook, or no playbook for ``"by_tier"``.

    Examples
    --------
    Ten customers; weights 4 / 2 / 1 / 2 give customers × weight = 8, 4, 4, 4 (total 20), so the
    high-value tier gets 8/20 of 10,000 = 4,000, i.e. 2,000 per customer:

    >>> t = pd.DataFrame({"tier": ["high-value"] * 2 + ["potential"] * 2 + ["general"] * 4
    ...                           + ["churning"] * 2})
    >>> allocate_budget(t, 10_000, playbook="value4")[["customers", "budget", "budget_per_customer"]]
                customers  budget  budget_per_customer
    tier
    high-value          2  4000.0               2000.0
    potential           2  2000.0               1000.0
    general             4  2000.0                500.0
    churning            2  2000.0               1000.0
    >>> allocate_budget(t, 10_000, method="even", playbook="value4")["budget"].tolist()
    [2000.0, 2000.0, 4000.0, 2000.0]
    """
    method = _check_method(method)
    budget = _positive(budget, "budget")
    tiers, counts, pb = _tier_counts(tiered, playbook, tier_col, need_weights=method == "by_tier")
    weights = pb["budget_weight"] if pb is not None else None
    money = _split(counts, weights, budget, method)
    out = pd.DataFrame({"customers": counts})
    if method == "by_tier":
        out["budget_weight"] = weights.reindex(counts.index).to_numpy()
    out["budget"] = money
    out["budget_share"] = money / budget
    out["budget_per_customer"] = (money / counts.replace(0, np.nan)).astype(np.float64)
    if value_col in tiered.columns:
        values = as_numbers(tiered[value_col], f"tiered column {value_col!r}")
        value = values.groupby(tiers.to_numpy()).sum().reindex(counts.index, fill_value=0.0)
        out["value"] = value.to_numpy()
        total = float(value.sum())
        out["value_share"] = value.to_numpy() / total if total else np.nan
    out.index.name = tier_col
    out.attrs.update(method=method, budget=budget)
    return out


# --------------------------------------------------------------------------------------------
# simulation of an allocation under stated assumptions
# --------------------------------------------------------------------------------------------

def _response_table(response, order: Sequence[str], needed: Sequence[str]) -> pd.DataFrame:
    if isinstance(response, pd.DataFrame):
        table = response.copy()
    elif isinstance(response, Mapping):
        bad = [t for t, v in response.items() if not isinstance(v, Mapping)]
        if bad:
            raise DataError(f"response[{bad[0]!r}] must be a dict like "
                            f"{{'response_rate': 0.1, 'value_if_responds': 200}}, got {response[bad[0]]!r}")
        table = pd.DataFrame.from_dict({str(t): dict(v) for t, v in response.items()}, orient="index")
    else:
        raise DataError(f"response must be a dict tier -> {{'response_rate', 'value_if_responds'}} "
                        f"or a DataFrame indexed by tier, got {type(response).__name__}")
    table.index = table.index.map(str)
    require_columns(table, ["response_rate", "value_if_responds"], what="response")
    extra = [t for t in table.index if t not in order]
    if extra:
        raise DataError(f"response gives assumptions for tier(s) {extra} that are not in the playbook "
                        f"(its tiers are {list(order)})")
    missing = [t for t in needed if t not in table.index]
    if missing:
        raise DataError(f"response has no assumptions for tier(s) {missing}, which have customers; "
                        f"state a response_rate and value_if_responds for every tier")
    rate = as_numbers(table["response_rate"], "response column 'response_rate'")
    outside = ((rate < 0) | (rate > 1)).to_numpy()
    if outside.any():
        raise DataError(f"response_rate must be a probability in [0, 1] at {describe_rows(rate, outside)}")
    value = as_numbers(table["value_if_responds"], "response column 'value_if_responds'")
    return pd.DataFrame({"response_rate": rate, "value_if_responds": value}).reindex(order)


def _costs(cost_per_contact, order: Sequence[str], needed: Sequence[str]) -> pd.Series:
    if isinstance(cost_per_contact, Mapping):
        extra = [t for t in cost_per_contact if str(t) not in order]
        if extra:
            raise DataError(f"cost_per_contact names tier(s) {extra} that are not in the playbook")
        missing = [t for t in needed if t not in {str(k) for k in cost_per_contact}]
        if missing:
            raise DataError(f"cost_per_contact has no cost for tier(s) {missing}, which have customers")
        costs = {str(t): _positive(c, f"cost_per_contact[{t!r}]") for t, c in cost_per_contact.items()}
        return pd.Series(costs, dtype=np.float64).reindex(order)
    cost = _positive(cost_per_contact, "cost_per_contact")
    return pd.Series(cost, index=list(order), dtype=np.float64)


def _plan(tiered, budget, response, cost_per_contact, playbook, tier_col, method) -> pd.DataFrame:
    """Per tier: customers, budget, cost, contacts and the stated assumptions for one method."""
    method = _check_method(method)
    budget = _positive(budget, "budget")
    _, counts, pb = _tier_counts(tiered, playbook, tier_col, need_weights=True)
    order = list(counts.index)
    needed = [t for t in order if counts[t] > 0]
    assumptions = _response_table(response, order, needed)
    costs = _costs(cost_per_contact, order, needed)
    money = _split(counts, pb["budget_weight"], budget, method)
    affordable = np.floor(money.to_numpy() / costs.fillna(np.inf).to_numpy() + _EPS)
    contacts = np.minimum(affordable, counts.to_numpy()).astype(np.int64)
    plan = pd.DataFrame({
        "customers": counts,
        "budget": money,
        "cost_per_contact": costs,
        "contacts": contacts,
        "response_rate": assumptions["response_rate"].fillna(0.0),
        "value_if_responds": assumptions["value_if_responds"].fillna(0.0),
    }, index=counts.index)
    plan["spent"] = plan["contacts"] * plan["cost_per_contact"].fillna(0.0)
    plan["expected_responders"] = plan["contacts"] * plan["response_rate"]
    plan["expected_value"] = plan["expected_responders"] * plan["value_if_responds"]
    return plan


def simulate_allocation(tiered: pd.DataFrame, budget: float, *,
                        response: Mapping[str, Mapping[str, float]] | pd.DataFrame,
                        cost_per_contact: float | Mapping[str, float],
                        methods: Sequence[str] = ("even", "by_tier"),
                        playbook: str | Path | Mapping | pd.DataFrame | None = None,
                        seed: int = 0, n_sims: int = 1000, tier_col: str = "tier") -> pd.DataFrame:
    """What a fixed budget returns when spread evenly vs by tier, under STATED assumptions.

    Seed 002 argues that spreading resources evenly wastes them. This makes the argument
    measurable — but only as good as its assumptions, which the caller must state and which are
    **assumptions, not facts** (response rates and values come from past campaigns or a guess):

    1. the budget of each tier is :func:`allocate_budget`'s (``"even"`` or ``"by_tier"``);
    2. a contact costs ``cost_per_contact`` (one number, or one per tier: a visit costs more than
       an SMS); tier :math:`t` gets ``contacts = min(n_t, floor(budget_t / cost_t))`` — whole
       contacts, at most one per customer; money a tier cannot spend is not moved elsewhere;
    3. each contacted customer responds independently with the tier's ``response_rate`` :math:`p_t`
       and a responder brings ``value_if_responds`` :math:`v_t` of *incremental* value (over what
       they would have bought anyway); uncontacted customers bring no incremental value;
    4. so responders ~ Binomial(contacts_t, p_t), simulated ``n_sims`` times with
       ``numpy.random.default_rng(seed)`` (the same seed for every method: common random numbers).

    Expected value = :math:`\\sum_t contacts_t \\, p_t \\, v_t` (exact, no simulation);
    ROI = (value − budget) / budget, with the whole budget as the cost.

    Parameters
    ----------
    tiered : DataFrame
        One row per customer with ``tier_col``.
    budget : float
        The fixed total, > 0.
    response : dict or DataFrame
        ``{tier: {"response_rate": p, "value_if_responds": v}}`` or a DataFrame indexed by tier
        with those columns; every tier with customers needs both.
    cost_per_contact : float or dict
        Cost of one contact (> 0), or per tier.
    methods : sequence of {"even", "by_tier"}, default both
    playbook : optional
        Budget weights and tier order (default: the built-in playbook of ``tiered.attrs["scheme"]``).
    seed : int, default 0
    n_sims : int, default 1000
    tier_col : str, default "tier"

    Returns
    -------
    DataFrame indexed by ``method`` with ``budget``, ``spent``, ``contacts``,
    ``expected_responders``, ``expected_value``, ``value_mean``, ``value_p05``, ``value_p95``
    (5th / 95th percentile of the simulated value), ``roi`` (from ``expected_value``),
    ``roi_p05``, ``roi_p95``. ``attrs["assumptions"]`` records the stated inputs.

    Raises
    ------
    DataError
        For missing or impossible assumptions (a rate outside [0, 1], a cost <= 0, ...).

    Examples
    --------
    Two high-value and eight general customers, 1,000 to spend, a contact costs 250. Assume
    high-value customers always respond and bring 500, general ones never respond (so the
    simulation has no randomness). Evenly, each customer has 100: the high-value tier's 200 buys
    no contact, the general tier's 800 buys 3 that bring nothing — value 0, ROI −1. By tier
    (weights 4 and 1: 8 + 8 parts), each tier gets 500: 2 high-value contacts bring 2 × 500 =
    1,000 (ROI 0) and the general tier 2 contacts:

    >>> t = pd.DataFrame({"tier": ["high-value"] * 2 + ["general"] * 8})
    >>> resp = {"high-value": {"response_rate": 1.0, "value_if_responds": 500},
    ...         "general": {"response_rate": 0.0, "value_if_responds": 50}}
    >>> simulate_allocation(t, 1000, response=resp, cost_per_contact=250, playbook="value4",
    ...                     n_sims=200)[["contacts", "expected_value", "value_p05", "roi"]]
             contacts  expected_value  value_p05  roi
    method
    even            3             0.0        0.0 -1.0
    by_tier         4          1000.0     1000.0  0.0
    """
    seed = whole(plain(seed), "seed", 0)
    n_sims = whole(plain(n_sims), "n_sims", 1)
    if isinstance(methods, str):
        methods = (methods,)
    methods = [_check_method(m) for m in methods]
    if not methods or len(set(methods)) != len(methods):
        raise DataError(f"methods must name 'even' and/or 'by_tier' once each, got {methods!r}")
    budget = _positive(budget, "budget")
    rows = {}
    stated = None
    for method in methods:
        plan = _plan(tiered, budget, response, cost_per_contact, playbook, tier_col, method)
        stated = plan[["response_rate", "value_if_responds", "cost_per_contact"]]
        rng = np.random.default_rng(seed)
        responders = rng.binomial(plan["contacts"].to_numpy(), plan["response_rate"].to_numpy(),
                                  size=(n_sims, len(plan)))
        values = responders @ plan["value_if_responds"].to_numpy()
        low, high = np.percentile(values, [5, 95])
        expected = float(plan["expected_value"].sum())
        rows[method] = {
            "budget": budget,
            "spent": float(plan["spent"].sum()),
            "contacts": int(plan["contacts"].sum()),
            "expected_responders": float(plan["expected_responders"].sum()),
            "expected_value": expected,
            "value_mean": float(values.mean()),
            "value_p05": float(low),
            "value_p95": float(high),
            "roi": (expected - budget) / budget,
            "roi_p05": (float(low) - budget) / budget,
            "roi_p95": (float(high) - budget) / budget,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["contacts"] = out["contacts"].astype(np.int64)
    out.index.name = "method"
    out.attrs["assumptions"] = {"response": stated.to_dict(orient="index"), "seed": seed,
                                "n_sims": n_sims}
    return out


def compare_allocations(tiered: pd.DataFrame, budget: float, *,
                        response: Mapping[str, Mapping[str, float]] | pd.DataFrame,
                        cost_per_contact: float | Mapping[str, float],
                        playbook: str | Path | Mapping | pd.DataFrame | None = None,
                        tier_col: str = "tier") -> pd.DataFrame:
    """Even vs by-tier, tier by tier: budget, contacts and expected value side by side.

    The same stated assumptions as :func:`simulate_allocation` (read its list: they are
    assumptions, not facts); expected values only, no simulation, so it shows *where* the
    difference comes from. A last row ``total`` sums the tiers.

    Returns
    -------
    DataFrame indexed by tier plus ``total`` with ``customers``, ``response_rate``,
    ``value_if_responds``, ``cost_per_contact`` (NaN in ``total``), ``budget_even``,
    ``budget_by_tier``, ``contacts_even``, ``contacts_by_tier``, ``value_even``,
    ``value_by_tier`` (expected incremental value) and ``difference`` = by_tier − even.

    Examples
    --------
    The example of :func:`simulate_allocation`: the even split's 200 for the high-value tier buys
    no 250 contact, its 800 for the general tier buys 3 (floor of 3.2) that bring nothing; by
    tier, 500 each buys 2 contacts per tier:

    >>> t = pd.DataFrame({"tier": ["high-value"] * 2 + ["general"] * 8})
    >>> resp = {"high-value": {"response_rate": 1.0, "value_if_responds": 500},
    ...         "general": {"response_rate": 0.0, "value_if_responds": 50}}
    >>> compare_allocations(t, 1000, response=resp, cost_per_contact=250, playbook="value4"
    ...                     ).loc[["high-value", "general", "total"],
    ...                           ["contacts_even", "contacts_by_tier", "value_even", "value_by_tier"]]
                contacts_even  contacts_by_tier  value_even  value_by_tier
    tier
    high-value              0                 2         0.0         1000.0
    general                 3                 2         0.0            0.0
    total                   3                 4         0.0         1000.0
    """
    even = _plan(tiered, budget, response, cost_per_contact, playbook, tier_col, "even")
    by_tier = _plan(tiered, budget, response, cost_per_contact, playbook, tier_col, "by_tier")
    out = even[["customers", "response_rate", "value_if_responds", "cost_per_contact"]].copy()
    out["budget_even"] = even["budget"]
    out["budget_by_tier"] = by_tier["budget"]
    out["contacts_even"] = even["contacts"]
    out["contacts_by_tier"] = by_tier["contacts"]
    out["value_even"] = even["expected_value"]
    out["value_by_tier"] = by_tier["expected_value"]
    out["difference"] = out["value_by_tier"] - out["value_even"]
    total = out.sum(numeric_only=True)
    total[["response_rate", "value_if_responds", "cost_per_contact"]] = np.nan
    out.loc["total"] = total
    for column in ("customers", "contacts_even", "contacts_by_tier"):
        out[column] = out[column].astype(np.int64)
    out.index.name = tier_col
    return out


# --------------------------------------------------------------------------------------------
# measuring a campaign: outcomes and uplift with a control group
# --------------------------------------------------------------------------------------------

def campaign_outcomes(transactions: pd.DataFrame, campaign: pd.DataFrame, *, window_days: int = 60,
                      pre_days: int = 180, customer_col: str = "customer_id",
                      date_col: str = "order_date", amount_col: str = "amount",
                      order_col: str | None = "order_id", send_col: str = "send_date",
                      group_col: str = "group") -> pd.DataFrame:
    """Per campaign customer: purchases after the send date (the outcome) and before it (a covariate).

    Windows are whole calendar days relative to the customer's ``send_date``: *after* =
    ``send_date <= date < send_date + window_days``, *before* = ``send_date - pre_days <= date <
    send_date``. In each window ``orders`` counts distinct orders whose net amount is > 0 (a
    return booked as its own negative order is not a purchase; without ``order_col`` each row with
    amount > 0 is one order) and ``sales`` is the net amount (returns reduce it). Customers with
    no purchases in a window get 0.

    Parameters
    ----------
    transactions : DataFrame
        One row per order line (e.g. ``make_retail(...)["transactions"]``).
    campaign : DataFrame
        One row per customer in the campaign with ``customer_col``, ``send_col`` and ``group_col``
        (e.g. ``make_retail(...)["campaign"]``).
    window_days, pre_days : int, default 60 and 180
        Lengths of the outcome and pre-period windows.

    Returns
    -------
    DataFrame indexed by customer id (campaign order): ``group``, ``send_date``, ``orders_after``,
    ``sales_after``, ``orders_before``, ``sales_before``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["A", "A", "A", "B"], "order_id": [1, 2, 3, 4],
    ...                    "order_date": ["2024-01-10", "2024-03-02", "2024-03-20", "2024-03-05"],
    ...                    "amount": [50.0, 30.0, 20.0, -10.0]})
    >>> camp = pd.DataFrame({"customer_id": ["A", "B"], "send_date": "2024-03-01",
    ...                      "group": ["treatment", "control"]})
    >>> campaign_outcomes(tx, camp)[["group", "orders_after", "sales_after", "orders_before"]]
                     group  orders_after  sales_after  orders_before
    customer_id
    A            treatment             2         50.0              1
    B              control             0        -10.0              0
    """
    window_days = whole(plain(window_days), "window_days", 1)
    pre_days = whole(plain(pre_days), "pre_days", 1)
    require_columns(campaign, [customer_col, send_col, group_col], what="campaign")
    needed = [customer_col, date_col, amount_col] + ([order_col] if order_col is not None else [])
    require_columns(transactions, needed, what="transactions")
    dup = campaign[customer_col].duplicated(keep=False).to_numpy()
    if dup.any():
        raise DataError(f"campaign must list each customer once; duplicates at "
                        f"{describe_rows(campaign, dup, columns=[customer_col])}")
    send = to_days(campaign, send_col)
    send_by_customer = pd.Series(send, index=campaign[customer_col].to_numpy())

    tx = transactions[transactions[customer_col].isin(send_by_customer.index)]
    amount = as_numbers(tx[amount_col], f"transactions column {amount_col!r}")
    offset = to_days(tx, date_col) - send_by_customer.reindex(tx[customer_col].to_numpy()).to_numpy()
    out = pd.DataFrame({"group": campaign[group_col].to_numpy(),
                        "send_date": pd.to_datetime(send.astype("datetime64[D]"))},
                       index=pd.Index(campaign[customer_col].to_numpy(), name=customer_col))
    for label, mask in (("after", (offset >= 0) & (offset < window_days)),
                        ("before", (offset < 0) & (offset >= -pre_days))):
        part = pd.DataFrame({"customer": tx[customer_col].to_numpy()[mask],
                             "order": (tx[order_col].to_numpy()[mask] if order_col is not None
                                       else np.arange(int(mask.sum()))),
                             "amount": amount.to_numpy()[mask]})
        per_order = part.groupby(["customer", "order"], sort=False)["amount"].sum()
        purchases = (per_order > 0).groupby(level="customer").sum()
        sales = part.groupby("customer")["amount"].sum()
        out[f"orders_{label}"] = purchases.reindex(out.index, fill_value=0).to_numpy().astype(np.int64)
        out[f"sales_{label}"] = sales.reindex(out.index, fill_value=0.0).to_numpy().round(2)
    return out[["group", "send_date", "orders_after", "sales_after", "orders_before", "sales_before"]]


def _as_series(values, name: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        raise DataError(f"{name} must be one value per customer (a Series, list or array), got a DataFrame")
    if isinstance(values, pd.Series):
        return values
    array = np.asarray(values)
    if array.ndim != 1:
        raise DataError(f"{name} must be one-dimensional, got shape {array.shape}")
    return pd.Series(array, name=name)


def uplift(outcome, group, *, treatment: str = "treatment", control: str = "control",
           confidence: float = 0.95, relative: bool = True, covariate=None) -> dict:
    """Campaign uplift against a randomised control group, with a confidence interval.

    Definitions (groups independent, customers independent):

    - ``difference`` = mean(treatment) − mean(control), with the Welch standard error
      :math:`se = \\sqrt{s_T^2/n_T + s_C^2/n_C}` (sample variances, ddof = 1);
    - the interval is ``difference ± z · se`` with the **normal** critical value
      ``z = NormalDist().inv_cdf(1 − (1 − confidence)/2)`` (1.96 for 95%). This is the large-sample
      approximation (no t distribution: scipy is not a dependency); with a few dozen customers per
      group or fewer it is too narrow;
    - ``p_value`` = two-sided normal p-value of ``difference / se`` for "no difference";
    - ``relative_uplift`` = mean(treatment) / mean(control) − 1 (the "+15%" of a claim) with a
      delta-method standard error
      :math:`\\sqrt{s_T^2/(n_T \\bar y_C^2) + \\bar y_T^2 s_C^2/(n_C \\bar y_C^4)}`;
    - with ``covariate`` (CUPED): the outcome is replaced by
      :math:`y - \\theta (x - \\bar x)` with :math:`\\theta = cov(y, x)/var(x)` over both groups
      pooled, and :math:`\\bar x` the pooled mean. A covariate measured *before* the campaign
      (e.g. orders in the 180 days before it) cannot be changed by the campaign, so the estimate
      stays unbiased while the variance shrinks by the factor :math:`1 - corr(y, x)^2`.

    Parameters
    ----------
    outcome : Series, list or array of float
        One outcome per customer (e.g. orders in the 60 days after the send date).
    group : Series, list or array
        Group label per customer, same length (and same index, for two Series).
    treatment, control : str
        The two labels; every customer must have one of them.
    confidence : float, default 0.95
    relative : bool, default True
        Also compute the relative uplift (needs a control mean other than 0).
    covariate : Series, list or array of float, optional
        A pre-campaign value per customer for the CUPED adjustment.

    Returns
    -------
    dict with ``n_treatment``, ``n_control``, ``mean_treatment``, ``mean_control`` (raw means),
    ``difference``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``relative_uplift``,
    ``relative_se``, ``relative_ci_low``, ``relative_ci_high`` (NaN when ``relative=False``),
    ``theta`` (NaN without covariate), ``confidence``, ``method``. ``pd.DataFrame([result])``
    makes a one-row table.

    Raises
    ------
    DataError
        For mismatched lengths, unknown or missing group labels, fewer than 2 customers in a group,
        non-numeric outcomes, a constant covariate, or a zero control mean with ``relative=True``.

    Examples
    --------
    Treatment 1, 3 (mean 2, variance 2); control 0, 2 (mean 1, variance 2). difference = 1,
    se = √(2/2 + 2/2) = √2 = 1.414, 95% interval 1 ± 1.96 × 1.414 = (−1.77, 3.77).
    relative = 2/1 − 1 = 1 with se = √(2/(2·1) + 4·2/(2·1)) = √5 = 2.236:

    >>> r = uplift([1, 3, 0, 2], ["treatment", "treatment", "control", "control"])
    >>> r["difference"], round(r["se"], 3), round(r["ci_low"], 2), round(r["ci_high"], 2)
    (1.0, 1.414, -1.77, 3.77)
    >>> r["relative_uplift"], round(r["relative_se"], 3), round(r["p_value"], 3)
    (1.0, 2.236, 0.48)
    """
    y = _as_series(outcome, "outcome")
    g = _as_series(group, "group")
    if len(y) != len(g):
        raise DataError(f"outcome and group must have one value per customer each; got {len(y)} and {len(g)}")
    if isinstance(outcome, pd.Series) and isinstance(group, pd.Series) and not y.index.equals(g.index):
        raise DataError("outcome and group are Series with different indexes; align them first "
                        "(e.g. group.reindex(outcome.index))")
    if treatment == control:
        raise DataError(f"treatment and control must be different labels, both are {treatment!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not 0 < confidence < 1:
        raise DataError(f"confidence must be a number between 0 and 1 (0.95 = 95%), got {confidence!r}")
    y = as_numbers(y.reset_index(drop=True).rename(y.name or "outcome"), "outcome")
    labels = g.reset_index(drop=True).astype(object)
    is_t = (labels == treatment).to_numpy()
    is_c = (labels == control).to_numpy()
    other = ~(is_t | is_c)
    if other.any():
        raise DataError(f"group must be {treatment!r} or {control!r} for every customer; other labels at "
                        f"{describe_rows(labels.rename('group'), other)}. Filter those customers first "
                        f"or pass treatment=/control=")
    n_t, n_c = int(is_t.sum()), int(is_c.sum())
    if n_t < 2 or n_c < 2:
        raise DataError(f"each group needs at least 2 customers to estimate its variance; "
                        f"got {n_t} in {treatment!r} and {n_c} in {control!r}")
    values = y.to_numpy()
    raw_t, raw_c = float(values[is_t].mean()), float(values[is_c].mean())
    theta = float("nan")
    if covariate is not None:
        x = _as_series(covariate, "covariate")
        if len(x) != len(y):
            raise DataError(f"covariate must have one value per customer: got {len(x)} values for {len(y)} customers")
        if isinstance(covariate, pd.Series) and isinstance(outcome, pd.Series) and not x.index.equals(outcome.index):
            raise DataError("covariate and outcome are Series with different indexes; align them first")
        x = as_numbers(x.reset_index(drop=True).rename("covariate"), "covariate").to_numpy()
        var_x = float(np.var(x, ddof=1))
        if var_x == 0:
            raise DataError("covariate is the same for every customer; it cannot explain any variation "
                            "(pass a pre-campaign measure that varies, or no covariate)")
        theta = float(np.cov(values, x, ddof=1)[0, 1] / var_x)
        values = values - theta * (x - x.mean())
    yt, yc = values[is_t], values[is_c]
    m_t, m_c = float(yt.mean()), float(yc.mean())
    v_t, v_c = float(yt.var(ddof=1)), float(yc.var(ddof=1))
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    diff = m_t - m_c
    se = math.sqrt(v_t / n_t + v_c / n_c)
    result = {
        "n_treatment": n_t, "n_control": n_c, "mean_treatment": raw_t, "mean_control": raw_c,
        "difference": diff, "se": se, "ci_low": diff - z * se, "ci_high": diff + z * se,
        "p_value": _p_value(diff, se),
        "relative_uplift": float("nan"), "relative_se": float("nan"),
        "relative_ci_low": float("nan"), "relative_ci_high": float("nan"),
        "theta": theta, "confidence": float(confidence),
        "method": "Welch, normal approximation" + (" + CUPED" if covariate is not None else ""),
    }
    if relative:
        if m_c == 0:
            raise DataError("the control mean is 0, so a relative uplift (ratio of means − 1) is undefined; "
                            "pass relative=False and read the difference")
        rel = m_t / m_c - 1
        rel_se = math.sqrt(v_t / (n_t * m_c ** 2) + m_t ** 2 * v_c / (n_c * m_c ** 4))
        result.update(relative_uplift=rel, relative_se=rel_se,
                      relative_ci_low=rel - z * rel_se, relative_ci_high=rel + z * rel_se)
    return result


def _p_value(diff: float, se: float) -> float:
    if se == 0:
        return 1.0 if diff == 0 else 0.0
    return 2 * (1 - NormalDist().cdf(abs(diff) / se))


# --------------------------------------------------------------------------------------------
# monthly sales plan and the take-home workbook
# --------------------------------------------------------------------------------------------

def _month(month) -> pd.Period:
    if isinstance(month, str) and not re.search(r"\d{4}", month):
        raise DataError(f"month must be a month with its year, such as '2025-03', got {month!r}")
    try:
        period = pd.Period(month, freq="M")
    except (TypeError, ValueError):
        raise DataError(f"month must be a month such as '2025-03', got {month!r}") from None
    if pd.isna(period):
        raise DataError(f"month must be a month such as '2025-03', got {month!r}")
    return period


def monthly_sales_plan(orders: pd.DataFrame, tiered: pd.DataFrame, *, month,
                       growth: float | Mapping[str, float] = 0.10,
                       customer_col: str = "customer_id", date_col: str = "order_date",
                       amount_col: str = "amount", tier_col: str = "tier", owner_col: str = "owner",
                       playbook: str | Path | Mapping | pd.DataFrame | None = None) -> pd.DataFrame:
    """A starting point for the monthly sales plan (月度销售计划): last year's same month + growth.

    For the plan month ``month`` (e.g. ``"2025-03"``) the base is the same calendar month one year
    earlier. Per tier — and per owner when ``tiered`` (or else ``orders``) has an ``owner_col``
    column, as in the B2B case — ``sales_last_year`` is the net amount of that base month (returns
    reduce it) and ``target = sales_last_year × (1 + growth[tier])``, rounded to cents. Tiers are
    the customers' tiers *now* (from ``tiered``), so a customer who moved tier counts in the new
    one.

    Parameters
    ----------
    orders : DataFrame
        One row per order (line) with ``customer_col``, ``date_col``, ``amount_col``.
    tiered : DataFrame
        One row per customer (index = customer id, or a ``customer_col`` column) with ``tier_col``;
        every customer who bought in the base month must be in it.
    month : str, Timestamp or Period
        The month to plan.
    growth : float or dict, default 0.10
        Planned growth (0.10 = +10%), the same for every tier or one per tier (every tier with
        customers needs one); each > −1.
    playbook : optional
        Only for the tier order (default: the built-in playbook of ``tiered.attrs["scheme"]``,
        else alphabetical).

    Returns
    -------
    DataFrame indexed by tier (or tier and owner), in tier order: ``customers`` (tiered customers),
    ``buyers_last_year`` (of them, who bought in the base month), ``sales_last_year``, ``growth``,
    ``target``. ``attrs``: ``month``, ``base_month``.

    Raises
    ------
    DataError
        For a missing column, an unreadable month or date, a buyer missing from ``tiered``, or a
        growth of −1 or less.

    Examples
    --------
    >>> tiered = pd.DataFrame({"tier": ["high-value", "general", "general"]},
    ...                       index=pd.Index(["A", "B", "C"], name="customer_id"))
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "C"],
    ...                        "order_date": ["2024-03-05", "2024-03-20", "2024-03-09", "2024-04-01"],
    ...                        "amount": [1000.0, 500.0, 200.0, 90.0]})
    >>> monthly_sales_plan(orders, tiered, month="2025-03", playbook="value4",
    ...                    growth={"high-value": 0.2, "potential": 0.3, "general": 0.1, "churning": 0.0})
                customers  buyers_last_year  sales_last_year  growth  target
    tier
    high-value          1                 1           1500.0     0.2  1800.0
    potential           0                 0              0.0     0.3     0.0
    general             2                 1            200.0     0.1   220.0
    churning            0                 0              0.0     0.0     0.0
    """
    period = _month(month)
    base = period - 12
    require_columns(orders, [customer_col, date_col, amount_col], what="orders")
    if isinstance(tiered, pd.DataFrame) and customer_col in tiered.columns:
        tiered = tiered.set_index(customer_col)
    tiers, counts, _ = _tier_counts(tiered, playbook, tier_col, need_weights=False)
    order = list(counts.index)
    if isinstance(growth, Mapping):
        unknown = [t for t in growth if str(t) not in order]
        if unknown:
            raise DataError(f"growth names tier(s) {unknown} that are not tiers here ({order})")
        rates = {str(t): plain(v) for t, v in growth.items()}
        missing = [t for t in order if counts[t] > 0 and t not in rates]
        if missing:
            raise DataError(f"growth has no rate for tier(s) {missing}; give one per tier or one number")
    else:
        rates = {t: plain(growth) for t in order}
    for tier, rate in rates.items():
        if isinstance(rate, bool) or not isinstance(rate, Real) or not math.isfinite(rate) or rate <= -1:
            raise DataError(f"growth for tier {tier!r} must be a number > -1 (0.10 = +10%), got {rate!r}")

    months = to_days(orders, date_col).astype("datetime64[D]").astype("datetime64[M]")
    in_base = months == np.datetime64(str(base), "M")
    base_orders = orders[in_base]
    amount = as_numbers(base_orders[amount_col], f"orders column {amount_col!r}")
    unknown_buyers = ~base_orders[customer_col].isin(tiers.index).to_numpy()
    if unknown_buyers.any():
        raise DataError(f"customers who bought in {base} are missing from tiered (tier every customer, "
                        f"or filter the orders first): {describe_rows(base_orders, unknown_buyers, columns=[customer_col])}")

    by_owner = owner_col in tiered.columns or owner_col in orders.columns
    keys = ["tier", "owner"] if by_owner else ["tier"]
    people = pd.DataFrame({"tier": tiers})
    if owner_col in tiered.columns:
        people["owner"] = tiered[owner_col].astype(str)
    sales = pd.DataFrame({"customer": base_orders[customer_col].to_numpy(), "amount": amount.to_numpy()})
    sales["tier"] = tiers.reindex(sales["customer"].to_numpy()).to_numpy()
    if owner_col in tiered.columns:
        sales["owner"] = people["owner"].reindex(sales["customer"].to_numpy()).to_numpy()
    elif by_owner:
        sales["owner"] = base_orders[owner_col].astype(str).to_numpy()

    summed = sales.groupby(keys)["amount"].sum()
    buyers = sales.groupby(keys)["customer"].nunique()
    if owner_col in tiered.columns:
        customers = people.groupby(keys).size()
    elif by_owner:
        customers = sales.groupby(keys)["customer"].nunique()  # owner known only from orders
    else:
        customers = counts
    if by_owner:
        index = pd.MultiIndex.from_tuples(sorted(set(customers.index) | set(summed.index),
                                                 key=lambda k: (order.index(k[0]), k[1])),
                                          names=[tier_col, owner_col])
    else:
        index = pd.Index(order, name=tier_col)
    out = pd.DataFrame(index=index)
    out["customers"] = customers.reindex(index, fill_value=0).to_numpy().astype(np.int64)
    out["buyers_last_year"] = buyers.reindex(index, fill_value=0).to_numpy().astype(np.int64)
    out["sales_last_year"] = summed.reindex(index, fill_value=0.0).to_numpy().round(2)
    tier_of_row = index.get_level_values(0) if by_owner else index
    out["growth"] = [float(rates.get(t, 0.0)) for t in tier_of_row]
    out["target"] = (out["sales_last_year"] * (1 + out["growth"])).round(2)
    out.attrs.update(month=str(period), base_month=str(base))
    return out


def export_action_plan(path: str | Path, tiered: pd.DataFrame,
                       playbook: str | Path | Mapping | pd.DataFrame, *,
                       monthly_plan: pd.DataFrame | None = None, as_of=None,
                       tier_col: str = "tier", value_col: str = "monetary") -> Path:
    """Write the take-home workbook (seed 001's homework) to a new Excel file; never overwrites.

    Sheets: ``tier summary`` (size and value per tier with the tier's strategy, see
    :func:`coursekit.tier_summary`), ``action list`` (:func:`action_list`), ``playbook`` and, if
    given, ``monthly plan`` (e.g. from :func:`monthly_sales_plan`). Index levels are written as
    ordinary first columns (no merged cells), so every row can be filtered and sorted in Excel.

    Parameters
    ----------
    path : str or Path
        A new ``.xlsx`` file in an existing folder. If the file exists, nothing is written.
    tiered, playbook, as_of, tier_col, value_col
        As in :func:`action_list`.
    monthly_plan : DataFrame, optional

    Returns
    -------
    Path of the written file.

    Raises
    ------
    DataError
        If ``path`` exists (a trainee's work is never lost), is not ``.xlsx``, its folder does not
        exist, or the inputs are bad (see :func:`action_list`).

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({"tier": ["high-value", "general"], "monetary": [900.0, 80.0]},
    ...                  index=pd.Index(["C1", "C2"], name="customer_id"))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = export_action_plan(Path(folder) / "plan.xlsx", t, "value4", as_of="2024-06-30")
    ...     list(pd.read_excel(out, sheet_name=None))
    ['tier summary', 'action list', 'playbook']
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DataError(f"path must end in .xlsx (an Excel workbook), got {str(path)!r}")
    if path.exists():
        raise DataError(f"{str(path)!r} already exists; choose another file name "
                        f"(coursekit never overwrites your files)")
    if not path.parent.is_dir():
        raise DataError(f"folder {str(path.parent)!r} does not exist; create it first")
    if monthly_plan is not None and not isinstance(monthly_plan, pd.DataFrame):
        raise DataError(f"monthly_plan must be a DataFrame (e.g. from monthly_sales_plan), got {type(monthly_plan).__name__}")
    pb = load_playbook(playbook)
    actions = action_list(tiered, pb, as_of=as_of, tier_col=tier_col, value_col=value_col)
    summary = tier_summary(tiered, tier_col=tier_col, value_col=value_col).reindex(pb.index)
    summary["customers"] = summary["customers"].fillna(0).astype(np.int64)
    summary = summary.fillna({"customer_share": 0.0, "value": 0.0, "value_share": 0.0})
    summary = pb[["tier_zh"]].join(summary).join(
        pb[["action_zh", "owner", "contact_frequency_days", "budget_weight"]])
    summary.index.name = tier_col
    sheets = {"tier summary": summary, "action list": actions, "playbook": pb}
    if monthly_plan is not None:
        sheets["monthly plan"] = monthly_plan
    try:
        handle = open(path, "xb")
    except FileExistsError:
        raise DataError(f"{str(path)!r} already exists; choose another file name "
                        f"(coursekit never overwrites your files)") from None
    try:
        with handle, pd.ExcelWriter(handle, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                # index levels as plain columns: a tier x owner plan keeps its tier on every row
                # instead of merged cells
                frame.reset_index().to_excel(writer, sheet_name=name, index=False)
    except Exception:
        path.unlink(missing_ok=True)  # our own half-written file, created above
        raise
    return path
