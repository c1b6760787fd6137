"""coursekit.clv: BG/NBD and Gamma-Gamma reproduce the published CDNOW numbers; hand-computed fixtures.

Reference values:
- Fader, Hardie & Lee (2005), "Counting your customers" the easy way, Marketing Science 24(2):
  BG/NBD on the CDNOW sample (2,357 customers, 39 weeks): r = 0.243, alpha = 4.414, a = 0.793,
  b = 2.426, log-likelihood -9582.4.
- Fader & Hardie (2013), The Gamma-Gamma model of monetary value (brucehardie.com/notes/025):
  946 repeat buyers of the same sample: p = 6.25, q = 3.74, gamma (our v) = 15.44.
"""

from __future__ import annotations

import hashlib
import math
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from scipy.special import hyp2f1  # noqa: E402

from coursekit import CoursekitWarning, DataError  # noqa: E402
from coursekit.clv import (  # noqa: E402
    BGNBDModel,
    GammaGammaModel,
    calibration_holdout,
    fit_bg_nbd,
    fit_gamma_gamma,
    holdout_comparison,
    holdout_plot,
    simulate_summary,
    summary_from_transactions,
)
from coursekit.datasets import load_cdnow  # noqa: E402

CDNOW = Path(__file__).resolve().parent.parent / "datasets" / "cdnow"
PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cdnow_tx() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the shipped file loads without dropping anything
        return load_cdnow(CDNOW / "CDNOW_sample.txt").data


@pytest.fixture(scope="module")
def cdnow_summary(cdnow_tx) -> pd.DataFrame:
    return summary_from_transactions(cdnow_tx, observation_end="1997-09-30", time_unit="W")


@pytest.fixture(scope="module")
def published_summary() -> pd.DataFrame:
    """lifetimes' copy of the published summary, in coursekit's column names, indexed by sample id."""
    raw = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    return pd.DataFrame({"frequency": raw["x"].to_numpy(), "recency": raw["t_x"].to_numpy(),
                         "T": raw["T"].to_numpy(), "monetary_value": raw["zbar"].to_numpy()},
                        index=pd.Index(raw["ID"].to_numpy(), name="sample_id"))


@pytest.fixture(scope="module")
def cdnow_bg(cdnow_summary) -> BGNBDModel:
    return fit_bg_nbd(cdnow_summary)


@pytest.fixture(scope="module")
def cdnow_gg(cdnow_summary) -> GammaGammaModel:
    return fit_gamma_gamma(cdnow_summary)


@pytest.fixture
def shop() -> pd.DataFrame:
    """Seven customers, computed by hand below (observation end 2024-03-25, a Monday).

    C1  2024-01-01 10.00 | 01-15 20.00 | 02-12 30.00 | 03-11 40.00
    C2  02-05 50.00 (bought once)
    C3  01-08 5.00 + 7.00 (two rows, one purchase) | 01-22 3.00 + 01-22 14:35 4.00 (one purchase)
    C4  01-29 40.00 | 02-26 -40.00 (a return: not a purchase)
    C5  03-04 8.00 | 04-01 9.00 (after the observation end)
    C6  04-08 11.00 (first purchase after the observation end: not in the summary)
    C7  02-19 0.00 (zero-value: a purchase) | 03-18 12.50 | 03-25 0.00 (on the observation end)
    """
    rows = [
        ("C1", "2024-01-01", 10.0), ("C1", "2024-01-15", 20.0), ("C1", "2024-02-12", 30.0),
        ("C1", "2024-03-11", 40.0), ("C2", "2024-02-05", 50.0), ("C3", "2024-01-08", 5.0),
        ("C3", "2024-01-08", 7.0), ("C3", "2024-01-22", 3.0), ("C3", "2024-01-22 14:35", 4.0),
        ("C4", "2024-01-29", 40.0), ("C4", "2024-02-26", -40.0), ("C5", "2024-03-04", 8.0),
        ("C5", "2024-04-01", 9.0), ("C6", "2024-04-08", 11.0), ("C7", "2024-02-19", 0.0),
        ("C7", "2024-03-18", 12.5), ("C7", "2024-03-25", 0.0),
    ]
    ids, dates, amounts = zip(*rows)
    return pd.DataFrame({"customer_id": list(ids), "order_date": pd.to_datetime(list(dates), format="ISO8601"),
                         "amount": list(amounts)})


def _paper_log_likelihood(params: dict, x: int, t_x: float, T: float) -> float:
    """The BG/NBD likelihood as printed in Fader, Hardie & Lee (2005), written with B(a + 1, b + x - 1) and math.lgamma only."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))

    def beta(u, v):
        return math.exp(math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v))

    nbd = math.exp(math.lgamma(r + x) - math.lgamma(r)) * alpha ** r
    likelihood = beta(a, b + x) / beta(a, b) * nbd / (alpha + T) ** (r + x)
    if x > 0:
        likelihood += beta(a + 1, b + x - 1) / beta(a, b) * nbd / (alpha + t_x) ** (r + x)
    return math.log(likelihood)


def _paper_expected(params: dict, t: float, x: int, t_x: float, T: float) -> float:
    """E[Y(t) | x, t_x, T] as printed in the paper, with scipy's hyp2f1 as it stands."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
    alive = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return (a + b + x - 1) / (a - 1) * bracket / alive


# --------------------------------------------------------------------------------------------
# the shipped reference data
# --------------------------------------------------------------------------------------------

class TestReferenceData:
    def test_every_file_has_the_sha256_stated_in_the_readme(self):
        readme = (CDNOW / "README.md").read_text(encoding="utf-8")
        stated = dict(re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([0-9a-f]{64})` \|$", readme, flags=re.M))
        shipped = sorted(p.name for p in CDNOW.iterdir() if p.name not in ("README.md", ".gitattributes"))
        assert sorted(stated) == shipped
        for name, digest in stated.items():
            assert hashlib.sha256((CDNOW / name).read_bytes()).hexdigest() == digest, f"{name} changed"

    def test_readme_states_source_version_and_licence(self):
        readme = (CDNOW / "README.md").read_text(encoding="utf-8")
        for needle in ("lifetimes 0.11.3", "lifetimes/datasets/CDNOW_sample.txt", "MIT", "Fader", "Hardie"):
            assert needle in readme
        assert "Permission is hereby granted" in (CDNOW / "LICENSE.txt").read_text(encoding="utf-8")

    def test_sample_holds_2357_customers_first_buying_in_q1_1997(self, cdnow_tx):
        assert len(cdnow_tx) == 6919
        assert cdnow_tx["customer_id"].nunique() == 2357
        first = cdnow_tx.groupby("customer_id")["order_date"].min()
        assert first.max() <= pd.Timestamp("1997-03-31")
        assert cdnow_tx["order_date"].max() == pd.Timestamp("1998-06-30")


# --------------------------------------------------------------------------------------------
# summary_from_transactions / calibration_holdout
# --------------------------------------------------------------------------------------------

class TestSummary:
    def test_hand_computed_summary_in_weeks(self, shop):
        with pytest.warns(CoursekitWarning, match=r"left out 1 return row\(s\) \(negative 'amount'\)"):
            result = summary_from_transactions(shop, observation_end="2024-03-25")
        expected = pd.DataFrame(
            {
                "frequency": np.array([3, 0, 1, 0, 0, 2], dtype=np.int64),
                "recency": [10.0, 0.0, 2.0, 0.0, 0.0, 5.0],
                "T": [12.0, 7.0, 11.0, 8.0, 3.0, 5.0],
                "monetary_value": [30.0, 0.0, 7.0, 0.0, 0.0, 6.25],
            },
            index=pd.Index(["C1", "C2", "C3", "C4", "C5", "C7"], name="customer_id"),
        )
        pd.testing.assert_frame_equal(result, expected, check_index_type=False)
        assert result.attrs == {"time_unit": "W", "observation_end": pd.Timestamp("2024-03-25")}

    def test_days_are_seven_times_weeks(self, shop):
        with pytest.warns(CoursekitWarning):
            weeks = summary_from_transactions(shop, observation_end="2024-03-25")
            days = summary_from_transactions(shop, observation_end="2024-03-25", time_unit="D")
        assert days["recency"].tolist() == [70.0, 0.0, 14.0, 0.0, 0.0, 35.0]
        assert days["T"].tolist() == [84.0, 49.0, 77.0, 56.0, 21.0, 35.0]
        pd.testing.assert_series_equal(days["T"] / 7, weeks["T"])
        assert days.attrs["time_unit"] == "D"

    def test_default_observation_end_is_the_latest_purchase(self, shop):
        with pytest.warns(CoursekitWarning):
            result = summary_from_transactions(shop)
        assert result.attrs["observation_end"] == pd.Timestamp("2024-04-08")
        assert result.loc["C6"].tolist() == [0, 0.0, 0.0, 0.0]
        assert result.loc["C5", "frequency"] == 1

    def test_without_amounts_there_is_no_monetary_value(self, shop):
        purchases = shop[shop["amount"] >= 0].drop(columns="amount")
        result = summary_from_transactions(purchases, amount_col=None, observation_end="2024-03-25")
        assert list(result.columns) == ["frequency", "recency", "T"]
        # without amounts the return row of C4 is a purchase day like any other
        assert result.loc["C1", "frequency"] == 3

    def test_input_is_not_changed(self, shop):
        before = shop.copy()
        with pytest.warns(CoursekitWarning):
            summary_from_transactions(shop, observation_end="2024-03-25")
        pd.testing.assert_frame_equal(shop, before)

    def test_cdnow_summary_matches_the_published_summary(self, cdnow_tx, cdnow_summary, published_summary):
        ids = cdnow_tx.drop_duplicates("customer_id").set_index("customer_id")["sample_id"].astype(int)
        ours = cdnow_summary.set_index(pd.Index(ids.loc[cdnow_summary.index].to_numpy(), name="sample_id"))
        ours = ours.loc[published_summary.index]
        assert len(ours) == 2357
        assert (ours["frequency"] == published_summary["frequency"]).all()
        assert (ours["recency"].round(2) == published_summary["recency"]).all()
        assert (ours["T"].round(2) == published_summary["T"]).all()
        gap = (ours["monetary_value"] - published_summary["monetary_value"]).abs()
        assert gap.max() <= 0.005 + 1e-9  # the file rounds to cents, halves up
        assert int((ours["frequency"] > 0).sum()) == 946
        assert cdnow_summary.attrs["observation_end"] == pd.Timestamp("1997-09-30")

    def test_hand_computed_calibration_holdout(self, shop):
        with pytest.warns(CoursekitWarning, match="return"):
            result = calibration_holdout(shop, calibration_end="2024-02-26", holdout_end="2024-03-25")
        expected = pd.DataFrame(
            {
                "frequency": np.array([2, 0, 1, 0, 0], dtype=np.int64),
                "recency": [6.0, 0.0, 2.0, 0.0, 0.0],
                "T": [8.0, 3.0, 7.0, 4.0, 1.0],
                "monetary_value": [25.0, 0.0, 7.0, 0.0, 0.0],
                "holdout_purchases": np.array([1, 0, 0, 0, 2], dtype=np.int64),
                "holdout_spend": [40.0, 0.0, 0.0, 0.0, 12.5],
                "holdout_length": [4.0] * 5,
            },
            index=pd.Index(["C1", "C2", "C3", "C4", "C7"], name="customer_id"),
        )
        pd.testing.assert_frame_equal(result, expected, check_index_type=False)
        assert result.attrs["holdout_end"] == pd.Timestamp("2024-03-25")

    def test_cdnow_calibration_holdout(self, cdnow_tx, cdnow_summary):
        data = calibration_holdout(cdnow_tx, calibration_end="1997-09-30", holdout_end="1998-06-30")
        pd.testing.assert_frame_equal(data[list(cdnow_summary.columns)], cdnow_summary)
        assert data["holdout_length"].eq(39.0).all()
        assert int(data["holdout_purchases"].sum()) == 1882

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"customer_col": "client"}, r"Required column 'client' missing from transactions"),
            ({"time_unit": "M"}, r"time_unit must be 'W' \(weeks of 7 days\) or 'D' \(days\), got 'M'"),
            ({"observation_end": "2023-12-31"}, r"no purchase on or before observation_end 2023-12-31"),
            ({"observation_end": "someday"}, r"observation_end = 'someday' is not a date"),
        ],
        ids=["missing-column", "unknown-time-unit", "observation-end-too-early", "observation-end-not-a-date"],
    )
    def test_bad_arguments(self, shop, kwargs, match):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CoursekitWarning)
            with pytest.raises(DataError, match=match):
                summary_from_transactions(shop, **kwargs)

    def test_missing_date_is_named(self, shop):
        shop = shop.astype({"order_date": object})
        shop.loc[4, "order_date"] = None
        with pytest.raises(DataError, match=r"column 'order_date' has missing dates at 1 row: row 4"):
            summary_from_transactions(shop)

    def test_holdout_must_follow_calibration(self, shop):
        with pytest.raises(DataError, match=r"holdout_end 2024-02-01 must be after calibration_end 2024-02-26"):
            calibration_holdout(shop, calibration_end="2024-02-26", holdout_end="2024-02-01")


# --------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------

class TestBGNBD:
    def test_bg_nbd_reproduces_fader_hardie_lee_2005(self, cdnow_bg):
        assert {k: round(v, 3) for k, v in cdnow_bg.params.items()} == PUBLISHED_BG
        assert round(cdnow_bg.log_likelihood, 1) == -9582.4
        assert cdnow_bg.n_customers == 2357
        assert cdnow_bg.time_unit == "W"

    def test_published_summary_file_gives_the_same_parameters(self, published_summary):
        model = fit_bg_nbd(published_summary, time_unit="W")
        assert {k: round(v, 3) for k, v in model.params.items()} == PUBLISHED_BG

    def test_days_give_the_same_model_with_alpha_times_seven(self, cdnow_tx, cdnow_bg):
        days = summary_from_transactions(cdnow_tx, observation_end="1997-09-30", time_unit="D")
        model = fit_bg_nbd(days)
        for name in ("r", "a", "b"):
            assert model.params[name] == pytest.approx(cdnow_bg.params[name], rel=1e-5)
        assert model.params["alpha"] == pytest.approx(7 * cdnow_bg.params["alpha"], rel=1e-5)

    @pytest.mark.parametrize(("x", "t_x", "T"), [(2, 30.43, 38.86), (0, 0.0, 38.86), (14, 35.0, 36.5)],
                             ids=["repeat-buyer", "one-time-buyer", "heavy-buyer"])
    def test_log_likelihood_matches_the_paper_formula(self, x, t_x, T):
        model = BGNBDModel(PUBLISHED_BG)
        summary = pd.DataFrame({"frequency": [x], "recency": [t_x], "T": [T]})
        assert model.customer_log_likelihood(summary).iloc[0] == pytest.approx(
            _paper_log_likelihood(PUBLISHED_BG, x, t_x, T), rel=1e-12)

    def test_fit_is_the_maximum_of_the_summed_likelihood(self, cdnow_summary, cdnow_bg):
        total = cdnow_bg.customer_log_likelihood(cdnow_summary).sum()
        assert total == pytest.approx(cdnow_bg.log_likelihood, rel=1e-12)
        for name in PUBLISHED_BG:
            for factor in (0.99, 1.01):
                moved = BGNBDModel({**cdnow_bg.params, name: cdnow_bg.params[name] * factor})
                assert moved.customer_log_likelihood(cdnow_summary).sum() < total

    def test_gradient_used_by_the_optimiser_is_exact(self, cdnow_summary):
        from scipy.optimize import approx_fprime

        from coursekit.clv.bg_nbd import _objective

        x, t_x, T = (cdnow_summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        f = _objective(x, t_x, T, np.ones(len(x)))
        theta = np.log([0.5, 3.0, 1.2, 2.0])
        numeric = approx_fprime(theta, lambda th: f(th)[0], 1e-7)
        np.testing.assert_allclose(f(theta)[1], numeric, rtol=1e-5, atol=1e-7)

    def test_p_alive_is_one_for_frequency_zero(self, cdnow_summary, cdnow_bg):
        alive = cdnow_bg.p_alive(cdnow_summary)
        assert (alive[cdnow_summary["frequency"] == 0] == 1.0).all()
        assert ((alive > 0) & (alive <= 1)).all()

    def test_p_alive_hand_formula_and_silence(self):
        model = BGNBDModel(PUBLISHED_BG)
        summary = pd.DataFrame({"frequency": [2, 2, 2], "recency": [38.0, 20.0, 5.0], "T": [38.86] * 3})
        alive = model.p_alive(summary)
        r, alpha, a, b = PUBLISHED_BG.values()
        hand = 1 / (1 + a / (b + 2 - 1) * ((alpha + 38.86) / (alpha + 20.0)) ** (r + 2))
        assert alive.iloc[1] == pytest.approx(hand, rel=1e-12)
        assert alive.is_monotonic_decreasing  # the longer the silence, the lower

    def test_expected_purchases_grow_with_t_from_zero(self, cdnow_summary, cdnow_bg):
        sample = cdnow_summary.iloc[::50]
        previous = cdnow_bg.expected_purchases(sample, 0)
        assert (previous == 0).all()
        for t in (1, 4, 13, 39, 52, 104, 520):
            current = cdnow_bg.expected_purchases(sample, t)
            assert (current > previous).all()
            previous = current

    @pytest.mark.parametrize(("t", "x", "t_x", "T"),
                             [(39, 0, 0.0, 38.86), (39, 2, 30.43, 38.86), (10, 7, 35.0, 38.0),
                              (104, 1, 1.71, 32.0), (52, 20, 37.0, 38.5)])
    def test_expected_purchases_match_the_paper_formula(self, t, x, t_x, T):
        model = BGNBDModel(PUBLISHED_BG)
        summary = pd.DataFrame({"frequency": [x], "recency": [t_x], "T": [T]})
        assert model.expected_purchases(summary, t).iloc[0] == pytest.approx(
            _paper_expected(PUBLISHED_BG, t, x, t_x, T), rel=1e-9)

    def test_expected_purchases_stay_finite_for_heavy_buyers_and_long_horizons(self):
        model = BGNBDModel(PUBLISHED_BG, time_unit="W")
        summary = pd.DataFrame({"frequency": [100, 500, 5000], "recency": [38.0] * 3, "T": [38.86] * 3})
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no RuntimeWarning from the hypergeometric function
            far = model.expected_purchases(summary, 2000)
        assert np.isfinite(far).all() and (far > model.expected_purchases(summary, 200)).all()

    def test_new_customer_expectation_equals_conditional_at_age_zero(self):
        model = BGNBDModel(PUBLISHED_BG)
        new = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
        for t in (5.0, 39.0, 78.0):
            assert model.expected_purchases_new(t) == pytest.approx(
                model.expected_purchases(new, t).iloc[0], rel=1e-12)
        assert model.expected_purchases_new(0) == 0.0

    def test_a_near_one_has_no_division_by_zero(self):
        summary = pd.DataFrame({"frequency": [0, 3], "recency": [0.0, 20.0], "T": [30.0, 30.0]})
        at_one = BGNBDModel({**PUBLISHED_BG, "a": 1.0}).expected_purchases(summary, 20)
        near = BGNBDModel({**PUBLISHED_BG, "a": 1.001}).expected_purchases(summary, 20)
        assert np.allclose(at_one, near, rtol=1e-3)

    def test_simulated_customers_give_back_their_parameters(self):
        truth = {"r": 0.5, "alpha": 6.0, "a": 1.2, "b": 3.0}
        model = fit_bg_nbd(simulate_summary(truth, n_customers=20000, T=52, seed=11))
        for name, value in truth.items():
            assert model.params[name] == pytest.approx(value, rel=0.15), name

    def test_non_convergence_is_an_error_with_the_last_values(self, cdnow_summary):
        with pytest.raises(DataError, match=r"the BG/NBD fit did not converge after 1 iteration\(s\).*last values r="):
            fit_bg_nbd(cdnow_summary, max_iterations=1)

    def test_parameter_driven_to_an_extreme_warns(self):
        summary = pd.DataFrame({"frequency": [5] * 50 + [0] * 50, "recency": [30.0] * 50 + [0.0] * 50,
                                "T": [39.0] * 100})
        with pytest.warns(CoursekitWarning, match=r"the BG/NBD fit drove a, b to an extreme value"):
            fit_bg_nbd(summary, time_unit="W")

    def test_time_unit_contradicting_the_summary_is_refused(self, cdnow_summary):
        with pytest.raises(DataError, match=r"time_unit='D' but the summary is in weeks"):
            fit_bg_nbd(cdnow_summary, time_unit="D")

    def test_summary_in_another_time_unit_is_refused(self, cdnow_bg, shop):
        with pytest.warns(CoursekitWarning):
            days = summary_from_transactions(shop, time_unit="D")
        with pytest.raises(DataError, match=r"the summary is in days but the model was fitted in weeks"):
            cdnow_bg.p_alive(days)

    @pytest.mark.parametrize(
        ("change", "match"),
        [
            (lambda s: s.drop(columns="recency"), r"Required column 'recency' missing from summary"),
            (lambda s: s.assign(T=[38.0, np.nan, 38.0]), r"summary column 'T' has missing \(NaN\) values at 1 row"),
            (lambda s: s.assign(recency=[np.inf, 0.0, 1.0]), r"summary column 'recency' has infinite values"),
            (lambda s: s.assign(frequency=[-1, 0, 1]), r"'frequency' must be a whole number >= 0.*row 'a'"),
            (lambda s: s.assign(frequency=[2.5, 0, 1]), r"'frequency' must be a whole number >= 0"),
            (lambda s: s.assign(recency=[-2.0, 0.0, 1.0], frequency=[0, 0, 1]), r"'recency' must be >= 0"),
            (lambda s: s.assign(T=[-1.0, 38.0, 38.0]), r"'T' must be >= 0"),
            (lambda s: s.assign(recency=[40.0, 0.0, 1.0]), r"'recency' must not exceed 'T'.*row 'a'"),
            (lambda s: s.assign(recency=[30.0, 3.0, 1.0]), r"frequency 0 means no repeat purchase, so 'recency' must be 0.*row 'b'"),
            (lambda s: s.assign(recency=[0.0, 0.0, 1.0]), r"frequency > 0 needs 'recency' > 0"),
            (lambda s: s.assign(frequency=["2", "0", "1"]), r"summary column 'frequency' must be numeric"),
            (lambda s: s.iloc[:0], r"summary is empty"),
            (lambda s: s.assign(frequency=0, recency=0.0), r"no repeat purchase \(frequency is 0 for all 3 customers\)"),
            (lambda s: s["frequency"], r"summary must be a pandas DataFrame, got Series"),
        ],
        ids=["missing-column", "nan", "infinite", "negative-frequency", "fractional-frequency",
             "negative-recency", "negative-T", "recency-after-T", "frequency-0-with-recency",
             "repeat-with-recency-0", "text", "empty", "no-repeat-buyer", "not-a-frame"],
    )
    def test_bad_summary(self, change, match):
        summary = pd.DataFrame({"frequency": [2, 0, 1], "recency": [30.0, 0.0, 1.0], "T": [38.0, 38.0, 38.0]},
                               index=["a", "b", "c"])
        with pytest.raises(DataError, match=match):
            fit_bg_nbd(change(summary), time_unit="W")

    @pytest.mark.parametrize(
        ("params", "match"),
        [({"r": 1.0, "alpha": 1.0, "a": 1.0}, r"missing \['b'\]"),
         ({"r": -1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}, r"parameter r must be a finite number > 0"),
         ({"r": 1.0, "alpha": float("nan"), "a": 1.0, "b": 1.0}, r"parameter alpha must be a finite number > 0")],
        ids=["missing", "negative", "nan"],
    )
    def test_bad_parameters(self, params, match):
        with pytest.raises(DataError, match=match):
            BGNBDModel(params)

    def test_bad_horizon(self, cdnow_bg, cdnow_summary):
        with pytest.raises(DataError, match=r"t must be a finite number >= 0"):
            cdnow_bg.expected_purchases(cdnow_summary, -1)


# --------------------------------------------------------------------------------------------
# Gamma-Gamma and CLV
# --------------------------------------------------------------------------------------------

class TestGammaGamma:
    def test_gamma_gamma_reproduces_fader_hardie_2013(self, cdnow_gg):
        assert {k: round(v, 2) for k, v in cdnow_gg.params.items()} == PUBLISHED_GG
        assert (cdnow_gg.n_customers, cdnow_gg.n_excluded) == (946, 1411)

    def test_rounded_published_file_shifts_v_to_15_45(self, published_summary):
        # why the summary is derived from the transaction log: zbar rounded to cents moves v
        model = fit_gamma_gamma(published_summary)
        assert {k: round(v, 2) for k, v in model.params.items()} == {"p": 6.25, "q": 3.74, "v": 15.45}

    def test_log_likelihood_matches_a_hand_formula(self):
        p, q, v = PUBLISHED_GG.values()
        x, m = 3, 41.5
        hand = (math.lgamma(p * x + q) - math.lgamma(p * x) - math.lgamma(q) + q * math.log(v)
                + (p * x - 1) * math.log(m) + p * x * math.log(x) - (p * x + q) * math.log(v + m * x))
        summary = pd.DataFrame({"frequency": [x, 0], "recency": [20.0, 0.0], "T": [30.0, 30.0],
                                "monetary_value": [m, 0.0]}, index=["x3", "once"])
        result = GammaGammaModel(PUBLISHED_GG).customer_log_likelihood(summary)
        assert list(result.index) == ["x3"]
        assert result.iloc[0] == pytest.approx(hand, rel=1e-12)

    def test_fit_is_the_maximum_of_the_summed_likelihood(self, cdnow_summary, cdnow_gg):
        total = cdnow_gg.customer_log_likelihood(cdnow_summary).sum()
        assert total == pytest.approx(cdnow_gg.log_likelihood, rel=1e-12)
        for name in PUBLISHED_GG:
            for factor in (0.99, 1.01):
                moved = GammaGammaModel({**cdnow_gg.params, name: cdnow_gg.params[name] * factor})
                assert moved.customer_log_likelihood(cdnow_summary).sum() < total

    def test_gradient_used_by_the_optimiser_is_exact(self, cdnow_summary):
        from scipy.optimize import approx_fprime

        from coursekit.clv.gamma_gamma import _objective

        repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
        f = _objective(repeat["frequency"].to_numpy(dtype=float), repeat["monetary_value"].to_numpy(),
                       np.ones(len(repeat)))
        theta = np.log([3.0, 2.5, 20.0])
        numeric = approx_fprime(theta, lambda th: f(th)[0], 1e-7)
        np.testing.assert_allclose(f(theta)[1], numeric, rtol=1e-5, atol=1e-7)

    def test_expected_average_spend_is_the_weighted_mean(self):
        model = GammaGammaModel(PUBLISHED_GG)
        p, q, v = PUBLISHED_GG.values()
        summary = pd.DataFrame({"frequency": [0, 4], "recency": [0.0, 20.0], "T": [30.0, 30.0],
                                "monetary_value": [np.nan, 60.0]})  # NaN is fine for frequency 0
        spend = model.expected_average_spend(summary)
        population = p * v / (q - 1)
        weight = p * 4 / (p * 4 + q - 1)
        assert spend.iloc[0] == pytest.approx(population, rel=1e-12)
        assert spend.iloc[1] == pytest.approx((1 - weight) * population + weight * 60.0, rel=1e-12)
        assert model.mean_spend == pytest.approx(population)

    def test_repeat_buyer_without_positive_spend_is_named(self):
        summary = pd.DataFrame({"frequency": [2, 1], "recency": [10.0, 5.0], "T": [20.0, 20.0],
                                "monetary_value": [25.0, 0.0]}, index=["ok", "free"])
        with pytest.raises(DataError, match=r"'monetary_value' must be a positive amount for every repeat buyer.*row 'free'"):
            fit_gamma_gamma(summary)

    def test_needs_two_repeat_buyers(self):
        summary = pd.DataFrame({"frequency": [2, 0], "recency": [10.0, 0.0], "T": [20.0, 20.0],
                                "monetary_value": [25.0, 0.0]})
        with pytest.raises(DataError, match=r"summary has 1 repeat buyer\(s\) \(frequency > 0\) out of 2 customers"):
            fit_gamma_gamma(summary)

    def test_missing_monetary_value_column(self, cdnow_summary):
        with pytest.raises(DataError, match=r"Required column 'monetary_value' missing from summary"):
            fit_gamma_gamma(cdnow_summary.drop(columns="monetary_value"))

    def test_non_convergence_is_an_error(self, cdnow_summary):
        with pytest.raises(DataError, match=r"the Gamma-Gamma fit did not converge after 1 iteration\(s\)"):
            fit_gamma_gamma(cdnow_summary, max_iterations=1)

    def test_q_at_most_one_has_no_mean_spend(self, cdnow_summary):
        with pytest.raises(DataError, match=r"q = 0.9 <= 1: the mean spend"):
            GammaGammaModel({"p": 6.0, "q": 0.9, "v": 15.0}).expected_average_spend(cdnow_summary)


class TestCLV:
    def test_clv_is_the_discounted_sum_of_monthly_purchases_times_spend(self, cdnow_summary, cdnow_bg, cdnow_gg):
        sample = cdnow_summary.iloc[::100]
        month = 365.25 / 12 / 7  # weeks
        clv = cdnow_gg.customer_lifetime_value(cdnow_bg, sample, months=6, monthly_discount_rate=0.02)
        spend = cdnow_gg.expected_average_spend(sample)
        by_hand = sum(
            (cdnow_bg.expected_purchases(sample, i * month) - cdnow_bg.expected_purchases(sample, (i - 1) * month))
            / 1.02 ** i for i in range(1, 7)
        ) * spend
        pd.testing.assert_series_equal(clv, by_hand.rename("clv"), rtol=1e-10)

    def test_without_discount_clv_is_spend_times_expected_purchases(self, cdnow_summary, cdnow_bg, cdnow_gg):
        clv = cdnow_gg.customer_lifetime_value(cdnow_bg, cdnow_summary, months=12, monthly_discount_rate=0.0,
                                               margin_rate=0.3)
        expected = 0.3 * cdnow_gg.expected_average_spend(cdnow_summary) * cdnow_bg.expected_purchases(
            cdnow_summary, 365.25 / 7)
        np.testing.assert_allclose(clv, expected, rtol=1e-10)

    def test_clv_grows_with_the_horizon_and_falls_with_the_discount_rate(self, cdnow_summary, cdnow_bg, cdnow_gg):
        def clv(**kw):
            return cdnow_gg.customer_lifetime_value(cdnow_bg, cdnow_summary, **kw)
        assert (clv(months=24) > clv(months=12)).all()
        assert (clv(monthly_discount_rate=0.05) < clv(monthly_discount_rate=0.01)).all()

    def test_days_and_weeks_give_the_same_clv(self, cdnow_tx, cdnow_summary, cdnow_bg, cdnow_gg):
        days = summary_from_transactions(cdnow_tx, observation_end="1997-09-30", time_unit="D")
        by_days = cdnow_gg.customer_lifetime_value(fit_bg_nbd(days), days)
        by_weeks = cdnow_gg.customer_lifetime_value(cdnow_bg, cdnow_summary)
        np.testing.assert_allclose(by_days, by_weeks, rtol=1e-4)

    def test_time_unit_must_be_known(self, published_summary):
        bg = BGNBDModel(PUBLISHED_BG)  # no time unit, and the CSV summary has no attrs
        with pytest.raises(DataError, match=r"the time unit is unknown"):
            GammaGammaModel(PUBLISHED_GG).customer_lifetime_value(bg, published_summary)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [({"months": 0}, r"months must be a whole number >= 1"),
         ({"monthly_discount_rate": -0.1}, r"monthly_discount_rate must be a number >= 0"),
         ({"margin_rate": 1.5}, r"margin_rate must be a number > 0 and <= 1.0")],
        ids=["months", "discount", "margin"],
    )
    def test_bad_clv_arguments(self, cdnow_summary, cdnow_bg, cdnow_gg, kwargs, match):
        with pytest.raises(DataError, match=match):
            cdnow_gg.customer_lifetime_value(cdnow_bg, cdnow_summary, **kwargs)


# --------------------------------------------------------------------------------------------
# holdout comparison and plot
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cdnow_holdout(cdnow_tx) -> pd.DataFrame:
    return calibration_holdout(cdnow_tx, calibration_end="1997-09-30", holdout_end="1998-06-30")


class TestHoldout:
    def test_cdnow_table_by_calibration_frequency(self, cdnow_holdout, cdnow_bg):
        table = holdout_comparison(cdnow_bg, cdnow_holdout)
        assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
        assert table.index.name == "calibration_frequency"
        assert table["customers"].tolist() == [1411, 439, 214, 100, 62, 38, 29, 64]
        assert table["actual"].round(3).tolist() == [0.237, 0.697, 1.393, 1.56, 2.532, 2.947, 3.862, 6.359]
        assert table["predicted"].is_monotonic_increasing
        # each group's prediction is the mean of the customers' conditional expectations
        per_customer = cdnow_bg.expected_purchases(cdnow_holdout, 39)
        assert table.loc["0", "predicted"] == pytest.approx(per_customer[cdnow_holdout["frequency"] == 0].mean())
        total = (table["customers"] * table["predicted"]).sum()
        assert total == pytest.approx(per_customer.sum())

    def test_plot_shows_the_table(self, cdnow_holdout, cdnow_bg):
        table = holdout_comparison(cdnow_bg, cdnow_holdout, max_frequency=4)
        fig, ax = plt.subplots()
        try:
            returned = holdout_plot(table, ax=ax)
            assert returned is ax and isinstance(returned, Axes)
            actual, predicted = ax.get_lines()
            np.testing.assert_allclose(actual.get_ydata(), table["actual"])
            np.testing.assert_allclose(predicted.get_ydata(), table["predicted"])
            assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3", "4+"]
            fig.canvas.draw()
        finally:
            plt.close(fig)

    def test_plot_makes_its_own_axes(self):
        table = pd.DataFrame({"actual": [0.1, 1.0], "predicted": [0.2, 0.9]}, index=["0", "1+"])
        ax = holdout_plot(table)
        try:
            assert isinstance(ax, Axes) and ax.get_title() == "Holdout period: actual vs BG/NBD"
        finally:
            plt.close(ax.figure)

    @pytest.mark.parametrize(
        ("call", "match"),
        [
            (lambda bg, d: holdout_comparison(bg, d.drop(columns="holdout_purchases")),
             r"Required column 'holdout_purchases' missing from data"),
            (lambda bg, d: holdout_comparison(bg, d.assign(holdout_purchases=-1)),
             r"data column 'holdout_purchases' must be >= 0"),
            (lambda bg, d: holdout_comparison(bg, d, max_frequency=0), r"max_frequency must be a whole number >= 1"),
            (lambda bg, d: holdout_comparison(bg.params, d), r"model must be a BGNBDModel"),
            (lambda bg, d: holdout_plot(d[["frequency"]]), r"Required column 'actual', 'predicted' missing from table"),
            (lambda bg, d: holdout_plot(pd.DataFrame({"actual": [1.0], "predicted": [1.0]}), ax="left"),
             r"ax must be a matplotlib Axes"),
        ],
        ids=["missing-column", "negative", "max-frequency", "not-a-model", "plot-missing-column", "plot-bad-ax"],
    )
    def test_bad_input(self, cdnow_holdout, cdnow_bg, call, match):
        with pytest.raises(DataError, match=match):
            call(cdnow_bg, cdnow_holdout)


class TestSimulation:
    def test_same_seed_same_table(self):
        a = simulate_summary(PUBLISHED_BG, n_customers=300, T=39, seed=5, gamma_gamma_params=PUBLISHED_GG)
        b = simulate_summary(PUBLISHED_BG, n_customers=300, T=39, seed=5, gamma_gamma_params=PUBLISHED_GG)
        pd.testing.assert_frame_equal(a, b)

    def test_simulated_summary_is_a_valid_summary(self):
        sim = simulate_summary(PUBLISHED_BG, n_customers=2000, T=np.linspace(1, 39, 2000), seed=2,
                               gamma_gamma_params=PUBLISHED_GG)
        assert ((sim["frequency"] == 0) == (sim["recency"] == 0)).all()
        assert (sim["recency"] <= sim["T"]).all()
        assert ((sim["monetary_value"] > 0) == (sim["frequency"] > 0)).all()
        # mean frequency of customers aged 39 weeks ~ E[X(39)] of the model
        model = BGNBDModel(PUBLISHED_BG)
        big = simulate_summary(PUBLISHED_BG, n_customers=40000, T=39, seed=3)
        assert big["frequency"].mean() == pytest.approx(model.expected_purchases_new(39), rel=0.05)

    def test_bad_simulation_arguments(self):
        with pytest.raises(DataError, match=r"n_customers must be a whole number >= 1"):
            simulate_summary(PUBLISHED_BG, n_customers=0, T=39, seed=1)
        with pytest.raises(DataError, match=r"T must be finite numbers > 0"):
            simulate_summary(PUBLISHED_BG, n_customers=3, T=[1, 0, 2], seed=1)


def test_a_ridge_to_extreme_a_and_b_warns_instead_of_failing():
    """Retail 300/7 to 2024-03-31: a and b run off together; the fit says so, it does not crash."""
    from coursekit.datasets import make_retail

    tx = make_retail(300, seed=7)["transactions"]
    summary = summary_from_transactions(tx[tx["amount"] > 0], observation_end="2024-03-31")
    with pytest.warns(CoursekitWarning, match="drove a, b to an extreme value"):
        bg = fit_bg_nbd(summary)
    assert bg.params["a"] > 1e4 and bg.params["b"] > 1e4
    assert 0 < bg.params["r"] < 10
