"""Documents: encodings, metadata blocks, titles."""
from extract import extract_bytes
from extract.report import organ_and_year

GBK_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="PubDate" content="2024-01-15 09:00"><title>某县人民政府2023年政府信息公开工作年度报告</title></head>
<body><table><tr><td>索引号：</td><td>001/2024-00012</td><td>发布机构：</td><td>某县人民政府办公室</td></tr></table>
<div id="zoom"><p>某县人民政府2023年政府信息公开工作年度报告</p><p>本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。</p></div>
</body></html>"""


def test_gbk_page_declared_only_in_meta():
    result = extract_bytes(GBK_PAGE.encode("gbk"), "http://example.gov.cn/a.html", "text/html")
    assert result["agency"] == "某县人民政府"
    assert result["report_year"] == 2023
    assert result["published"] == "2024-01-15"  # PubDate, not the 统计期限 sentence
    assert result["index_number"] == "001/2024-00012"
    assert result["publisher"] == "某县人民政府办公室"
    assert "table 3 (收到和处理政府信息公开申请) not found" in result["errors"]
    assert result["applications"] == {}


def test_title_parsing():
    assert organ_and_year("浙江乍浦经济开发区（嘉兴港区）2023年度政府信息公开工作年度报告") == (
        "浙江乍浦经济开发区（嘉兴港区）", 2023)
    assert organ_and_year("沭阳县发展和改革局2023年政府信息公开年度报告") == ("沭阳县发展和改革局", 2023)
    assert organ_and_year("关于公布某事的通知") == (None, None)


def test_hostile_markup_does_not_crash():
    hostile = b"<html><body><div id=zoom><table><tr><td>" + b"<table>" * 500 + b"\xff\xfe<script>alert(1)</script>"
    result = extract_bytes(hostile, "hostile.html", "text/html")
    assert result["errors"]


def test_tables_inside_a_layout_table_are_read():
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "tests" / "files" / "samples" / "shuyang-fgj-2023.html").read_text(encoding="utf-8")
    wrapped = page.replace("<body>", "<body><table width='960'><tr><td>", 1).replace("</body>", "</td></tr></table></body>", 1)
    result = extract_bytes(wrapped.encode("utf-8"), "wrapped.html", "text/html")
    assert result["applications"]["new_received"]["total"] == 26 and result["errors"] == []
