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
