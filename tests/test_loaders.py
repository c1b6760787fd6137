"""Loaders on tiny hand-made files in tests/fixtures (see its README): exact reports and frames.

Nothing is downloaded: the Online Retail and CDNOW fixtures are a few lines in the real formats.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import coursekit
from coursekit import CoursekitWarning, DataError
from coursekit.datasets.loaders import (
    LoadResult,
    _parse_numbers,
    load_cdnow,
    load_online_retail,
    load_transactions,
)

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "trainer_shop.csv"
MAPPING = {"客户号": "customer_id", "交易日期": "order_date", "金额": "amount", "订单号": "order_id"}

# every load that drops rows warns; the tests that check the warning catch it themselves
pytestmark = pytest.mark.filterwarnings("ignore::coursekit.CoursekitWarning")


def dates(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values), format="ISO8601").astype("datetime64[us]")


def report(rows: list[tuple[str, int, list]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "reason": pd.Series([r[0] for r in rows], dtype="str"),
            "rows": pd.Series([r[1] for r in rows], dtype="int64"),
            "example_rows": pd.Series([r[2] for r in rows], dtype=object),
        }
    )


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------------------------
# A trainer's own file
# --------------------------------------------------------------------------------------------

# trainer_shop.csv, by line: 5 no id, 7 month 13, 8 no date, 9 "abc", 10 no amount, 11 repeats 2,
# 13 blank (skipped, not counted), 15 "1,5" (refused, not guessed), 16 "昨天", 17 no order id
SHOP_REPORT = [
    ("missing customer id", 1, [5]),
    ("missing order id", 1, [17]),
    ("missing date", 1, [8]),
    ("unparsable date", 2, [7, 16]),
    ("missing amount", 1, [10]),
    ("non-numeric amount", 2, [9, 15]),
    ("duplicate row", 1, [11]),
]

SHOP_DATA = pd.DataFrame(
    {
        "customer_id": ["00123", "00123", "00456", "00789", "00456", "01000", "00999", "00123",
                        "00456", "00789", "01000", "00999", "00123"],
        "order_date": dates(["2024-01-05", "2024-02-10", "2024-01-20", "2024-03-01", "2024-03-25",
                             "2024-03-31", "2024-03-06 14:30", "2024-03-28", "2024-02-14",
                             "2024-03-30", "2024-01-02", "2024-01-15", "2024-03-28"]),
        "amount": [1234.5, 88.0, 2000.0, 45.5, -100.0, 5.0, 1_000_000.0, 300.0, 520.0, 66.6,
                   1500.0, 75.25, 20.0],
        "order_id": ["A001", "A002", "A003", "A005", "R001", "A010", "A014", "A015", "A016", "A017",
                     "A018", "A019", "A015"],
        "门店": ["北京", "北京", "上海", "广州", "上海", "深圳", "深圳", "北京", "上海", "广州", "深圳",
               "深圳", "北京"],
    }
)


@pytest.fixture(scope="module")
def shop() -> LoadResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoursekitWarning)
        return load_transactions(SHOP, MAPPING)


@pytest.fixture(scope="module")
def shop_raw() -> pd.DataFrame:
    """The fixture's cells as text, as a trainer's Excel sheet would hold them (blank line gone)."""
    return pd.read_csv(SHOP, sep=";", dtype=str, encoding="utf-8-sig")


class TestTrainerFile:
    def test_report_counts_and_line_numbers(self, shop):
        assert_frame_equal(shop.report, report(SHOP_REPORT))
        assert (shop.rows_read, shop.dropped, len(shop.data)) == (22, 9, 13)
        assert shop.unit == "line"

    def test_data_is_the_hand_written_frame(self, shop):
        assert_frame_equal(shop.data, SHOP_DATA)
        assert shop.data["customer_id"].tolist()[:1] == ["00123"]  # leading zeros kept

    def test_summary_is_said_and_warned(self):
        summary = ("read 22 rows from trainer_shop.csv; dropped 9: 1 missing customer id (line 5), "
                   "1 missing order id (line 17), 1 missing date (line 8), 2 unparsable dates "
                   "(lines 7, 16), 1 missing amount (line 10), 2 non-numeric amounts (lines 9, 15), "
                   "1 duplicate row (line 11); kept 13")
        with pytest.warns(CoursekitWarning) as caught:
            result = load_transactions(SHOP, MAPPING)
        assert str(result).splitlines()[0] == summary
        assert str(result).splitlines()[1] == (
            "note: columns are separated by ';' (detected from the header line)")
        assert [str(w.message) for w in caught] == [str(result)]
        assert summary in repr(result)

    def test_rfm_table_takes_the_data(self, shop):
        rfm = coursekit.rfm_table(shop.data, order_col="order_id")
        assert rfm.attrs["as_of"] == pd.Timestamp("2024-04-01")
        # 00123: orders A001 1234.50, A002 88.00, A015 300.00 + 20.00 (two lines), last 2024-03-28
        assert rfm.loc["00123", ["recency_days", "frequency", "monetary"]].tolist() == [4, 3, 1642.5]
        # 00456: A003 2000, A016 520, return R001 -100 (not an order)
        assert rfm.loc["00456", ["frequency", "monetary"]].tolist() == [2, 2420.0]
        assert list(rfm.index) == ["00123", "00456", "00789", "00999", "01000"]

    @pytest.mark.parametrize("suffix", [".xlsx", ".parquet"], ids=["excel", "parquet"])
    def test_excel_and_parquet_give_the_same_data(self, shop, shop_raw, tmp_path, suffix):
        path = tmp_path / f"shop{suffix}"
        if suffix == ".xlsx":
            shop_raw.to_excel(path, index=False)
            first = 2  # sheet rows: header is row 1, as in the CSV, but no blank row 13
        else:
            shop_raw.to_parquet(path, index=False)
            first = 1  # positions
        result = load_transactions(path, MAPPING)
        assert_frame_equal(result.data, shop.data)
        csv_line = {row: row + (row >= 13) for row in range(first, first + len(shop_raw))}
        position = {line: row for row, line in csv_line.items()} if first == 2 else {
            line: row - 1 for row, line in csv_line.items()}
        expected = [(r, n, [position[line] for line in lines]) for r, n, lines in SHOP_REPORT]
        assert_frame_equal(result.report, report(expected))
        assert result.unit == "row"

    def test_excel_with_date_and_number_cells(self, tmp_path):
        sheet = SHOP_DATA.rename(columns={v: k for k, v in MAPPING.items()})
        path = tmp_path / "shop.xlsx"
        with pd.ExcelWriter(path) as writer:
            pd.DataFrame({"说明": ["2024年一季度交易"]}).to_excel(writer, sheet_name="说明", index=False)
            sheet.to_excel(writer, sheet_name="交易", index=False)
        for which in ("交易", 1):
            result = load_transactions(path, MAPPING, sheet=which)
            assert_frame_equal(result.data, SHOP_DATA)
            assert result.dropped == 0

    def test_numeric_ids_in_parquet_are_written_without_decimals(self, tmp_path):
        path = tmp_path / "tx.parquet"
        pd.DataFrame({"customer_id": [12346.0, 17850.0, np.nan], "order_date": ["2024-01-02"] * 3,
                      "amount": [1.0, 2.0, 3.0], "order_id": [536365, 536366, 536367]}).to_parquet(path)
        result = load_transactions(path)
        assert result.data["customer_id"].tolist() == ["12346", "17850"]
        assert result.data["order_id"].tolist() == ["536365", "536366"]
        assert result.report["example_rows"].tolist() == [[3]]

    def test_nothing_dropped_means_no_warning(self, tmp_path):
        path = write(tmp_path / "ok.csv", "customer_id,order_date,amount\nC1,2024-01-02,10\n"
                                          "C2,2024-01-03,\"1,200.00\"\n")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = load_transactions(path)
        assert caught == []
        assert str(result) == "read 2 rows from ok.csv; dropped none; kept 2"
        assert result.data["amount"].tolist() == [10.0, 1200.0]
        assert result.report.columns.tolist() == ["reason", "rows", "example_rows"]

    def test_gb18030_file_is_read_with_a_note(self, tmp_path):
        path = write(tmp_path / "gbk.csv", "客户号,日期,金额\n00001,2024-01-02,¥12.00\n", "gb18030")
        result = load_transactions(path, {"客户号": "customer_id", "日期": "order_date",
                                          "金额": "amount"})
        assert result.data["customer_id"].tolist() == ["00001"]
        assert "read as gb18030" in result.notes[0]

    def test_tab_separated_text(self, tmp_path):
        path = write(tmp_path / "tx.txt", "customer_id\torder_date\tamount\n7\t2024-01-02\t$1,000\n")
        assert load_transactions(path).data["amount"].tolist() == [1000.0]

    def test_day_first_dates_are_inferred_for_the_whole_column(self, tmp_path):
        path = write(tmp_path / "eu.csv", "customer_id;order_date;amount\nA;31/12/2024;1.234,50 €\n"
                                          "B;01/02/2024;12,5\nC;2024-02-01;3\n")
        result = load_transactions(path, decimal=",")
        # one format (%d/%m/%Y) for the column: 01/02/2024 is 1 February, ISO 2024-02-01 is refused
        assert result.data["order_date"].tolist() == [pd.Timestamp("2024-12-31"),
                                                      pd.Timestamp("2024-02-01")]
        assert result.data["amount"].tolist() == [1234.5, 12.5]
        assert result.report["example_rows"].tolist() == [[4]]

    def test_ambiguous_day_and_month_are_read_month_first_with_a_note(self, tmp_path):
        path = write(tmp_path / "us.csv", "customer_id,order_date,amount\nA,03/04/2024,1\n"
                                          "B,05/06/2024,2\n")
        result = load_transactions(path)
        assert result.data["order_date"].tolist() == [pd.Timestamp("2024-03-04"),
                                                      pd.Timestamp("2024-05-06")]
        assert "date_format='%d/%m/%Y'" in result.notes[-1]
        again = load_transactions(path, date_format="%d/%m/%Y")
        assert again.data["order_date"].tolist() == [pd.Timestamp("2024-04-03"),
                                                     pd.Timestamp("2024-06-05")]
        assert again.notes == ()


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("¥1,234.50", ".", 1234.5),
        ("￥1,000,000.00", ".", 1_000_000.0),
        ("-¥100.00", ".", -100.0),
        ("¥-100.00", ".", -100.0),
        ("$ 12", ".", 12.0),
        ("£3.5", ".", 3.5),
        ("88元", ".", 88.0),
        ("1,23", ".", "bad"),
        ("1,2345", ".", "bad"),
        ("12.5.1", ".", "bad"),
        ("abc", ".", "bad"),
        ("--5", ".", "bad"),
        ("inf", ".", "bad"),
        ("", ".", "missing"),
        ("   ", ".", "missing"),
        ("1.234,50 €", ",", 1234.5),
        ("1 234,50", ",", 1234.5),
        ("12,5", ",", 12.5),
        ("12.5", ",", "bad"),
        ("1,234.50", ",", "bad"),
    ],
    ids=lambda v: repr(v),
)
def test_amount_text(text, decimal, expected):
    numbers, missing, bad = _parse_numbers(pd.Series([text], dtype=object), decimal)
    if expected == "bad":
        assert (bool(bad[0]), bool(missing[0])) == (True, False)
    elif expected == "missing":
        assert (bool(bad[0]), bool(missing[0])) == (False, True)
    else:
        assert (numbers[0], bool(bad[0]), bool(missing[0])) == (expected, False, False)


class TestTrainerErrors:
    def test_missing_file(self, tmp_path):
        with pytest.raises(DataError, match=r"file not found: .*nope\.csv.*working folder"):
            load_transactions(tmp_path / "nope.csv", MAPPING)

    def test_unknown_extension(self, tmp_path):
        path = write(tmp_path / "shop.json", "{}")
        with pytest.raises(DataError, match=r"unknown file type '\.json'; supported: \.csv"):
            load_transactions(path)

    def test_unknown_mapping_key_suggests_the_close_column(self):
        mapping = {"客户编号": "customer_id", "交易日期": "order_date", "金额": "amount"}
        with pytest.raises(DataError, match=r"has no column '客户编号'; did you mean '客户号'\?.*"
                                            r"The file's columns are \['客户号', '交易日期'"):
            load_transactions(SHOP, mapping)

    def test_mapping_written_the_wrong_way_round(self):
        with pytest.raises(DataError, match=r"the mapping goes from the file's name to coursekit's, "
                                            r"e.g. \{'客户号': 'customer_id'\}"):
            load_transactions(SHOP, {"customer_id": "客户号", "交易日期": "order_date", "金额": "amount"})

    def test_two_columns_mapped_to_one_name(self):
        mapping = {"客户号": "customer_id", "订单号": "customer_id", "交易日期": "order_date",
                   "金额": "amount"}
        with pytest.raises(DataError, match=r"maps 2 columns \('客户号', '订单号'\) to the same name "
                                            r"'customer_id'"):
            load_transactions(SHOP, mapping)

    def test_mapping_onto_a_column_the_file_already_has(self):
        with pytest.raises(DataError, match=r"maps '订单号' to '门店' but the file already has a "
                                            r"column '门店'"):
            load_transactions(SHOP, {**MAPPING, "订单号": "门店"})

    def test_required_column_missing_after_mapping(self):
        mapping = {"客户号": "customer_id", "交易日期": "order_date"}
        with pytest.raises(DataError, match=r"Required column 'amount' missing after applying "
                                            r"columns=.*not mapped: \['金额', '订单号', '门店'\]"):
            load_transactions(SHOP, mapping)

    def test_file_without_coursekit_names_needs_a_mapping(self):
        with pytest.raises(DataError, match=r"Required column 'customer_id', 'order_date', 'amount' "
                                            r"missing from 'trainer_shop.csv'.*Pass columns="):
            load_transactions(SHOP)

    def test_wrong_date_format_drops_more_than_half(self):
        with pytest.raises(DataError, match=r"rows of 'trainer_shop.csv' would be dropped, mostly for "
                                            r"unparsable date \(19 rows, e.g. lines 2, 3, 4, 6, 7; "
                                            r"values there: \['2024-01-05'.*date_format="):
            load_transactions(SHOP, MAPPING, date_format="%d/%m/%Y")

    def test_wrong_decimal_mark_drops_more_than_half(self):
        with pytest.raises(DataError, match=r"mostly for non-numeric amount .*'¥1,234.50'.*decimal="):
            load_transactions(SHOP, MAPPING, decimal=",")

    def test_sheet_not_found(self, shop_raw, tmp_path):
        path = tmp_path / "shop.xlsx"
        shop_raw.to_excel(path, index=False, sheet_name="交易")
        with pytest.raises(DataError, match=r"sheet '交易明细' not found .*\['交易'\]; did you mean '交易'"):
            load_transactions(path, MAPPING, sheet="交易明细")
        with pytest.raises(DataError, match=r"sheet=3 but 'shop.xlsx' has 1 sheet"):
            load_transactions(path, MAPPING, sheet=3)

    def test_header_only(self, tmp_path):
        path = write(tmp_path / "empty.csv", "customer_id,order_date,amount\n")
        with pytest.raises(DataError, match="has no rows of data"):
            load_transactions(path)

    def test_bad_decimal(self):
        with pytest.raises(DataError, match=r"decimal must be '\.' or ','"):
            load_transactions(SHOP, MAPPING, decimal=";")


# --------------------------------------------------------------------------------------------
# UCI Online Retail
# --------------------------------------------------------------------------------------------

RETAIL_I = FIXTURES / "online_retail_I.csv"
RETAIL_II = FIXTURES / "online_retail_II.csv"

# online_retail_I.csv: 9, 10, 12 (the "A" bad-debt line), 19 have no CustomerID; 11 is a
# zero-price line of customer 12647; 13 repeats line 2; C536379, C536383, C536391 are cancellations
RETAIL_I_REPORT = [
    ("missing customer id", 4, [9, 10, 12, 19]),
    ("line with price <= 0 or quantity <= 0", 1, [11]),
    ("duplicate row", 1, [13]),
]

RETAIL_I_DATA = pd.DataFrame(
    {
        "customer_id": ["17850"] * 4 + ["13047", "13047", "14527", "15311", "15311", "14688",
                                        "14688", "14729", "13047", "12680", "12583", "14527"],
        "order_id": ["536365", "536365", "536365", "536366", "536367", "536367", "C536379",
                     "C536383", "536381", "536378", "536378", "536520", "C536391", "581587",
                     "536370", "536412"],
        "order_date": dates(["2010-12-01 08:26", "2010-12-01 08:26", "2010-12-01 08:26",
                             "2010-12-01 08:28", "2010-12-01 08:34", "2010-12-01 08:34",
                             "2010-12-01 09:41", "2010-12-01 09:49", "2010-12-01 09:41",
                             "2010-12-01 09:37", "2010-12-01 09:37", "2010-12-01 12:43",
                             "2010-12-01 10:24", "2011-12-09 12:50", "2010-12-01 08:45",
                             "2010-12-01 11:49"]),
        # quantity x unit price: 6 x 2.55, 6 x 3.39, 8 x 2.75, 6 x 1.85, 32 x 1.69, 6 x 2.10,
        # -1 x 27.50, -1 x 4.65, 36 x 1.06, 10 x 1.95 (twice), 1 x 1.25, -12 x 1.65, 12 x 0.85,
        # 24 x 3.75, 2 x 1.65
        "amount": [15.30, 20.34, 22.00, 11.10, 54.08, 12.60, -27.50, -4.65, 38.16, 19.50, 19.50,
                   1.25, -19.80, 10.20, 90.00, 3.30],
        "quantity": np.array([6, 6, 8, 6, 32, 6, -1, -1, 36, 10, 10, 1, -12, 12, 24, 2],
                             dtype=np.int64),
        "stock_code": ["85123A", "71053", "84406B", "22633", "84879", "22745", "D", "35004C",
                       "22719", "22386", "85099C", "21123", "22556", "22613", "22728", "21448"],
        "country": ["United Kingdom"] * 13 + ["France", "France", "United Kingdom"],
    }
)


@pytest.fixture(scope="module")
def retail_i() -> LoadResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoursekitWarning)
        return load_online_retail(RETAIL_I)


class TestOnlineRetail:
    def test_online_retail_i(self, retail_i):
        assert_frame_equal(retail_i.data, RETAIL_I_DATA)
        assert_frame_equal(retail_i.report, report(RETAIL_I_REPORT))
        assert (retail_i.rows_read, len(retail_i.data)) == (22, 16)
        assert retail_i.notes == ("kept 3 cancellation lines (invoice 'C...') as returns: negative "
                                  "quantity and amount",)

    def test_warns_with_the_summary(self):
        with pytest.warns(CoursekitWarning, match=r"read 22 rows from online_retail_I.csv; dropped 6: "
                                                  r"4 missing customer ids \(lines 9, 10, 12, 19\), "
                                                  r"1 line with price <= 0 or quantity <= 0 \(line 11\), "
                                                  r"1 duplicate row \(line 13\); kept 16"):
            load_online_retail(RETAIL_I)

    def test_online_retail_ii(self):
        result = load_online_retail(RETAIL_II)
        assert_frame_equal(result.report, report([
            ("missing customer id", 3, [11, 12, 14]),
            ("'A' adjustment invoice", 1, [15]),          # A506402 has a customer id
            ("line with price <= 0 or quantity <= 0", 2, [13, 19]),  # 19: a cancellation at price 0
            ("duplicate row", 1, [16]),
        ]))
        data = result.data
        assert data["customer_id"].tolist() == ["13085"] * 5 + ["13078"] * 2 + ["16321"] * 2 + [
            "15362", "15362", "18102", "17530"]
        assert data["amount"].tolist() == [83.40, 81.00, 81.00, 100.80, 30.60, 59.50, 98.10, 70.80,
                                           -35.40, 12.60, 12.60, 27.44, 3.90]
        assert data.loc[8, ["order_id", "quantity"]].tolist() == ["C489449", -12]
        assert data.loc[0, "order_date"] == pd.Timestamp("2009-12-01 07:45")
        assert data.columns.tolist() == ["customer_id", "order_id", "order_date", "amount",
                                         "quantity", "stock_code", "country"]

    def test_cancellations_can_be_dropped(self):
        result = load_online_retail(RETAIL_I, keep_cancellations=False)
        assert result.report.iloc[1].tolist() == ["cancellation", 3, [8, 14, 20]]
        assert not result.data["order_id"].str.startswith("C").any()
        assert (result.data["amount"] > 0).all()
        assert result.notes == ()

    def test_rfm_table_on_online_retail(self, retail_i):
        rfm = coursekit.rfm_table(retail_i.data, order_col="order_id")
        assert rfm.attrs["as_of"] == pd.Timestamp("2011-12-10")
        # 17850: invoices 536365 (15.30 + 20.34 + 22.00) and 536366 (11.10) on 2010-12-01
        assert rfm.loc["17850", ["recency_days", "frequency", "monetary"]].tolist() == [374, 2, 68.74]
        # 13047: 536367 (54.08 + 12.60), cancelled C536391 (-19.80): not an order, reduces monetary
        assert rfm.loc["13047", ["frequency", "monetary"]].tolist() == [1, 46.88]
        # 14527 bought 3.30 and was refunded a 27.50 discount
        assert rfm.loc["14527", "monetary"] == -24.20

    def test_excel_gives_the_same_result(self, retail_i, tmp_path):
        sheet = pd.read_csv(RETAIL_I)  # CustomerID as float 17850.0, as in the real workbook
        sheet["InvoiceDate"] = pd.to_datetime(sheet["InvoiceDate"], format="%m/%d/%Y %H:%M")
        sheet["InvoiceNo"] = [int(v) if v.isdigit() else v for v in sheet["InvoiceNo"]]
        path = tmp_path / "Online_Retail.xlsx"
        sheet.to_excel(path, index=False, sheet_name="Online Retail")
        result = load_online_retail(path)
        assert_frame_equal(result.data, retail_i.data)
        assert_frame_equal(result.report, retail_i.report)  # sheet rows = CSV lines here
        assert result.unit == "row"

    def test_workbook_with_two_overlapping_sheets(self, tmp_path):
        sheet = pd.read_csv(RETAIL_II, dtype={"Invoice": str, "StockCode": str})
        path = tmp_path / "online_retail_II.xlsx"
        with pd.ExcelWriter(path) as writer:
            sheet.iloc[:10].to_excel(writer, sheet_name="Year 2009-2010", index=False)
            sheet.iloc[8:].to_excel(writer, sheet_name="Year 2010-2011", index=False)
        result = load_online_retail(path)
        # rows 10 and 11 of the first sheet (CSV lines 10, 11) are rows 2 and 3 of the second: the
        # cancellation on row 2 is a duplicate, row 3 has no customer id; row 8 is CSV line 16
        reasons = result.report.set_index("reason")
        assert reasons.loc["duplicate row", "example_rows"] == ["Year 2010-2011:2", "Year 2010-2011:8"]
        assert reasons.loc["missing customer id", "example_rows"] == [
            "Year 2009-2010:11", "Year 2010-2011:3", "Year 2010-2011:4", "Year 2010-2011:6"]
        assert_frame_equal(result.data, load_online_retail(RETAIL_II).data)

    def test_other_header_is_refused(self):
        with pytest.raises(DataError, match=r"not in an Online Retail format: its columns are "
                                            r"\['客户号'.*use load_transactions"):
            load_online_retail(SHOP)

    def test_no_usable_line(self, tmp_path):
        path = write(tmp_path / "retail.csv", RETAIL_I.read_text().splitlines()[0]
                     + "\n536414,22139,,56,12/1/2010 11:52,0,,United Kingdom\n")
        with pytest.raises(DataError, match=r"no usable line in 'retail.csv' \(Online Retail format\): "
                                            r"1 missing customer id"):
            load_online_retail(path)


# --------------------------------------------------------------------------------------------
# CDNOW
# --------------------------------------------------------------------------------------------

MASTER = FIXTURES / "CDNOW_master_excerpt.txt"
SAMPLE = FIXTURES / "CDNOW_sample_excerpt.txt"


class TestCdnow:
    def test_master_four_columns(self):
        result = load_cdnow(MASTER)
        expected = pd.DataFrame(
            {
                "customer_id": ["00001", "00002", "00002"] + ["00003"] * 6 + ["00004"] * 3 + [
                    "00006", "00007", "00008"],
                "order_date": dates(["1997-01-01", "1997-01-12", "1997-01-12", "1997-01-02",
                                     "1997-03-30", "1997-04-02", "1997-11-15", "1997-11-25",
                                     "1998-05-28", "1997-01-01", "1997-08-02", "1997-12-12",
                                     "1997-01-01", "1997-01-01", "1997-01-01"]),
                "amount": [11.77, 12.00, 77.00, 20.76, 20.76, 19.54, 57.45, 20.96, 16.99, 29.33,
                           14.96, 26.48, 20.99, 0.00, 9.77],
                "quantity": np.array([1, 1, 5, 2, 2, 2, 5, 4, 1, 2, 1, 2, 1, 2, 1], dtype=np.int64),
            }
        )
        assert_frame_equal(result.data, expected)
        assert_frame_equal(result.report, report([
            ("unparsable date", 1, [11]),                          # 19971301: month 13
            ("line with the wrong number of columns", 1, [14]),   # "00005 19970101 2"
        ][::-1]))
        assert result.rows_read == 17
        assert result.notes == ("kept 1 line worth $0: a zero-value order is an order (it counts in "
                                "frequency and recency)",)
        rfm = coursekit.rfm_table(result.data)
        # 00003: six lines, each an order: 20.76 + 20.76 + 19.54 + 57.45 + 20.96 + 16.99
        assert rfm.loc["00003", ["frequency", "monetary"]].tolist() == [6, 156.46]
        assert rfm.loc["00007", ["frequency", "monetary"]].tolist() == [1, 0.0]

    def test_sample_five_columns(self):
        result = load_cdnow(SAMPLE)
        data = result.data
        assert data.columns.tolist() == ["customer_id", "order_date", "amount", "quantity",
                                         "sample_id"]
        assert data["customer_id"].tolist() == ["00004"] * 4 + ["00021"] * 2 + [
            "00050", "01101", "01668", "01668", "01668", "00086", "00111", "00111"]
        assert data["sample_id"].tolist()[:7] == ["0001"] * 4 + ["0002"] * 2 + ["0003"]
        assert data["amount"].tolist() == [29.33, 29.73, 14.96, 26.48, 63.34, 11.77, 6.79, 0.00,
                                           9.77, 9.77, 14.99, 23.94, 35.99, 32.99]
        assert_frame_equal(result.report, report([("unparsable date", 1, [12])]))  # 19970230
        assert "kept 1 line that repeats an earlier line exactly" in result.notes[1]
        with pytest.raises(DataError, match="duplicate rows"):
            coursekit.rfm_table(data)
        rfm = coursekit.rfm_table(data, duplicates="keep")
        assert rfm.loc["01668", ["frequency", "monetary"]].tolist() == [3, 34.53]

    def test_header_line_is_skipped(self, tmp_path):
        path = write(tmp_path / "CDNOW_master.txt", " customer_id  date number_of_cds  dollar_value\n"
                                                    + MASTER.read_text())
        result = load_cdnow(path)
        assert len(result.data) == 15
        assert result.report["example_rows"].tolist() == [[15], [12]]  # one line further down
        assert result.notes[0].startswith("skipped the header line (line 1")

    def test_not_a_cdnow_file(self, tmp_path):
        path = write(tmp_path / "x.txt", "a 1 2\nb 3 4\n")
        with pytest.raises(DataError, match="most lines have 3 whitespace-separated columns"):
            load_cdnow(path)

    def test_mostly_bad_dates(self, tmp_path):
        path = write(tmp_path / "x.txt", "00001 1997-01-01 1 11.77\n00002 1997-01-12 1 12.00\n"
                                         "00003 19970102 2 20.76\n")
        with pytest.raises(DataError, match=r"2 of 3 rows .* unparsable date .*YYYYMMDD"):
            load_cdnow(path)

    def test_excel_file_is_refused(self, tmp_path):
        path = write(tmp_path / "CDNOW.xlsx", "")
        with pytest.raises(DataError, match="not a text file"):
            load_cdnow(path)
