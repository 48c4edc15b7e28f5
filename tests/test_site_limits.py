"""The public site's limits hold against hostile readers, on real Datasette: queries that
would allocate gigabytes or spin in the plugin's Python functions fail fast, the site answers
other requests within 2 s meanwhile, and bad ids, bad methods and a damaged WARC give 4xx."""
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from archive.schema import open_archive
from archive.warc import WarcCapture

from .servers import datasette

# Refused with an error (4xx): over SQLite's length limit, or over a function's input limit.
REFUSED = {
    "zeroblob": "select length(replace(hex(zeroblob(250000000)), '0', '00'))",
    "zeroblob doubled": "select length(zeroblob(20000000) || zeroblob(20000000))",
    "bigram of a long query": "select bigram_query(replace(hex(zeroblob(5000)), '0', '年'))",
    "escape_fts of a long query": "select escape_fts(replace(hex(zeroblob(5000)), '0', 'a '))",
    "snippet of a long query": "select search_snippet('abc', replace(hex(zeroblob(5000)), '0', 'a'))",
}
# Answered, but within bounds (the text looked into is cut at limits.MAX_TEXT_CHARS).
BOUNDED = {
    "snippet over 10 MB": "select search_snippet(replace(hex(zeroblob(1500000)), '0', 'ab '), 'b a')",
}
HOSTILE_QUERIES = {**REFUSED, **BOUNDED}


def get(url: str, data: bytes | None = None, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site-limits")
    db = open_archive(tmp / "archive.db")
    capture = WarcCapture(db, tmp / "warcs", "run1", base=tmp)
    good, _ = capture.store("http://127.0.0.1:1/a.html", b"<p>fine</p>", content_type="text/html")
    damaged, _ = capture.store("http://127.0.0.1:1/b.html", b"<p>damaged later</p>", content_type="text/html")
    capture.close()
    row = db["captures"].get(damaged)
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    with open(tmp / row["warc_file"], "r+b") as warc:  # 64 KB of zeros over the record
        warc.seek(row["warc_offset"])
        warc.write(b"\0" * 65536)
    with datasette(tmp / "archive.db") as base:
        yield {"base": base, "good": good, "damaged": damaged}


def sql(base: str, query: str, timeout: float = 30) -> tuple[int, dict]:
    status, body = get(f"{base}/archive.json?" + urllib.parse.urlencode({"sql": query}), timeout=timeout)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"raw": body}


@pytest.mark.parametrize("name", HOSTILE_QUERIES)
def test_hostile_queries_fail_fast(site, name):
    started = time.monotonic()
    status, answer = sql(site["base"], HOSTILE_QUERIES[name])
    if name in REFUSED:
        assert 400 <= status < 500 and answer.get("ok") is False, (status, answer)
    else:
        assert status == 200 or "too long" in answer.get("error", ""), (status, answer)
    assert time.monotonic() - started < 3.5


def test_the_site_answers_others_while_hostile_queries_run(site):
    threads = [threading.Thread(target=sql, args=(site["base"], q)) for q in HOSTILE_QUERIES.values()] * 1
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    started = time.monotonic()  # a page of the site (a reader's own SQL waits its turn: the next test)
    status, body = get(f"{site['base']}/archive/captures.json?_size=1&_col=id", timeout=10)
    assert status == 200 and json.loads(body)["rows"]
    assert time.monotonic() - started < 2
    for thread in threads:
        thread.join()


SPINNING = "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c"


def test_a_readers_sql_runs_on_a_smaller_budget_and_never_holds_every_thread(site):
    """Arbitrary SQL stops at limits.ARBITRARY_SQL_TIME_LIMIT_MS (whatever `_timelimit` it asks
    for), at most ARBITRARY_SQL_AT_ONCE run at a time, and the site's pages answer within
    2 s while eight queries that would spin for ever are sent at once."""
    from publish import limits

    started = time.monotonic()
    status, answer = get(f"{site['base']}/archive.json?" + urllib.parse.urlencode({"sql": SPINNING, "_timelimit": 60000}))
    assert 400 <= status < 500 and "took too long" in json.loads(answer)["error"], (status, answer[:300])
    assert time.monotonic() - started < limits.ARBITRARY_SQL_TIME_LIMIT_MS / 1000 + 1.5
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(sql(site["base"], SPINNING)[0])) for _ in range(8)]
    for thread in threads:
        thread.start()
    late = []
    for _ in range(8):
        time.sleep(0.25)
        started = time.monotonic()
        status, _ = get(f"{site['base']}/archive/captures.json?_size=1&_col=id", timeout=10)
        late += [] if status == 200 and time.monotonic() - started < 2 else [(status, time.monotonic() - started)]
    for thread in threads:
        thread.join()
    assert not late, late
    assert len(answers) == 8 and all(400 <= a < 500 for a in answers), answers


def test_ordinary_search_functions_still_work(site):
    status, answer = sql(site["base"], "select search_snippet('某县2023年度报告全文', '年度')")
    assert status == 200 and "【年度】" in answer["rows"][0][0]


@pytest.mark.parametrize("path", ["/-/archived/99999999999999999999999", "/-/archived/99999999999999999999999/raw",
                                  "/-/archived/9223372036854775808"])
def test_ids_sqlite_cannot_hold_answer_404(site, path):
    assert get(site["base"] + path)[0] == 404


def test_writes_of_any_method_answer_405(site):
    assert get(f"{site['base']}/archive/new_reports", data=b"x=1")[0] == 405
    assert get(f"{site['base']}/archive.json?sql=select+1", data=b"")[0] == 405


def test_a_damaged_capture_answers_404_and_the_others_still_show(site):
    assert get(f"{site['base']}/-/archived/{site['damaged']}/raw")[0] == 404
    assert get(f"{site['base']}/-/archived/{site['damaged']}")[0] == 404
    status, body = get(f"{site['base']}/-/archived/{site['good']}/raw")
    assert status == 200 and "fine" in body


def test_a_long_query_makes_no_header_a_client_refuses(site):
    """Datasette's alternate-JSON Link header repeats the query string: with a 100 KB query it
    would be a 100 KB header (Python's client: LineTooLong; nginx: 502). It is left out."""
    q = " OR ".join(f"词{i}" for i in range(5000))
    with urllib.request.urlopen(f"{site['base']}/archive/search?" + urllib.parse.urlencode({"q": "年报"}), timeout=30) as ok:
        assert ok.headers.get("Link")  # a short query keeps its alternate-JSON link
    status, body = get(f"{site['base']}/archive/search?" + urllib.parse.urlencode({"q": q}), timeout=30)
    assert status in (200, 400), status
