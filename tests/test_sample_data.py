"""The shipped sample: reproducible from its generator, realistic, nothing personal."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

import coursekit as ck
from coursekit.datasets import make_retail

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "datasets" / "retail_sample.csv"


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode()


def test_shipped_sample_is_regenerated_byte_for_byte():
    fresh = _csv_bytes(make_retail(2000, seed=42)["transactions"])
    assert hashlib.sha256(fresh).hexdigest() == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()


def test_datasheet_names_the_current_hash():
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert digest in (ROOT / "datasets" / "README.md").read_text()


def test_same_seed_same_data_other_seed_other_data():
    a, b = make_retail(300, seed=7), make_retail(300, seed=7)
    pd.testing.assert_frame_equal(a["transactions"], b["transactions"])
    assert not make_retail(300, seed=8)["transactions"].equals(a["transactions"])


def test_sample_behaves_like_a_shop():
    tx = pd.read_csv(SAMPLE)
    rfm = ck.rfm_table(tx, order_col="order_id")
    top20 = ck.concentration(rfm["monetary"].clip(lower=0), top=0.2)
    assert 0.60 <= top20 <= 0.80                         # the 80/20 discussion of the seeds
    returns = (tx["amount"] < 0).mean()
    assert 0.01 <= returns <= 0.03                       # about 2% returns
    assert (rfm["frequency"] == 1).mean() >= 0.10        # plenty of one-time buyers
    tiers = ck.assign_tiers(rfm, "value4")["tier"].value_counts(normalize=True)
    assert tiers.min() >= 0.05                           # every value4 tier is really there


def test_no_personal_columns():
    columns = {c.lower() for c in pd.read_csv(SAMPLE, nrows=1).columns}
    personal = {"name", "phone", "mobile", "email", "address", "id_card", "national_id", "birthday"}
    assert not columns & personal
