"""make_b2b keeps its promises: seed 001's steady distributor and seed 004's declining manufacturer."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import coursekit as ck
from coursekit import DataError
from coursekit.datasets.b2b import DEPARTED, STAGE_PROBABILITY, STAGES, make_b2b

END = pd.Timestamp("2024-12-31")
LAST_12 = END - pd.Timedelta(days=365)       # order_date > LAST_12  <=>  in the last 12 months
PREV_12 = END - pd.Timedelta(days=730)
COMPANIES = ["distributor", "manufacturer"]
REPS = {f"R{i:02d}" for i in range(1, 13)}
OPEN = ["lead", "qualified", "proposal", "negotiation"]

SCHEMA = {
    "accounts": {"account_id": "str", "industry": "str", "region": "str", "size_band": "category",
                 "owner": "str", "first_order_date": "datetime64[s]", "status": "str"},
    "orders": {"order_id": "str", "account_id": "str", "order_date": "datetime64[s]",
               "amount": "float64", "product_line": "str"},
    "pipeline": {"opportunity_id": "str", "account_id": "str", "stage": "category",
                 "estimated_value": "float64", "probability": "float64", "created_date": "datetime64[s]",
                 "owner": "str"},
    "contacts": {"contact_id": "str", "account_id": "str", "contact_date": "datetime64[s]", "owner": "str",
                 "channel": "str", "outcome": "str"},
}
ID_PATTERN = {"account_id": r"A\d{4}", "order_id": r"O\d{6}", "opportunity_id": r"OP\d{5}",
              "contact_id": r"CT\d{6}"}


@pytest.fixture(scope="module", params=COMPANIES)
def data(request):
    """The default data set (400 accounts, seed 42) of each company."""
    return request.param, make_b2b(company=request.param)


@pytest.fixture(scope="module")
def companies():
    return {company: make_b2b(company=company) for company in COMPANIES}


def _revenue(d) -> pd.Series:
    """Revenue per buying account over the whole period, through coursekit's own RFM table."""
    rfm = ck.rfm_table(d["orders"], customer_col="account_id", order_col="order_id",
                       as_of=END + pd.Timedelta(days=1))
    return rfm["monetary"]


def _spearman(a: pd.Series, b: pd.Series) -> float:
    return float(np.corrcoef(a.rank(), b.rank())[0, 1])


class TestReproducible:
    @pytest.mark.parametrize("company", COMPANIES, ids=COMPANIES)
    def test_same_seed_same_bytes(self, company):
        a, b = make_b2b(150, seed=7, company=company), make_b2b(150, seed=7, company=company)
        assert list(a) == ["accounts", "orders", "pipeline", "contacts"]
        for table in a:
            pd.testing.assert_frame_equal(a[table], b[table])
            assert a[table].to_csv() == b[table].to_csv()

    @pytest.mark.parametrize("company", COMPANIES, ids=COMPANIES)
    def test_other_seed_other_data(self, company):
        a, b = make_b2b(150, seed=7, company=company), make_b2b(150, seed=8, company=company)
        for table in a:
            assert a[table].to_csv() != b[table].to_csv()

    def test_companies_differ(self, companies):
        assert not companies["distributor"]["orders"].equals(companies["manufacturer"]["orders"])


class TestSchema:
    def test_columns_and_dtypes(self, data):
        _, d = data
        for table, columns in SCHEMA.items():
            assert {c: str(t) for c, t in d[table].dtypes.items()} == columns, table

    def test_ids_are_prefixed_zero_padded_and_unique(self, data):
        _, d = data
        for table, key in [("accounts", "account_id"), ("orders", "order_id"),
                           ("pipeline", "opportunity_id"), ("contacts", "contact_id")]:
            ids = d[table][key]
            assert ids.is_unique and ids.str.fullmatch(ID_PATTERN[key]).all(), table
        assert d["accounts"]["account_id"].iloc[0] == "A0001"
        assert d["orders"]["order_id"].iloc[0] == "O000001"

    def test_dates_are_calendar_dates_within_the_period(self, data):
        _, d = data
        start = pd.Timestamp("2022-01-01")
        dated = [("orders", "order_date"), ("pipeline", "created_date"), ("contacts", "contact_date")]
        for table, col in dated:
            dates = d[table][col]
            assert dates.notna().all() and (dates == dates.dt.normalize()).all()
            assert dates.min() >= start and dates.max() <= END, table
            assert dates.is_monotonic_increasing, f"{table} is sorted by date"
        first = d["accounts"]["first_order_date"].dropna()
        assert (first == first.dt.normalize()).all() and first.max() <= END

    def test_money_in_cents_and_positive(self, data):
        _, d = data
        amount = d["orders"]["amount"]
        assert (amount > 0).all() and np.allclose(amount, amount.round(2), rtol=0, atol=1e-9)
        value = d["pipeline"]["estimated_value"]
        assert (value >= 0).all() and np.allclose(value, value.round(-2), rtol=0, atol=1e-6)

    def test_categories(self, data):
        _, d = data
        acc = d["accounts"]
        assert acc["industry"].nunique() == 6 and 4 <= acc["region"].nunique() <= 5
        assert list(acc["size_band"].cat.categories) == ["small", "medium", "large"]
        assert acc["size_band"].cat.ordered
        assert set(acc["status"]) == {"customer", "prospect", "lost"}
        lines = {"consumables", "standard", "premium", "equipment", "service"}
        assert set(d["orders"]["product_line"]) <= lines
        assert set(d["contacts"]["channel"]) == {"visit", "phone", "wechat", "email", "event"}
        assert set(d["contacts"]["outcome"]) == {"no_interest", "follow_up", "quote", "order"}

    def test_nothing_personal(self, data):
        """Reps are R01..R12 (or the departed marker); no free text that could hold a name or number."""
        _, d = data
        for table in ["accounts", "pipeline", "contacts"]:
            assert set(d[table]["owner"]) <= REPS | {DEPARTED}
        columns = {c for frame in d.values() for c in frame.columns}
        assert not {c for c in columns if re.search(r"name|phone|mail|address|id_card|person", c)}
        text = pd.concat([frame[c].astype(str) for frame in d.values() for c in frame.columns
                          if frame[c].dtype == "str"])
        assert not text.str.contains(r"@|\d{7,}").any()

    def test_works_with_rfm_table(self, data):
        _, d = data
        rfm = ck.rfm_table(d["orders"], customer_col="account_id", order_col="order_id", as_of="2025-01-01")
        buyers = d["accounts"].loc[d["accounts"]["status"] != "prospect", "account_id"]
        assert set(rfm.index) == set(buyers)

    def test_other_end_date_moves_the_period(self):
        d = make_b2b(60, seed=3, end="2024-06-30")
        dates = d["orders"]["order_date"]
        assert dates.min() >= pd.Timestamp("2021-07-01") and dates.max() <= pd.Timestamp("2024-06-30")

    def test_smallest_size_keeps_the_schema(self):
        d = make_b2b(10, seed=0, company="manufacturer")
        assert len(d["accounts"]) == 10
        for table, columns in SCHEMA.items():
            assert {c: str(t) for c, t in d[table].dtypes.items()} == columns, table


class TestIntegrity:
    def test_every_account_id_exists(self, data):
        _, d = data
        known = set(d["accounts"]["account_id"])
        for table in ["orders", "pipeline", "contacts"]:
            assert set(d[table]["account_id"]) <= known, table

    def test_status_matches_the_orders(self, data):
        _, d = data
        acc, orders = d["accounts"].set_index("account_id"), d["orders"]
        ever = set(orders["account_id"])
        recent = set(orders.loc[orders["order_date"] > LAST_12, "account_id"])
        prospects = set(acc.index[acc["status"] == "prospect"])
        lost = set(acc.index[acc["status"] == "lost"])
        customers = set(acc.index[acc["status"] == "customer"])
        assert not prospects & ever, "prospects have no orders"
        assert not lost & recent, "lost accounts have no order in the last 12 months"
        assert lost <= ever and customers == recent

    def test_first_order_date(self, data):
        _, d = data
        acc = d["accounts"].set_index("account_id")
        assert (acc["first_order_date"].isna() == (acc["status"] == "prospect")).all()
        first_seen = d["orders"].groupby("account_id")["order_date"].min()
        registered = acc.loc[first_seen.index, "first_order_date"]
        assert (registered <= first_seen).all()
        started_in_period = registered >= pd.Timestamp("2022-01-01")
        assert started_in_period.any()
        assert (registered[started_in_period] == first_seen[started_in_period]).all()

    def test_pipeline_owner_is_the_account_owner(self, data):
        _, d = data
        owner = d["accounts"].set_index("account_id")["owner"]
        for table in ["pipeline", "contacts"]:
            assert (d[table]["owner"].to_numpy() == owner.loc[d[table]["account_id"]].to_numpy()).all()


class TestConcentrationAndTrend:
    def test_top_20_percent_hold_70_to_85_percent(self, data):
        company, d = data
        share = ck.concentration(_revenue(d), top=0.2)
        assert 0.70 <= share <= 0.85, f"{company}: top-20% share {share:.3f}"

    def test_year_on_year(self, companies):
        change = {}
        for company, d in companies.items():
            o = d["orders"]
            last = o.loc[o["order_date"] > LAST_12, "amount"].sum()
            prev = o.loc[(o["order_date"] > PREV_12) & (o["order_date"] <= LAST_12), "amount"].sum()
            change[company] = last / prev - 1
        assert -0.25 <= change["manufacturer"] <= -0.10, change
        assert abs(change["distributor"]) <= 0.10, change

    def test_seasonality(self, data):
        company, d = data
        o = d["orders"]
        by_month = o.groupby(o["order_date"].dt.month)["amount"].sum()
        ratio = by_month / by_month.mean()
        assert ratio[2] < 0.8 and ratio[8] < 0.9, f"{company}: Feb {ratio[2]:.2f}, Aug {ratio[8]:.2f}"
        assert (ratio[[10, 11, 12]] > 1.0).all(), f"{company}: Q4 {ratio[[10, 11, 12]].round(2).tolist()}"
        assert ratio[2] == ratio.min()

    def test_lost_accounts_dwindle(self, data):
        """Lost accounts that bought before the period buy less each year, then not at all."""
        _, d = data
        acc = d["accounts"]
        lost = acc.loc[(acc["status"] == "lost") & (acc["first_order_date"] < "2022-01-01"), "account_id"]
        o = d["orders"][d["orders"]["account_id"].isin(lost)]
        assert len(lost) >= 10
        by_year = o.groupby(o["order_date"].dt.year)["amount"].sum().reindex([2022, 2023, 2024], fill_value=0)
        assert by_year[2023] < 0.8 * by_year[2022] and by_year[2024] < 0.05 * by_year[2023], by_year.to_dict()


class TestOwnership:
    def test_departed_owners(self, companies):
        share = {c: (d["accounts"]["owner"] == DEPARTED).mean() for c, d in companies.items()}
        assert share["manufacturer"] >= 0.10 and share["distributor"] <= 0.02, share

    def test_no_contact_logged_after_the_rep_left(self, companies):
        c = companies["manufacturer"]["contacts"]
        left = c[c["owner"] == DEPARTED]
        assert len(left) > 0 and left["contact_date"].max() <= END - pd.Timedelta(days=60)


class TestPipeline:
    def test_stage_is_ordered_and_probability_follows_it(self, data):
        _, d = data
        pl = d["pipeline"]
        assert list(pl["stage"].cat.categories) == list(STAGES) and pl["stage"].cat.ordered
        assert (pl["probability"] == pl["stage"].astype(str).map(STAGE_PROBABILITY)).all()
        assert STAGE_PROBABILITY == {"lead": 0.10, "qualified": 0.25, "proposal": 0.50,
                                     "negotiation": 0.75, "won": 1.00, "lost": 0.00}

    def test_every_prospect_has_an_opportunity_never_won(self, data):
        _, d = data
        prospects = d["accounts"].loc[d["accounts"]["status"] == "prospect", "account_id"]
        pl = d["pipeline"]
        assert set(prospects) <= set(pl["account_id"])
        assert not (pl["account_id"].isin(prospects) & (pl["stage"] == "won")).any()
        lost_accounts = d["accounts"].loc[d["accounts"]["status"] == "lost", "account_id"]
        assert not pl["account_id"].isin(lost_accounts).any()

    def test_manufacturer_prospects_stuck_early(self, companies):
        early = {}
        for company, d in companies.items():
            open_ = d["pipeline"][d["pipeline"]["stage"].isin(OPEN)]
            early[company] = open_["stage"].isin(["lead", "qualified"]).mean()
        assert early["manufacturer"] >= 0.60 and early["distributor"] < early["manufacturer"], early
        d = companies["manufacturer"]
        prospects = d["accounts"].loc[d["accounts"]["status"] == "prospect", "account_id"]
        created = d["pipeline"].loc[d["pipeline"]["account_id"].isin(prospects), "created_date"]
        assert created.max() <= LAST_12, "the manufacturer's prospects were created over a year ago"
        assert (d["accounts"]["status"] == "prospect").mean() >= 0.3


class TestContacts:
    def test_bigger_accounts_are_contacted_more(self, data):
        company, d = data
        revenue = _revenue(d)
        contacts = d["contacts"].groupby("account_id").size().reindex(revenue.index, fill_value=0)
        rho = _spearman(contacts, revenue)
        assert rho > 0.3, f"{company}: Spearman {rho:.2f}"

    def test_contact_frequency_rises_with_size_at_the_distributor(self, companies):
        """Seed 001's "contact frequency per class": bigger customers are contacted more often."""
        d = companies["distributor"]
        acc = d["accounts"].set_index("account_id")
        customers = acc[acc["status"] == "customer"]
        contacts = d["contacts"].groupby("account_id").size().reindex(customers.index, fill_value=0)
        per_size = contacts.groupby(customers["size_band"]).mean()
        assert per_size["small"] < per_size["medium"] < per_size["large"], per_size.round(1).to_dict()

    def test_some_big_accounts_are_neglected(self, data):
        """Some top-decile current customers whose rep is still here had no contact in the last 90 days."""
        company, d = data
        revenue = _revenue(d)
        acc = d["accounts"].set_index("account_id").loc[revenue.index]
        top = revenue.index[(revenue >= revenue.quantile(0.9)) & (acc["status"] == "customer")
                            & (acc["owner"] != DEPARTED)]
        c = d["contacts"]
        recent = set(c.loc[c["contact_date"] > END - pd.Timedelta(days=90), "account_id"])
        neglected = [a for a in top if a not in recent]
        assert len(neglected) >= 1, f"{company}: none of {len(top)} neglected"
        if company == "distributor":
            assert len(neglected) <= len(top) / 3, f"{len(neglected)} of {len(top)} neglected"

    def test_prospects_never_order_in_the_log(self, data):
        _, d = data
        prospects = d["accounts"].loc[d["accounts"]["status"] == "prospect", "account_id"]
        c = d["contacts"]
        assert c["account_id"].isin(prospects).any()
        assert not (c["account_id"].isin(prospects) & (c["outcome"] == "order")).any()


class TestBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"n_accounts": 5}, r"n_accounts must be a whole number >= 10, got 5"),
            ({"n_accounts": 100.0}, r"n_accounts must be a whole number >= 10, got 100\.0"),
            ({"n_accounts": True}, r"n_accounts must be a whole number"),
            ({"seed": -1}, r"seed must be a whole number >= 0, got -1"),
            ({"seed": "42"}, r"seed must be a whole number >= 0, got '42'"),
            ({"company": "retailer"}, r"company must be one of \['distributor', 'manufacturer'\], got 'retailer'"),
            ({"company": None}, r"company must be one of .*got None"),
            ({"end": "last Christmas"}, r"end = 'last Christmas' is not a date; expected e\.g\. '2024-12-31'"),
            ({"end": 20241231}, r"end = 20241231 is not a date"),
            ({"end": "2024-12-31 18:00"}, r"end = '2024-12-31 18:00' must be a calendar date without a time"),
        ],
        ids=["too-few", "float-size", "bool-size", "negative-seed", "text-seed", "unknown-company",
             "no-company", "text-end", "number-end", "end-with-time"],
    )
    def test_raises_data_error_naming_the_parameter(self, kwargs, message):
        with pytest.raises(DataError, match=message):
            make_b2b(**kwargs)
