from extract import checks

COLUMNS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]


def row(*values):
    return dict(zip(COLUMNS, values))


def report(**overrides):
    zero = row(0, 0, 0, 0, 0, 0, 0)
    apps = {k: dict(zero) for k in [
        "new_received", "carried_over", "granted", "partially_granted", "denied_state_secret",
        "denied_other_law", "denied_three_safeties", "denied_third_party", "denied_internal_affairs",
        "denied_process_info", "denied_law_enforcement_file", "denied_administrative_query",
        "unable_not_held", "unable_needs_creation", "unable_unclear", "rejected_petition",
        "rejected_duplicate", "rejected_publication", "rejected_excessive", "rejected_confirmation",
        "other_no_correction", "other_no_fee", "other_other", "total_handled", "carried_forward"]}
    apps["new_received"] = row(3, 0, 0, 0, 0, 0, 3)
    apps["granted"] = row(3, 0, 0, 0, 0, 0, 3)
    apps["total_handled"] = row(3, 0, 0, 0, 0, 0, 3)
    apps.update(overrides)
    review = {b: {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
              for b in ("review", "suit_direct", "suit_after_review")}
    return {"format": "2021", "applications": apps, "review_litigation": review, "active": {"licensing": 4}}


def by(results, rule, scope):
    return next(c for c in results if c["rule"] == rule and c["scope"] == scope)


def test_consistent_report_passes():
    results = checks.run(report())
    assert {c["status"] for c in results} == {"pass"}
    assert checks.status_of(results) == "ok"


def test_failures_name_their_cells():
    results = checks.run(report(carried_forward=row(1, 0, 0, 0, 0, 0, 1)))
    r1 = by(results, "R1", "applications.total")
    assert r1["status"] == "fail"
    assert r1["cells"]["carried_forward"] == 1 and "3 ≠ 4" in r1["detail"]
    assert checks.status_of(results) == "has_failures"


def test_missing_cell_is_not_assessable_never_zero():
    results = checks.run(report(carried_over=row(None, 0, 0, 0, 0, 0, None)))
    assert by(results, "R1", "applications.natural_person")["status"] == "not_assessable"
    assert by(results, "R1", "applications.commercial")["status"] == "pass"
    assert by(results, "R3", "applications.carried_over")["status"] == "not_assessable"
    assert checks.status_of(results) == "incomplete"


def test_r6_flags_negative_and_fractional_counts():
    bad = report(granted=row(3, 0, 0, 0, 0, 0, 3))
    bad["active"]["licensing"] = -2
    bad["review_litigation"]["review"]["total"] = 1.5
    r6 = by(checks.run(bad), "R6", "all counts")
    assert r6["status"] == "fail" and "active.licensing=-2" in r6["detail"]


# --- R7: figures stated in the narrative against the tables ---------------------------------

def r7(narrative: str, **overrides) -> dict:
    from extract import narrative as narrative_module

    return {c["scope"]: c for c in narrative_module.check(report(**overrides), narrative)}


def test_r7_compares_stated_figures_with_their_cells():
    found = r7("2023年共收到政府信息公开申请3件，其中予以公开3件，结转下年度0件。")
    assert {k: c["status"] for k, c in found.items()} == {
        "narrative.new_received": "pass", "narrative.granted": "pass", "narrative.carried_forward": "pass"}
    assert found["narrative.granted"]["cells"] == {"narrative": 3, "applications.granted.total": 3}
    assert "«2023年共收到政府信息公开申请3件，其中予以公开3件，结转下年度0件»" in found["narrative.granted"]["detail"]
    wrong = r7("全年共收到政府信息公开申请5件。")
    assert wrong["narrative.new_received"]["status"] == "fail" and "they differ" in wrong["narrative.new_received"]["detail"]


def test_r7_groups_are_summed():
    found = r7("本年度不予公开2件。", denied_state_secret=row(1, 0, 0, 0, 0, 0, 1), denied_third_party=row(1, 0, 0, 0, 0, 0, 1))
    check = found["narrative.denied"]
    assert check["status"] == "pass" and check["cells"]["applications.denied_state_secret.total"] == 1
    assert len(check["cells"]) == 1 + 8  # the narrative and the eight 不予公开 rows


def test_r7_does_not_compare_what_it_cannot_map():
    # another channel's counts, a figure that includes last year's requests, two different
    # numbers for one figure, 部分予以公开 (not 予以公开), a year-on-year comparison
    assert r7("12345热线共收到市民诉求件2000件，办结1990件。") == {}
    assert "narrative.new_received" not in r7("共受理政府信息公开申请20件（含上年结转2件）。")
    assert "narrative.new_received" not in r7("收到政府信息公开申请3件。另据统计，全年收到政府信息公开申请4件。")
    assert "narrative.granted" not in r7("其中部分予以公开3件。")
    assert r7("收到政府信息公开申请同比增长5件。") == {}


def test_r7_zero_statements_and_their_veto():
    found = r7("本年度未发生因政府信息公开申请提起行政复议、行政诉讼的情况。")
    assert found["narrative.review"]["status"] == "fail"  # the table has 1 pending review
    assert found["narrative.lawsuits"]["cells"]["narrative"] == 0
    assert r7("本年度未发生行政复议被纠错的情况。") == {}


def test_r7_outcomes_only_in_a_sentence_about_one_kind_of_case():
    found = r7("行政复议1件，尚未审结1件。")
    assert found["narrative.review_pending"]["status"] == "pass"
    mixed = r7("行政复议1件，尚未审结1件，行政诉讼2件，尚未审结2件。")
    assert "narrative.review_pending" not in mixed and "narrative.lawsuits_pending" not in mixed


def test_r7_blank_cell_is_not_assessable():
    found = r7("收到政府信息公开申请3件。", new_received=row(3, None, None, None, None, None, None))
    assert found["narrative.new_received"]["status"] == "not_assessable"
