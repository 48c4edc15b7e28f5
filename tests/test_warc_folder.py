"""The WARC folder: two archives may share one, and an archived answer that cannot be read
back any more is fetched whole again, once — a re-crawl never loops on it."""
from __future__ import annotations

import sqlite_utils

from archive.warc import payload_digest, read_capture

from .servers import crawl, replica, seeds_file


def _readable(db_path):
    db = sqlite_utils.Database(db_path)
    for capture in db["captures"].rows:
        row, body = read_capture(db, capture["id"], db_path.parent)
        assert payload_digest(body) == row["digest"]
    return db


def test_two_archives_share_a_warc_folder_and_lose_nothing(tmp_path):
    warcs = tmp_path / "warcs"
    first, second = tmp_path / "a" / "archive.db", tmp_path / "b" / "archive.db"
    with replica({"trs": 0}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        assert crawl(seeds, first, "-s", f"WARC_DIR={warcs}").returncode == 0
        # the second archive's start must not take the first one's records for a killed tail
        result = crawl(seeds, second, "-s", f"WARC_DIR={warcs}")
        assert result.returncode == 0, result.stderr[-2000:]
    assert len(list(warcs.glob("*.warc.gz"))) == 2
    for db_path in (first, second):
        db = _readable(db_path)
        assert db["reports"].count >= 1
        assert not list(db.query("select * from errors where stage = 'capture'"))


def test_a_lost_archived_list_page_is_fetched_whole_again(tmp_path):
    db_path = tmp_path / "archive.db"
    with replica({"trs": 0}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        assert crawl(seeds, db_path).returncode == 0
        first = sqlite_utils.Database(db_path)["captures"].count
        for warc in (tmp_path / "warcs").glob("*.warc.gz"):
            warc.write_bytes(b"")  # every archived copy gone (a disk restored from an old backup)
        # CLOSESPIDER_TIMEOUT: a loop on the 304 would otherwise run until the test's own timeout
        again = crawl(seeds, db_path, "-s", "CLOSESPIDER_TIMEOUT=120", "-s", "STATS_DUMP=True")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "closespider_timeout" not in again.stderr
    requests = int(again.stderr.split("'downloader/request_count': ")[1].split(",")[0])
    assert requests < 2 * first  # each unreadable answer asked for once more, not for ever
    db = sqlite_utils.Database(db_path)
    found = [r[0] for r in db.execute("select reports_found from crawl_runs order by run")]
    assert len(found) == 2 and found[1] == found[0] >= 1  # the list was read from the whole answer
