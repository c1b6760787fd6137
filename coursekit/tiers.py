"""Customer tiers (客户分层) from an RFM table, with tiering schemes written as data.

A *scheme* is an ordered list of rules; each rule names a tier and a condition on the columns of
the table, and the **first rule that matches wins**. The last rule is usually ``otherwise``. Every
customer must end up in exactly one tier: a scheme that leaves customers out is an error, never a
silent gap. Built-in schemes (see :func:`scheme_names`) live as YAML files in
``coursekit/schemes/``:

- ``value4`` — seed 000's high-value / potential / general / churning;
- ``segments`` — the classic named RFM segments, Champions … Lost;
- ``abc`` — ABC classes by cumulative share of monetary value;
- ``value_matrix`` — current × future value: VIP / maintain / improve / abandon;
- ``lifecycle`` — relationship stages: first-time, repeat, loyal, lost.

A trainer's own scheme is a dict or a YAML file of the same shape::

    name: my_tiers
    bins: 5                      # optional: the score scale the rules assume
    params: {big: 4}             # optional: named numbers the rules may use, overridable
    labels: {gold: 金卡客户}       # optional: display names
    rules:
      - {tier: gold, when: m_score >= big and r_score >= 3}
      - {tier: silver, when: rfm_score >= 9}
      - {tier: bronze, when: otherwise}

Conditions use column names, numbers, ``params``, comparisons (``>= <= > < == !=``), arithmetic
(``+ - * /``) and ``and`` / ``or`` / ``not`` with brackets. Two other kinds of scheme skip writing
conditions: ``kind: thresholds`` (a ``column`` and ``levels`` of ``{tier, min}``: value >= min,
first match wins, the last level has no ``min``) and ``kind: cumulative_share`` (a ``column`` and
``levels`` of ``{tier, below}``: ABC-style classes by the share of total value held by customers
strictly ahead, see :func:`coursekit.abc_classes`).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit._errors import DataError, describe_rows, read_yaml_source
from coursekit.value import abc_classes

__all__ = ["Rule", "Scheme", "assign_tiers", "load_scheme", "scheme_names", "tier_summary",
           "value_matrix_scheme"]

OTHERWISE = "otherwise"
_SCORE_COLUMNS = ("r_score", "f_score", "m_score", "rfm_score")
_SCHEME_KEYS = {"name", "title", "description", "bins", "params", "labels", "rules", "order",
                "kind", "column", "levels"}


@dataclass(frozen=True)
class Rule:
    """One rule of a scheme: customers matching ``when`` (first match wins) get ``tier``."""

    tier: str
    when: str


@dataclass(frozen=True)
class Scheme:
    """A validated tiering scheme: ordered rules, parameters, labels and the tier order."""

    name: str
    rules: tuple[Rule, ...]
    params: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    order: tuple[str, ...] = ()
    bins: int | None = None
    title: str = ""
    kind: str = "rules"
    column: str | None = None
    levels: tuple = ()

    @property
    def tiers(self) -> list[str]:
        """Tier names in presentation order (``order`` if given, else first appearance in rules)."""
        if self.order:
            return list(self.order)
        return list(dict.fromkeys(rule.tier for rule in self.rules))

    def columns(self) -> set[str]:
        """The table columns the scheme reads."""
        if self.kind == "rules":
            names: set[str] = set()
            for rule in self.rules:
                names |= _names_in(rule.when, self.name, rule)
            return names - set(self.params)
        return {self.column}


def scheme_names() -> list[str]:
    """Names of the built-in schemes.

    Examples
    --------
    >>> scheme_names()
    ['abc', 'lifecycle', 'segments', 'value4', 'value_matrix']
    """
    folder = resources.files("coursekit") / "schemes"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_scheme(source: str | Path | Mapping | Scheme) -> Scheme:
    """Read and validate a scheme: a built-in name, a YAML file path, a dict, or a Scheme.

    Validation: known keys only; each rule has a tier and a condition that parses; ``otherwise``
    only as the last rule; parameters are numbers. A scheme whose rules only read scores and that
    declares ``bins`` is checked on every combination of scores 1..bins, so a gap is found before
    any data is tiered.

    Raises
    ------
    DataError
        Naming the rule, key or score combination at fault.

    Examples
    --------
    >>> s = load_scheme({"name": "two", "bins": 5, "rules": [
    ...     {"tier": "top", "when": "rfm_score >= 12"}, {"tier": "rest", "when": "otherwise"}]})
    >>> s.tiers
    ['top', 'rest']
    >>> load_scheme({"name": "gap", "bins": 5, "rules": [{"tier": "top", "when": "r_score >= 3"}]})
    Traceback (most recent call last):
    ...
    coursekit._errors.DataError: scheme 'gap' leaves customers without a tier: no rule matches r_score=1, f_score=1, m_score=1 (rfm_score=3). Add a last rule {tier: ..., when: otherwise}.
    """
    if isinstance(source, Scheme):
        return source
    if isinstance(source, (str, Path)):
        folder = resources.files("coursekit") / "schemes"
        spec = read_yaml_source(source, kind="scheme", needs="a 'rules' list",
                                builtin={name: folder / f"{name}.yaml" for name in scheme_names()})
    elif isinstance(source, Mapping):
        spec = dict(source)
    else:
        raise DataError(f"scheme must be a name, a dict, a .yaml path or a Scheme, got {type(source).__name__}")
    scheme = _build(spec)
    _check_grid(scheme)
    return scheme


def _build(spec: dict) -> Scheme:
    name = str(spec.get("name", "custom"))
    unknown = set(spec) - _SCHEME_KEYS
    if unknown:
        raise DataError(f"scheme {name!r} has unknown keys {sorted(unknown)}; allowed: {sorted(_SCHEME_KEYS)}")
    params = spec.get("params") or {}
    if not isinstance(params, Mapping):
        raise DataError(f"scheme {name!r}: params must be a mapping of names to numbers")
    for key, value in params.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DataError(f"scheme {name!r}: param {key!r} = {value!r} must be a number")
    bins = spec.get("bins")
    if bins is not None and (isinstance(bins, bool) or not isinstance(bins, int) or bins < 2):
        raise DataError(f"scheme {name!r}: bins must be a whole number >= 2, got {bins!r}")
    kind = spec.get("kind", "rules")
    column, levels = spec.get("column"), tuple(spec.get("levels") or ())
    if kind == "rules":
        rules = _rules_from_spec(spec.get("rules"), name)
    elif kind in ("thresholds", "cumulative_share"):
        if not isinstance(column, str):
            raise DataError(f"scheme {name!r} of kind {kind!r} needs a 'column' to read")
        rules = _rules_from_levels(levels, kind, name)
    else:
        raise DataError(f"scheme {name!r}: kind must be 'rules', 'thresholds' or 'cumulative_share', got {kind!r}")
    scheme = Scheme(
        name=name, rules=rules, params=dict(params), labels=dict(spec.get("labels") or {}),
        order=tuple(spec.get("order") or ()), bins=bins, title=str(spec.get("title", "")),
        kind=kind, column=column, levels=levels,
    )
    tiers_in_rules = set(rule.tier for rule in rules)
    if scheme.order and set(scheme.order) != tiers_in_rules:
        raise DataError(
            f"scheme {name!r}: order lists {sorted(scheme.order)} but the rules give tiers "
            f"{sorted(tiers_in_rules)}"
        )
    scheme.columns()  # parses every condition
    return scheme


def _rules_from_spec(raw, name: str) -> tuple[Rule, ...]:
    if not isinstance(raw, list) or not raw:
        raise DataError(f"scheme {name!r} needs a non-empty 'rules' list of {{tier, when}}")
    rules = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping) or set(item) != {"tier", "when"}:
            raise DataError(f"scheme {name!r} rule {i} must have exactly the keys 'tier' and 'when', got {item!r}")
        tier, when = item["tier"], item["when"]
        if not isinstance(tier, str) or not tier.strip():
            raise DataError(f"scheme {name!r} rule {i}: tier must be a non-empty name, got {tier!r}")
        if when is True:
            when = OTHERWISE
        if not isinstance(when, str) or not when.strip():
            raise DataError(f"scheme {name!r} rule {i} (tier {tier!r}): 'when' must be a condition, got {when!r}")
        when = when.strip()
        if when == OTHERWISE and i != len(raw):
            raise DataError(f"scheme {name!r} rule {i} (tier {tier!r}): 'otherwise' must be the last rule")
        rules.append(Rule(tier=tier, when=when))
    return tuple(rules)


def _rules_from_levels(levels, kind: str, name: str) -> tuple[Rule, ...]:
    bound_key = "min" if kind == "thresholds" else "below"
    if not levels:
        raise DataError(f"scheme {name!r} of kind {kind!r} needs 'levels' of {{tier, {bound_key}}}")
    rules, previous = [], None
    for i, level in enumerate(levels, start=1):
        last = i == len(levels)
        if not isinstance(level, Mapping) or "tier" not in level or set(level) - {"tier", bound_key}:
            raise DataError(f"scheme {name!r} level {i} must have 'tier' and '{bound_key}', got {level!r}")
        if last:
            if bound_key in level:
                raise DataError(f"scheme {name!r}: the last level ({level['tier']!r}) takes everyone left, "
                                f"so it has no '{bound_key}'")
            rules.append(Rule(tier=str(level["tier"]), when=OTHERWISE))
            continue
        bound = level.get(bound_key)
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            raise DataError(f"scheme {name!r} level {i} ({level['tier']!r}): '{bound_key}' must be a number, got {bound!r}")
        if kind == "thresholds" and previous is not None and bound >= previous:
            raise DataError(f"scheme {name!r}: 'min' must decrease from level to level (best first); "
                            f"level {i} has {bound} after {previous}")
        if kind == "cumulative_share" and (not 0 < bound <= 1 or (previous is not None and bound <= previous)):
            raise DataError(f"scheme {name!r}: 'below' must be a share in (0, 1] increasing from level "
                            f"to level; level {i} has {bound}")
        previous = bound
        when = f"_value >= {bound!r}" if kind == "thresholds" else f"_class == {i}"
        rules.append(Rule(tier=str(level["tier"]), when=when))
    return tuple(rules)


_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Compare, ast.Eq, ast.NotEq, ast.Lt,
    ast.LtE, ast.Gt, ast.GtE, ast.Name, ast.Load, ast.Constant,
)


def _names_in(expr: str, scheme: str, rule: Rule) -> set[str]:
    if expr == OTHERWISE:
        return set()
    where = f"scheme {scheme!r} rule for tier {rule.tier!r}"
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise DataError(f"{where}: cannot read the condition {expr!r}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise DataError(
                f"{where}: {type(node).__name__} is not allowed in {expr!r}; use column names, "
                f"numbers, comparisons, + - * / and and/or/not"
            )
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _evaluate(node: ast.AST, env: Mapping):
    """Evaluate a parsed condition on whole columns at once (numpy arrays)."""
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, env)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.BoolOp):
        values = [np.asarray(_evaluate(v, env), dtype=bool) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = values[0]
        for value in values[1:]:
            out = combine(out, value)
        return out
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, env)
        if isinstance(node.op, ast.Not):
            return np.logical_not(value)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, env), _evaluate(node.right, env)
        ops = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
        return ops[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        ops = {ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
               ast.Gt: np.greater, ast.GtE: np.greater_equal}
        left, out = _evaluate(node.left, env), True
        for op, comparator in zip(node.ops, node.comparators):
            right = _evaluate(comparator, env)
            out = np.logical_and(out, ops[type(op)](left, right))
            left = right
        return out
    raise DataError(f"cannot evaluate {ast.dump(node)}")  # unreachable: nodes are checked on load


def _match(scheme: Scheme, env: Mapping, n: int, params: Mapping) -> tuple[np.ndarray, np.ndarray]:
    """Index of the first matching rule per row (-1 = none), and the tier names by rule."""
    env = {**env, **params}
    chosen = np.full(n, -1, dtype=np.int64)
    for i, rule in enumerate(scheme.rules):
        if rule.when == OTHERWISE:
            hit = np.ones(n, dtype=bool)
        else:
            value = _evaluate(ast.parse(rule.when, mode="eval"), env)
            hit = np.broadcast_to(np.asarray(value), (n,))
            if hit.dtype != bool:
                raise DataError(
                    f"scheme {scheme.name!r} rule for tier {rule.tier!r}: {rule.when!r} gives "
                    f"numbers, not true/false; write a comparison such as 'rfm_score >= 9'"
                )
        chosen[(chosen < 0) & hit] = i
    return chosen, np.array([rule.tier for rule in scheme.rules], dtype=object)


def _check_grid(scheme: Scheme) -> None:
    """For score-only schemes with a declared scale, check every score combination gets a tier."""
    if scheme.kind != "rules" or scheme.bins is None or not scheme.columns() <= set(_SCORE_COLUMNS):
        return
    levels = np.arange(1, scheme.bins + 1)
    grid = np.array(list(itertools.product(levels, levels, levels)), dtype=np.int64)
    env = {"r_score": grid[:, 0], "f_score": grid[:, 1], "m_score": grid[:, 2],
           "rfm_score": grid.sum(axis=1)}
    chosen, _ = _match(scheme, env, len(grid), scheme.params)
    if (chosen < 0).any():
        r, f, m = grid[np.argmax(chosen < 0)]
        raise DataError(
            f"scheme {scheme.name!r} leaves customers without a tier: no rule matches "
            f"r_score={r}, f_score={f}, m_score={m} (rfm_score={r + f + m}). Add a last rule "
            f"{{tier: ..., when: otherwise}}."
        )


def assign_tiers(rfm: pd.DataFrame, scheme: str | Path | Mapping | Scheme = "value4", *,
                 params: Mapping[str, float] | None = None, tier_col: str = "tier") -> pd.DataFrame:
    """Give every customer exactly one tier, by the first rule of ``scheme`` that matches.

    The shape is unchanged: the same rows and columns as ``rfm`` plus ``tier_col``.

    Parameters
    ----------
    rfm : DataFrame
        One row per customer, usually from :func:`coursekit.rfm_table`; must hold the columns the
        scheme's rules read.
    scheme : str, path, dict or Scheme, default "value4"
        A built-in name (:func:`scheme_names`), a YAML file, or a dict (see the module docstring).
    params : dict, optional
        Override the scheme's named thresholds, e.g. ``{"lost_after_days": 180}`` for
        ``lifecycle``.
    tier_col : str, default "tier"
        Name of the new column.

    Returns
    -------
    DataFrame: a copy of ``rfm`` with ``tier_col`` (str) added.

    Raises
    ------
    DataError
        If a rule reads a column the table does not have, the scheme was written for a different
        number of score levels, a parameter is unknown, or some customers match no rule.

    Examples
    --------
    >>> rfm = pd.DataFrame({"r_score": [5, 1, 3], "f_score": [5, 4, 1], "m_score": [4, 5, 2]},
    ...                    index=pd.Index(["A", "B", "C"], name="customer_id"))
    >>> assign_tiers(rfm, "value4")["tier"].tolist()
    ['high-value', 'churning', 'general']
    """
    scheme = load_scheme(scheme)
    if not isinstance(rfm, pd.DataFrame):
        raise DataError(f"rfm must be a pandas DataFrame, got {type(rfm).__name__}")
    merged = dict(scheme.params)
    for key, value in (params or {}).items():
        if key not in scheme.params:
            raise DataError(f"scheme {scheme.name!r} has no parameter {key!r}; its parameters are {sorted(scheme.params)}")
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise DataError(f"parameter {key!r} = {value!r} must be a number")
        merged[key] = value
    clash = set(merged) & set(rfm.columns)
    if clash:
        raise DataError(f"scheme {scheme.name!r} parameters {sorted(clash)} have the same names as columns; rename them")
    needed = scheme.columns()
    missing = sorted(c for c in needed if c not in rfm.columns)
    if missing:
        raise DataError(
            f"scheme {scheme.name!r} reads column(s) {missing} that the table does not have; "
            f"its columns are {[str(c) for c in rfm.columns]}"
        )
    _check_bins_match(rfm, scheme)
    env = {}
    for column in needed:
        values = rfm[column]
        if not pd.api.types.is_numeric_dtype(values.dtype) or values.isna().any():
            raise DataError(f"column {column!r} must hold numbers without gaps for scheme {scheme.name!r}")
        env[column] = values.to_numpy()
    if scheme.kind == "thresholds":
        env = {"_value": env[scheme.column]}
    elif scheme.kind == "cumulative_share":
        cutoffs = tuple(level["below"] for level in scheme.levels[:-1])
        labels = tuple(range(1, len(scheme.levels) + 1))
        classes = abc_classes(rfm[scheme.column].clip(lower=0), cutoffs=cutoffs, labels=labels)
        env = {"_class": np.asarray(classes, dtype=np.int64)}
    chosen, tiers = _match(scheme, env, len(rfm), merged)
    if (chosen < 0).any():
        raise DataError(
            f"scheme {scheme.name!r} leaves customers without a tier (add a last rule "
            f"{{tier: ..., when: otherwise}}): " + describe_rows(rfm, chosen < 0, columns=sorted(needed))
        )
    out = rfm.copy()
    out[tier_col] = tiers[chosen]
    out.attrs["scheme"] = scheme.name
    return out


def _check_bins_match(rfm: pd.DataFrame, scheme: Scheme) -> None:
    if scheme.bins is None or not (scheme.columns() & set(_SCORE_COLUMNS)):
        return
    data_bins = rfm.attrs.get("bins")
    top = max(int(rfm[c].max()) for c in ("r_score", "f_score", "m_score") if c in rfm.columns)
    if (data_bins is not None and data_bins != scheme.bins) or top > scheme.bins:
        found = data_bins if data_bins is not None else f"scores up to {top}"
        raise DataError(
            f"scheme {scheme.name!r} is written for scores 1..{scheme.bins}, but this table has "
            f"bins={found}; use rfm_table(..., bins={scheme.bins}) or a scheme for that scale"
        )


def value_matrix_scheme(future: str, future_high: float, *, current_high: int = 4) -> dict:
    """The current × future value matrix on any future-value column, as a scheme (a dict).

    The built-in ``value_matrix`` scheme uses ``r_score + f_score`` as its future-value proxy; this
    builds the same four quadrants on another measure — typically a predicted CLV
    (:func:`coursekit.clv.predicted_value`) — with the same rule order:
    VIP = high current and high future, maintain = high current, improve = high future,
    abandon = the rest. High current value = ``m_score >= current_high``; high future value =
    ``future >= future_high``.

    Parameters
    ----------
    future : str
        A column name, or an expression of columns (``"r_score + f_score"``).
    future_high : float
        The future value at or above which a customer counts as high future value.
    current_high : int, default 4
        The m_score at or above which a customer counts as high current value.

    Returns
    -------
    dict
        A scheme for :func:`assign_tiers` / :func:`tier_summary`, named ``value_matrix``.

    Examples
    --------
    >>> rfm = pd.DataFrame({"m_score": [5, 5, 1, 1], "predicted_clv": [900.0, 10.0, 800.0, 5.0]},
    ...                    index=pd.Index(["A", "B", "C", "D"], name="customer_id"))
    >>> assign_tiers(rfm, value_matrix_scheme("predicted_clv", 500))["tier"].tolist()
    ['VIP', 'maintain', 'improve', 'abandon']
    """
    builtin = load_scheme("value_matrix")
    return {"name": "value_matrix", "title": builtin.title, "labels": dict(builtin.labels),
            "params": {"current_high": current_high, "future_high": float(future_high)},
            "rules": [{"tier": "VIP", "when": f"m_score >= current_high and {future} >= future_high"},
                      {"tier": "maintain", "when": "m_score >= current_high"},
                      {"tier": "improve", "when": f"{future} >= future_high"},
                      {"tier": "abandon", "when": "otherwise"}]}


def tier_summary(tiered: pd.DataFrame, scheme: str | Mapping | Scheme | None = None, *,
                 tier_col: str = "tier", value_col: str = "monetary") -> pd.DataFrame:
    """Size and value of each tier: the table a trainer shows after tiering.

    Columns: ``customers``, ``customer_share`` (of all customers), ``value`` (sum of
    ``value_col``), ``value_share`` (of the total), and the mean ``recency_days``, ``frequency`` and
    ``monetary`` where present. Rows follow the scheme's tier order (tiers with no customers show
    zeros); shares are rounded to 4 decimals and means to 2.

    Examples
    --------
    >>> t = pd.DataFrame({"tier": ["gold", "gold", "basic"], "monetary": [300.0, 100.0, 100.0]})
    >>> tier_summary(t)[["customers", "value", "value_share"]]
           customers  value  value_share
    tier
    basic          1  100.0          0.2
    gold           2  400.0          0.8
    """
    if not isinstance(tiered, pd.DataFrame):
        raise DataError(f"tiered must be a pandas DataFrame, got {type(tiered).__name__}")
    for column in (tier_col, value_col):
        if column not in tiered.columns:
            raise DataError(f"column {column!r} missing from the tiered table; run assign_tiers first")
    order = load_scheme(scheme).tiers if scheme is not None else sorted(tiered[tier_col].unique())
    unknown = sorted(set(tiered[tier_col]) - set(order))
    if unknown:
        raise DataError(f"tiers {unknown} are not in scheme {scheme!r}")
    groups = tiered.groupby(tier_col, sort=False)
    summary = pd.DataFrame({"customers": groups.size(), "value": groups[value_col].sum()})
    for column in ("recency_days", "frequency", "monetary"):
        if column in tiered.columns:
            summary[f"mean_{column}"] = groups[column].mean()
    summary = summary.reindex(order)
    summary["customers"] = summary["customers"].fillna(0).astype(np.int64)
    summary["value"] = summary["value"].fillna(0.0).round(2)
    total_value = summary["value"].sum()
    summary.insert(1, "customer_share", (summary["customers"] / summary["customers"].sum()).round(4))
    summary["value_share"] = (summary["value"] / total_value).round(4) if total_value else 0.0
    mean_cols = [c for c in summary.columns if c.startswith("mean_")]
    summary[mean_cols] = summary[mean_cols].round(2)
    summary.index.name = tier_col
    return summary[["customers", "customer_share", "value", "value_share", *mean_cols]]
