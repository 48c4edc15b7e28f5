"""Imported once by the extraction workers' forkserver (extract/bounded.py): one small report
is extracted there, so the parsers' lazy set-up (YAML rules, compiled patterns, trafilatura's
data) is done once and every forked worker starts with it done."""
from .report import extract_bytes

SAMPLE = ("<html><head><meta charset='utf-8'><title>某县人民政府2023年政府信息公开工作年度报告</title></head>"
          "<body><div id='zoom'><p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
          "<table><tr><td>第二十条第（一）项</td></tr><tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr></table>"
          "<p>三、收到和处理政府信息公开申请情况</p><table><tr><td>本年新收政府信息公开申请数量</td>"
          "<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr></table>"
          "<p>五、存在的主要问题及改进情况</p></div></body></html>").encode("utf-8")

extract_bytes(SAMPLE, "warm-up.html", "text/html; charset=utf-8")
