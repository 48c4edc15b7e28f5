"""HTML tables of the national report format, with the real layout's spans, from a
hand-verified reading of a report (the labels in tests/files/labels)."""
from __future__ import annotations

from html import escape

COLUMNS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]


def cell(value, raw=None, attrs="") -> str:
    if raw is None:
        if value is None:
            raw = ""
        elif isinstance(value, float):
            raw = f"{value:.6f}".rstrip("0").rstrip(".")
        else:
            raw = str(value)
    return f"<td{attrs}>{escape(raw)}</td>"


def _rows(rows) -> str:
    return "\n".join("<tr>" + "".join(r) + "</tr>" for r in rows)


def table(rows) -> str:
    return ('<table border="1" cellspacing="0" cellpadding="2" style="border-collapse:collapse">\n'
            + _rows(rows) + "\n</table>")


def active_2021(a: dict, raw: dict) -> str:
    def v(key, attrs=""):
        return cell(a.get(key), raw.get(key), attrs)
    c3 = ' colspan="3"'
    return table([
        ['<td colspan="4">第二十条第（一）项</td>'],
        ["<td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td>"],
        ["<td>规章</td>", v("regulations_issued"), v("regulations_repealed"), v("regulations_in_force")],
        ["<td>行政规范性文件</td>", v("normative_issued"), v("normative_repealed"), v("normative_in_force")],
        ['<td colspan="4">第二十条第（五）项</td>'],
        [f"<td>信息内容</td><td{c3}>本年处理决定数量</td>"],
        ["<td>行政许可</td>", v("licensing", c3)],
        ['<td colspan="4">第二十条第（六）项</td>'],
        [f"<td>信息内容</td><td{c3}>本年处理决定数量</td>"],
        ["<td>行政处罚</td>", v("penalty", c3)],
        ["<td>行政强制</td>", v("enforcement", c3)],
        ['<td colspan="4">第二十条第（八）项</td>'],
        [f"<td>信息内容</td><td{c3}>本年收费金额（单位：万元）</td>"],
        ["<td>行政事业性收费</td>", v("fees_10k_yuan", c3)],
    ])


def active_2019(a: dict, raw: dict) -> str:
    def v(key, attrs=""):
        return cell(a.get(key), raw.get(key), attrs)
    return table([
        ['<td colspan="4">第二十条第（一）项</td>'],
        ["<td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td>"],
        ["<td>规章</td>", v("regulations_made"), v("regulations_published"), v("regulations_total")],
        ["<td>规范性文件</td>", v("normative_made"), v("normative_published"), v("normative_total")],
        ['<td colspan="4">第二十条第（五）项</td>'],
        ["<td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td>"],
        ["<td>行政许可</td>", v("licensing_prev"), v("licensing_change"), v("licensing_decisions")],
        ["<td>其他对外管理服务事项</td>", v("other_services_prev"), v("other_services_change"), v("other_services_decisions")],
        ['<td colspan="4">第二十条第（六）项</td>'],
        ["<td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td>"],
        ["<td>行政处罚</td>", v("penalty_prev"), v("penalty_change"), v("penalty_decisions")],
        ["<td>行政强制</td>", v("enforcement_prev"), v("enforcement_change"), v("enforcement_decisions")],
        ['<td colspan="4">第二十条第（八）项</td>'],
        ['<td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td>'],
        ["<td>行政事业性收费</td>", v("fees_prev"), v("fees_change", ' colspan="2"')],
        ['<td colspan="4">第二十条第（九）项</td>'],
        ['<td>信息内容</td><td>采购项目数量</td><td colspan="2">采购总金额</td>'],
        ["<td>政府集中采购</td>", v("procurement_count"), v("procurement_amount", ' colspan="2"')],
    ])


def applications(apps: dict, fmt: str, raw: dict, carried_over_label: str | None = None) -> str:
    def vals(key):
        return [cell((apps.get(key) or {}).get(c), (raw.get(key) or {}).get(c)) for c in COLUMNS]
    rows = [
        ['<td rowspan="2" colspan="3">申请人情况</td><td rowspan="2">自然人</td>'
         '<td colspan="5">法人或其他组织</td><td rowspan="2">总计</td>'],
        ["<td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td>"],
        ['<td colspan="3">一、本年新收政府信息公开申请数量</td>', *vals("new_received")],
        [f'<td colspan="3">{escape(carried_over_label or "二、上年结转政府信息公开申请数量")}</td>', *vals("carried_over")],
    ]
    results = 22 if fmt == "2021" else 20
    rows.append([f'<td rowspan="{results}">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>', *vals("granted")])
    rows.append(['<td colspan="2">（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td>', *vals("partially_granted")])
    groups = [
        ("（三）不予公开", [("1.属于国家秘密", "denied_state_secret"), ("2.其他法律行政法规禁止公开", "denied_other_law"),
                     ("3.危及“三安全一稳定”", "denied_three_safeties"), ("4.保护第三方合法权益", "denied_third_party"),
                     ("5.属于三类内部事务信息", "denied_internal_affairs"), ("6.属于四类过程性信息", "denied_process_info"),
                     ("7.属于行政执法案卷", "denied_law_enforcement_file"), ("8.属于行政查询事项", "denied_administrative_query")]),
        ("（四）无法提供", [("1.本机关不掌握相关政府信息", "unable_not_held"), ("2.没有现成信息需要另行制作", "unable_needs_creation"),
                     ("3.补正后申请内容仍不明确", "unable_unclear")]),
        ("（五）不予处理", [("1.信访举报投诉类申请", "rejected_petition"), ("2.重复申请", "rejected_duplicate"),
                     ("3.要求提供公开出版物", "rejected_publication"), ("4.无正当理由大量反复申请", "rejected_excessive"),
                     ("5.要求行政机关确认或重新出具已获取信息", "rejected_confirmation")]),
    ]
    if fmt == "2021":
        groups.append(("（六）其他处理", [
            ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
            ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_no_fee"),
            ("3.其他", "other_other")]))
    for label, subs in groups:
        for i, (sub, key) in enumerate(subs):
            head = f'<td rowspan="{len(subs)}">{label}</td>' if i == 0 else ""
            rows.append([head + f"<td>{sub}</td>", *vals(key)])
    if fmt == "2019":
        rows.append(['<td colspan="2">（六）其他处理</td>', *vals("other_total")])
    rows.append(['<td colspan="2">（七）总计</td>', *vals("total_handled")])
    rows.append(['<td colspan="3">四、结转下年度继续办理</td>', *vals("carried_forward")])
    return table(rows)


def review(rl: dict, raw: dict | None = None) -> str:
    raw = raw or {}
    outcomes = ["upheld", "corrected", "other", "pending", "total"]
    heads = "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>"
    values = [cell(rl[b][o], (raw.get(b) or {}).get(o)) for b in ("review", "suit_direct", "suit_after_review")
              for o in outcomes]
    return table([
        ['<td colspan="5">行政复议</td><td colspan="10">行政诉讼</td>'],
        ['<td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td>'
         '<td rowspan="2">尚未审结</td><td rowspan="2">总计</td>'
         '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td>'],
        [heads + heads],
        values,
    ])
