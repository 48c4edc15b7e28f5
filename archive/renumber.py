"""Report ids in a fixed order, so an archive built again from the same crawls has the same ids.

A crawl numbers reports in the order it happens to store them (concurrent downloads); the
demo build (replica/demo.py) renumbers its fresh archive by (first run, URL) before it is
published, so `/archive/reports/3` is the same report after every `make demo`. Only for an
archive no one has linked to yet: ids are what links and citations use.
"""
from __future__ import annotations

from . import store
from .schema import open_archive, refill_report_summary

# Every column holding a report id (reports_fts and report_summary are rebuilt).
REPORT_ID_COLUMNS = [(table, "report_id") for table in store.DERIVED] + [("changes", "report_id"),
                                                                         ("attachments", "report_id")]


def renumber_reports(path) -> int:
    """Renumber the reports of the archive at `path` by (first_run, url); returns how many moved."""
    db = open_archive(path)
    conn = db.conn
    order = [r[0] for r in conn.execute("select id from reports order by first_run, url, id")]
    mapping = {old: new for new, old in enumerate(order, start=1) if old != new}
    if not mapping:
        conn.close()
        return 0
    conn.execute("PRAGMA foreign_keys=OFF")  # ids change in every table within one transaction
    with db.atomic():
        conn.execute("create temp table id_map (old integer primary key, new integer)")
        conn.executemany("insert into id_map values (?, ?)", mapping.items())
        # through negative ids, so no key is ever held by two rows at once
        for table, column in [("reports", "id")] + REPORT_ID_COLUMNS:
            conn.execute(f"update [{table}] set [{column}] = -(select new from id_map where old = [{column}]) "
                         f"where [{column}] in (select old from id_map)")
            conn.execute(f"update [{table}] set [{column}] = -[{column}] where [{column}] < 0")
        conn.execute("drop table id_map")
        conn.execute("delete from reports_fts")
        for report_id in order:
            store.index_report(db, mapping.get(report_id, report_id), fresh=True)
        refill_report_summary(db)
    conn.execute("PRAGMA foreign_keys=ON")
    store.cross_year_checks(db)  # R5's details name the other report by id
    conn.close()
    return len(mapping)
