import pytest

from extract.values import classify, fold, parse_cell


@pytest.mark.parametrize("raw,value,unit,note", [
    ("18", 18, None, None),
    (" 36", 36, None, None),
    ("１８", 18, None, None),  # full-width digits
    ("1,341", 1341, None, None),
    ("22（其中修订16件）", 22, None, "其中修订16件"),
    ("0\xa0", 0, None, None),
])
def test_counts(raw, value, unit, note):
    cell = parse_cell(raw)
    assert (cell.value, cell.unit, cell.note, cell.raw) == (value, unit, note, raw.strip())


@pytest.mark.parametrize("raw", ["", "无", "/", "—", "-", "不适用", "  "])
def test_not_reported_is_null_not_zero(raw):
    cell = parse_cell(raw)
    assert cell.value is None and cell.raw == raw.strip()
    assert classify(raw) == "null"


def test_money_units():
    assert parse_cell("1341万元", unit="万元", decimal=True).value == 1341
    assert parse_cell("251000元", unit="万元", decimal=True).value == 25.1
    assert parse_cell("24252.311082", unit="万元", decimal=True).value == 24252.311082
    amount = parse_cell("75394432.52元", decimal=True, keep_unit=True)
    assert (amount.value, amount.unit) == (75394432.52, "元")


def test_labels_are_not_values():
    for label in ("1.属于国家秘密", "（七）总计", "2023年", "本年新收政府信息公开申请数量"):
        assert classify(label) == "text"
    assert fold("（三）不予公开") == "(三)不予公开"
