"""coursekit.plots: each chart's artists hold the numbers of the coursekit function it plots.

The charts are drawn with seaborn, so the numbers are read back from what seaborn draws: the
heatmap mesh (a QuadMesh: ``ax.collections``), its annotations (``ax.texts``) and colour bar, the
bar containers of ``sns.barplot``, the one scatter collection of ``sns.scatterplot``, the line of
``sns.lineplot``, and matplotlib's error-bar containers for the given confidence intervals.

Every test draws with the Agg backend, and any UserWarning (e.g. matplotlib's "Glyph ... missing
from font(s)") is an error, so a chart that would show empty boxes for Chinese text fails here.
"""

from __future__ import annotations

import os


import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PolyCollection, QuadMesh  # noqa: E402
from matplotlib.colors import same_color  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402

import coursekit as ck  # noqa: E402
from coursekit import DataError, plots  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error::UserWarning")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _draw(ax: Axes) -> Axes:
    """Render the figure (missing glyphs only warn at draw time)."""
    ax.figure.canvas.draw()
    return ax


def _texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _mesh(ax: Axes) -> QuadMesh:
    """The one ``sns.heatmap`` mesh; its array is the grid as drawn, top row first."""
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return mesh


def _cells(ax: Axes) -> dict[tuple[str, str], str]:
    """Each heatmap annotation keyed by the (row, column) tick labels of the cell it sits in."""
    rows = {float(y): t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels())}
    columns = {float(x): t.get_text() for x, t in zip(ax.get_xticks(), ax.get_xticklabels())}
    return {(rows[float(t.get_position()[1])], columns[float(t.get_position()[0])]): t.get_text()
            for t in ax.texts}


def _drawn_lines(ax: Axes) -> list:
    """Lines with two points (seaborn also puts empty legend-handle lines in ``ax.lines``)."""
    return [ln for ln in ax.lines if len(ln.get_xdata()) == 2]


@pytest.fixture
def rfm(shop) -> pd.DataFrame:
    return ck.rfm_table(shop, as_of="2024-04-01", order_col="order_id")


# --------------------------------------------------------------------------------------------
# small inputs for every chart, for the checks they all share
# --------------------------------------------------------------------------------------------

def _pareto(ax=None):
    return plots.pareto_curve([50, 30, 10, 5, 5], ax)


def _rfm(ax=None):
    frame = pd.DataFrame({"r_score": [1, 2, 2], "f_score": [1, 2, 1], "monetary": [1.0, 2.0, 3.0]})
    return plots.rfm_heatmap(frame, ax)


def _bars(ax=None):
    tiered = pd.DataFrame({"tier": ["gold", "gold", "basic"], "monetary": [300.0, 100.0, 100.0]})
    return plots.tier_value_bars(tiered, None, ax)


def _scatter(ax=None):
    frame = pd.DataFrame({"monetary": [10.0, 20.0, 30.0, 40.0], "future_value": [1.0, 5.0, 2.0, 8.0],
                          "tier": ["abandon", "improve", "maintain", "VIP"]})
    return plots.value_matrix_scatter(frame, ax)


def _migration(ax=None):
    before = pd.DataFrame({"tier": ["high", "high", "low", "low"]}, index=[1, 2, 3, 4])
    after = pd.DataFrame({"tier": ["high", "low", "low", "high"]}, index=[1, 2, 3, 5])
    return plots.migration_heatmap(ck.transition_matrix(before, after), ax)


def _clusters(ax=None):
    features = pd.DataFrame({"R": [1.0, 2.0, 9.0, 10.0], "F": [5.0, 6.0, 1.0, 2.0]})
    return plots.cluster_profiles(features, [0, 0, 1, 1], ax)


def _uplift(ax=None):
    return plots.uplift_plot({"diff": 0.05, "ci_low": -0.01, "ci_high": 0.11}, ax)


CHARTS = [_pareto, _rfm, _bars, _scatter, _migration, _clusters, _uplift]
CHART_IDS = ["pareto_curve", "rfm_heatmap", "tier_value_bars", "value_matrix_scatter",
             "migration_heatmap", "cluster_profiles", "uplift_plot"]
HEATMAPS = (_rfm, _migration, _clusters)


class TestEveryChart:
    @pytest.mark.parametrize("chart", CHARTS, ids=CHART_IDS)
    def test_draws_on_the_given_axes_and_returns_it(self, chart):
        fig, (left, right) = plt.subplots(1, 2)
        assert chart(right) is right
        assert right.has_data() and not left.has_data()
        assert plt.get_fignums() == [fig.number]  # no extra figure

    @pytest.mark.parametrize("chart", CHARTS, ids=CHART_IDS)
    def test_without_axes_makes_one_new_figure(self, chart):
        ax = chart()
        assert isinstance(ax, Axes)
        assert plt.get_fignums() == [ax.figure.number]

    @pytest.mark.parametrize("chart", CHARTS, ids=CHART_IDS)
    def test_slide_text_and_no_missing_glyphs(self, chart):
        ax = _draw(chart())  # a "Glyph ... missing" UserWarning would fail here
        assert ax.get_title()
        assert ax.get_xlabel()
        if chart is not _uplift:
            assert ax.get_ylabel()

    @pytest.mark.parametrize("chart", CHARTS, ids=CHART_IDS)
    def test_leaves_global_style_alone(self, chart):
        before = dict(matplotlib.rcParams)
        chart()
        assert dict(matplotlib.rcParams) == before

    @pytest.mark.parametrize("chart", CHARTS, ids=CHART_IDS)
    def test_a_new_figure_gets_the_seaborn_theme(self, chart):
        ax = _draw(chart())
        notebook = sns.plotting_context("notebook")
        assert ax.xaxis.label.get_fontsize() == notebook["axes.labelsize"]  # matplotlib: 10
        assert ax.get_xticklabels()[0].get_fontsize() == notebook["xtick.labelsize"]
        grid = [line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines()]
        if chart in HEATMAPS:
            assert not any(grid)  # style "white"
        else:
            assert any(grid)  # style "whitegrid"
            assert all(same_color(line.get_color(), ".8") for line in ax.get_xgridlines())

    @pytest.mark.parametrize("chart", CHARTS, ids=CHART_IDS)
    def test_an_axes_passed_in_keeps_its_own_look(self, chart):
        _, ax = plt.subplots()  # matplotlib's default style, not seaborn's
        _draw(chart(ax))
        default = FontProperties(size=matplotlib.rcParams["axes.labelsize"]).get_size_in_points()
        assert ax.xaxis.label.get_fontsize() == default
        assert same_color(ax.get_facecolor(), matplotlib.rcParams["axes.facecolor"])

    def test_rejects_something_that_is_not_an_axes(self):
        with pytest.raises(DataError, match="ax must be a matplotlib Axes"):
            plots.pareto_curve([1, 2, 3], ax="left")

    def test_does_not_call_show(self, monkeypatch):
        def fail():
            raise AssertionError("plt.show() called")

        monkeypatch.setattr(plt, "show", fail)
        for chart in CHARTS:
            chart()


# --------------------------------------------------------------------------------------------
# pareto_curve
# --------------------------------------------------------------------------------------------

class TestParetoCurve:
    def test_curve_is_the_lorenz_table_from_origin_to_one_one(self, rfm):
        ax = plots.pareto_curve(rfm["monetary"])
        table = ck.lorenz_table(rfm["monetary"])
        curve = ax.lines[0].get_xydata()
        assert curve[0].tolist() == [0.0, 0.0]
        assert curve[-1].tolist() == [1.0, 1.0]
        np.testing.assert_array_equal(curve[1:, 0], table["customer_share"].to_numpy())
        np.testing.assert_array_equal(curve[1:, 1], table["value_share"].to_numpy())

    def test_equality_diagonal(self):
        ax = _pareto()
        assert ax.lines[1].get_xydata().tolist() == [[0.0, 0.0], [1.0, 1.0]]

    def test_curve_is_one_line_in_the_palette_colour_without_a_band(self):
        ax = _pareto()
        first, second = sns.color_palette("colorblind", 2)
        assert same_color(ax.lines[0].get_color(), first)
        marker = [line for line in ax.lines if line.get_marker() == "o"]
        assert same_color(marker[0].get_color(), second)
        # sns.lineplot draws a confidence band when it aggregates; the curve is the data itself
        assert not [c for c in ax.collections if isinstance(c, PolyCollection)]

    def test_marker_and_annotation_at_top(self):
        # top 30% of 5 customers = 1.5 customers: 50 + half of 30 = 65 of 100, by hand
        ax = plots.pareto_curve([5, 30, 50, 10, 5], top=0.3)
        assert _texts(ax) == ["top 30% → 65% of value"]
        marker = [line for line in ax.lines if line.get_marker() == "o"]
        assert len(marker) == 1
        np.testing.assert_allclose(marker[0].get_xydata(), [[0.3, 0.65]])

    def test_annotation_rounds_the_share_to_a_whole_percent(self):
        # top 20% of 3 customers = 0.6 of the largest: 0.6 * 70 / 100 = 42%
        ax = plots.pareto_curve([70, 20, 10])
        assert _texts(ax) == ["top 20% → 42% of value"]

    def test_gini_in_the_legend(self):
        ax = plots.pareto_curve([1, 2, 3, 4])  # Gini 0.25, see coursekit.gini's docstring
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any("Gini = 0.25" in text for text in legend)

    def test_axes_are_in_percent(self):
        ax = _pareto()
        assert ax.xaxis.get_major_formatter()(0.2, 0) == "20%"
        assert ax.yaxis.get_major_formatter()(0.8, 0) == "80%"
        assert "%" in ax.get_xlabel() and "%" in ax.get_ylabel()

    @pytest.mark.parametrize("values, message", [([1, -2, 3], "negative"), ([], "empty"),
                                                 ([0, 0], "sum to zero")],
                             ids=["negative", "empty", "zero-total"])
    def test_bad_values(self, values, message):
        with pytest.raises(DataError, match=message):
            plots.pareto_curve(values)

    def test_bad_top(self):
        with pytest.raises(DataError, match="top must be in"):
            plots.pareto_curve([1, 2, 3], top=20)


# --------------------------------------------------------------------------------------------
# rfm_heatmap
# --------------------------------------------------------------------------------------------

class TestRfmHeatmap:
    def test_mesh_is_the_pivot_of_mean_monetary_recent_on_top(self, rfm):
        ax = plots.rfm_heatmap(rfm)
        expected = np.full((5, 5), np.nan)
        for (r, f), group in rfm.groupby(["r_score", "f_score"]):
            expected[5 - r, f - 1] = group["monetary"].mean()  # row 0 is R = 5
        grid = _mesh(ax).get_array()
        assert grid.shape == (5, 5)  # the full grid, even where empty
        np.testing.assert_array_equal(np.ma.filled(grid.astype(float), np.nan), expected)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["5", "4", "3", "2", "1"]
        bottom, top = ax.get_ylim()
        assert bottom > top  # row 0 (R = 5, the most recent) is drawn at the top

    def test_cells_are_annotated_and_empty_cells_blank_and_grey(self):
        frame = pd.DataFrame({"r_score": [1, 3, 3], "f_score": [1, 2, 2],
                              "monetary": [12.25, 10.0, 20.0]})
        frame.attrs["bins"] = 3
        ax = plots.rfm_heatmap(frame)
        assert _cells(ax) == {("1", "1"): "12.2", ("3", "2"): "15.0"}  # (R, F): by hand
        mesh = _mesh(ax)
        empty = np.ma.getmaskarray(mesh.get_array()).ravel()
        assert empty.sum() == 7
        colours = mesh.get_facecolors()
        assert all(same_color(c, "#eeeeee") for c in colours[empty])
        assert not any(same_color(c, "#eeeeee") for c in colours[~empty])

    def test_colour_bar_names_the_statistic_and_spans_the_cells(self, rfm):
        ax = plots.rfm_heatmap(rfm)
        mesh = _mesh(ax)
        assert mesh.colorbar is not None and mesh.colorbar.ax in ax.figure.axes
        assert mesh.colorbar.ax.get_ylabel() == "mean monetary"
        means = rfm.groupby(["r_score", "f_score"])["monetary"].mean()
        assert mesh.get_clim() == (means.min(), means.max())
        plain = plots.rfm_heatmap(rfm, colorbar=False)
        assert _mesh(plain).colorbar is None and plain.figure.axes == [plain]

    def test_big_money_gets_thousands_separators(self):
        frame = pd.DataFrame({"r_score": [1, 2], "f_score": [1, 2], "monetary": [1234.4, 99.6]})
        assert sorted(_texts(plots.rfm_heatmap(frame))) == ["1,234", "100"]

    def test_axes_name_the_scores(self, rfm):
        ax = plots.rfm_heatmap(rfm)
        assert ax.get_ylabel().startswith("R score") and ax.get_xlabel().startswith("F score")
        assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "5"]

    def test_bins_from_the_rfm_table(self, shop):
        small = ck.rfm_table(shop, as_of="2024-04-01", bins=3)
        assert _mesh(plots.rfm_heatmap(small)).get_array().shape == (3, 3)

    def test_count_shows_customers(self, rfm):
        ax = plots.rfm_heatmap(rfm, agg="count")
        assert _mesh(ax).get_array().sum() == len(rfm)
        assert sum(int(t) for t in _texts(ax)) == len(rfm)
        assert _mesh(ax).colorbar.ax.get_ylabel() == "customers"

    def test_missing_column_is_named(self, rfm):
        with pytest.raises(DataError, match="Required column 'f_score' missing"):
            plots.rfm_heatmap(rfm.drop(columns="f_score"))

    def test_score_outside_the_scale(self):
        frame = pd.DataFrame({"r_score": [1, 7], "f_score": [1, 2], "monetary": [1.0, 2.0]})
        frame.attrs["bins"] = 5
        with pytest.raises(DataError, match="'r_score' must hold whole scores 1..5"):
            plots.rfm_heatmap(frame)

    def test_unknown_agg(self, rfm):
        with pytest.raises(DataError, match="agg must be one of"):
            plots.rfm_heatmap(rfm, agg="avg")


# --------------------------------------------------------------------------------------------
# tier_value_bars
# --------------------------------------------------------------------------------------------

@pytest.fixture
def tiered() -> pd.DataFrame:
    rfm = pd.DataFrame({"r_score": [5, 1, 3, 4, 2], "f_score": [5, 4, 1, 1, 2],
                        "m_score": [4, 5, 2, 1, 2], "monetary": [600.0, 250.0, 50.0, 80.0, 20.0]},
                       index=pd.Index(list("ABCDE"), name="customer_id"))
    return ck.assign_tiers(rfm, "value4")  # high-value, churning, general, potential, general


class TestTierValueBars:
    def test_heights_are_the_shares_in_scheme_order(self, tiered):
        summary = ck.tier_summary(tiered, "value4")
        ax = plots.tier_value_bars(summary)
        customers, value = ax.containers
        assert [t.get_text() for t in ax.get_xticklabels()] == ["high-value", "potential",
                                                               "general", "churning"]
        assert [b.get_height() for b in customers] == [0.2, 0.2, 0.4, 0.2]
        assert [b.get_height() for b in value] == [0.6, 0.08, 0.07, 0.25]  # of 1000, by hand

    def test_pairs_of_bars_around_each_tier_in_light_and_dark(self, tiered):
        ax = plots.tier_value_bars(tiered)
        customers, value = ax.containers
        np.testing.assert_allclose([b.get_x() + b.get_width() / 2 for b in customers],
                                   [-0.2, 0.8, 1.8, 2.8])  # left of tick 0..3
        np.testing.assert_allclose([b.get_x() + b.get_width() / 2 for b in value],
                                   [0.2, 1.2, 2.2, 3.2])  # right of it
        light, dark = sns.color_palette("Paired", 2)
        assert all(same_color(b.get_facecolor(), light) for b in customers)
        assert all(same_color(b.get_facecolor(), dark) for b in value)
        legend = ax.get_legend()
        assert [t.get_text().split(" (")[0] for t in legend.get_texts()] == [
            "share of customers", "share of value"]
        assert [same_color(h.get_facecolor(), c) for h, c in
                zip(legend.legend_handles, (light, dark))] == [True, True]
        assert legend.get_title().get_text() == ""  # not seaborn's "measure"

    def test_a_tiered_table_gives_the_same_bars(self, tiered):
        direct = plots.tier_value_bars(tiered)  # scheme from attrs["scheme"]
        via = plots.tier_value_bars(ck.tier_summary(tiered, "value4"))
        for a, b in zip(direct.containers, via.containers):
            assert [x.get_height() for x in a] == [x.get_height() for x in b]
        assert ([t.get_text() for t in direct.get_xticklabels()]
                == [t.get_text() for t in via.get_xticklabels()])

    def test_scheme_reorders_a_summary(self, tiered, monkeypatch):
        monkeypatch.setenv("COURSEKIT_CJK_FONT", "none")
        summary = ck.tier_summary(tiered)  # sorted by name
        ax = plots.tier_value_bars(summary, "value4")
        assert [t.get_text() for t in ax.get_xticklabels()][0] == "high-value"
        assert ax.containers[1][0].get_height() == 0.6

    def test_scheme_names_in_chinese_with_a_font(self, tiered, monkeypatch):
        monkeypatch.setattr(plots, "cjk_font", lambda: "Some CJK Sans")  # not drawn
        ax = plots.tier_value_bars(tiered, "value4")
        first = ax.get_xticklabels()[0]
        assert first.get_text() == "high-value\n高价值客户"
        assert first.get_fontfamily() == ["Some CJK Sans", "DejaVu Sans"]

    def test_labels_go_on_its_own_bars_on_a_busy_axes(self, tiered):
        _, ax = plt.subplots()
        ax.bar([0], [0.5], width=0.1, color="black")  # someone's bar, already there
        plots.tier_value_bars(tiered, ax=ax)
        assert len(ax.containers) == 3
        assert _texts(ax) == ["20%", "20%", "40%", "20%", "60%", "8%", "7%", "25%"]

    def test_tier_names_must_be_distinct(self):
        summary = pd.DataFrame({"customer_share": [0.5, 0.5], "value_share": [0.3, 0.7]},
                               index=pd.Index([1, "1"], dtype=object))
        with pytest.raises(DataError, match="distinct names"):
            plots.tier_value_bars(summary)

    def test_bars_are_labelled_in_percent(self, tiered):
        ax = plots.tier_value_bars(tiered)
        assert _texts(ax) == ["20%", "20%", "40%", "20%", "60%", "8%", "7%", "25%"]
        assert ax.yaxis.get_major_formatter()(0.5, 0) == "50%"

    def test_neither_summary_nor_tiered(self):
        with pytest.raises(DataError, match="'value_share'.*'tier'"):
            plots.tier_value_bars(pd.DataFrame({"customer_share": [1.0]}))

    def test_tiered_without_value_column(self, tiered):
        with pytest.raises(DataError, match="Required column 'monetary' missing"):
            plots.tier_value_bars(tiered.drop(columns="monetary"))

    def test_tier_not_in_scheme(self, tiered):
        with pytest.raises(DataError, match="not tiers of scheme 'abc'"):
            plots.tier_value_bars(tiered, "abc")


# --------------------------------------------------------------------------------------------
# value_matrix_scatter
# --------------------------------------------------------------------------------------------

@pytest.fixture
def matrix() -> pd.DataFrame:
    return pd.DataFrame({"monetary": [100.0, 300.0, 50.0, 20.0, 500.0],
                         "future_value": [80.0, 10.0, 90.0, 0.0, 200.0],
                         "tier": ["VIP", "maintain", "improve", "abandon", "VIP"]},
                        index=list("ABCDE"))


class TestValueMatrixScatter:
    def test_every_point_in_row_order_coloured_by_its_tier(self, matrix):
        ax = plots.value_matrix_scatter(matrix, scheme="value_matrix")
        (points,) = ax.collections  # one sns.scatterplot
        np.testing.assert_array_equal(points.get_offsets(),
                                      matrix[["monetary", "future_value"]].to_numpy())
        colours = sns.color_palette("colorblind", 4)  # VIP, maintain, improve, abandon
        np.testing.assert_allclose(points.get_facecolors()[:, :3],
                                   [colours[i] for i in (0, 1, 2, 3, 0)])  # rows A..E
        legend = ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == ["VIP", "maintain", "improve",
                                                              "abandon"]
        assert all(same_color(h.get_color(), c) for h, c in zip(legend.legend_handles, colours))
        assert legend.get_title().get_text().startswith("tier")

    def test_legend_in_scheme_order_after_a_join(self, matrix):
        # join() drops attrs["scheme"]; these tiers belong to one built-in scheme only
        ax = plots.value_matrix_scatter(matrix)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["VIP", "maintain",
                                                                      "improve", "abandon"]
        odd = plots.value_matrix_scatter(matrix.assign(tier=["b", "a", "b", "a", "c"]))
        assert [t.get_text() for t in odd.get_legend().get_texts()] == ["a", "b", "c"]

    def test_numbered_tiers_get_distinct_colours_not_a_colour_scale(self, matrix):
        ax = plots.value_matrix_scatter(matrix.assign(tier=[2, 0, 1, 0, 2]))
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "2"]
        colours = sns.color_palette("colorblind", 3)
        np.testing.assert_allclose(ax.collections[0].get_facecolors()[:, :3],
                                   [colours[i] for i in (2, 0, 1, 0, 2)])

    def test_quadrant_lines_default_to_the_medians(self, matrix):
        lines = _drawn_lines(plots.value_matrix_scatter(matrix))
        vertical = [ln.get_xdata()[0] for ln in lines if ln.get_xdata()[0] == ln.get_xdata()[1]]
        horizontal = [ln.get_ydata()[0] for ln in lines if ln.get_ydata()[0] == ln.get_ydata()[1]]
        assert vertical == [100.0] and horizontal == [80.0]  # medians, by hand

    def test_quadrant_lines_at_given_thresholds(self, matrix):
        ax = plots.value_matrix_scatter(matrix, current_threshold=250, future_threshold=50)
        lines = _drawn_lines(ax)
        assert sorted(ln.get_xdata()[0] for ln in lines) == [0.0, 250.0]
        assert sorted(ln.get_ydata()[0] for ln in lines) == [0.0, 50.0]
        assert set(_texts(ax)) == {"VIP", "maintain", "improve", "abandon"}

    def test_log_scale_keeps_zero_values(self, matrix):
        ax = plots.value_matrix_scatter(matrix, log=True)
        assert ax.get_xscale() == ax.get_yscale() == "symlog"
        assert sum(len(c.get_offsets()) for c in ax.collections) == len(matrix)
        low, high = ax.get_xlim()
        assert low > -1 and high >= 500  # the threshold lines do not stretch the axis

    def test_without_tiers(self, matrix):
        ax = plots.value_matrix_scatter(matrix.drop(columns="tier"), tier_col=None)
        (points,) = ax.collections
        assert points.get_label() == "customers" and ax.get_legend() is None
        assert len(points.get_offsets()) == len(matrix)
        assert all(same_color(c[:3], sns.color_palette("colorblind")[0])
                   for c in points.get_facecolors())

    def test_missing_future_column_is_named(self, matrix):
        with pytest.raises(DataError, match="Required column 'future_value' missing"):
            plots.value_matrix_scatter(matrix.drop(columns="future_value"))

    def test_non_numeric_value(self, matrix):
        matrix["monetary"] = matrix["monetary"].astype(object)
        matrix.loc["B", "monetary"] = "300"
        with pytest.raises(DataError, match="'monetary' must be numeric"):
            plots.value_matrix_scatter(matrix)


# --------------------------------------------------------------------------------------------
# migration_heatmap
# --------------------------------------------------------------------------------------------

@pytest.fixture
def snapshots():
    before = pd.DataFrame({"tier": ["high", "high", "high", "low", "low"]}, index=[1, 2, 3, 4, 5])
    after = pd.DataFrame({"tier": ["high", "high", "low", "low"]}, index=[1, 2, 3, 4])
    return before, after  # high: 2 stay, 1 falls; low: 1 stays, 1 gone; nobody new


class TestMigrationHeatmap:
    def test_cell_texts_are_the_row_shares(self, snapshots):
        ax = plots.migration_heatmap(ck.transition_matrix(*snapshots))
        # rows high, low, (new); columns high, low, (gone); by hand
        assert _texts(ax) == ["67%", "33%", "0%",
                              "0%", "50%", "50%",
                              "–", "–", "–"]  # no new customers: no shares

    def test_each_text_sits_in_its_cell(self, snapshots):
        cells = _cells(plots.migration_heatmap(ck.transition_matrix(*snapshots)))
        assert cells[("high (n=3)", "high")] == "67%"
        assert cells[("high (n=3)", "low")] == "33%"
        assert cells[("low (n=2)", "(gone)")] == "50%"
        assert len(cells) == 9

    def test_mesh_is_the_shares_matrix_on_a_fixed_scale(self, snapshots):
        counts, shares = ck.transition_matrix(*snapshots)
        ax = plots.migration_heatmap((counts, shares))
        mesh = _mesh(ax)
        np.testing.assert_array_equal(mesh.get_array(), shares.to_numpy())
        assert mesh.get_clim() == (0, 1)
        bar = mesh.colorbar
        assert bar.ax.get_ylabel() == "share of the tier's customers before (%)"
        assert bar.formatter(0.5) == "50%"
        assert _mesh(plots.migration_heatmap(counts, colorbar=False)).colorbar is None

    def test_counts_or_shares_alone_give_the_same_picture(self, snapshots):
        counts, shares = ck.transition_matrix(*snapshots)
        from_counts = plots.migration_heatmap(counts)
        from_shares = plots.migration_heatmap(shares)
        np.testing.assert_allclose(_mesh(from_counts).get_array(), shares.to_numpy())
        assert _texts(from_counts) == _texts(from_shares)

    def test_labels_name_tiers_and_row_sizes(self, snapshots):
        ax = plots.migration_heatmap(ck.transition_matrix(*snapshots))
        assert [t.get_text() for t in ax.get_yticklabels()] == ["high (n=3)", "low (n=2)",
                                                               "(new) (n=0)"]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["high", "low", "(gone)"]
        # the two "stayed" cells are outlined: high -> high (row 0, column 0), low -> low
        assert [(p.get_x(), p.get_y(), p.get_width(), p.get_height()) for p in ax.patches] == [
            (0, 0, 1, 1), (1, 1, 1, 1)]

    def test_neither_counts_nor_shares(self):
        odd = pd.DataFrame([[0.5, 0.2], [0.1, 0.9]], index=["a", "b"], columns=["a", "b"])
        with pytest.raises(DataError, match=r"rows \['a'\] sum to \[0.7\]"):
            plots.migration_heatmap(odd)

    def test_not_a_frame(self):
        with pytest.raises(DataError, match="counts_or_shares must be"):
            plots.migration_heatmap([[1, 2], [3, 4]])


# --------------------------------------------------------------------------------------------
# cluster_profiles
# --------------------------------------------------------------------------------------------

class TestClusterProfiles:
    def test_image_is_the_mean_z_score_per_cluster(self):
        features = pd.DataFrame({"L": [1.0, 2.0, 3.0, 6.0], "M": [4.0, 4.0, 4.0, 4.0],
                                 "F": [10.0, 0.0, 10.0, 0.0]})
        ax = plots.cluster_profiles(features, ["b", "a", "b", "a"])
        # L: mean 3, population std sqrt(3.5); M constant -> 0; F: mean 5, std 5 -> ±1
        s = np.sqrt(3.5)
        expected = [[((2 - 3) / s + (6 - 3) / s) / 2, 0.0, -1.0],   # cluster a: rows 2, 4
                    [((1 - 3) / s + (3 - 3) / s) / 2, 0.0, 1.0]]    # cluster b: rows 1, 3
        np.testing.assert_allclose(_mesh(ax).get_array(), expected)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["L", "M", "F"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["cluster a (n=2)", "cluster b (n=2)"]
        assert _texts(ax)[:3] == ["+0.5", "+0.0", "−1.0"]  # (−1 + 3) / 2 / 1.87 = 0.53

    def test_standardised_input_gives_the_same_profile(self):
        rng = np.random.default_rng(3)
        raw = pd.DataFrame(rng.normal(50, 10, size=(30, 3)), columns=list("RFM"))
        labels = rng.integers(0, 3, 30)
        scaled = (raw - raw.mean()) / raw.std(ddof=0)
        a = _mesh(plots.cluster_profiles(raw, labels)).get_array()
        b = _mesh(plots.cluster_profiles(scaled, labels)).get_array()
        np.testing.assert_allclose(a, b, atol=1e-12)

    def test_colours_centred_on_zero(self):
        ax = _clusters()
        low, high = _mesh(ax).get_clim()
        assert low == -high == -np.abs(_mesh(ax).get_array()).max()
        assert _mesh(ax).colorbar.ax.get_ylabel() == "mean z-score (SD from average)"

    def test_clusters_that_do_not_differ_stay_pale(self):
        features = pd.DataFrame({"R": [0.0, 1.0, 0.0, 1.0]})
        ax = plots.cluster_profiles(features, [0, 0, 1, 1], colorbar=False)
        np.testing.assert_array_equal(_mesh(ax).get_array(), [[0.0], [0.0]])  # both average
        assert _mesh(ax).get_clim() == (-0.5, 0.5)  # the scale never shrinks below ±0.5
        assert _mesh(ax).colorbar is None and ax.figure.axes == [ax]

    def test_series_labels_must_share_the_index(self):
        features = pd.DataFrame({"R": [1.0, 2.0]}, index=[10, 11])
        with pytest.raises(DataError, match="index differs"):
            plots.cluster_profiles(features, pd.Series([0, 1], index=[0, 1]))

    def test_wrong_number_of_labels(self):
        with pytest.raises(DataError, match=r"one cluster per row of features \(2 rows\), got 3"):
            plots.cluster_profiles(pd.DataFrame({"R": [1.0, 2.0]}), [0, 1, 1])

    def test_non_numeric_feature(self):
        features = pd.DataFrame({"R": [1.0, 2.0], "city": ["北京", "上海"]})
        with pytest.raises(DataError, match="'city' must be numeric"):
            plots.cluster_profiles(features, [0, 1])


# --------------------------------------------------------------------------------------------
# uplift_plot
# --------------------------------------------------------------------------------------------

def _segment(container) -> np.ndarray:
    return container.lines[2][0].get_segments()[0]


class TestUpliftPlot:
    def test_axis_label_says_which_estimate(self):
        rel = plots.uplift_plot({"uplift": 0.1, "ci_low": -0.05, "ci_high": 0.25})
        assert rel.get_xlabel().startswith("Relative uplift = treatment ÷ control − 1")
        diff = plots.uplift_plot({"diff": 3.0, "ci_low": 1.0, "ci_high": 5.0}, percent=False)
        assert diff.get_xlabel() == "Difference, treatment − control (units of the outcome), with confidence interval"

    def test_error_bar_spans_the_interval(self):
        ax = plots.uplift_plot({"diff": 0.04, "ci_low": -0.02, "ci_high": 0.1})
        (container,) = ax.containers
        np.testing.assert_allclose(_segment(container), [[-0.02, 0.0], [0.1, 0.0]])
        np.testing.assert_allclose(container.lines[0].get_xydata(), [[0.04, 0.0]])
        assert _texts(ax) == ["+4.0% [-2.0%, +10.0%]"]

    def test_zero_line_and_reference_line(self):
        ax = plots.uplift_plot({"uplift": 0.12, "ci_low": 0.02, "ci_high": 0.22}, reference=0.15)
        verticals = {ln.get_xdata()[0]: ln for ln in ax.lines
                     if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]}
        assert set(verticals) == {0.0, 0.15}
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "claimed +15%" in legend and "CI excludes 0" in legend

    def test_one_row_per_tier_top_to_bottom(self):
        result = pd.DataFrame({"uplift": [0.1, -0.02], "ci_low": [0.05, -0.08],
                               "ci_high": [0.15, 0.04]}, index=["high-value", "general"])
        ax = plots.uplift_plot(result)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["high-value", "general"]
        np.testing.assert_allclose(_segment(ax.containers[1]), [[-0.08, 1.0], [0.04, 1.0]])
        bottom, top = ax.get_ylim()
        assert bottom > top  # first row drawn at the top

    def test_caps_sit_at_the_interval_ends(self):
        ax = plots.uplift_plot({"uplift": 0.12, "ci_low": 0.02, "ci_high": 0.22})
        (container,) = ax.containers
        caps = sorted(float(cap.get_xdata()[0]) for cap in container.lines[1])
        assert caps == pytest.approx([0.02, 0.22])

    def test_interval_through_zero_is_grey(self):
        ax = _uplift()
        assert ax.containers[0].lines[0].get_color() == "grey"

    def test_interval_clear_of_zero_in_the_palette_colour(self):
        ax = plots.uplift_plot({"uplift": 0.12, "ci_low": 0.02, "ci_high": 0.22})
        (container,) = ax.containers
        blue = sns.color_palette("colorblind")[0]
        assert same_color(container.lines[0].get_color(), blue)
        assert same_color(container.lines[2][0].get_color()[0], blue)

    def test_money_differences(self):
        ax = plots.uplift_plot({"diff": 12.5, "ci_low": 2.0, "ci_high": 23.0}, percent=False)
        assert _texts(ax) == ["+12.50 [+2.00, +23.00]"]
        assert "%" not in ax.get_xlabel()

    def test_label_column(self):
        result = pd.DataFrame({"tier": ["A", "B"], "diff": [0.1, 0.2], "ci_low": [0.0, 0.1],
                               "ci_high": [0.2, 0.3]})
        ax = plots.uplift_plot(result, label_col="tier")
        assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]

    def test_missing_interval_column_is_named(self):
        with pytest.raises(DataError, match="Required column 'ci_high' missing"):
            plots.uplift_plot({"diff": 0.1, "ci_low": 0.0})

    def test_no_estimate(self):
        with pytest.raises(DataError, match="Required column 'diff' missing"):
            plots.uplift_plot({"ci_low": 0.0, "ci_high": 0.2})

    def test_both_estimates_is_ambiguous(self):
        with pytest.raises(DataError, match="both 'uplift' and 'diff'"):
            plots.uplift_plot({"diff": 5.0, "uplift": 0.1, "ci_low": 0.0, "ci_high": 0.2})

    def test_estimate_outside_its_interval(self):
        with pytest.raises(DataError, match="ci_low <= diff <= ci_high"):
            plots.uplift_plot({"diff": 0.3, "ci_low": 0.0, "ci_high": 0.2})


# --------------------------------------------------------------------------------------------
# Chinese text: bilingual only with a real CJK font
# --------------------------------------------------------------------------------------------

class TestChineseFont:
    def test_a_chosen_font_really_has_the_glyphs(self):
        font = plots.cjk_font()
        if font is None:
            pytest.skip("no CJK font installed: charts are English only")
        path = font_manager.findfont(font, fallback_to_default=False)
        assert plots._has_glyphs(path, "客户分层")

    def test_placeholder_fonts_do_not_count(self):
        last_resort = [f for f in font_manager.fontManager.ttflist if "Last Resort" in f.name]
        if not last_resort:
            pytest.skip("matplotlib without its Last Resort font")
        assert not plots._has_glyphs(last_resort[0].fname, "客户分层")

    def test_english_only_without_a_font(self, monkeypatch):
        monkeypatch.setenv("COURSEKIT_CJK_FONT", "none")
        assert plots.cjk_font() is None
        ax = _draw(_pareto())
        assert ax.get_title() == "Pareto curve"
        assert not any(plots._has_cjk(t.get_text()) for t in ax.findobj(matplotlib.text.Text))

    def test_bilingual_titles_with_a_font(self, monkeypatch):
        monkeypatch.setattr(plots, "cjk_font", lambda: "Some CJK Sans")  # not drawn: no font needed
        ax = _pareto()
        assert ax.get_title() == "Pareto curve (帕累托曲线)"
        assert ax.title.get_fontfamily() == ["Some CJK Sans", "DejaVu Sans"]
        assert ax.xaxis.label.get_fontfamily() != ["Some CJK Sans", "DejaVu Sans"]  # English only

    def test_unknown_requested_font(self, monkeypatch):
        monkeypatch.setenv("COURSEKIT_CJK_FONT", "No Such Font 123")
        assert plots.cjk_font() is None
