"""Shared fixtures: a tiny shop whose RFM table is computed by hand in tests/test_rfm.py."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def shop() -> pd.DataFrame:
    """Five customers, nine rows, analysed as of 2024-04-01.

    C1  O1 2024-03-30 two lines 50.00 + 25.50; O2 2024-02-01 100.00
    C2  O3 2024-01-15 300.00; R1 2024-03-20 -300.00 (a return, its own order id)
    C3  O4 2024-03-01 0.00 (zero-value order); O5 2024-03-15 40.00; O6 2024-03-25 60.00
    C4  O7 2023-12-01 14:35 500.00 (a time of day: only the calendar date counts)
    C5  O8 2024-03-31 10.00
    """
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C1", "C2", "C2", "C3", "C3", "C3", "C4", "C5"],
            "order_id": ["O1", "O1", "O2", "O3", "R1", "O4", "O5", "O6", "O7", "O8"],
            "order_date": pd.to_datetime([
                "2024-03-30", "2024-03-30", "2024-02-01", "2024-01-15", "2024-03-20",
                "2024-03-01", "2024-03-15", "2024-03-25", "2023-12-01 14:35", "2024-03-31",
            ], format="ISO8601"),
            "amount": [50.00, 25.50, 100.00, 300.00, -300.00, 0.00, 40.00, 60.00, 500.00, 10.00],
        }
    )
