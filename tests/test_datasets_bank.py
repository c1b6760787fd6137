"""make_bank: the properties its datasheet promises (shape of balances, tiers, channels, profit,
a randomised care plan with a known effect), determinism, and parameter errors.

Distribution checks run on 20,000 customers (seed 42), the care-plan trial on 5,000 customers, as
the course does. The last test compares the shape of deposits with the real UCI Bank Marketing
balances in ../shared/realdata (skipped with a reason when that folder is absent).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from coursekit._errors import DataError
from coursekit.datasets.bank import make_bank

BANK_CSV = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "bank-marketing" / "bank-full.csv"

CUSTOMER_COLUMNS = ["customer_id", "open_date", "age_band", "region", "care_plan", "satisfaction",
                    "complaints_12m"]
MONTHLY_COLUMNS = ["customer_id", "month", "deposits", "aum", "wealth", "loans", "card_spend",
                   "products", "counter_txns", "digital_txns", "profit"]
MONEY = ["deposits", "aum", "wealth", "loans", "card_spend", "profit"]
COUNTS = ["products", "counter_txns", "digital_txns"]


@pytest.fixture(scope="module")
def bank() -> dict[str, pd.DataFrame]:
    return make_bank(20_000, seed=42)


@pytest.fixture(scope="module")
def trial() -> dict[str, pd.DataFrame]:
    return make_bank(5_000, seed=42)


def _snapshot(monthly: pd.DataFrame, which: str) -> pd.DataFrame:
    """The first or last month, indexed by customer."""
    month = monthly["month"].min() if which == "first" else monthly["month"].max()
    return monthly[monthly["month"] == month].set_index("customer_id")


def _top_share(values, top: float = 0.2) -> float:
    """Share of the total held by the top ``top`` of values (linear interpolation at the cut)."""
    ordered = np.sort(np.asarray(values, dtype=float))[::-1]
    k = top * len(ordered)
    return (ordered[: int(k)].sum() + (k - int(k)) * ordered[int(k)]) / ordered.sum()


def _welch(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """Difference of means a − b and its Welch standard error."""
    return a.mean() - b.mean(), math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))


def _chi_square(a: pd.Series, b: pd.Series) -> tuple[float, int]:
    """Pearson chi-square statistic of independence of two categorical series, and its df."""
    observed = pd.crosstab(a, b).to_numpy(dtype=float)
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / observed.sum()
    df = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    return float(((observed - expected) ** 2 / expected).sum()), df


# chi-square critical values at p = 0.001 (tables): an honest random assignment fails 1 in 1000
CHI2_CRIT_001 = {3: 16.27, 4: 18.47}


class TestDeterminism:
    def test_same_seed_gives_identical_frames_byte_for_byte(self):
        one, two = make_bank(500, seed=7, months=6), make_bank(500, seed=7, months=6)
        for name in ("customers", "monthly"):
            assert_frame_equal(one[name], two[name])
            assert one[name].to_csv() == two[name].to_csv()

    def test_different_seed_gives_different_data(self):
        one, two = make_bank(500, seed=7), make_bank(500, seed=8)
        assert not one["monthly"]["deposits"].equals(two["monthly"]["deposits"])
        assert not one["customers"]["care_plan"].equals(two["customers"]["care_plan"])
        assert one["monthly"]["customer_id"].equals(two["monthly"]["customer_id"])  # same ids, new data

    def test_numpy_integer_arguments_give_the_same_data(self):
        plain = make_bank(300, seed=3, months=4)
        numpy = make_bank(np.int64(300), seed=np.int64(3), months=np.int32(4))
        assert_frame_equal(plain["monthly"], numpy["monthly"])


class TestSchema:
    def test_tables_columns_and_dtypes(self, bank):
        customers, monthly = bank["customers"], bank["monthly"]
        assert sorted(bank) == ["customers", "monthly"]
        assert list(customers.columns) == CUSTOMER_COLUMNS
        assert list(monthly.columns) == MONTHLY_COLUMNS
        assert pd.api.types.is_string_dtype(customers["customer_id"])
        assert pd.api.types.is_string_dtype(monthly["customer_id"])
        assert pd.api.types.is_datetime64_dtype(customers["open_date"])
        assert pd.api.types.is_datetime64_dtype(monthly["month"])
        assert customers["care_plan"].dtype == bool
        assert customers["satisfaction"].dtype == np.float64
        assert customers["complaints_12m"].dtype == np.int64
        for column in MONEY:
            assert monthly[column].dtype == np.float64, column
        for column in COUNTS:
            assert monthly[column].dtype == np.int64, column

    def test_one_row_per_customer_and_per_customer_month(self, bank):
        customers, monthly = bank["customers"], bank["monthly"]
        assert len(customers) == 20_000 and customers["customer_id"].is_unique
        assert customers["customer_id"].is_monotonic_increasing
        assert customers["customer_id"].iloc[0] == "B00001" and customers["customer_id"].iloc[-1] == "B20000"
        assert len(monthly) == 20_000 * 12
        assert not monthly.duplicated(["customer_id", "month"]).any()
        assert monthly["customer_id"].drop_duplicates().tolist() == customers["customer_id"].tolist()
        assert monthly.sort_values(["customer_id", "month"]).index.equals(monthly.index)

    @pytest.mark.parametrize("n, first, last", [(2, "B0001", "B0002"), (12_345, "B00001", "B12345")],
                             ids=["tiny", "five-digits"])
    def test_ids_are_zero_padded(self, n, first, last):
        ids = make_bank(n, seed=1, months=1)["customers"]["customer_id"]
        assert (ids.iloc[0], ids.iloc[-1]) == (first, last)
        assert ids.str.len().nunique() == 1

    def test_months_are_month_ends_ending_in_the_month_of_end(self):
        monthly = make_bank(3, seed=1, months=4, end="2024-03-15")["monthly"]
        expected = pd.to_datetime(["2023-12-31", "2024-01-31", "2024-02-29", "2024-03-31"])
        assert monthly["month"].drop_duplicates().tolist() == expected.tolist()
        assert len(monthly) == 3 * 4

    def test_no_personal_data_columns(self, bank):
        forbidden = ("name", "phone", "mobile", "email", "address", "id_card", "national", "birth")
        columns = [c.lower() for frame in bank.values() for c in frame.columns]
        assert not [c for c in columns if any(word in c for word in forbidden)]
        assert set(bank["customers"]["age_band"]) == {"18-29", "30-44", "45-59", "60+"}  # bands only

    def test_money_is_rounded_to_cents_and_aum_is_deposits_plus_wealth(self, bank):
        monthly = bank["monthly"]
        for column in MONEY:
            assert monthly[column].equals(monthly[column].round(2)), column
        assert not monthly["deposits"].equals((monthly["deposits"] + 0.001).round(3))  # the check bites
        gap = (monthly["aum"] - monthly["deposits"] - monthly["wealth"]).abs()
        assert gap.max() < 0.005

    def test_value_ranges(self, bank):
        customers, monthly = bank["customers"], bank["monthly"]
        for column in ["deposits", "aum", "wealth", "loans", "card_spend", "counter_txns", "digital_txns"]:
            assert (monthly[column] >= 0).all(), column
        assert monthly["products"].between(1, 8).all()
        assert set(monthly["products"]) == set(range(1, 9))
        answered = customers["satisfaction"].dropna()
        assert set(answered) == {1.0, 2.0, 3.0, 4.0, 5.0}
        assert (customers["complaints_12m"] >= 0).all()
        # not every customer has a card or a loan: some never spend / never borrow
        by_customer = monthly.groupby("customer_id")[["card_spend", "loans"]].sum()
        assert 0.4 < (by_customer["card_spend"] == 0).mean() < 0.8
        assert 0.6 < (by_customer["loans"] == 0).mean() < 0.9

    def test_accounts_open_before_the_first_month_over_about_15_years(self, bank):
        open_date = bank["customers"]["open_date"]
        first = bank["monthly"]["month"].min()
        assert (open_date < first).all()
        span_years = (open_date.max() - open_date.min()).days / 365.25
        assert 14 < span_years <= 15


class TestBalances:
    def test_deposits_are_right_skewed_and_concentrated(self, bank):
        deposits = _snapshot(bank["monthly"], "last")["deposits"]
        ratio = deposits.mean() / deposits.median()
        assert 2.0 < ratio < 5.0  # the real balances: 3.0
        assert 0.70 < _top_share(deposits) < 0.85  # the real balances: 74.5%
        near_zero = (deposits < 100).mean()
        assert 0.03 < near_zero < 0.20

    def test_aum_tiers_are_populated(self, bank):
        aum = _snapshot(bank["monthly"], "last")["aum"]
        wealth_tier = ((aum >= 500_000) & (aum < 6_000_000)).mean()
        private = (aum >= 6_000_000).mean()
        assert 0.05 < wealth_tier < 0.15
        assert 0.005 < private < 0.02
        assert (aum >= 6_000_000).sum() >= 100  # non-empty even at a tenth of this size

    def test_rich_customers_hold_more_in_wealth_products(self, bank):
        last = _snapshot(bank["monthly"], "last")
        share = (last["wealth"] / last["aum"]).where(last["aum"] > 0)
        assert share[last["aum"] >= 500_000].mean() > 2 * share[last["aum"] < 500_000].mean()

    def test_monthly_balances_move_smoothly(self, bank):
        wide = bank["monthly"].pivot(index="customer_id", columns="month", values="deposits").to_numpy()
        logs = np.log1p(wide)  # on the log scale: a few very rich customers would dominate levels
        for t in range(wide.shape[1] - 1):
            assert np.corrcoef(logs[:, t], logs[:, t + 1])[0, 1] > 0.9

        def within_autocorrelation(values):
            logs = np.log1p(values)
            dev = logs - logs.mean(axis=1, keepdims=True)
            return (dev[:, 1:] * dev[:, :-1]).sum() / (dev ** 2).sum()

        # month-to-month movements persist; shuffling the months of each customer destroys that
        assert within_autocorrelation(wide) > 0.4
        shuffled = np.random.default_rng(0).permuted(wide, axis=1)
        assert within_autocorrelation(shuffled) < 0.1

    def test_some_customers_run_down_and_some_grow(self, bank):
        first, last = _snapshot(bank["monthly"], "first"), _snapshot(bank["monthly"], "last")
        fell = (last["aum"] < 0.5 * first["aum"]).mean()
        grew = (last["aum"] > 1.5 * first["aum"]).mean()
        assert 0.02 < fell < 0.15
        assert 0.02 < grew < 0.15

    def test_inactive_customers_are_present(self, bank):
        monthly = bank["monthly"]
        txns = monthly["counter_txns"] + monthly["digital_txns"]
        never = txns.groupby(monthly["customer_id"]).sum() == 0
        assert 0.005 < never.mean() < 0.05
        first, last = _snapshot(monthly, "first"), _snapshot(monthly, "last")
        closed = ((first["counter_txns"] + first["digital_txns"] > 0) & (last["aum"] == 0)
                  & (last["counter_txns"] + last["digital_txns"] == 0))
        assert 0.005 < closed.mean() < 0.05
        assert (last.loc[closed, ["loans", "card_spend"]] == 0).all().all()
        assert (last.loc[closed, "products"] == 1).all()


class TestChannelsAndProfit:
    def test_older_customers_use_the_counter_more(self, bank):
        monthly = bank["monthly"].merge(bank["customers"][["customer_id", "age_band"]], on="customer_id")
        totals = monthly.groupby("age_band")[["counter_txns", "digital_txns"]].sum()
        counter_share = totals["counter_txns"] / (totals["counter_txns"] + totals["digital_txns"])
        assert counter_share["60+"] > 3 * counter_share["18-29"]
        assert counter_share.is_monotonic_increasing  # "18-29" < "30-44" < "45-59" < "60+"
        off_counter = totals["digital_txns"].sum() / totals.to_numpy().sum()  # 离柜率
        assert 0.7 < off_counter < 0.95

    def test_some_customers_are_loss_making(self, bank):
        mean_profit = bank["monthly"].groupby("customer_id")["profit"].mean()
        assert 0.03 < (mean_profit < 0).mean() < 0.15

    def test_profit_follows_aum_and_loans_and_counter_use_costs(self, bank):
        monthly = bank["monthly"]
        columns = ["profit", "aum", "loans", "counter_txns", "digital_txns"]
        per = monthly.groupby("customer_id")[columns].mean()
        ranks = per.rank()
        assert ranks["profit"].corr(ranks["aum"]) > 0.5
        borrowers = per["loans"] > 0
        assert per.loc[borrowers, "profit"].median() > per.loc[~borrowers, "profit"].median()
        # loss-makers that still transact: small balances and more counter use than the rest
        active = per["counter_txns"] + per["digital_txns"] > 0
        losing, earning = per[active & (per["profit"] < 0)], per[active & (per["profit"] >= 0)]
        assert losing["aum"].median() < 0.2 * earning["aum"].median()
        share = lambda f: (f["counter_txns"] / (f["counter_txns"] + f["digital_txns"])).mean()  # noqa: E731
        assert share(losing) > share(earning)


class TestCarePlan:
    def test_half_the_customers_are_in_the_plan(self, trial):
        plan = trial["customers"]["care_plan"]
        assert abs(plan.mean() - 0.5) / math.sqrt(0.25 / len(plan)) < 3

    def test_plan_is_independent_of_pre_period_aum_age_and_region(self, trial):
        customers = trial["customers"]
        first = _snapshot(trial["monthly"], "first").loc[customers["customer_id"]]
        log_aum = pd.Series(np.log1p(first["aum"].to_numpy()), index=customers.index)
        plan = customers["care_plan"]
        diff, se = _welch(log_aum[plan], log_aum[~plan])
        assert abs(diff / se) < 3
        for column in ("age_band", "region"):
            statistic, df = _chi_square(customers[column], plan)
            assert statistic < CHI2_CRIT_001[df], column

    def test_the_independence_checks_can_fail(self, trial):
        # a plan that favoured older, richer customers is caught by the same statistics
        customers = trial["customers"]
        biased = customers["age_band"].isin(["45-59", "60+"])
        statistic, df = _chi_square(customers["age_band"], biased)
        assert statistic > CHI2_CRIT_001[df]

    def test_satisfaction_is_higher_in_the_plan_with_a_welch_ci_above_zero(self, trial):
        customers = trial["customers"]
        answered = customers.dropna(subset=["satisfaction"])
        inside = answered.loc[answered["care_plan"], "satisfaction"]
        outside = answered.loc[~answered["care_plan"], "satisfaction"]
        diff, se = _welch(inside, outside)
        low, high = diff - 1.96 * se, diff + 1.96 * se  # Welch df is in the thousands: t ≈ 1.96
        assert diff > 0 and low > 0
        assert 0.1 < diff < 0.5 and high - low < 0.3

    def test_fewer_complaints_in_the_plan(self, trial):
        customers = trial["customers"]
        plan = customers["care_plan"]
        diff, se = _welch(customers.loc[plan, "complaints_12m"], customers.loc[~plan, "complaints_12m"])
        assert diff / se < -3

    def test_documented_effects_are_the_true_ones(self):
        # datasheet: +0.28 on the reported 1-5 scale, complaint rate × 0.75 (large sample)
        customers = make_bank(50_000, seed=11, months=1)["customers"]
        plan = customers["care_plan"]
        answered = customers.dropna(subset=["satisfaction"])
        diff, se = _welch(answered.loc[answered["care_plan"], "satisfaction"],
                          answered.loc[~answered["care_plan"], "satisfaction"])
        assert abs(diff - 0.28) < 3 * se
        ratio = customers.loc[plan, "complaints_12m"].mean() / customers.loc[~plan, "complaints_12m"].mean()
        assert 0.69 < ratio < 0.81

    def test_about_30_percent_did_not_answer_the_survey(self, trial):
        customers = trial["customers"]
        missing = customers["satisfaction"].isna()
        assert 0.25 < missing.mean() < 0.35
        # non-response does not depend on the plan
        plan = customers["care_plan"]
        diff, se = _welch(missing[plan].astype(float), missing[~plan].astype(float))
        assert abs(diff / se) < 3


class TestParameters:
    @pytest.mark.parametrize("kwargs, message", [
        ({"n_customers": 1}, r"n_customers must be a whole number >= 2, got 1"),
        ({"n_customers": 0}, r"n_customers must be a whole number >= 2, got 0"),
        ({"n_customers": 2.5}, r"n_customers must be a whole number >= 2, got 2.5"),
        ({"n_customers": "100"}, r"n_customers must be a whole number >= 2, got '100'"),
        ({"n_customers": True}, r"n_customers must be a whole number >= 2, got True"),
        ({"seed": -1}, r"seed must be a whole number >= 0, got -1"),
        ({"seed": 1.5}, r"seed must be a whole number >= 0, got 1.5"),
        ({"months": 0}, r"months must be a whole number from 1 to 120, got 0"),
        ({"months": 121}, r"months must be a whole number from 1 to 120, got 121"),
        ({"months": 6.0}, r"months must be a whole number from 1 to 120, got 6.0"),
        ({"months": True}, r"months must be a whole number from 1 to 120, got True"),
        ({"end": "31/31/2024"}, r"end must be a date such as '2024-12-31', got '31/31/2024'"),
        ({"end": "yesterday"}, r"end must be a date such as '2024-12-31', got 'yesterday'"),
        ({"end": ""}, r"end must be a date such as '2024-12-31', got ''"),
        ({"end": None}, r"end must be a date such as '2024-12-31', got None"),
        ({"end": 20241231}, r"end must be a date such as '2024-12-31', got 20241231"),
    ], ids=["n-1", "n-0", "n-float", "n-str", "n-bool", "seed-neg", "seed-float", "months-0",
            "months-121", "months-float", "months-bool", "end-bad-date", "end-word", "end-empty",
            "end-none", "end-int"])
    def test_bad_parameters_raise_data_error(self, kwargs, message):
        with pytest.raises(DataError, match=message):
            make_bank(**{"n_customers": 10, **kwargs})

    def test_data_error_is_a_value_error(self):
        with pytest.raises(ValueError):
            make_bank(1)

    @pytest.mark.parametrize("months", [1, 120], ids=["one-month", "ten-years"])
    def test_edge_months_work(self, months):
        data = make_bank(2, seed=0, months=months)
        assert len(data["monthly"]) == 2 * months
        assert data["monthly"]["month"].max() == pd.Timestamp("2024-12-31")

    def test_dates_accepted_in_several_forms(self):
        as_text = make_bank(5, months=2, end="2024-06-30")["monthly"]
        for end in (pd.Timestamp("2024-06-03"), np.datetime64("2024-06-15"), "2024-06"):
            assert_frame_equal(make_bank(5, months=2, end=end)["monthly"], as_text)


@pytest.mark.skipif(not BANK_CSV.exists(), reason=f"real data not found at {BANK_CSV} (../shared/realdata)")
def test_deposit_shape_matches_uci_bank_marketing_balances(bank):
    """Compare shapes, not scales: the real balances are euros, ours yuan; ours are never negative,
    so the top-20% share is compared with the real one on balances clipped at zero."""
    real = pd.read_csv(BANK_CSV, sep=";")["balance"].astype(float)
    assert len(real) == 45_211
    real_ratio = real.mean() / real.median()  # measured: 1,362.27 / 448 = 3.04
    real_top20 = _top_share(real.clip(lower=0))  # measured: 74.5%
    ours = _snapshot(bank["monthly"], "last")["deposits"]
    our_ratio = ours.mean() / ours.median()
    assert real_ratio / 2 < our_ratio < real_ratio * 2
    assert abs(_top_share(ours) - real_top20) < 0.10
    # both have a visible share of empty accounts (real: 16% at or below zero, ours under 100 yuan)
    assert (real <= 0).mean() > 0.05 and (ours < 100).mean() > 0.03
