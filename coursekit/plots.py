"""Slide-ready seaborn charts (图表) for the course: each takes the output of a coursekit function.

Every function takes data, draws on ``ax`` (a new figure when ``ax`` is None) and returns the
matplotlib Axes it drew on; nothing is shown (no ``plt.show()``) and no global matplotlib style is
changed, so a trainer can restyle, combine or save the charts freely.

=========================  ====================================================================
:func:`pareto_curve`       values per customer (e.g. ``rfm["monetary"]``) → 80/20 curve, Gini
                           (``sns.lineplot``)
:func:`rfm_heatmap`        :func:`coursekit.rfm_table` → mean monetary on the R × F score grid
                           (``sns.heatmap``)
:func:`tier_value_bars`    :func:`coursekit.tier_summary` (or a tiered table) → size vs value
                           (``sns.barplot``)
:func:`value_matrix_scatter`  current × future value per customer, coloured by tier
                           (``sns.scatterplot``)
:func:`migration_heatmap`  :func:`coursekit.transition_matrix` → row shares between snapshots
                           (``sns.heatmap``)
:func:`cluster_profiles`   features + k-means labels (e.g. LRFMC) → standardised cluster means
                           (``sns.heatmap``)
:func:`uplift_plot`        campaign result (estimate + confidence interval) → point and error bar
                           (matplotlib ``errorbar``: seaborn cannot draw a given interval)
=========================  ====================================================================

Look (样式)
    One seaborn theme for every chart: style ``whitegrid`` (``white`` for heatmaps), context
    ``notebook``, the ``colorblind`` palette for tiers and lines, ``rocket_r`` for money,
    ``Blues`` for shares and ``vlag`` (centred on 0) for z-scores. The theme is applied with
    ``sns.axes_style`` / ``sns.plotting_context`` **only while a chart is drawn**; matplotlib's
    ``rcParams`` are the same afterwards. An Axes you pass in keeps its own background, grid and
    font sizes (seaborn only takes away the top and right spines, all spines of a heatmap); a new
    figure gets the whole seaborn look.

Chinese in titles (中文标题)
    Titles and legends are bilingual, e.g. "Pareto curve (帕累托曲线)", **only if a font with
    Chinese glyphs is installed** (see :func:`cjk_font`); that font is then set on the individual
    text artists that need it, never globally. Without such a font the charts are English only,
    so matplotlib never warns "Glyph ... missing from font(s) DejaVu Sans" and never draws empty
    boxes. Install one with e.g. ``apt-get install fonts-noto-cjk`` (then delete matplotlib's font
    cache, ``~/.cache/matplotlib``), or choose one with the environment variable
    ``COURSEKIT_CJK_FONT`` (a font family name; ``none`` forces English). Tier names in your own
    data that are written in Chinese still need such a font.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from numbers import Real

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter

from coursekit._errors import DataError, as_numbers, describe_rows, require_columns
from coursekit.tiers import Scheme, load_scheme, scheme_names, tier_summary
from coursekit.value import concentration, gini, lorenz_table

__all__ = [
    "cjk_font",
    "cluster_profiles",
    "migration_heatmap",
    "pareto_curve",
    "rfm_heatmap",
    "tier_value_bars",
    "uplift_plot",
    "value_matrix_scatter",
]

# --------------------------------------------------------------------------------------------
# Chinese fonts: bilingual text only when the glyphs exist
# --------------------------------------------------------------------------------------------

# Well-known families first (Linux, Windows, macOS); otherwise any installed font with the glyphs.
_CJK_CANDIDATES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN",
    "AR PL UKai CN", "Microsoft YaHei", "SimHei", "SimSun", "PingFang SC", "Heiti SC",
    "Hiragino Sans GB", "Arial Unicode MS",
)
_CJK_PROBE = "客户分层价值"


def _has_glyphs(path: str, text: str) -> bool:
    """True if the font has a glyph of its own for every character of ``text``.

    Distinct glyphs are required, so a fallback font that draws one placeholder box for a whole
    Unicode block (matplotlib ships "Last Resort High-Efficiency") never counts as Chinese.
    """
    try:
        font = font_manager.get_font(path)
        glyphs = [font.get_char_index(ord(ch)) for ch in text]
    except Exception:  # an unreadable font file is simply not a candidate
        return False
    return 0 not in glyphs and len(set(glyphs)) == len(set(text))


@lru_cache(maxsize=8)
def _find_cjk_font(requested: str) -> str | None:
    if requested.lower() == "none":
        return None
    entries = font_manager.fontManager.ttflist
    names = [requested] if requested else list(_CJK_CANDIDATES)
    for name in names:
        for entry in entries:
            if entry.name == name and _has_glyphs(entry.fname, _CJK_PROBE):
                return entry.name
    if requested:
        return None
    for entry in entries:
        if "last resort" not in entry.name.lower() and _has_glyphs(entry.fname, _CJK_PROBE):
            return entry.name
    return None


def cjk_font() -> str | None:
    """The font family used for Chinese text in charts, or None if no installed font has it.

    The environment variable ``COURSEKIT_CJK_FONT`` picks a family by name (``none`` turns
    Chinese off); otherwise the first of a list of common CJK families that is installed, else
    any installed font that has the glyphs of "客户分层价值". With None, chart text is English
    only (no missing-glyph warnings).

    Examples
    --------
    >>> cjk_font() is None or isinstance(cjk_font(), str)
    True
    """
    return _find_cjk_font(os.environ.get("COURSEKIT_CJK_FONT", "").strip())


def _has_cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"
               for ch in str(text))


def _bi(english: str, chinese: str) -> str:
    """``"English (中文)"`` if a CJK font is installed, else ``"English"``."""
    return f"{english} ({chinese})" if cjk_font() else english


def _fix_fonts(ax: Axes) -> Axes:
    """Give the CJK font (as first family, DejaVu Sans as fallback) to every text that needs it."""
    font = cjk_font()
    if font is None:
        return ax
    texts = list(ax.texts) + [ax.title, ax.xaxis.label, ax.yaxis.label]
    texts += ax.get_xticklabels() + ax.get_yticklabels()
    legend = ax.get_legend()
    if legend is not None:
        texts += list(legend.get_texts()) + [legend.get_title()]
    for text in texts:
        if _has_cjk(text.get_text()):
            text.set_fontfamily([font, "DejaVu Sans"])
    return ax


def _tick_kwargs(labels) -> dict:
    """Font for categorical tick labels (set with the labels, so it survives redraws)."""
    font = cjk_font()
    if font is not None and any(_has_cjk(label) for label in labels):
        return {"fontfamily": [font, "DejaVu Sans"]}
    return {}


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

# The one look of every chart (see "Look" in the module docstring).
_QUALITATIVE = "colorblind"   # tiers, the curve, the estimate: distinguishable by everyone
_MONEY = "rocket_r"           # sequential, light = little money, dark = much
_SHARES = "Blues"             # 0..100% of a row
_DIVERGING = "vlag"           # blue below 0, red above
_EMPTY = "#eeeeee"            # heatmap cells without customers
_BAR_PAIR = "Paired"          # light / dark blue: share of customers, share of value


@contextmanager
def _theme(*, grid: bool = True) -> Iterator[None]:
    """The seaborn theme while one chart is drawn; every rcParam is restored afterwards."""
    with sns.axes_style("whitegrid" if grid else "white"), sns.plotting_context("notebook"):
        yield


def _colours(n: int) -> list:
    """``n`` distinct qualitative colours (RGB tuples): the palette, or ``husl`` beyond 10."""
    return sns.color_palette(_QUALITATIVE if n <= 10 else "husl", n)


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt  # only when a new figure is needed

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise DataError(f"ax must be a matplotlib Axes (e.g. from plt.subplots()), got "
                        f"{type(ax).__name__}")
    return ax


def _pct(share: float, decimals: int | None = None) -> str:
    """``0.2`` → ``"20%"``; ``0.125`` → ``"12.5%"`` (one decimal only when needed)."""
    if decimals is None:
        decimals = 0 if abs(share * 100 - round(share * 100)) < 1e-9 else 1
    return f"{share:.{decimals}%}"


def _number(value: float, scale: float) -> str:
    """A cell annotation: whole numbers with thousands separators for big values, else 1 decimal."""
    if not math.isfinite(value):
        return ""
    return f"{value:,.0f}" if scale >= 100 else f"{value:,.1f}"


def _ticks(ax: Axes, axis: str, labels: Sequence, *, rotate: bool | None = None,
           offset: float = 0.0) -> None:
    """Categorical tick labels at ``offset`` + 0..n-1, rotated when long or many.

    ``offset=0.5`` for the cell centres of ``sns.heatmap``; 0 for seaborn's categorical axes.
    """
    labels = [str(label) for label in labels]
    positions = np.arange(len(labels)) + offset
    kwargs = _tick_kwargs(labels)
    if axis == "x":
        if rotate is None:
            rotate = len(labels) > 6 or max((len(s) for s in labels), default=0) > 10
        if rotate:
            kwargs.update(rotation=30, ha="right", rotation_mode="anchor")
        ax.set_xticks(positions, labels, **kwargs)
    else:
        ax.set_yticks(positions, labels, rotation=0, va="center", **kwargs)


def _heatmap(ax: Axes, values: np.ndarray, texts: np.ndarray, *, xlabels: Sequence, ylabels: Sequence,
             colorbar: bool, colorbar_label: str, rotate_x: bool | None = None, **kwargs) -> None:
    """``sns.heatmap`` of ``values`` annotated with ``texts`` (NaN cells masked and left blank),
    with ``xlabels`` / ``ylabels`` at the cell centres.

    seaborn's own tick labels are switched off and the labels set afterwards with :func:`_ticks`:
    seaborn renders the figure once inside ``heatmap`` (to check label overlap), and tier names in
    Chinese must not be rendered before they have the CJK font.
    """
    bar_kws = {"shrink": 0.85, "label": colorbar_label}
    bar_kws.update(kwargs.pop("cbar_kws", {}))
    sns.heatmap(values, ax=ax, annot=texts, fmt="", annot_kws={"fontsize": 9},
                linewidths=0.5, linecolor="white", cbar=colorbar, cbar_kws=bar_kws,
                xticklabels=False, yticklabels=False, **kwargs)
    ax.grid(False)
    _ticks(ax, "x", xlabels, rotate=rotate_x, offset=0.5)
    _ticks(ax, "y", ylabels, offset=0.5)


def _scheme_order(frame: pd.DataFrame, tiers: pd.Series, scheme) -> list:
    """Tier order: the scheme's, else the categorical order, else the scheme that assign_tiers
    recorded in ``frame.attrs`` (if built in and it covers the data), else the one built-in
    scheme whose tiers cover the data (``attrs`` are lost by ``join``), else sorted by name."""
    present = list(pd.unique(tiers))
    if scheme is not None:
        order = load_scheme(scheme).tiers
        unknown = sorted(str(t) for t in set(present) - set(order))
        if unknown:
            raise DataError(f"tiers {unknown} in the data are not tiers of scheme "
                            f"{load_scheme(scheme).name!r} (its tiers: {order})")
        return order
    if isinstance(tiers.dtype, pd.CategoricalDtype):
        return list(tiers.cat.categories)
    recorded = frame.attrs.get("scheme")
    if isinstance(recorded, str) and recorded in scheme_names():
        order = load_scheme(recorded).tiers
        if set(present) <= set(order):
            return order
    covering = [load_scheme(name).tiers for name in scheme_names()
                if set(present) <= set(load_scheme(name).tiers)]
    if len(covering) == 1:
        return covering[0]
    return sorted(present, key=lambda t: (str(t), type(t).__name__))


# --------------------------------------------------------------------------------------------
# 80/20
# --------------------------------------------------------------------------------------------

def pareto_curve(values, ax: Axes | None = None, *, top: float = 0.2) -> Axes:
    """The Pareto (80/20) curve of customer value, with the equality line and the top-``top`` point.

    The curve is :func:`coursekit.lorenz_table`: customers sorted by value, largest first;
    x = cumulative share of customers, y = cumulative share of value. The line starts at (0, 0),
    then passes through ``(customer_share, value_share)`` of every row of the table and ends at
    (1, 1). The dashed diagonal is "every customer brings the same". A marker at
    ``x = top`` shows :func:`coursekit.concentration` ``(values, top)`` with the annotation
    "top 20% → 64% of value" (the share rounded to a whole percent); the legend gives the
    :func:`coursekit.gini` coefficient. (帕累托曲线 / 二八定律)

    Parameters
    ----------
    values : Series, list or 1-D array of float
        One non-negative value per customer, e.g. ``rfm["monetary"]``.
    ax : Axes, optional
        Where to draw; default a new figure.
    top : float, default 0.2
        Fraction of customers to mark, in (0, 1].

    Returns
    -------
    Axes
        The axes drawn on: ``ax.lines[0]`` is the curve (``sns.lineplot``, the points exactly as
        in the table: not sorted, not aggregated, no confidence band), ``ax.lines[1]`` the
        diagonal.

    Raises
    ------
    DataError
        As :func:`coursekit.lorenz_table` (empty, missing, negative or all-zero values), or if
        ``top`` is outside (0, 1].

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = pareto_curve([50, 30, 10, 5, 5], ax=Figure().subplots())
    >>> ax.get_title()
    'Pareto curve...'
    >>> ax.texts[0].get_text()
    'top 20% → 50% of value'
    >>> ax.lines[0].get_xydata()[-1].tolist()
    [1.0, 1.0]
    """
    table = lorenz_table(values)
    share = concentration(values, top=top)  # validates top
    g = gini(values)

    curve = pd.DataFrame({
        "customer_share": np.concatenate([[0.0], table["customer_share"].to_numpy()]),
        "value_share": np.concatenate([[0.0], table["value_share"].to_numpy()]),
    })
    line, mark = _colours(2)
    with _theme():
        ax = _axes(ax, (6, 5))
        # every point as it is: no sorting, no aggregation of equal x, no confidence band
        sns.lineplot(data=curve, x="customer_share", y="value_share", ax=ax, estimator=None,
                     sort=False, color=line, linewidth=2.5,
                     label=f"{_bi('customers by value', '按价值排序')}, Gini = {g:.2f}")
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1,
                label=_bi("equal shares", '平均分布'))
        ax.vlines(top, 0, share, colors=[mark], linestyles=":", linewidth=1.5)
        ax.hlines(share, 0, top, colors=[mark], linestyles=":", linewidth=1.5)
        ax.plot([top], [share], marker="o", markersize=9, color=mark, linestyle="none")
        ax.annotate(f"top {_pct(top)} → {_pct(share, 0)} of value", xy=(top, share),
                    xytext=(12, -24), textcoords="offset points", fontsize=12,
                    arrowprops={"arrowstyle": "-", "color": mark})

        percent = PercentFormatter(xmax=1, decimals=0)
        ax.xaxis.set_major_formatter(percent)
        ax.yaxis.set_major_formatter(percent)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("Cumulative share of customers, largest value first (%)")
        ax.set_ylabel("Cumulative share of value (%)")
        ax.set_title(_bi("Pareto curve", "帕累托曲线"))
        ax.legend(loc="lower right")
        sns.despine(ax=ax)
    return _fix_fonts(ax)


# --------------------------------------------------------------------------------------------
# RFM grid
# --------------------------------------------------------------------------------------------

_AGGS = ("mean", "median", "sum", "count")


def _scores(rfm: pd.DataFrame, column: str, bins: int) -> np.ndarray:
    values = as_numbers(rfm[column], f"rfm column {column!r}").to_numpy()
    bad = (values != np.round(values)) | (values < 1) | (values > bins)
    if bad.any():
        raise DataError(f"rfm column {column!r} must hold whole scores 1..{bins}; got "
                        f"{describe_rows(rfm[column], bad)}")
    return values.astype(np.int64)


def rfm_heatmap(rfm: pd.DataFrame, ax: Axes | None = None, *, value: str = "monetary",
                agg: str = "mean", colorbar: bool = True) -> Axes:
    """R score × F score grid coloured (and annotated) by ``agg`` of ``value``: where the money is.

    Rows are ``r_score`` 1..bins from bottom to top (recent buyers at the top), columns
    ``f_score`` 1..bins from left to right (frequent buyers on the right), so the best customers
    sit top right. Every cell of the 1..bins grid is drawn; cells without customers are grey and
    blank. ``bins`` is ``rfm.attrs["bins"]`` (set by :func:`coursekit.rfm_table`), else the largest
    score found. Drawn with ``sns.heatmap`` of the pivot
    ``rfm.groupby(["r_score", "f_score"])[value].agg(agg)``, rows R = bins..1 (top to bottom) and
    columns F = 1..bins; a colour bar labelled e.g. "mean monetary". (RFM热力图)

    Parameters
    ----------
    rfm : DataFrame
        One row per customer with ``r_score``, ``f_score`` and ``value``, e.g. from
        :func:`coursekit.rfm_table`.
    ax : Axes, optional
        Where to draw; default a new figure.
    value : str, default "monetary"
        Column to aggregate per cell (money in the currency of the data for ``monetary``).
    agg : {"mean", "median", "sum", "count"}, default "mean"
        ``"count"`` shows the number of customers per cell (``value`` is then not needed).
    colorbar : bool, default True
        Add a colour bar next to ``ax``.

    Returns
    -------
    Axes
        The axes drawn on; ``ax.collections[0]`` is the heatmap mesh, whose ``get_array()`` is the
        bins × bins grid as drawn, top row (R = bins) first, masked where empty; ``ax.texts`` are
        the cell annotations, row by row from the top.

    Raises
    ------
    DataError
        If a column is missing, scores are not whole numbers in 1..bins, ``value`` is not numeric,
        or ``agg`` is unknown.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> rfm = pd.DataFrame({"r_score": [1, 2, 2], "f_score": [1, 2, 2],
    ...                     "monetary": [10.0, 30.0, 50.0]})
    >>> ax = rfm_heatmap(rfm, ax=Figure().subplots(), colorbar=False)
    >>> ax.collections[0].get_array().filled(0).tolist()   # rows R = 2, 1; columns F = 1, 2
    [[0.0, 40.0], [10.0, 0.0]]
    >>> [t.get_text() for t in ax.texts]
    ['40.0', '10.0']
    """
    if agg not in _AGGS:
        raise DataError(f"agg must be one of {list(_AGGS)}, got {agg!r}")
    needed = ["r_score", "f_score"] + ([] if agg == "count" else [value])
    require_columns(rfm, needed, what="rfm")
    if len(rfm) == 0:
        raise DataError("rfm is empty: there are no customers to plot")
    bins = rfm.attrs.get("bins")
    if bins is None:
        bins = int(max(as_numbers(rfm[c], f"rfm column {c!r}").max() for c in ("r_score", "f_score")))
    r = _scores(rfm, "r_score", bins)
    f = _scores(rfm, "f_score", bins)
    cells = pd.DataFrame({"r": r, "f": f})
    if agg == "count":
        cells["v"] = 1.0
        label, what = "customers", "Customers"
    else:
        cells["v"] = as_numbers(rfm[value], f"rfm column {value!r}").to_numpy()
        label, what = f"{agg} {value}", f"{agg.capitalize()} {value}"
    grid = (cells.groupby(["r", "f"])["v"].agg("sum" if agg == "count" else agg).unstack()
            .reindex(index=range(bins, 0, -1), columns=range(1, bins + 1)))  # R = bins on top
    numbers = grid.to_numpy(dtype="float64")
    scale = 100.0 if agg == "count" else float(np.nanmax(np.abs(numbers)))
    texts = np.vectorize(lambda v: _number(v, scale), otypes=[object])(numbers)

    with _theme(grid=False):
        ax = _axes(ax, (6.5, 5.5))
        cmap = sns.color_palette(_MONEY, as_cmap=True).with_extremes(bad=_EMPTY)
        _heatmap(ax, numbers, texts, xlabels=grid.columns, ylabels=grid.index, rotate_x=False,
                 colorbar=colorbar, colorbar_label=label, cmap=cmap, square=True)
        ax.set_xlabel(f"F score (frequency, 1 = fewest orders … {bins} = most)")
        ax.set_ylabel(f"R score (recency, {bins} = most recent)")
        ax.set_title(_bi(f"{what} by R and F score", "RFM热力图"))
    return _fix_fonts(ax)


# --------------------------------------------------------------------------------------------
# tiers
# --------------------------------------------------------------------------------------------

def tier_value_bars(summary_or_tiered: pd.DataFrame, scheme: str | Mapping | Scheme | None = None,
                    ax: Axes | None = None, *, tier_col: str = "tier",
                    value_col: str = "monetary") -> Axes:
    """Share of customers vs share of value per tier, side by side (客户占比与价值占比).

    A pair of bars per tier (``sns.barplot`` with ``hue`` = the measure): left the tier's
    ``customer_share`` (of all customers, light blue), right its ``value_share`` (of the total
    value, dark blue), each labelled in %. Tiers follow the scheme's order (best first). A tier
    whose value bar is much taller than its customer bar is where the money is concentrated.

    Parameters
    ----------
    summary_or_tiered : DataFrame
        Either a :func:`coursekit.tier_summary` table (indexed by tier, with ``customer_share``
        and ``value_share``), or a tiered table (one row per customer with ``tier_col`` and
        ``value_col``, e.g. from :func:`coursekit.assign_tiers`), which is summarised with
        :func:`coursekit.tier_summary` first.
    scheme : str, dict or Scheme, optional
        Gives the tier order. Default: for a tiered table, the built-in scheme that
        :func:`coursekit.assign_tiers` recorded (``attrs["scheme"]``), else the only built-in
        scheme with these tiers, else tiers by name; for a summary, its row order.
    ax : Axes, optional
        Where to draw; default a new figure.
    tier_col, value_col : str
        Columns of a tiered table (ignored for a summary).

    Returns
    -------
    Axes
        ``ax.containers[0]`` holds the customer-share bars, ``ax.containers[1]`` the value-share
        bars, one per tier in order (of the containers this call added, if ``ax`` had some).

    Raises
    ------
    DataError
        If the frame is neither a summary nor a tiered table (naming the missing columns), or
        holds tiers that are not in ``scheme``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> t = pd.DataFrame({"tier": ["gold", "gold", "basic"], "monetary": [300.0, 100.0, 100.0]})
    >>> ax = tier_value_bars(t, ax=Figure().subplots())
    >>> [float(b.get_height()) for b in ax.containers[1]]    # value shares: basic, gold
    [0.2, 0.8]
    """
    frame = summary_or_tiered
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"summary_or_tiered must be a pandas DataFrame, got {type(frame).__name__}")
    shares = ("customer_share", "value_share")
    if all(c in frame.columns for c in shares):
        summary = frame
        if scheme is not None:
            order = load_scheme(scheme).tiers
            unknown = sorted(str(t) for t in set(summary.index) - set(order))
            if unknown:
                raise DataError(f"tiers {unknown} in the summary are not tiers of scheme "
                                f"{load_scheme(scheme).name!r} (its tiers: {order})")
            summary = summary.reindex(order).fillna({"customer_share": 0.0, "value_share": 0.0})
    elif tier_col in frame.columns:
        require_columns(frame, [tier_col, value_col], what="the tiered table")
        order = _scheme_order(frame, frame[tier_col], scheme)
        summary = tier_summary(frame, tier_col=tier_col, value_col=value_col).reindex(order)
        summary[["customer_share", "value_share"]] = (
            summary[["customer_share", "value_share"]].fillna(0.0))
    else:
        missing = [c for c in shares if c not in frame.columns]
        raise DataError(
            f"tier_value_bars needs a tier_summary table (Required column "
            f"{', '.join(repr(c) for c in missing)} missing) or a tiered table (Required column "
            f"{tier_col!r} missing); its columns are {[str(c) for c in frame.columns]}"
        )
    customer = as_numbers(summary["customer_share"], "column 'customer_share'").to_numpy()
    value = as_numbers(summary["value_share"], "column 'value_share'").to_numpy()

    tiers = list(summary.index)
    keys = [str(t) for t in tiers]
    if len(set(keys)) < len(keys):
        raise DataError(f"tiers must have distinct names, got {keys}")
    measures = [_bi("share of customers", "客户占比"), _bi("share of value", "价值占比")]
    bars = pd.DataFrame({"tier": keys * 2,
                         "measure": [measures[0]] * len(keys) + [measures[1]] * len(keys),
                         "share": np.concatenate([customer, value])})
    light, dark = sns.color_palette(_BAR_PAIR, 2)

    with _theme():
        ax = _axes(ax, (max(6.0, 1.1 * len(tiers) + 2), 4.5))
        before = len(ax.containers)
        # one row per bar: the "mean" of one value is the value; no error bars
        sns.barplot(data=bars, x="tier", y="share", hue="measure", order=keys,
                    hue_order=measures, palette={measures[0]: light, measures[1]: dark},
                    errorbar=None, width=0.8, saturation=1, ax=ax)
        for container, heights in zip(ax.containers[before:], (customer, value)):
            ax.bar_label(container, labels=[_pct(h, 0) for h in heights], padding=2, fontsize=9)

        labels = keys
        if scheme is not None and cjk_font():
            names = load_scheme(scheme).labels
            labels = [f"{t}\n{names[t]}" if t in names else str(t) for t in tiers]
        _ticks(ax, "x", labels)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        ax.set_ylim(0, max(1e-9, float(np.max(np.concatenate([customer, value])))) * 1.15)
        ax.set_xlabel("Tier (best first)")
        ax.set_ylabel("Share of all customers / of total value (%)")
        ax.set_title(_bi("Customers vs value by tier", "各层客户与价值占比"))
        sns.move_legend(ax, "upper right", title=None)
        sns.despine(ax=ax, left=True)
    return _fix_fonts(ax)


def value_matrix_scatter(frame: pd.DataFrame, ax: Axes | None = None, *, current: str = "monetary",
                         future: str = "future_value", tier_col: str | None = "tier",
                         current_threshold: float | None = None,
                         future_threshold: float | None = None, log: bool = False,
                         quadrants: Sequence[str] | None = ("VIP", "maintain", "improve", "abandon"),
                         scheme: str | Mapping | Scheme | None = None) -> Axes:
    """Current value × future value per customer, coloured by tier, with the quadrant lines.

    The customer value matrix (客户价值矩阵, seeds 003/004): x = current value (e.g. ``monetary``
    from :func:`coursekit.rfm_table`, or ``historical_value`` from :func:`coursekit.customer_value`),
    y = future value (e.g. ``future_value`` from :func:`coursekit.customer_value`). A dashed
    vertical line at ``current_threshold`` and a horizontal one at ``future_threshold`` split the
    plane into four quadrants, labelled in the corners with ``quadrants``.

    Parameters
    ----------
    frame : DataFrame
        One row per customer with the ``current``, ``future`` and ``tier_col`` columns.
    ax : Axes, optional
        Where to draw; default a new figure.
    current, future : str, default "monetary", "future_value"
        Columns for the x and y axes (money in the currency of the data).
    tier_col : str or None, default "tier"
        Column that colours the points (one colour and legend entry per tier); None: one colour.
    current_threshold, future_threshold : float, optional
        Where the quadrant lines go. Default: the **median** of the column.
    log : bool, default False
        Log-like axes for skewed money: ``symlog`` (logarithmic above 1, linear between -1 and 1),
        so customers with 0 or negative value are still shown, never silently dropped.
    quadrants : four names or None, default ("VIP", "maintain", "improve", "abandon")
        Labels for high current & high future, high current & low future, low current & high
        future, low & low (the ``value_matrix`` scheme's tiers); None: no labels.
    scheme : str, dict or Scheme, optional
        Gives the tier order of the legend. Default: the categorical order of ``tier_col``, else
        the built-in scheme recorded by :func:`coursekit.assign_tiers` or the only built-in
        scheme with these tiers, else tiers by name.

    Returns
    -------
    Axes
        ``ax.collections[0]`` is the ``sns.scatterplot`` of all customers in the frame's row order
        (its offsets are the points, its face colours the tiers' colours); the legend lists the
        tiers in tier order.

    Raises
    ------
    DataError
        If a column is missing or not numeric, the frame is empty, a tier is missing, or
        ``quadrants`` does not have four names.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> f = pd.DataFrame({"monetary": [10.0, 20.0, 30.0], "future_value": [5.0, 1.0, 9.0],
    ...                   "tier": ["b", "b", "a"]})
    >>> ax = value_matrix_scatter(f, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['a', 'b']
    >>> ax.collections[0].get_offsets().tolist()
    [[10.0, 5.0], [20.0, 1.0], [30.0, 9.0]]
    """
    columns = [current, future] + ([tier_col] if tier_col is not None else [])
    require_columns(frame, columns, what="frame")
    if len(frame) == 0:
        raise DataError("frame is empty: there are no customers to plot")
    if quadrants is not None and (isinstance(quadrants, str) or len(quadrants) != 4):
        raise DataError(f"quadrants must be four names (high/high, high current, high future, "
                        f"low/low) or None, got {quadrants!r}")
    x = as_numbers(frame[current], f"column {current!r}")
    y = as_numbers(frame[future], f"column {future!r}")
    x_cut = float(x.median()) if current_threshold is None else _real(current_threshold,
                                                                       "current_threshold")
    y_cut = float(y.median()) if future_threshold is None else _real(future_threshold,
                                                                      "future_threshold")

    points = pd.DataFrame({"current": x.to_numpy(), "future": y.to_numpy()})
    if tier_col is not None:
        tiers = frame[tier_col]
        missing = tiers.isna().to_numpy()
        if missing.any():
            raise DataError(f"column {tier_col!r} has missing tiers in {describe_rows(tiers, missing)}")
        order = [t for t in _scheme_order(frame, tiers, scheme) if (tiers == t).any()]
        names = [str(t) for t in order]
        if len(set(names)) < len(names):
            raise DataError(f"column {tier_col!r} has tiers with the same name: {names}")
        # tier names as text: seaborn would give numeric tiers (e.g. cluster 0, 1, 2) a
        # continuous colour scale
        points["tier"] = np.array([str(t) for t in tiers], dtype=object)

    with _theme():
        ax = _axes(ax, (7, 5.5))
        if log:  # before drawing: lines drawn on a linear axis first would stretch the limits
            ax.set_xscale("symlog", linthresh=1)
            ax.set_yscale("symlog", linthresh=1)
        if tier_col is None:
            sns.scatterplot(data=points, x="current", y="future", ax=ax, s=22, alpha=0.7,
                            color=_colours(1)[0], label="customers", legend=False)
        else:
            sns.scatterplot(data=points, x="current", y="future", hue="tier", hue_order=names,
                            palette=dict(zip(names, _colours(len(names)))), ax=ax, s=22,
                            alpha=0.75)
            sns.move_legend(ax, "best", title=_bi("tier", "客户层级"), fontsize=9)
        ax.axvline(x_cut, color="grey", linestyle="--", linewidth=1)
        ax.axhline(y_cut, color="grey", linestyle="--", linewidth=1)
        if not log:
            money = FuncFormatter(lambda v, _: f"{v:,.0f}")
            ax.xaxis.set_major_formatter(money)
            ax.yaxis.set_major_formatter(money)
        if quadrants is not None:
            corners = ((0.98, 0.98, "right", "top"), (0.98, 0.02, "right", "bottom"),
                       (0.02, 0.98, "left", "top"), (0.02, 0.02, "left", "bottom"))
            for name, (cx, cy, ha, va) in zip(quadrants, corners):
                ax.text(cx, cy, str(name), transform=ax.transAxes, ha=ha, va=va, fontsize=12,
                        color="dimgrey", fontweight="bold", alpha=0.8)
        scale = " (log scale)" if log else ""
        ax.set_xlabel(f"Current value: {current} (currency of the data){scale}")
        ax.set_ylabel(f"Future value: {future} (currency of the data){scale}")
        ax.set_title(_bi("Customer value matrix", "客户价值矩阵"))
        sns.despine(ax=ax)
    return _fix_fonts(ax)


def _real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise DataError(f"{name} must be a finite number, got {value!r}")
    return float(value)


# --------------------------------------------------------------------------------------------
# migration
# --------------------------------------------------------------------------------------------

def _migration_frames(data) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """(counts or None, row shares) from transition_matrix's pair, a counts or a shares frame."""
    if isinstance(data, tuple | list) and len(data) == 2 and all(
            isinstance(d, pd.DataFrame) for d in data):
        counts, shares = data
        return counts, shares
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"counts_or_shares must be the (counts, shares) pair from "
                        f"transition_matrix or one of its DataFrames, got {type(data).__name__}")
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise DataError("counts_or_shares is empty: no tiers to plot")
    numbers = data.apply(lambda col: as_numbers(col, f"column {col.name!r}"))
    values = numbers.to_numpy()
    if (values < 0).any():
        raise DataError("counts_or_shares has negative values; expected counts or row shares")
    totals = values.sum(axis=1)
    rows_are_shares = np.all(np.isclose(totals, 1.0) | (totals == 0))
    whole = np.all(values == np.round(values))
    integers = all(pd.api.types.is_integer_dtype(t) for t in data.dtypes)
    is_counts = integers or (whole and not rows_are_shares)
    if is_counts:
        shares = np.divide(values, totals[:, None], out=np.zeros(values.shape), where=totals[:, None] > 0)
        return data, pd.DataFrame(shares, index=data.index, columns=data.columns)
    if not rows_are_shares or (values > 1).any():
        bad = ~(np.isclose(totals, 1.0) | (totals == 0))
        raise DataError(
            "counts_or_shares is neither counts (whole numbers) nor row shares (each row summing "
            f"to 1): rows {[str(r) for r in data.index[bad]]} sum to "
            f"{[round(float(t), 4) for t in totals[bad]]}"
        )
    return None, numbers


def migration_heatmap(counts_or_shares, ax: Axes | None = None, *, colorbar: bool = True) -> Axes:
    """The tier transition matrix as a heatmap of row shares in % (客户层级迁移矩阵).

    Cell (row ``a``, column ``b``) = share of the customers in tier ``a`` before who are in tier
    ``b`` after, i.e. P(after = b | before = a), annotated as a whole percent ("50%"); each row
    sums to 100%. Rows with no customers (e.g. ``"(new)"`` when nobody is new) show "–". Cells on
    the diagonal (stayed in the same tier) are outlined. When counts are known, the row labels
    carry the number of customers, e.g. "high (n=120)". Drawn with ``sns.heatmap``, colours
    fixed to 0–100%.

    Parameters
    ----------
    counts_or_shares : (counts, shares) tuple or DataFrame
        The pair returned by :func:`coursekit.transition_matrix`, or its counts frame (whole
        numbers; row shares are computed), or its shares frame (rows summing to 1 or 0).
    ax : Axes, optional
        Where to draw; default a new figure.
    colorbar : bool, default True
        Add a colour bar (0–100%) next to ``ax``.

    Returns
    -------
    Axes
        ``ax.collections[0]`` is the heatmap mesh: ``get_array()`` holds the row shares (rows
        "before" top to bottom), ``get_clim()`` is (0, 1); ``ax.texts`` are the cell
        annotations, row by row; ``ax.patches`` the outlines of the diagonal cells.

    Raises
    ------
    DataError
        If the input is not such a frame or pair, has negative or non-numeric values, or is
        neither counts nor row shares.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> counts = pd.DataFrame([[3, 1], [0, 2]], index=["high", "low"], columns=["high", "low"])
    >>> ax = migration_heatmap(counts, ax=Figure().subplots(), colorbar=False)
    >>> [t.get_text() for t in ax.texts]
    ['75%', '25%', '0%', '100%']
    """
    counts, shares = _migration_frames(counts_or_shares)
    values = shares.to_numpy(dtype="float64")
    totals = values.sum(axis=1)
    empty = (counts.to_numpy().sum(axis=1) == 0) if counts is not None else (totals == 0)

    texts = np.empty(values.shape, dtype=object)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            texts[i, j] = "–" if empty[i] else _pct(values[i, j], 0)
    rows = [str(t) for t in shares.index]
    if counts is not None:
        rows = [f"{t} (n={int(n):,})" for t, n in zip(rows, counts.to_numpy().sum(axis=1))]
    outline = _colours(2)[1]

    with _theme(grid=False):
        ax = _axes(ax, (max(6.0, 0.9 * shares.shape[1] + 3),
                        max(4.5, 0.7 * shares.shape[0] + 2)))
        _heatmap(ax, values, texts, xlabels=shares.columns, ylabels=rows, colorbar=colorbar,
                 colorbar_label="share of the tier's customers before (%)", cmap=_SHARES,
                 vmin=0, vmax=1, cbar_kws={"format": PercentFormatter(xmax=1, decimals=0)})
        for i, before in enumerate(shares.index):
            for j, after in enumerate(shares.columns):
                if before == after:
                    ax.add_patch(Rectangle((j, i), 1, 1, fill=False, edgecolor=outline,
                                           linewidth=2.5, clip_on=False))
        ax.set_xlabel("Tier after (later snapshot)")
        ax.set_ylabel("Tier before (earlier snapshot)")
        ax.set_title(_bi("Tier migration, share of row (%)", "客户层级迁移"))
    return _fix_fonts(ax)


# --------------------------------------------------------------------------------------------
# clusters
# --------------------------------------------------------------------------------------------

def cluster_profiles(features: pd.DataFrame, labels, ax: Axes | None = None, *,
                     colorbar: bool = True) -> Axes:
    """Standardised feature means per cluster as a heatmap: how each cluster differs (聚类画像).

    Each feature is standardised over all customers, z = (x − mean) / std (population std,
    ``ddof=0``, as scikit-learn's ``StandardScaler``; a constant feature gives z = 0), then
    averaged per cluster. Rows = clusters (sorted, labelled with their size), columns = features
    in the frame's order; red = above the average customer, blue = below (``sns.heatmap``,
    colours centred on 0 and symmetric), annotated with one decimal ("+1.2" = 1.2 standard
    deviations above average). Already standardised features give the same picture. Use it to
    name k-means clusters, e.g. of LRFMC features.

    Parameters
    ----------
    features : DataFrame
        One row per customer, numeric feature columns (e.g. L, R, F, M, C).
    labels : Series, list or 1-D array
        Cluster of each customer: a Series with the same index as ``features``, or a sequence in
        row order (e.g. ``KMeans(...).fit_predict(X)``).
    ax : Axes, optional
        Where to draw; default a new figure.
    colorbar : bool, default True
        Add a colour bar next to ``ax``.

    Returns
    -------
    Axes
        ``ax.collections[0]`` is the heatmap mesh; its ``get_array()`` is the clusters ×
        features matrix of mean z-scores, its ``get_clim()`` symmetric around 0.

    Raises
    ------
    DataError
        If ``features`` is not a non-empty DataFrame of numbers without gaps, or ``labels`` has
        the wrong length, a different index, or missing values.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> X = pd.DataFrame({"F": [1.0, 3.0, 5.0, 7.0], "M": [10.0, 10.0, 10.0, 10.0]})
    >>> ax = cluster_profiles(X, [0, 0, 1, 1], ax=Figure().subplots(), colorbar=False)
    >>> ax.collections[0].get_array().round(3).tolist()   # F: z = ∓1.342, ∓0.447; M constant
    [[-0.894, 0.0], [0.894, 0.0]]
    """
    if not isinstance(features, pd.DataFrame):
        raise DataError(f"features must be a pandas DataFrame of numeric columns, got "
                        f"{type(features).__name__}")
    if features.shape[0] == 0 or features.shape[1] == 0:
        raise DataError("features is empty: need at least one customer and one feature column")
    numbers = pd.DataFrame({c: as_numbers(features[c], f"features column {c!r}")
                            for c in features.columns}, index=features.index)
    if isinstance(labels, pd.Series):
        if len(labels) != len(features) or not labels.index.equals(features.index):
            raise DataError("labels is a Series whose index differs from features' index; align "
                            "it with labels.reindex(features.index) or pass labels.to_numpy()")
        groups = labels.to_numpy()
    else:
        groups = np.asarray(labels, dtype=object) if not isinstance(labels, np.ndarray) else labels
        if groups.ndim != 1 or len(groups) != len(features):
            raise DataError(f"labels must be one cluster per row of features ({len(features)} "
                            f"rows), got {len(groups)} labels")
    missing = pd.isna(pd.Series(groups)).to_numpy()
    if missing.any():
        raise DataError(f"labels has missing values at positions {np.flatnonzero(missing)[:5].tolist()}")

    std = numbers.std(ddof=0).replace(0.0, np.inf)
    z = (numbers - numbers.mean()) / std
    z = z + 0.0
    profile = z.groupby(groups).mean()
    sizes = pd.Series(groups).value_counts().reindex(profile.index)
    matrix = profile.to_numpy(dtype="float64")

    limit = max(float(np.abs(matrix).max()), 0.5)
    texts = np.vectorize(lambda v: f"{v:+.1f}".replace("-", "−"), otypes=[object])(matrix)

    with _theme(grid=False):
        ax = _axes(ax, (max(6.0, 0.9 * matrix.shape[1] + 3),
                        max(4.0, 0.6 * matrix.shape[0] + 2)))
        _heatmap(ax, matrix, texts, xlabels=profile.columns,
                 ylabels=[f"cluster {c} (n={int(n):,})" for c, n in sizes.items()], colorbar=colorbar,
                 colorbar_label="mean z-score (SD from average)", cmap=_DIVERGING,
                 vmin=-limit, vmax=limit)  # symmetric: 0 is the middle colour
        ax.set_xlabel("Feature")
        ax.set_ylabel("Cluster (customers)")
        ax.set_title(_bi("Cluster profiles: mean z-score", "聚类画像"))
    return _fix_fonts(ax)


# --------------------------------------------------------------------------------------------
# campaign uplift
# --------------------------------------------------------------------------------------------

def _result_frame(result) -> pd.DataFrame:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    elif hasattr(result, "_asdict"):
        result = result._asdict()
    if isinstance(result, pd.Series):
        return pd.DataFrame([result.to_dict()],
                            index=[result.name if result.name is not None else "campaign"])
    if isinstance(result, Mapping):
        if all(np.ndim(v) == 0 for v in result.values()):
            return pd.DataFrame([dict(result)], index=["campaign"])
        return pd.DataFrame(dict(result))
    if isinstance(result, pd.DataFrame):
        return result
    raise DataError(f"result must be a dict, a Series or a DataFrame with an estimate ('diff' or "
                    f"'uplift'), 'ci_low' and 'ci_high', got {type(result).__name__}")


def uplift_plot(result, ax: Axes | None = None, *, reference: float | None = None,
                reference_label: str = "claimed", estimate: str | None = None,
                percent: bool = True, label_col: str | None = None) -> Axes:
    """Campaign uplift (活动效果) with its confidence interval, against zero and a claimed value.

    One row per estimate (the whole campaign, or e.g. one per tier), top to bottom: a point at the
    estimate, a horizontal error bar from ``ci_low`` to ``ci_high``, the estimate and interval
    written beside it ("+12.0% [+2.0%, +22.0%]"), a solid line at 0 (no effect) and, with
    ``reference``, a dashed line at the claimed effect (e.g. 0.15 for the retailer's "+15%
    sales"). Intervals that exclude 0 are drawn dark blue, those that include 0 grey: an interval
    that includes 0 does not show an effect; one that excludes the reference does not support the
    claim. The intervals are given, not computed from data, so they are drawn with matplotlib's
    ``errorbar`` (seaborn's error bars only show intervals seaborn computes), in the seaborn
    theme and palette of the other charts.

    Parameters
    ----------
    result : dict, Series, dataclass or DataFrame
        Keys / columns ``diff`` (treatment − control) or ``uplift`` (treatment ÷ control − 1),
        the estimate, with ``ci_low`` and
        ``ci_high``. A dict of numbers is one row (labelled "campaign"); a dict of lists or a
        DataFrame gives several rows, labelled by the index (or ``label_col``).
    ax : Axes, optional
        Where to draw; default a new figure.
    reference : float, optional
        A value to compare with, e.g. the claimed uplift 0.15.
    reference_label : str, default "claimed"
        Legend text for the reference line (the value is appended, e.g. "claimed +15%").
    estimate : str, optional
        Name of the estimate column; default ``"uplift"`` or ``"diff"``, whichever is present
        (an error if both are: say which one the interval belongs to).
    percent : bool, default True
        Estimates are shares or relative changes (0.15 = +15%) and the axis is in %; False for
        differences in money or counts.
    label_col : str, optional
        Column with the row labels (e.g. ``"tier"``) instead of the index.

    Returns
    -------
    Axes
        One ``ax.containers`` ErrorbarContainer per row, in order; its bar segment runs from
        (ci_low, y) to (ci_high, y).

    Raises
    ------
    DataError
        If a key is missing, a value is not a finite number, or ``ci_low <= estimate <= ci_high``
        does not hold.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> res = {"uplift": 0.12, "ci_low": 0.02, "ci_high": 0.22}
    >>> ax = uplift_plot(res, ax=Figure().subplots(), reference=0.15)
    >>> ax.containers[0].lines[2][0].get_segments()[0].round(6).tolist()   # (ci_low, y), (ci_high, y)
    [[0.02, 0.0], [0.22, 0.0]]
    >>> ax.texts[0].get_text()
    '+12.0% [+2.0%, +22.0%]'
    """
    frame = _result_frame(result)
    if estimate is None:
        present = [c for c in ("uplift", "diff") if c in frame.columns]
        if len(present) == 2:
            raise DataError("result has both 'uplift' and 'diff'; pass estimate='uplift' or "
                            "estimate='diff' to say which one ci_low/ci_high belong to")
        estimate = present[0] if present else "diff"
    require_columns(frame, [estimate, "ci_low", "ci_high"] + ([label_col] if label_col else []),
                    what="result")
    if len(frame) == 0:
        raise DataError("result has no rows")
    est = as_numbers(frame[estimate], f"result {estimate!r}").to_numpy()
    low = as_numbers(frame["ci_low"], "result 'ci_low'").to_numpy()
    high = as_numbers(frame["ci_high"], "result 'ci_high'").to_numpy()
    bad = ~((low <= est) & (est <= high))
    if bad.any():
        raise DataError(f"result must have ci_low <= {estimate} <= ci_high; not so in "
                        + describe_rows(frame, bad, columns=[estimate, "ci_low", "ci_high"]))
    if reference is not None:
        reference = _real(reference, "reference")
    names = [str(v) for v in (frame[label_col] if label_col else frame.index)]

    fmt = (lambda v: f"{v:+.1%}") if percent else (lambda v: f"{v:+,.2f}")
    palette = _colours(4)
    with _theme():
        ax = _axes(ax, (7, max(2.5, 0.6 * len(frame) + 1.8)))
        for i, (e, lo, hi) in enumerate(zip(est, low, high)):
            clear = lo > 0 or hi < 0
            colour = palette[0] if clear else "grey"
            label = "CI excludes 0" if clear else "CI includes 0"
            # a given interval: matplotlib's errorbar (seaborn only draws intervals it computes)
            ax.errorbar([e], [i], xerr=[[e - lo], [hi - e]], fmt="o", color=colour,
                        ecolor=colour, capsize=5, markersize=8, linewidth=2.5, label=label)
            ax.annotate(f"{fmt(e)} [{fmt(lo)}, {fmt(hi)}]", xy=(e, i), xytext=(0, 8),
                        textcoords="offset points", ha="center", va="bottom", fontsize=10)
        ax.axvline(0, color="black", linewidth=1)
        if reference is not None:
            ax.axvline(reference, color=palette[3], linestyle="--", linewidth=1.5,
                       label=f"{reference_label} {fmt(reference).replace('.0%', '%')}")
        _ticks(ax, "y", names)
        ax.set_ylim(len(frame) - 0.4, -0.6)  # first row on top, room for the text above each
        if percent:
            ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        lowest = min(float(low.min()), 0.0, reference if reference is not None else 0.0)
        highest = max(float(high.max()), 0.0, reference if reference is not None else 0.0)
        pad = 0.12 * (highest - lowest or 1.0)
        ax.set_xlim(lowest - pad, highest + pad)
        if estimate == "uplift":
            ax.set_xlabel("Relative uplift = treatment ÷ control − 1, with confidence interval")
        else:
            unit = "%" if percent else "units of the outcome"
            ax.set_xlabel(f"Difference, treatment − control ({unit}), with confidence interval")
        ax.set_title(_bi("Campaign effect", "活动效果"))
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        ax.legend(unique.values(), unique.keys(), loc="lower right", fontsize=9)
        sns.despine(ax=ax, left=True)
    return _fix_fonts(ax)

