"""Report identity is per portal: a crawl whose seeds overlap the demo's portals (another
entry for the same site) never moves a report to its own portal, never archives a copy of
another portal's report a second time, and never marks another portal's report removed."""
import shutil
import sqlite3
import urllib.parse

import yaml

from .servers import crawl, replica


def test_overlapping_seeds_leave_the_other_portals_reports_alone(archive, tmp_path):
    db = tmp_path / "archive.db"
    with sqlite3.connect(archive["path"]) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    shutil.copytree(archive["path"].parent / "warcs", tmp_path / "warcs")
    before = sqlite3.connect(db).execute("select id, portal, url, status from reports order by id").fetchall()
    ports = {name: urllib.parse.urlsplit(url).port for name, url in archive["sites"].items()}
    trs = archive["sites"]["trs"]
    # An operator's own entry for the 平潭 site, crawled while it serves edition 1 again: the
    # 2019 report is back at the URL it had before it moved (in the archive it lives at …_1.htm).
    seeds = tmp_path / "overlap.yml"
    seeds.write_text(yaml.safe_dump([{"id": "pingtan", "name": "平潭综合实验区", "url": trs,
                                      "region": "福建省平潭综合实验区", "level": "prefecture",
                                      "allowed_hosts": [urllib.parse.urlsplit(trs).netloc]}],
                                    allow_unicode=True), encoding="utf-8")
    with replica({"trs": ports["trs"]}, edition=1):
        run = crawl(seeds, db)
    assert "Traceback" not in run.stderr
    conn = sqlite3.connect(db)
    after = conn.execute("select id, portal, url, status from reports order by id").fetchall()
    assert after == before  # nothing moved to the new portal, nothing new, nothing removed
    assert conn.execute("select count(*) from reports where organ = '平潭综合实验区' and report_year = 2019"
                        ).fetchone()[0] == 1
    overlap = conn.execute("select url, message from errors where portal = 'pingtan' and stage = 'overlap'").fetchall()
    assert [url for url, _ in overlap] == [trs + "zwgk/zfxxgk/zfxxgknb/202001/t20200120_80576.htm"]
    assert "of portal replica-pingtan" in overlap[0][1] and "kept as that portal's" in overlap[0][1]
    assert conn.execute("select status from crawl_runs where portal = 'pingtan'").fetchone()[0] == "no_reports"
    assert conn.execute("select count(*) from changes").fetchone()[0] == \
        sqlite3.connect(archive["path"]).execute("select count(*) from changes").fetchone()[0]
