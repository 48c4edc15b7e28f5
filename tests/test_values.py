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


# --- counts in Chinese numerals, everyday and 大写 -------------------------------------------

SPELLINGS = {"lower": ("〇一二三四五六七八九", "十百千"), "zero": ("零一二三四五六七八九", "十百千"),
             "daxie": ("零壹贰叁肆伍陆柒捌玖", "拾佰仟"), "traditional": ("零壹貳參肆伍陸柒捌玖", "拾佰仟")}


def spell(n: int, style: str, rnd) -> str:
    """n (< 10^8) as written in full: 一百零五, 一万零五百, 壹仟贰佰, 十五 or 一十五, 两百."""
    digits, (ten, hundred, thousand) = SPELLINGS[style]

    def part(m: int, first: bool) -> str:
        out, gap = "", False
        for unit, name in ((1000, thousand), (100, hundred), (10, ten), (1, "")):
            d = m // unit % 10
            if not d:
                gap = bool(out)
                continue
            out += digits[0] if gap or (not out and not first and m < 1000) else ""
            gap = False
            if unit == 10 and d == 1 and not out and first and rnd.random() < 0.5:
                out += name  # 十五 (or 一十五)
            elif d == 2 and unit >= 100 and style == "lower" and rnd.random() < 0.3:
                out += "两" + name
            else:
                out += digits[d] + name
        return out
    if n == 0:
        return digits[0]
    high, low = divmod(n, 10000)
    if not high:
        return part(low, True)
    return part(high, True) + ("万" if style in ("lower", "zero") else rnd.choice("万萬")) + (part(low, False) if low else "")


@pytest.mark.parametrize("style", sorted(SPELLINGS))
def test_chinese_counts_of_every_size(style):
    import random

    from extract.values import chinese_count
    rnd = random.Random(style)
    sizes = list(range(0, 1200)) + [rnd.randrange(10 ** k, 10 ** (k + 1)) for k in range(3, 8) for _ in range(400)]
    for n in sizes:
        text = spell(n, style, rnd)
        assert chinese_count(text) == n, text


@pytest.mark.parametrize("text,value", [
    ("壹佰零伍", 105), ("壹拾", 10), ("拾伍", 15), ("贰仟零壹拾贰", 2012), ("两百", 200), ("三万", 30000),
    ("十万", 100000), ("一万零一十五", 10015), ("壹万贰仟", 12000), ("〇", 0), ("零", 0)])
def test_chinese_counts(text, value):
    from extract.grid import Text, Where
    from extract.values import chinese_count

    assert chinese_count(text) == value
    assert parse_cell(Text(text + "件", Where("html", 1, 3, 4))).value == value


@pytest.mark.parametrize("text", [
    "一百五", "二千三", "壹佰伍",  # said for 150, 2300: shorthand, not read
    "一万五", "一万五百", "一万零五千",  # 15,000 said short, or parts that do not fit
    "万", "千", "佰", "二〇", "二〇二三", "十〇", "一万万", "万一", "贰贰"])
def test_ambiguous_chinese_numerals_stay_unread(text):
    from extract.grid import Text, Where
    from extract.values import chinese_count

    assert chinese_count(text) is None
    assert parse_cell(Text(text, Where("html", 1, 3, 4))).value is None
